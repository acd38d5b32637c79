/**
 * The local ledger: rows keyed by (account, venue row id), so a row fetched twice is stored once,
 * and each endpoint's sync cursor. A page's rows and the cursor that moves past it are written in
 * one transaction: a reload never finds the cursor ahead of the rows, nor rows lost.
 */
import type { LedgerEntry, LedgerFill, LedgerStream } from '$lib/exchanges/types';
import { atomically } from './atomic';
import type { LedgerCursorRecord } from './ledger-schema';
import type { PerchDatabase } from './open';

const STORE: Record<LedgerStream, 'ledger' | 'fills'> = { entries: 'ledger', fills: 'fills' };

/**
 * Refused: the account a page or cursor belongs to is no longer stored. Removing an account
 * deletes its history in one transaction; a sync still running for it must not write rows back.
 */
export class AccountRemovedError extends Error {
	constructor() {
		super('This account was removed, so its history was not stored.');
		this.name = 'AccountRemovedError';
	}
}

type AccountsTx = { objectStore(name: 'accounts'): { getKey(id: string): Promise<unknown> } };

/** Throws AccountRemovedError unless every one of `ids` is a stored account (inside `tx`). */
async function requireAccounts(tx: AccountsTx, ids: Iterable<string>): Promise<void> {
	for (const id of new Set(ids)) {
		if ((await tx.objectStore('accounts').getKey(id)) === undefined) {
			throw new AccountRemovedError();
		}
	}
}

export function getLedgerCursor(
	db: PerchDatabase,
	accountId: string,
	stream: LedgerStream
): Promise<LedgerCursorRecord | undefined> {
	return db.get('ledgerCursors', [accountId, stream]);
}

/** Stores a cursor, only while its account is stored. */
export async function putLedgerCursor(
	db: PerchDatabase,
	cursor: LedgerCursorRecord
): Promise<void> {
	const tx = db.transaction(['accounts', 'ledgerCursors'], 'readwrite');
	await atomically(tx, async (t) => {
		await requireAccounts(t, [cursor.accountId]);
		await t.objectStore('ledgerCursors').put(cursor);
	});
}

/** Stores one page's rows and the cursor past it, all or nothing, only while their account is stored. */
export async function storeLedgerPage(
	db: PerchDatabase,
	stream: LedgerStream,
	rows: readonly (LedgerEntry | LedgerFill)[],
	cursor: LedgerCursorRecord
): Promise<void> {
	const name = STORE[stream];
	// Checked before any request: a key IndexedDB refuses synchronously would leave the requests
	// already issued to reject unobserved.
	for (const r of rows) {
		if (typeof r.accountId !== 'string' || typeof r.id !== 'string' || !Number.isFinite(r.time)) {
			throw new TypeError('A ledger row without an account, id or time was not stored');
		}
	}
	const tx = db.transaction(['accounts', name, 'ledgerCursors'], 'readwrite');
	await atomically(tx, async (t) => {
		await requireAccounts(t, [cursor.accountId, ...rows.map((r) => r.accountId)]);
		const store = t.objectStore(name);
		// A duplicate replaces the stored copy (same key): the venue's latest word wins.
		await Promise.all([
			...rows.map((r) => store.put(r as LedgerEntry & LedgerFill)),
			t.objectStore('ledgerCursors').put(cursor)
		]);
	});
}

/** The newest stored row's time for one account and endpoint. */
export async function newestLedgerTime(
	db: PerchDatabase,
	accountId: string,
	stream: LedgerStream
): Promise<number | undefined> {
	const range = IDBKeyRange.bound([accountId, -Infinity], [accountId, Infinity]);
	const cursor = await db
		.transaction(STORE[stream])
		.store.index('by-account-time')
		.openCursor(range, 'prev');
	return cursor?.value.time;
}

/** Every stored entry of these accounts, oldest first. */
export async function listLedgerEntries(
	db: PerchDatabase,
	accountIds: readonly string[]
): Promise<LedgerEntry[]> {
	const tx = db.transaction('ledger');
	const index = tx.store.index('by-account-time');
	const parts = await Promise.all(
		accountIds.map((id) => index.getAll(IDBKeyRange.bound([id, -Infinity], [id, Infinity])))
	);
	await tx.done;
	const all = parts.flat();
	if (parts.length > 1) all.sort((a, b) => a.time - b.time);
	return all;
}

export async function countLedger(
	db: PerchDatabase,
	accountId: string,
	stream: LedgerStream
): Promise<number> {
	const range = IDBKeyRange.bound([accountId, -Infinity], [accountId, Infinity]);
	return db.countFromIndex(STORE[stream], 'by-account-time', range);
}

/** Forgets one account's ledger and cursors (the account was removed). */
export async function clearLedger(db: PerchDatabase, accountId: string): Promise<void> {
	const tx = db.transaction(['ledger', 'fills', 'ledgerCursors'], 'readwrite');
	const range = IDBKeyRange.bound([accountId], [accountId, []]);
	await Promise.all([
		tx.objectStore('ledger').delete(range),
		tx.objectStore('fills').delete(range),
		tx.objectStore('ledgerCursors').delete(range),
		tx.done
	]);
}
