import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { everyBeat, msToNextBeat, onNextBeat } from './screen-clock';

describe('msToNextBeat', () => {
	it('aims at the next multiple of the period', () => {
		expect(msToNextBeat(250, 0)).toBe(250);
		expect(msToNextBeat(250, 1)).toBe(249);
		expect(msToNextBeat(250, 249.5)).toBe(0.5);
		expect(msToNextBeat(250, 250)).toBe(250);
		expect(msToNextBeat(500, 1234)).toBe(266);
	});

	it('refuses a period that is not positive', () => {
		expect(() => msToNextBeat(0, 10)).toThrow(RangeError);
		expect(() => msToNextBeat(Number.NaN, 10)).toThrow(RangeError);
	});
});

describe('beats of different periods', () => {
	let t = 0;
	const clock = () => t;
	beforeEach(() => {
		vi.useFakeTimers();
		t = 37;
	});
	afterEach(() => vi.useRealTimers());

	async function advance(ms: number): Promise<void> {
		for (let i = 0; i < ms; i++) {
			t++;
			await vi.advanceTimersByTimeAsync(1);
		}
	}

	it('follow a period that changes: each beat is aimed with the period of that moment', async () => {
		let period = 250;
		const ticks: number[] = [];
		const beat = everyBeat(
			() => period,
			() => ticks.push(t),
			clock
		);
		await advance(600);
		period = 1000;
		await advance(2000);
		beat.stop();
		// 250 and 500 at 250 ms; the beat aimed at 750 before the change still fires, then 1000s.
		expect(ticks).toEqual([250, 500, 750, 1000, 2000]);
	});

	it('land on the same instants, so one frame shows all of them', async () => {
		const fast: number[] = [];
		const slow: number[] = [];
		const a = everyBeat(250, () => fast.push(t), clock);
		const b = everyBeat(500, () => slow.push(t), clock);
		await advance(1100);
		a.stop();
		b.stop();
		expect(fast).toEqual([250, 500, 750, 1000]);
		expect(slow).toEqual([500, 1000]);
		await advance(600);
		expect(fast).toHaveLength(4);
	});

	it('onNextBeat fires once per beat however often it is asked, and not after cancel', async () => {
		const fired: number[] = [];
		const next = onNextBeat(250, () => fired.push(t), clock);
		for (let i = 0; i < 20; i++) next.request();
		expect(next.pending).toBe(true);
		await advance(300);
		expect(fired).toEqual([250]);
		next.request();
		next.cancel();
		await advance(300);
		expect(fired).toEqual([250]);
	});
});
