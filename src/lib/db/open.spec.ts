import 'fake-indexeddb/auto';
import { IDBFactory, forceCloseDatabase } from 'fake-indexeddb';
import { unwrap } from 'idb';
import { describe, expect, it, vi } from 'vitest';
import { addLedgerStores } from './ledger-schema';
import { clearPerchDB, openPerchDB } from './open';
import { ALL_STORES, DB_VERSION } from './schema';

describe('openPerchDB', () => {
	it('creates every store with its key path and the close indexes', async () => {
		const db = await openPerchDB('perch', new IDBFactory());
		expect(db.version).toBe(DB_VERSION);
		expect([...db.objectStoreNames].sort()).toEqual([...ALL_STORES].sort());
		const tx = db.transaction(ALL_STORES);
		expect(tx.objectStore('vault').keyPath).toBeNull();
		expect(tx.objectStore('accounts').keyPath).toBe('id');
		expect(tx.objectStore('closes').keyPath).toBe('id');
		expect(tx.objectStore('settings').keyPath).toBe('key');
		expect(tx.objectStore('lastKnown').keyPath).toBe('accountId');
		expect([...tx.objectStore('closes').indexNames].sort()).toEqual(['by-account', 'by-created']);
		expect(tx.objectStore('closes').index('by-account').keyPath).toBe('accountId');
		expect(tx.objectStore('closes').index('by-created').keyPath).toBe('createdAt');
		await tx.done;
		db.close();
	});

	it('an upgrade from version 3 drops the unused snapshots store and keeps everything else', async () => {
		const factory = new IDBFactory();
		// The database as steps 1-3 left it, with a row where it matters.
		await new Promise<void>((resolve, reject) => {
			const req = factory.open('perch', 3);
			req.onupgradeneeded = () => {
				const raw = req.result;
				raw.createObjectStore('vault');
				raw.createObjectStore('accounts', { keyPath: 'id' });
				const closes = raw.createObjectStore('closes', { keyPath: 'id' });
				closes.createIndex('by-account', 'accountId');
				closes.createIndex('by-created', 'createdAt');
				raw.createObjectStore('settings', { keyPath: 'key' });
				raw.createObjectStore('snapshots', { keyPath: 'accountId' });
				addLedgerStores(raw);
				raw.createObjectStore('lastKnown', { keyPath: 'accountId' });
				const tx = req.transaction!;
				tx.objectStore('settings').put({ key: 'theme', value: 'light' });
				tx.objectStore('snapshots').put({
					accountId: 'a',
					positions: [],
					balances: [],
					savedAt: 1
				});
				tx.objectStore('lastKnown').put({ accountId: 'a', state: { iv: new Uint8Array(12) } });
			};
			req.onsuccess = () => {
				req.result.close();
				resolve();
			};
			req.onerror = () => reject(req.error);
		});
		const db = await openPerchDB('perch', factory);
		expect(db.version).toBe(DB_VERSION);
		expect([...db.objectStoreNames]).not.toContain('snapshots');
		expect([...db.objectStoreNames].sort()).toEqual([...ALL_STORES].sort());
		expect(await db.get('settings', 'theme')).toEqual({ key: 'theme', value: 'light' });
		expect(await db.getAllKeys('lastKnown')).toEqual(['a']);
		db.close();
	});

	it('a new database has no snapshots store', async () => {
		const db = await openPerchDB('perch', new IDBFactory());
		expect([...db.objectStoreNames]).not.toContain('snapshots');
		db.close();
	});

	it('keeps data when the same version is opened again', async () => {
		const factory = new IDBFactory();
		const first = await openPerchDB('perch', factory);
		await first.put('settings', { key: 'theme', value: 'dark' });
		first.close();
		const second = await openPerchDB('perch', factory);
		expect(await second.get('settings', 'theme')).toEqual({ key: 'theme', value: 'dark' });
		second.close();
	});

	it('closes itself when another tab upgrades, so that upgrade is not blocked', async () => {
		const factory = new IDBFactory();
		const onBlocking = vi.fn();
		const db = await openPerchDB('perch', factory, { onBlocking });
		const newer = factory.open('perch', DB_VERSION + 1);
		const blocked = vi.fn();
		newer.addEventListener('blocked', blocked);
		const upgraded = await new Promise<IDBDatabase>((resolve, reject) => {
			newer.onsuccess = () => resolve(newer.result);
			newer.onerror = () => reject(newer.error);
		});
		expect(upgraded.version).toBe(DB_VERSION + 1);
		expect(onBlocking).toHaveBeenCalledTimes(1);
		expect(blocked).not.toHaveBeenCalled();
		expect(() => db.transaction('settings')).toThrow();
		upgraded.close();
	});

	it('reports a connection the browser closed abnormally', async () => {
		const onTerminated = vi.fn();
		const db = await openPerchDB('perch', new IDBFactory(), { onTerminated });
		forceCloseDatabase(unwrap(db) as unknown as typeof IDBDatabase);
		expect(onTerminated).toHaveBeenCalledTimes(1);
	});

	it('clearPerchDB empties every store', async () => {
		const db = await openPerchDB('perch', new IDBFactory());
		await db.put('settings', { key: 'a', value: 1 });
		await db.put('lastKnown', {
			accountId: 'x',
			state: { iv: new Uint8Array(12), ciphertext: new ArrayBuffer(16) }
		});
		await clearPerchDB(db);
		for (const store of ALL_STORES) expect(await db.count(store)).toBe(0);
		db.close();
	});
});
