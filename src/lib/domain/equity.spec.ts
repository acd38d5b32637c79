import { describe, expect, it } from 'vitest';
import type { Balance } from '$lib/exchanges/types';
import { aggregateBalances } from './equity';

function balance(overrides: Partial<Balance>): Balance {
	return {
		accountId: 'a',
		asset: 'USDT',
		equity: '0',
		available: '0',
		positionMargin: '0',
		frozen: '0',
		unrealizedPnl: '0',
		updatedAt: 0,
		...overrides
	};
}

describe('aggregateBalances', () => {
	it('is empty for no balances', () => {
		expect(aggregateBalances([])).toEqual([]);
	});

	it('sums each field per asset, exactly', () => {
		const totals = aggregateBalances([
			balance({
				accountId: 'main',
				equity: '1000.1',
				available: '800.2',
				positionMargin: '150',
				unrealizedPnl: '-12.35'
			}),
			balance({
				accountId: 'alt',
				equity: '2000.2',
				available: '0.1',
				positionMargin: '1999.95',
				unrealizedPnl: '12.3'
			})
		]);
		expect(totals).toEqual([
			{
				asset: 'USDT',
				// 1000.1 + 2000.2 = 3000.3
				equity: '3000.3',
				// 800.2 + 0.1 = 800.3 (floats give 800.3000000000001)
				available: '800.3',
				// 150 + 1999.95 = 2149.95
				positionMargin: '2149.95',
				// −12.35 + 12.3 = −0.05 (floats give −0.049999999999998934)
				unrealizedPnl: '-0.05',
				accounts: 2
			}
		]);
		expect(800.2 + 0.1).not.toBe(800.3);
	});

	it('keeps assets apart and sorts them by name', () => {
		const totals = aggregateBalances([
			balance({ accountId: 'main', asset: 'USDT', equity: '10', available: '5' }),
			balance({ accountId: 'main', asset: 'BTC', equity: '0.5', available: '0.25' }),
			balance({ accountId: 'alt', asset: 'USDT', equity: '2.5', available: '2.5' }),
			balance({ accountId: 'alt', asset: 'ETH', equity: '1e-3', unrealizedPnl: '0.0001' })
		]);
		expect(totals).toEqual([
			{
				asset: 'BTC',
				equity: '0.5',
				available: '0.25',
				positionMargin: '0',
				unrealizedPnl: '0',
				accounts: 1
			},
			{
				asset: 'ETH',
				// 1e-3 = 0.001
				equity: '0.001',
				available: '0',
				positionMargin: '0',
				unrealizedPnl: '0.0001',
				accounts: 1
			},
			{
				asset: 'USDT',
				// 10 + 2.5 = 12.5; 5 + 2.5 = 7.5
				equity: '12.5',
				available: '7.5',
				positionMargin: '0',
				unrealizedPnl: '0',
				accounts: 2
			}
		]);
	});

	it('counts an account once per asset', () => {
		const [usdt] = aggregateBalances([
			balance({ accountId: 'main', equity: '1' }),
			balance({ accountId: 'main', equity: '2' })
		]);
		expect(usdt.accounts).toBe(1);
		expect(usdt.equity).toBe('3');
	});

	it('stays exact past the precision of a double', () => {
		// 9007199254740993.01 + 0.01 = 9007199254740993.02 (2^53 + 1 has no exact double)
		const [usdt] = aggregateBalances([
			balance({ accountId: 'a', equity: '9007199254740993.01' }),
			balance({ accountId: 'b', equity: '0.01' })
		]);
		expect(usdt.equity).toBe('9007199254740993.02');
	});

	it('names the account and field when an amount is malformed', () => {
		expect(() => aggregateBalances([balance({ accountId: 'main', available: 'NaN' })])).toThrow(
			'Balance available of account main (USDT): Not a decimal number: "NaN"'
		);
	});
});
