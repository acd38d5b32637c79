/** Each account's last-known state, stored sealed (see vault/last-known.ts). */
import { inCreationOrder } from './accounts-repo';
import type { PerchDatabase } from './open';
import type { AccountRecord, LastKnownRecord } from './schema';

export function getLastKnown(
	db: PerchDatabase,
	accountId: string
): Promise<LastKnownRecord | undefined> {
	return db.get('lastKnown', accountId);
}

/** Writes only while the account still exists: a late save must not outlive its removal. */
export async function putLastKnown(db: PerchDatabase, record: LastKnownRecord): Promise<boolean> {
	const tx = db.transaction(['accounts', 'lastKnown'], 'readwrite');
	const exists = (await tx.objectStore('accounts').getKey(record.accountId)) !== undefined;
	if (exists) await tx.objectStore('lastKnown').put(record);
	await tx.done;
	return exists;
}

/**
 * What an unlock opens, read in one transaction: every account record and every sealed
 * last-known state, by account id. Ciphertext only, so it can be read before the key exists.
 */
export async function readSealedAccounts(
	db: PerchDatabase
): Promise<{ accounts: AccountRecord[]; lastKnown: Map<string, LastKnownRecord> }> {
	const tx = db.transaction(['accounts', 'lastKnown']);
	const [accounts, known] = await Promise.all([
		tx.objectStore('accounts').getAll(),
		tx.objectStore('lastKnown').getAll(),
		tx.done
	]);
	return {
		accounts: inCreationOrder(accounts),
		lastKnown: new Map(known.map((k) => [k.accountId, k]))
	};
}
