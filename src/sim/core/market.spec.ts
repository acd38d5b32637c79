import { describe, expect, it } from 'vitest';
import { DEFAULT_INSTRUMENTS } from './instruments';
import { BOOK_LEVELS, FUNDING_INTERVAL_MS, MarketEngine } from './market';
import { Prng } from './prng';

const T0 = Date.UTC(2026, 0, 5, 7, 0, 0);

function run(seed: number, steps: number, seen = new Map<string, Set<number>>()) {
	const rng = new Prng(seed);
	const engine = new MarketEngine(DEFAULT_INSTRUMENTS, rng, T0);
	for (let i = 0; i < steps; i++) {
		for (const m of engine.markets.values()) {
			m.step(rng, T0 + i * 250);
			const prices = seen.get(m.instrument.symbol) ?? new Set<number>();
			seen.set(m.instrument.symbol, prices.add(m.last));
		}
	}
	return engine;
}

describe('MarketEngine', () => {
	it('keeps every book full, sorted and uncrossed while prices walk', () => {
		const seen = new Map<string, Set<number>>();
		const engine = run(42, 400, seen);
		for (const m of engine.markets.values()) {
			const bids = m.sortedBids();
			const asks = m.sortedAsks();
			expect(bids).toHaveLength(BOOK_LEVELS);
			expect(asks).toHaveLength(BOOK_LEVELS);
			expect(bids[0][0]).toBeLessThan(asks[0][0]);
			expect(bids.every(([, size]) => Number.isInteger(size) && size > 0)).toBe(true);
			expect(seen.get(m.instrument.symbol)!.size).toBeGreaterThan(5);
		}
	});

	it('replays the same market from the same seed', () => {
		const a = run(7, 50).get('BTCUSDT')!;
		const b = run(7, 50).get('BTCUSDT')!;
		const c = run(8, 50).get('BTCUSDT')!;
		expect(a.sortedBids().slice(0, 20)).toEqual(b.sortedBids().slice(0, 20));
		expect(a.last).toBe(b.last);
		expect(c.last).not.toBe(a.last);
	});

	it('settles funding on the 8 h grid and schedules the next one', () => {
		const m = run(1, 1).get('ETHUSDT')!;
		expect(m.nextFundingTime % FUNDING_INTERVAL_MS).toBe(0);
		expect(m.settleFunding(m.nextFundingTime - 1)).toBeUndefined();
		const due = m.nextFundingTime;
		const settled = m.settleFunding(due + 5);
		expect(settled?.time).toBe(due);
		expect(m.lastFundingRate).toBe(settled?.rate);
		expect(m.nextFundingTime).toBe(due + FUNDING_INTERVAL_MS);
		expect(m.price(m.last)).toMatch(/^\d+\.\d\d$/);
	});
});
