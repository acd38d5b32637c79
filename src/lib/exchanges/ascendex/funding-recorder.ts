/**
 * AscendEX documents no funding-rate history (notes §4): the chart shows what Perch recorded from
 * the pricing stream while it watched, kept for this page's life. One point per funding period:
 * when the next funding time moves on, the last rate seen before it was the settled one; the
 * current prediction is the last point.
 */

import type { FundingRatePoint } from '$lib/exchanges/types';
import type { PricingRow } from './normalize';

const MAX_POINTS = 500;

interface Series {
	settled: FundingRatePoint[];
	current?: { nextFundingTime: number; rate: string };
}

export class FundingRecorder {
	readonly #series = new Map<string, Series>();

	record(row: PricingRow): void {
		const series = this.#series.get(row.symbol) ?? { settled: [] };
		const current = series.current;
		if (current && row.nextFundingTime > current.nextFundingTime) {
			series.settled.push({ time: current.nextFundingTime, rate: current.rate });
			if (series.settled.length > MAX_POINTS) series.settled.shift();
		}
		series.current = { nextFundingTime: row.nextFundingTime, rate: row.rate };
		this.#series.set(row.symbol, series);
	}

	history(symbol: string, limit = 100): FundingRatePoint[] {
		const series = this.#series.get(symbol);
		if (!series) return [];
		const points = [...series.settled];
		if (series.current) {
			points.push({ time: series.current.nextFundingTime, rate: series.current.rate });
		}
		return points.slice(-limit);
	}
}
