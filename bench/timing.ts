/**
 * Shared timing helpers for the benchmarks: warm up, repeat, keep the median. The machine may be
 * shared, so contenders are timed in interleaved rounds (A, B, A, B, …): a burst of load from
 * elsewhere then hits every contender alike instead of whichever happened to be running.
 */

export interface Timing {
	/** Nanoseconds per run, each round in order. */
	samples: number[];
	median: number;
	min: number;
	max: number;
	runs: number;
}

export function measure(body: () => void, runs = 7, warmup = 2): Timing {
	return measureInterleaved({ body }, runs, warmup).body;
}

/** Times every body once per round, in order, for `rounds` rounds after `warmup` untimed ones. */
export function measureInterleaved<K extends string>(
	bodies: Record<K, () => void>,
	rounds = 5,
	warmup = 1
): Record<K, Timing> {
	const names = Object.keys(bodies) as K[];
	const samples = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
	for (let round = 0; round < warmup + rounds; round++) {
		for (const name of names) {
			const start = process.hrtime.bigint();
			bodies[name]();
			const elapsed = Number(process.hrtime.bigint() - start);
			if (round >= warmup) samples[name].push(elapsed);
		}
	}
	return Object.fromEntries(names.map((n) => [n, summarize(samples[n])])) as Record<K, Timing>;
}

/** The median over rounds of `a / b`, each pair timed in the same round. */
export function medianRatio(a: Timing, b: Timing): number {
	return median(a.samples.map((x, i) => x / b.samples[i]));
}

function summarize(samples: number[]): Timing {
	const sorted = [...samples].sort((x, y) => x - y);
	return {
		samples,
		median: median(samples),
		min: sorted[0],
		max: sorted[sorted.length - 1],
		runs: samples.length
	};
}

function median(values: number[]): number {
	const sorted = [...values].sort((x, y) => x - y);
	const mid = sorted.length >> 1;
	return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** "123 ns", "4.56 µs", "7.89 ms": three significant digits or so. */
export function formatNs(ns: number): string {
	if (ns < 1_000) return `${ns.toFixed(ns < 10 ? 2 : ns < 100 ? 1 : 0)} ns`;
	if (ns < 1_000_000) return `${(ns / 1_000).toFixed(2)} µs`;
	if (ns < 1_000_000_000) return `${(ns / 1_000_000).toFixed(1)} ms`;
	return `${(ns / 1_000_000_000).toFixed(2)} s`;
}

/** A plain text table, first column left-aligned, the others right-aligned. */
export function table(rows: string[][]): string {
	const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c]?.length ?? 0)));
	return rows
		.map((r) =>
			r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')
		)
		.join('\n');
}
