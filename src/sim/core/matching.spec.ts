import { describe, expect, it } from 'vitest';
import { liquidationPrice, positionMargin, takerFee, unrealizedPnl } from './margin';
import { averageTicks, walkBook } from './matching';

describe('walkBook', () => {
	it('fills level by level at each level’s price and stops when the size is done', () => {
		const fills = walkBook(
			[
				[1000, 3],
				[1001, 5],
				[1003, 10]
			],
			9
		);
		expect(fills).toEqual([
			{ ticks: 1000, vol: 3 },
			{ ticks: 1001, vol: 5 },
			{ ticks: 1003, vol: 1 }
		]);
		expect(averageTicks(fills)).toBeCloseTo((3000 + 5005 + 1003) / 9, 10);
	});

	it('returns what the book holds when it runs out', () => {
		expect(walkBook([[5, 2]], 10)).toEqual([{ ticks: 5, vol: 2 }]);
		expect(walkBook([], 1)).toEqual([]);
	});
});

describe('margin rules', () => {
	const long = {
		side: 'long' as const,
		size: 40,
		entryPrice: 60000,
		leverage: '10',
		openType: 'isolated' as const
	};

	it('computes margin, unrealized PnL and the taker fee', () => {
		expect(positionMargin(long, 0.001)).toBeCloseTo(240, 10);
		expect(unrealizedPnl(long, 0.001, 61000)).toBeCloseTo(40, 10);
		expect(unrealizedPnl({ ...long, side: 'short' }, 0.001, 61000)).toBeCloseTo(-40, 10);
		expect(takerFee(10, 0.001, 61000)).toBeCloseTo(0.366, 10);
	});

	it('prices isolated liquidation from the entry and cross liquidation from the free balance', () => {
		expect(liquidationPrice(long, 0.001, 1_000_000)).toBeCloseTo(54300, 8);
		expect(liquidationPrice({ ...long, side: 'short' }, 0.001, 0)).toBeCloseTo(65700, 8);
		// Cross: margin 240 + available 100 − maintenance 12 = 328 over 0.04 BTC → 8200 below.
		expect(liquidationPrice({ ...long, openType: 'cross' }, 0.001, 100)).toBeCloseTo(51800, 8);
		expect(liquidationPrice({ ...long, openType: 'cross' }, 0.001, 1e9)).toBe(0);
	});
});
