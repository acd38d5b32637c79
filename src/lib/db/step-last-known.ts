/**
 * Schema step "last-known state": one new store, nothing else touched, so it can take whichever
 * version number it lands as (see open.ts). Its records are ciphertext only.
 */
import type { IDBPDatabase } from 'idb';
import type { PerchDB } from './schema';

export function addLastKnownStore(db: IDBPDatabase<PerchDB>): void {
	if (!db.objectStoreNames.contains('lastKnown')) {
		db.createObjectStore('lastKnown', { keyPath: 'accountId' });
	}
}
