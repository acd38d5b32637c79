import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from '$lib/exchanges/types';
import { filterLedger, ledgerCsv, ledgerSymbols } from './ledger-view';

const T0 = Date.UTC(2026, 10, 1, 8, 0, 0);
const rows: LedgerEntry[] = [
	{
		id: 'a',
		accountId: 'm',
		time: T0,
		type: 'funding',
		amount: '-0.12500000',
		asset: 'USDT',
		symbol: 'BTCUSDT'
	},
	{
		id: 'b',
		accountId: 'm',
		time: T0 + 1000,
		type: 'fee',
		amount: '-0.0006',
		asset: 'USDT',
		symbol: 'ETHUSDT'
	},
	{ id: 'c', accountId: 's', time: T0 + 2000, type: 'transfer', amount: '1000', asset: 'USDT' },
	{
		id: 'd,"x"',
		accountId: 's',
		time: T0 + 3000,
		type: 'funding',
		amount: '0.1',
		asset: 'USDT',
		symbol: 'BTCUSDT'
	}
];

describe('filterLedger', () => {
	it('filters by account, type, symbol and an inclusive date range', () => {
		expect(filterLedger(rows, { accountId: 's' }).map((r) => r.id)).toEqual(['c', 'd,"x"']);
		expect(filterLedger(rows, { type: 'funding' }).map((r) => r.id)).toEqual(['a', 'd,"x"']);
		expect(filterLedger(rows, { symbol: 'BTCUSDT', accountId: 'm' }).map((r) => r.id)).toEqual([
			'a'
		]);
		expect(filterLedger(rows, { from: T0 + 1000, to: T0 + 2000 }).map((r) => r.id)).toEqual([
			'b',
			'c'
		]);
		expect(filterLedger(rows, {})).toHaveLength(4);
	});
});

describe('ledgerCsv', () => {
	it('writes a header, ISO times, amounts exactly as stored and quotes what needs it', () => {
		const labels: Record<string, string> = { m: 'Main', s: 'Side, 2' };
		expect(ledgerCsv(rows, (id) => labels[id])).toBe(
			'time,account,type,symbol,amount,asset,id\r\n' +
				'2026-11-01T08:00:00.000Z,Main,funding,BTCUSDT,-0.12500000,USDT,a\r\n' +
				'2026-11-01T08:00:01.000Z,Main,fee,ETHUSDT,-0.0006,USDT,b\r\n' +
				'2026-11-01T08:00:02.000Z,"Side, 2",transfer,,1000,USDT,c\r\n' +
				'2026-11-01T08:00:03.000Z,"Side, 2",funding,BTCUSDT,0.1,USDT,"d,""x"""\r\n'
		);
	});

	it('defuses a label a spreadsheet would run as a formula', () => {
		expect(ledgerCsv([rows[0]], () => '=HYPERLINK("x")').split('\r\n')[1]).toContain(
			`"'=HYPERLINK(""x"")"`
		);
	});

	it('lists symbols once, sorted', () => {
		expect(ledgerSymbols(rows)).toEqual(['BTCUSDT', 'ETHUSDT']);
	});
});
