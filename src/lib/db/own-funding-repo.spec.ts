import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from '$lib/exchanges/types';
import type { LedgerCursorRecord } from './ledger-schema';
import { storeLedgerPage } from './ledger-repo';
import { seedAccounts } from './account-fixture';
import { openPerchDB } from './open';
import { fundingForSymbol } from './own-funding-repo';

function entry(part: Partial<LedgerEntry> & { id: string }): LedgerEntry {
	return {
		accountId: 'a',
		time: 100,
		type: 'funding',
		amount: '-0.1',
		asset: 'USDT',
		symbol: 'BTCUSDT',
		...part
	};
}

function cursor(accountId: string): LedgerCursorRecord {
	return {
		accountId,
		stream: 'entries',
		pending: [],
		runFrom: 0,
		runTo: 1,
		rows: 0,
		windows: 0,
		truncated: 0,
		updatedAt: 1
	};
}

describe('fundingForSymbol', () => {
	it('returns the funding rows of exactly that symbol since a time, of every account, oldest first', async () => {
		const db = await openPerchDB('t', new IDBFactory());
		await seedAccounts(db, 'a', 'b');
		await storeLedgerPage(
			db,
			'entries',
			[
				entry({ id: '1', time: 300 }),
				entry({ id: '2', time: 50 }),
				entry({ id: '3', time: 200, type: 'fee' }),
				entry({ id: '4', time: 200, symbol: 'BTCUSDT_UMCBL' }),
				entry({ id: '5', time: 100, symbol: undefined, type: 'transfer' })
			],
			cursor('a')
		);
		await storeLedgerPage(
			db,
			'entries',
			[entry({ id: '1', accountId: 'b', time: 150 })],
			cursor('b')
		);
		const rows = await fundingForSymbol(db, 'BTCUSDT', 100);
		expect(rows.map((r) => [r.accountId, r.id])).toEqual([
			['b', '1'],
			['a', '1']
		]);
		expect(await fundingForSymbol(db, 'ETHUSDT', 0)).toEqual([]);
	});
});
