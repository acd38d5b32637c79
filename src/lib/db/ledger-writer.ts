/**
 * Where the ledger sync writes its pages: in a Worker that opens the same database (the app), or
 * on the calling thread (unit tests, and the fallback when the worker cannot start, e.g. offline
 * before its script was ever cached). Either way one page and its cursor are one transaction.
 */
import type { LedgerEntry, LedgerFill, LedgerStream } from '$lib/exchanges/types';
import { storeLedgerPage } from './ledger-repo';
import type { LedgerCursorRecord } from './ledger-schema';
import type { PerchDatabase } from './open';

export interface LedgerPageWriter {
	/** Stores the rows and the cursor past them, all or nothing; resolves once committed. */
	store(
		stream: LedgerStream,
		rows: readonly (LedgerEntry | LedgerFill)[],
		cursor: LedgerCursorRecord
	): Promise<void>;
	close(): void;
}

export interface LedgerStoreRequest {
	id: number;
	/** The database's name (the app's is "perch"; the bench uses its own). */
	db: string;
	stream: LedgerStream;
	rows: readonly (LedgerEntry | LedgerFill)[];
	cursor: LedgerCursorRecord;
}

export type LedgerStoreReply =
	{ id: number; ok: true } | { id: number; ok: false; name: string; message: string };

/** Writes on this thread. */
export function directLedgerWriter(db: () => Promise<PerchDatabase>): LedgerPageWriter {
	return {
		async store(stream, rows, cursor) {
			await storeLedgerPage(await db(), stream, rows, cursor);
		},
		close() {}
	};
}

interface Pending {
	request: LedgerStoreRequest;
	resolve(): void;
	reject(error: Error): void;
}

/**
 * Writes through a worker running ledger-store.worker.ts, started on first use. If the worker
 * fails (its script cannot load, or it crashes), the pages it had not confirmed and all later ones
 * go to `fallback`: a page's write is a `put` of the same keys, so writing it twice is harmless.
 */
export function workerLedgerWriter(
	spawn: () => Worker,
	dbName: string,
	fallback: LedgerPageWriter
): LedgerPageWriter {
	let worker: Worker | null = null;
	let broken = false;
	let next = 1;
	const pending = new Map<number, Pending>();

	const settle = (p: Pending, work: Promise<void>) => work.then(p.resolve, p.reject);

	function fail(): void {
		broken = true;
		worker?.terminate();
		worker = null;
		const left = [...pending.values()];
		pending.clear();
		// In the order they were sent: a later cursor must not land before an earlier page.
		let chain: Promise<unknown> = Promise.resolve();
		for (const p of left) {
			const { stream, rows, cursor } = p.request;
			const work = chain.then(() => fallback.store(stream, rows, cursor));
			chain = work.catch(() => undefined);
			void settle(p, work);
		}
	}

	function start(): Worker | null {
		if (worker || broken) return worker;
		try {
			worker = spawn();
		} catch {
			broken = true;
			return null;
		}
		worker.onmessage = (event: MessageEvent<LedgerStoreReply>) => {
			const reply = event.data;
			const p = pending.get(reply.id);
			if (!p) return;
			pending.delete(reply.id);
			if (reply.ok) p.resolve();
			else p.reject(Object.assign(new Error(reply.message), { name: reply.name }));
		};
		worker.onerror = (event) => {
			event.preventDefault();
			fail();
		};
		worker.onmessageerror = () => fail();
		return worker;
	}

	return {
		store(stream, rows, cursor) {
			const w = start();
			if (!w) return fallback.store(stream, rows, cursor);
			const request: LedgerStoreRequest = { id: next++, db: dbName, stream, rows, cursor };
			return new Promise<void>((resolve, reject) => {
				pending.set(request.id, { request, resolve, reject });
				try {
					w.postMessage(request);
				} catch (error) {
					pending.delete(request.id);
					reject(error instanceof Error ? error : new Error(String(error)));
				}
			});
		},
		close() {
			worker?.terminate();
			worker = null;
			fallback.close();
		}
	};
}
