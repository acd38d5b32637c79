/** Account records: labels, venues and endpoints in the clear, credentials only as ciphertext. */
import { atomically } from './atomic';
import type { PerchDatabase } from './open';
import type { AccountRecord } from './schema';

/**
 * Oldest first, so the UI lists accounts in the order they were added. Sorting tolerates records
 * with missing fields: the vault reports those per account instead of failing the whole list.
 */
export async function listAccounts(db: PerchDatabase): Promise<AccountRecord[]> {
	return inCreationOrder(await db.getAll('accounts'));
}

/** Oldest first, as the accounts are listed everywhere. */
export function inCreationOrder(all: AccountRecord[]): AccountRecord[] {
	const time = (a: AccountRecord) => (Number.isFinite(a.createdAt) ? a.createdAt : 0);
	return all.sort((a, b) => time(a) - time(b) || String(a.id).localeCompare(String(b.id)));
}

export function getAccount(db: PerchDatabase, id: string): Promise<AccountRecord | undefined> {
	return db.get('accounts', id);
}

export async function putAccount(db: PerchDatabase, account: AccountRecord): Promise<void> {
	await db.put('accounts', account);
}

/**
 * Removes the account, its cached state and its stored history (ledger rows, fills, sync cursors,
 * equity samples), all or nothing; its close records stay as the audit trail. Left behind, the
 * history would still count in totals and the market screen's own funding, under no account.
 */
export function deleteAccount(db: PerchDatabase, id: string): Promise<boolean> {
	const stores = [
		'accounts',
		'lastKnown',
		'ledger',
		'fills',
		'ledgerCursors',
		'equitySamples'
	] as const;
	return atomically(db.transaction([...stores], 'readwrite'), async (tx) => {
		const existed = (await tx.objectStore('accounts').getKey(id)) !== undefined;
		const mine = IDBKeyRange.bound([id], [id, []]);
		await Promise.all([
			tx.objectStore('accounts').delete(id),
			tx.objectStore('lastKnown').delete(id),
			tx.objectStore('ledger').delete(mine),
			tx.objectStore('fills').delete(mine),
			tx.objectStore('ledgerCursors').delete(mine),
			tx.objectStore('equitySamples').delete(mine)
		]);
		return existed;
	});
}
