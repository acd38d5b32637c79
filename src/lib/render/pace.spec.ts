import { describe, expect, it } from 'vitest';
import { nextPace, paceCost, PACE_PERIODS_MS, START_PACE, type PaceState } from './pace';

/** The pace after redraws that each took `costMs`. */
function after(costs: number[], from: PaceState = START_PACE): PaceState {
	return costs.reduce(nextPace, from);
}
const period = (s: PaceState) => PACE_PERIODS_MS[s.step];

describe('screen pace', () => {
	it('stays at 250 ms where a redraw is cheap (5 ms: 2 % of the main thread)', () => {
		const s = after(Array(40).fill(5));
		expect(period(s)).toBe(250);
		expect(paceCost(s)).toBe(5);
	});

	it('slows to 500 ms where a redraw takes 25 ms, and to 1000 ms where it takes 50 ms', () => {
		// 25 ms is 10 % of 250 ms and 5 % of 500 ms; 50 ms is 10 % of 500 ms. The share is 8 %.
		expect(period(after(Array(40).fill(25)))).toBe(500);
		expect(period(after(Array(40).fill(50)))).toBe(1000);
	});

	it('never slows past once a second, however costly a redraw', () => {
		expect(period(after(Array(40).fill(500)))).toBe(1000);
	});

	it('does not react to a slow frame or two: the median of recent costs, and a few frames between changes', () => {
		const s = after([5, 5, 5, 5, 5, 5, 60, 5, 300, 5]);
		expect(period(s)).toBe(250);
		// Three frames at a new beat are not yet enough to change it.
		expect(period(after([80, 80, 80]))).toBe(250);
	});

	it('speeds up again once redraws get cheap, with hysteresis in between', () => {
		const slow = after(Array(40).fill(50));
		expect(period(slow)).toBe(1000);
		// 25 ms is 5 % of 500 ms: above the 4.8 % it takes to speed up, so 1000 ms stays.
		expect(period(after(Array(40).fill(25), slow))).toBe(1000);
		const fast = after(Array(60).fill(4), slow);
		expect(period(fast)).toBe(250);
	});

	it('ignores a measurement that is not a duration', () => {
		expect(after([Number.NaN, -1, Infinity])).toEqual(START_PACE);
	});
});
