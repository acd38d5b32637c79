/**
 * Stores ledger pages off the main thread. Chromium serializes every `put` and computes its index
 * keys on the calling thread: a 1000-row page held the page's main thread for 100-400 ms
 * (bench history), long enough to drop frames and delay taps while a first sync runs. This
 * worker opens the same database and writes each page with its cursor in one transaction, in the
 * order the pages arrive.
 */
import { storeLedgerPage } from './ledger-repo';
import { openPerchDB, type PerchDatabase } from './open';
import type { LedgerStoreReply, LedgerStoreRequest } from './ledger-writer';

interface WorkerScope {
	onmessage: ((event: MessageEvent<LedgerStoreRequest>) => void) | null;
	postMessage(message: LedgerStoreReply): void;
}

const scope = globalThis as unknown as WorkerScope;
const connections = new Map<string, Promise<PerchDatabase>>();

function database(name: string): Promise<PerchDatabase> {
	let db = connections.get(name);
	if (!db) {
		// A newer tab upgrading the schema closes this connection; the next page opens it again.
		const forget = () => connections.delete(name);
		db = openPerchDB(name, undefined, { onBlocking: forget, onTerminated: forget });
		db.catch(forget);
		connections.set(name, db);
	}
	return db;
}

async function store(request: LedgerStoreRequest): Promise<LedgerStoreReply> {
	try {
		const db = await database(request.db);
		await storeLedgerPage(db, request.stream, request.rows, request.cursor);
		return { id: request.id, ok: true };
	} catch (error) {
		const e = error instanceof Error ? error : new Error(String(error));
		return { id: request.id, ok: false, name: e.name, message: e.message };
	}
}

let queue: Promise<void> = Promise.resolve();
scope.onmessage = (event) => {
	const request = event.data;
	queue = queue.then(async () => scope.postMessage(await store(request)));
};
