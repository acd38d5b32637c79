import { describe, expect, it } from 'vitest';
import { fundingColumns, paddedTimeRange, rangeIncludingZero } from './funding-data';

describe('fundingColumns', () => {
	it('converts ms to seconds and fractions to percent, splitting by sign', () => {
		const [seconds, positive, negative] = fundingColumns([
			{ time: 1_700_000_000_000, rate: 0.0001 },
			{ time: 1_700_028_800_000, rate: -0.00025 },
			{ time: 1_700_057_600_000, rate: 0 }
		]);
		expect(seconds).toEqual([1_700_000_000, 1_700_028_800, 1_700_057_600]);
		expect(positive[0]).toBeCloseTo(0.01, 12);
		expect(positive[1]).toBeNull();
		expect(positive[2]).toBe(0);
		expect(negative[0]).toBeNull();
		expect(negative[1]).toBeCloseTo(-0.025, 12);
		expect(negative[2]).toBeNull();
	});

	it('sorts by time and keeps the last point for a repeated time', () => {
		const [seconds, positive, negative] = fundingColumns([
			{ time: 3000, rate: 0.01 },
			{ time: 1000, rate: 0.02 },
			{ time: 3000, rate: -0.03 }
		]);
		expect(seconds).toEqual([1, 3]);
		expect(positive).toEqual([2, null]);
		expect(negative).toEqual([null, -3]);
	});

	it('skips points that are not finite', () => {
		const [seconds] = fundingColumns([
			{ time: Number.NaN, rate: 0.01 },
			{ time: 2000, rate: Number.POSITIVE_INFINITY },
			{ time: 4000, rate: 0.01 }
		]);
		expect(seconds).toEqual([4]);
	});

	it('gives empty columns for no points', () => {
		expect(fundingColumns([])).toEqual([[], [], []]);
	});
});

describe('rangeIncludingZero', () => {
	it('stretches an all-positive range down to zero with headroom on top', () => {
		expect(rangeIncludingZero(0.01, 0.03)).toEqual([0, 0.033]);
	});

	it('stretches an all-negative range up to zero', () => {
		expect(rangeIncludingZero(-0.02, -0.01)).toEqual([-0.022, 0]);
	});

	it('pads both ends of a range that crosses zero', () => {
		expect(rangeIncludingZero(-1, 1)).toEqual([-1.2, 1.2]);
	});

	it('gives a small symmetric range for flat or missing data', () => {
		expect(rangeIncludingZero(0, 0)).toEqual([-0.01, 0.01]);
		expect(rangeIncludingZero(null, null)).toEqual([-0.01, 0.01]);
	});
});

describe('paddedTimeRange', () => {
	it('adds half the smallest gap at each end', () => {
		expect(paddedTimeRange([0, 28_800, 57_600, 61_200], 0, 1)).toEqual([-1800, 63_000]);
	});

	it('gives a lone point an hour either side', () => {
		expect(paddedTimeRange([10_000], 0, 1)).toEqual([6400, 13_600]);
	});

	it('falls back to the given range when there is no data', () => {
		expect(paddedTimeRange([], 5, 9)).toEqual([5, 9]);
	});
});
