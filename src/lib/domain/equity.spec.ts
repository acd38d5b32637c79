import { describe, expect, it } from 'vitest';
import type { Balance, Position } from '$lib/exchanges/types';
import { equitySeries, equityValues } from './equity';

function balance(equity: string, unrealizedPnl: string, asset = 'USDT'): Balance {
	return {
		accountId: 'a',
		asset,
		equity,
		available: '0',
		positionMargin: '0',
		frozen: '0',
		unrealizedPnl,
		updatedAt: 0
	};
}

function position(
	symbol: string,
	side: 'long' | 'short',
	size: string,
	entryPrice: string,
	extra: Partial<Position> = {}
): Position {
	return {
		accountId: 'a',
		symbol,
		side,
		size,
		entryPrice,
		liquidationPrice: '0',
		margin: '10',
		leverage: '10',
		marginMode: 'cross',
		positionMode: 'hedge',
		updatedAt: 0,
		...extra
	};
}

describe('equityValues', () => {
	it('adds the positions at their live marks to the cash the balance held', () => {
		// Cash 1000 (1012.5 equity of which 12.5 unrealized at the venue's last report).
		const v = equityValues({
			balances: [balance('1012.5', '12.5')],
			positions: [
				// long 30 × 0.001 BTC from 60000 to 61000.1: +30.003
				position('BTCUSDT', 'long', '30', '60000'),
				// short 2 × 0.01 ETH from 3000 to 3100: −2
				position('ETHUSDT', 'short', '2', '3000')
			],
			contractSizes: { BTCUSDT: '0.001', ETHUSDT: '0.01' },
			marks: { BTCUSDT: '61000.1', ETHUSDT: '3100' }
		});
		expect(v).toEqual({
			asset: 'USDT',
			equity: '1028.003',
			unrealizedPnl: '28.003',
			priced: 2,
			unpriced: 0
		});
	});

	it('falls back to the feed mark, then the venue figure, and counts what it cannot price', () => {
		const v = equityValues({
			balances: [balance('500', '0')],
			positions: [
				position('BTCUSDT', 'long', '1', '100', { markPrice: '110' }),
				position('ETHUSDT', 'short', '1', '100', { unrealizedPnl: '-0.1' }),
				position('SOLUSDT', 'long', '1', '100')
			],
			contractSizes: { BTCUSDT: '1', SOLUSDT: '1' },
			marks: {}
		});
		expect(v).toEqual({
			asset: 'USDT',
			equity: '509.9',
			unrealizedPnl: '9.9',
			priced: 2,
			unpriced: 1
		});
	});

	it('is exact where doubles drift', () => {
		const v = equityValues({
			balances: [balance('0.1', '0')],
			positions: [position('X', 'long', '1', '0.1')],
			contractSizes: { X: '1' },
			marks: { X: '0.3' }
		});
		expect(v?.equity).toBe('0.3');
	});

	it('has nothing to say without a balance in the asset', () => {
		expect(
			equityValues({
				balances: [balance('5', '0', 'BTC')],
				positions: [],
				contractSizes: {},
				marks: {}
			})
		).toBeNull();
	});
});

describe('equitySeries', () => {
	it('sums accounts per minute, carrying an account that sampled in an earlier minute', () => {
		const m = 60_000;
		const series = equitySeries([
			{ accountId: 'a', time: 10 * m + 1000, equity: '100.1', unrealizedPnl: '1' },
			{ accountId: 'b', time: 10 * m + 2000, equity: '50.2', unrealizedPnl: '-2' },
			{ accountId: 'a', time: 11 * m + 500, equity: '101', unrealizedPnl: '2' },
			// b's timer lands in the next minute: a's latest carries.
			{ accountId: 'b', time: 12 * m + 100, equity: '50', unrealizedPnl: '0' }
		]);
		expect(series).toEqual([
			[600, 660, 720],
			[150.3, 151.2, 151],
			[-1, 0, 2]
		]);
	});
});
