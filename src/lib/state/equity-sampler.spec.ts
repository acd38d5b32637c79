import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EquitySampleRecord } from '$lib/db/step-equity-samples';
import { EquitySampler, type EquitySource } from './equity-sampler';

const MIN = 60_000;

function source(accountId: string, equity: () => string, ready = () => true): EquitySource {
	return {
		accountId,
		get ready() {
			return ready();
		},
		values: () => ({ asset: 'USDT', equity: equity(), unrealizedPnl: '0', priced: 0, unpriced: 0 })
	};
}

describe('EquitySampler', () => {
	let saved: EquitySampleRecord[];
	let mono: number;

	beforeEach(() => {
		vi.useFakeTimers();
		saved = [];
		mono = 1000;
	});
	afterEach(() => vi.useRealTimers());

	/** Advances the fake timers and, with them, the injected monotonic clock. */
	async function advance(ms: number, step = 1000): Promise<void> {
		for (let t = 0; t < ms; t += step) {
			mono += step;
			await vi.advanceTimersByTimeAsync(step);
		}
	}

	function sampler(sources: EquitySource[]): EquitySampler {
		return new EquitySampler({
			sources: () => sources,
			save: async (s) => void saved.push(...s),
			monotonicNow: () => mono,
			now: () => 1_700_000_000_000 + mono
		});
	}

	it('samples a connected account at once, then once a minute', async () => {
		let equity = 100;
		const s = sampler([source('a', () => String(equity++))]);
		s.start();
		expect(saved.map((r) => r.equity)).toEqual(['100']);
		await advance(59_000);
		expect(saved).toHaveLength(1);
		await advance(1000);
		expect(saved.map((r) => r.equity)).toEqual(['100', '101']);
		await advance(10 * MIN);
		expect(saved).toHaveLength(12);
		// On the grid of the first sample: one minute apart exactly, no drift.
		const times = saved.map((r) => r.time);
		expect(times.slice(1).map((t, i) => t - times[i])).toEqual(Array(11).fill(MIN));
		s.stop();
		await advance(5 * MIN, 10_000);
		expect(saved).toHaveLength(12);
	});

	it('waits for an account to connect, and samples it within the poll interval', async () => {
		let live = false;
		const s = sampler([
			source(
				'a',
				() => '5',
				() => live
			)
		]);
		s.start();
		await advance(30_000);
		expect(saved).toHaveLength(0);
		live = true;
		await advance(5_000);
		expect(saved).toHaveLength(1);
		s.stop();
	});

	it('skips the slots a sleeping tab missed instead of making them up', async () => {
		const s = sampler([source('a', () => '1')]);
		s.start();
		// The clock jumps 10 minutes while no timer ran (a suspended tab).
		mono += 10 * MIN + 30_000;
		await vi.advanceTimersByTimeAsync(MIN);
		expect(saved).toHaveLength(2);
		await advance(29_000);
		expect(saved).toHaveLength(2);
		await advance(1000);
		expect(saved).toHaveLength(3);
		s.stop();
	});

	it('stores nothing for an account without a balance to value', async () => {
		const s = new EquitySampler({
			sources: () => [{ accountId: 'a', ready: true, values: () => null }],
			save: async (x) => void saved.push(...x),
			monotonicNow: () => mono
		});
		s.start();
		await advance(3 * MIN, 5000);
		expect(saved).toHaveLength(0);
		s.stop();
	});
});
