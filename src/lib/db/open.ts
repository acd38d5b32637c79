/**
 * Opening the database. Written against the raw IDBFactory (not idb's `openDB`) so tests and a
 * second-tab scenario can pass their own factory; idb's `wrap` still gives the typed promises.
 */
import { unwrap, wrap, type IDBPDatabase, type IDBPTransaction } from 'idb';
import { addLedgerStores } from './ledger-schema';
import { addEquitySamplesStore } from './step-equity-samples';
import { dropSnapshotsStore } from './step-drop-snapshots';
import { addLastKnownStore } from './step-last-known';
import { ALL_STORES, DB_NAME, DB_VERSION, type PerchDB } from './schema';

export type PerchDatabase = IDBPDatabase<PerchDB>;

export interface OpenPerchDBEvents {
	/**
	 * Another tab wants a newer version. The connection is already closed when this runs (so that
	 * tab can upgrade); this tab should tell the user to reload.
	 */
	onBlocking?(): void;
	/** The browser closed the connection abnormally (storage cleared, disk error). */
	onTerminated?(): void;
	/** Our upgrade waits because an older tab keeps the database open. */
	onBlocked?(): void;
}

export function openPerchDB(
	name = DB_NAME,
	factory?: IDBFactory,
	events: OpenPerchDBEvents = {}
): Promise<PerchDatabase> {
	const request = (factory ?? globalThis.indexedDB).open(name, DB_VERSION);
	request.addEventListener('upgradeneeded', (event) => {
		const db = wrap(request.result) as unknown as PerchDatabase;
		const tx = wrap(request.transaction!) as unknown as UpgradeTransaction;
		upgrade(db, event.oldVersion, tx);
	});
	request.addEventListener('blocked', () => events.onBlocked?.());
	const opened = wrap(request) as unknown as Promise<PerchDatabase>;
	return opened.then((db) => {
		db.addEventListener('versionchange', () => {
			db.close();
			events.onBlocking?.();
		});
		db.addEventListener('close', () => events.onTerminated?.());
		return db;
	});
}

type UpgradeTransaction = IDBPTransaction<PerchDB, (typeof ALL_STORES)[number][], 'versionchange'>;

/** One step per version. A released step is never edited: add the next one below it. */
function upgrade(db: PerchDatabase, oldVersion: number, _tx: UpgradeTransaction): void {
	if (oldVersion < 1) {
		db.createObjectStore('vault');
		db.createObjectStore('accounts', { keyPath: 'id' });
		const closes = db.createObjectStore('closes', { keyPath: 'id' });
		closes.createIndex('by-account', 'accountId');
		closes.createIndex('by-created', 'createdAt');
		db.createObjectStore('settings', { keyPath: 'key' });
		db.createObjectStore('snapshots', { keyPath: 'accountId' });
	}
	if (oldVersion < 2) addLedgerStores(unwrap(db));
	if (oldVersion < 3) addLastKnownStore(db);
	if (oldVersion < 4) addEquitySamplesStore(db);
	if (oldVersion < 5) dropSnapshotsStore(unwrap(db));
}

/** Empties every store in one transaction: the "forget everything on this device" button. */
export async function clearPerchDB(db: PerchDatabase): Promise<void> {
	const tx = db.transaction(ALL_STORES, 'readwrite');
	await Promise.all([...ALL_STORES.map((store) => tx.objectStore(store).clear()), tx.done]);
}
