/**
 * The user's own funding for one symbol, lined up with the funding-rate history's times, so the
 * market screen can draw it under the rate it was paid at.
 *
 * A ledger row's time is when the venue booked it, which may trail the funding time by seconds
 * (or a little more); each row goes to the nearest chart time within half the chart's smallest
 * interval. Rows farther from every chart time (older than the history shown) are left out and
 * counted. Amounts are summed exactly; numbers are only for drawing.
 */
import type { LedgerEntry } from '$lib/exchanges/types';
import { Amount, ExactSum, readAmount } from './exact-sum';

export interface OwnFundingSeries {
	/** The asset the amounts are in (the one most rows use); null when no row matched. */
	asset: string | null;
	/** The chart's times (ms, ascending), as given. */
	times: number[];
	/** Exact signed sum per chart time (+ received, − paid); null where no row fell. */
	sums: (string | null)[];
	/** The same sums as numbers, for drawing. */
	values: (number | null)[];
	/** Exact total of the matched rows. */
	total: string;
	/** Rows matched to a chart time. */
	matched: number;
	/** Funding rows of this symbol and asset outside the chart's times. */
	outside: number;
	/** Funding rows of this symbol in another asset (not drawn). */
	otherAsset: number;
}

/** Used when the chart has a single time: a funding interval is never shorter than an hour. */
const SINGLE_POINT_TOLERANCE_MS = 30 * 60_000;

/** Half the smallest gap between consecutive (sorted, distinct) times. */
function tolerance(times: readonly number[]): number {
	let gap = Infinity;
	for (let i = 1; i < times.length; i++) gap = Math.min(gap, times[i] - times[i - 1]);
	return Number.isFinite(gap) ? gap / 2 : SINGLE_POINT_TOLERANCE_MS;
}

/** Index of the time nearest `t` within `tol` (an earlier time wins a tie), or -1. */
function nearest(times: readonly number[], t: number, tol: number): number {
	let lo = 0;
	let hi = times.length;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (times[mid] < t) lo = mid + 1;
		else hi = mid;
	}
	let best = -1;
	let bestDistance = Infinity;
	for (const i of [lo - 1, lo]) {
		if (i < 0 || i >= times.length) continue;
		const d = Math.abs(times[i] - t);
		if (d <= tol && d < bestDistance) {
			best = i;
			bestDistance = d;
		}
	}
	return best;
}

/**
 * `rows` may hold any ledger rows of any accounts; only `funding` rows of exactly `symbol` count.
 * `chartTimes` are the funding-rate history's times in ms (any order, duplicates allowed).
 */
export function ownFundingSeries(
	rows: readonly LedgerEntry[],
	symbol: string,
	chartTimes: readonly number[]
): OwnFundingSeries {
	const times = [...new Set(chartTimes.filter((t) => Number.isFinite(t)))].sort((a, b) => a - b);
	const funding = rows.filter((r) => r.type === 'funding' && r.symbol === symbol);
	const byAsset = new Map<string, number>();
	for (const r of funding) byAsset.set(r.asset, (byAsset.get(r.asset) ?? 0) + 1);
	let asset: string | null = null;
	for (const [name, count] of byAsset) {
		if (asset === null || count > (byAsset.get(asset) as number)) asset = name;
	}

	const sums: (ExactSum | null)[] = times.map(() => null);
	const total = new ExactSum();
	const amount = new Amount();
	const tol = tolerance(times);
	let matched = 0;
	let outside = 0;
	let otherAsset = 0;
	for (const r of funding) {
		if (r.asset !== asset) {
			otherAsset++;
			continue;
		}
		const i = nearest(times, r.time, tol);
		if (i < 0) {
			outside++;
			continue;
		}
		readAmount(r.amount, amount);
		(sums[i] ??= new ExactSum()).add(amount);
		total.add(amount);
		matched++;
	}
	return {
		asset: matched > 0 ? asset : null,
		times,
		sums: sums.map((s) => (s ? s.toString() : null)),
		values: sums.map((s) => (s ? s.toNumber() : null)),
		total: total.toString(),
		matched,
		outside,
		otherAsset
	};
}

/** A signed amount as shown: "+1.25" received, "−0.5" paid (a real minus sign), "0" as is. */
export function signedAmount(sum: string): string {
	if (sum.startsWith('-')) return `\u2212${sum.slice(1)}`;
	return /^0(\.0*)?$/.test(sum) ? sum : `+${sum}`;
}
