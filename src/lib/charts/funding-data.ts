/**
 * Funding history as uPlot columns: x in Unix seconds, the rate in percent, split into a
 * positive and a negative series so each can carry its own colour.
 */

export interface FundingPoint {
	/** Unix milliseconds. */
	time: number;
	/** A fraction: 0.0001 is 0.01 %. */
	rate: number;
}

export type FundingColumns = [
	seconds: number[],
	positivePercent: (number | null)[],
	negativePercent: (number | null)[]
];

/**
 * Sorts by time (history pages may arrive in any order), keeps the last point seen for a repeated
 * time and skips points that are not finite numbers. A zero rate counts as positive.
 */
export function fundingColumns(points: readonly FundingPoint[]): FundingColumns {
	const byTime = new Map<number, number>();
	for (const { time, rate } of points) {
		if (Number.isFinite(time) && Number.isFinite(rate)) byTime.set(time, rate);
	}
	const times = [...byTime.keys()].sort((a, b) => a - b);
	const seconds: number[] = [];
	const positive: (number | null)[] = [];
	const negative: (number | null)[] = [];
	for (const time of times) {
		const percent = (byTime.get(time) as number) * 100;
		seconds.push(time / 1000);
		positive.push(percent >= 0 ? percent : null);
		negative.push(percent < 0 ? percent : null);
	}
	return [seconds, positive, negative];
}

/**
 * A y range that always contains zero, so bars grow from a visible baseline, with a little
 * headroom. Flat-zero data gets a small symmetric range instead of a degenerate one.
 */
export function rangeIncludingZero(
	dataMin: number | null,
	dataMax: number | null
): [min: number, max: number] {
	const low = Math.min(0, dataMin ?? 0);
	const high = Math.max(0, dataMax ?? 0);
	if (low === high) return [-0.01, 0.01];
	const pad = (high - low) * 0.1;
	return [low === 0 ? 0 : low - pad, high === 0 ? 0 : high + pad];
}

/** One lone funding point still gets a readable hour either side. */
const SINGLE_BAR_HALF_WIDTH_S = 3600;

/** Half a bar of room at each end, so the first and last bars are not cut in half. */
export function paddedTimeRange(
	seconds: ArrayLike<number>,
	fallbackMin: number,
	fallbackMax: number
): [min: number, max: number] {
	const count = seconds.length;
	if (count === 0) return [fallbackMin, fallbackMax];
	let gap = Number.POSITIVE_INFINITY;
	for (let i = 1; i < count; i++) gap = Math.min(gap, seconds[i] - seconds[i - 1]);
	const half = Number.isFinite(gap) && gap > 0 ? gap / 2 : SINGLE_BAR_HALF_WIDTH_S;
	return [seconds[0] - half, seconds[count - 1] + half];
}
