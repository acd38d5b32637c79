import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from '$lib/exchanges/types';
import {
	AccountRemovedError,
	clearLedger,
	countLedger,
	getLedgerCursor,
	listLedgerEntries,
	newestLedgerTime,
	putLedgerCursor,
	storeLedgerPage
} from './ledger-repo';
import type { LedgerCursorRecord } from './ledger-schema';
import { seedAccounts } from './account-fixture';
import { openPerchDB } from './open';

function entry(accountId: string, id: string, time: number, amount = '-0.1'): LedgerEntry {
	return { id, accountId, time, type: 'funding', amount, asset: 'USDT', symbol: 'BTCUSDT' };
}

function cursor(accountId: string, rows: number): LedgerCursorRecord {
	return {
		accountId,
		stream: 'entries',
		pending: [{ from: 0, to: 10 }],
		runFrom: 0,
		runTo: 100,
		rows,
		windows: 1,
		truncated: 0,
		updatedAt: 1
	};
}

describe('ledger repo', () => {
	it('stores a row fetched twice once', async () => {
		const db = await openPerchDB('t', new IDBFactory());
		await seedAccounts(db, 'a', 'b');
		await storeLedgerPage(db, 'entries', [entry('a', '1', 5), entry('a', '2', 7)], cursor('a', 2));
		await storeLedgerPage(db, 'entries', [entry('a', '2', 7), entry('a', '3', 9)], cursor('a', 4));
		expect(await countLedger(db, 'a', 'entries')).toBe(3);
		expect((await getLedgerCursor(db, 'a', 'entries'))?.rows).toBe(4);
	});

	it('keeps accounts apart: same venue id in two accounts is two rows', async () => {
		const db = await openPerchDB('t', new IDBFactory());
		await seedAccounts(db, 'a', 'b');
		await storeLedgerPage(db, 'entries', [entry('a', '1', 5), entry('b', '1', 6)], cursor('a', 1));
		expect(await newestLedgerTime(db, 'a', 'entries')).toBe(5);
		expect(await newestLedgerTime(db, 'b', 'entries')).toBe(6);
		expect(await newestLedgerTime(db, 'c', 'entries')).toBeUndefined();
		expect((await listLedgerEntries(db, ['a', 'b'])).map((e) => e.accountId)).toEqual(['a', 'b']);
		await clearLedger(db, 'a');
		expect(await countLedger(db, 'a', 'entries')).toBe(0);
		expect(await countLedger(db, 'b', 'entries')).toBe(1);
	});

	it('writes nothing, not even the cursor, when a row of the page is refused', async () => {
		const db = await openPerchDB('t', new IDBFactory());
		await seedAccounts(db, 'a', 'b');
		const bad = { ...entry('a', '2', 7), accountId: undefined } as unknown as LedgerEntry;
		await expect(
			storeLedgerPage(db, 'entries', [entry('a', '1', 5), bad], cursor('a', 2))
		).rejects.toThrow();
		expect(await countLedger(db, 'a', 'entries')).toBe(0);
		expect(await getLedgerCursor(db, 'a', 'entries')).toBeUndefined();
	});

	it('refuses a page or cursor of an account that is not stored, writing nothing', async () => {
		const db = await openPerchDB('t', new IDBFactory());
		await seedAccounts(db, 'a');
		await expect(
			storeLedgerPage(db, 'entries', [entry('gone', '1', 5)], cursor('gone', 1))
		).rejects.toBeInstanceOf(AccountRemovedError);
		// A row of another account in a stored account's page is refused too, with the whole page.
		await expect(
			storeLedgerPage(db, 'entries', [entry('a', '1', 5), entry('gone', '2', 6)], cursor('a', 2))
		).rejects.toBeInstanceOf(AccountRemovedError);
		await expect(putLedgerCursor(db, cursor('gone', 0))).rejects.toBeInstanceOf(
			AccountRemovedError
		);
		expect(await countLedger(db, 'gone', 'entries')).toBe(0);
		expect(await countLedger(db, 'a', 'entries')).toBe(0);
		expect(await getLedgerCursor(db, 'gone', 'entries')).toBeUndefined();
		expect(await getLedgerCursor(db, 'a', 'entries')).toBeUndefined();
	});
});
