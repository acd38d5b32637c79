import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from '$lib/exchanges/types';
import { ownFundingSeries, signedAmount } from './own-funding';

const H8 = 8 * 3600_000;
const T0 = Date.UTC(2026, 10, 1, 0);
const TIMES = [T0, T0 + H8, T0 + 2 * H8];

let n = 0;
function row(part: Partial<LedgerEntry>): LedgerEntry {
	return {
		id: `r${n++}`,
		accountId: 'a',
		time: T0,
		type: 'funding',
		amount: '0',
		asset: 'USDT',
		symbol: 'ETHUSDT',
		...part
	};
}

describe('ownFundingSeries', () => {
	it('sums every account’s rows per funding time exactly, rows a few seconds late included', () => {
		const s = ownFundingSeries(
			[
				row({ accountId: 'a', time: T0 + H8 + 2_000, amount: '0.1' }),
				row({ accountId: 'b', time: T0 + H8 - 1_000, amount: '0.2' }),
				row({ accountId: 'a', time: T0 + 2 * H8, amount: '-1.00000001' })
			],
			'ETHUSDT',
			TIMES
		);
		expect(s.asset).toBe('USDT');
		expect(s.times).toEqual(TIMES);
		// 0.1 + 0.2 in floats is 0.30000000000000004; the text must be exact.
		expect(s.sums).toEqual([null, '0.3', '-1.00000001']);
		expect(s.values).toEqual([null, 0.3, -1.00000001]);
		expect(s.total).toBe('-0.70000001');
		expect(s.matched).toBe(3);
	});

	it('matches the symbol exactly and counts only funding rows', () => {
		const s = ownFundingSeries(
			[
				row({ symbol: 'ETHUSDT', amount: '1' }),
				row({ symbol: 'ETHUSDT_UMCBL', amount: '10' }),
				row({ symbol: 'ethusdt', amount: '100' }),
				row({ type: 'fee', amount: '-5' }),
				row({ symbol: undefined, amount: '7' })
			],
			'ETHUSDT',
			TIMES
		);
		expect(s.sums).toEqual(['1', null, null]);
		expect(s.total).toBe('1');
	});

	it('leaves out and counts rows beyond half an interval from every chart time', () => {
		const s = ownFundingSeries(
			[
				row({ time: T0 - H8, amount: '3' }),
				row({ time: T0 + H8 / 2 + 1, amount: '4' }),
				row({ time: T0 + H8 / 2, amount: '5' })
			],
			'ETHUSDT',
			TIMES
		);
		// Exactly half way goes to the earlier time; one ms past it to the later one.
		expect(s.sums).toEqual(['5', '4', null]);
		expect(s.outside).toBe(1);
		expect(s.matched).toBe(2);
	});

	it('draws the asset most rows use and counts the others', () => {
		const s = ownFundingSeries(
			[
				row({ asset: 'USDT', amount: '1' }),
				row({ asset: 'USDT', time: T0 + H8, amount: '2' }),
				row({ asset: 'USDC', amount: '9' })
			],
			'ETHUSDT',
			TIMES
		);
		expect(s.asset).toBe('USDT');
		expect(s.sums).toEqual(['1', '2', null]);
		expect(s.otherAsset).toBe(1);
	});

	it('has no asset and no sums when nothing matched, and accepts unsorted chart times', () => {
		const s = ownFundingSeries([row({ symbol: 'BTCUSDT' })], 'ETHUSDT', [T0 + H8, T0, T0]);
		expect(s.asset).toBeNull();
		expect(s.times).toEqual([T0, T0 + H8]);
		expect(s.sums).toEqual([null, null]);
		expect(s.total).toBe('0');
	});
});

describe('signedAmount', () => {
	it('marks received with + and paid with a minus sign', () => {
		expect(signedAmount('0.3')).toBe('+0.3');
		expect(signedAmount('-1.5')).toBe('\u22121.5');
		expect(signedAmount('0')).toBe('0');
	});
});
