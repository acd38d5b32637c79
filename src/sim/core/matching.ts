import type { Level } from './market';

/** One taker fill against a resting level: price in ticks, size in contracts. */
export interface BookFill {
	ticks: number;
	vol: number;
}

/**
 * Walk a side of the book (best first) for a market order of `size` contracts: each level fills
 * at its own price until the size is done or the book runs out. Pure: the caller consumes.
 */
export function walkBook(levels: readonly Level[], size: number): BookFill[] {
	const fills: BookFill[] = [];
	let left = size;
	for (const [ticks, available] of levels) {
		if (left <= 0) break;
		const vol = Math.min(left, available);
		if (vol <= 0) continue;
		fills.push({ ticks, vol });
		left -= vol;
	}
	return fills;
}

/** Size-weighted average fill price, in ticks (a float: averages fall between ticks). */
export function averageTicks(fills: readonly BookFill[]): number {
	let vol = 0;
	let notional = 0;
	for (const f of fills) {
		vol += f.vol;
		notional += f.ticks * f.vol;
	}
	return vol === 0 ? 0 : notional / vol;
}
