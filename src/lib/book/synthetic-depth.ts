/**
 * A seeded, deterministic stand-in for a venue's depth stream, for the book's fuzz test and the
 * benchmark (and any simulator that wants a plausible book). It keeps a deeper "true" book on an
 * integer tick grid, never crossed, with most activity near the top, and emits
 * depthIncrease messages with consecutive versions:
 *
 * - 'window' mode behaves like `futures/depthIncrease<N>`: each update is the difference between
 *   the top-`window` levels before and after, so a level leaving the window arrives as size "0"
 *   and a deeper level sliding in arrives as a new level.
 * - 'raw' mode sends every touched level whatever its depth, so the client must trim.
 */

import type { BookSnapshot, BookUpdate, WireLevel } from '$lib/exchanges/types';

export interface SyntheticDepthOptions {
	seed: number;
	symbol?: string;
	window?: number;
	mode?: 'window' | 'raw';
	/** Decimals of the price tick: 1 gives "65000.1", 8 gives "0.00001234". */
	tickDecimals?: number;
	/** Mid price in ticks at the start. */
	startTick?: number;
	/** Random book operations folded into one message, inclusive range. */
	opsPerMessage?: [number, number];
	/** Higher: activity concentrates at the top harder (rank = depth * u^topBias). */
	topBias?: number;
	/** Milliseconds between messages, for `ts`. */
	intervalMs?: number;
}

interface Level {
	tick: number;
	size: number;
}

/** mulberry32: small, fast and good enough to drive tests reproducibly. */
export function seededRandom(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Integer ticks → exact decimal text, no float formatting involved. */
export function formatTicks(ticks: number, decimals: number): string {
	if (decimals === 0) return String(ticks);
	const digits = String(ticks).padStart(decimals + 1, '0');
	return `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}

export class SyntheticDepth {
	readonly symbol: string;
	readonly window: number;
	readonly mode: 'window' | 'raw';
	#rand: () => number;
	#decimals: number;
	#ops: [number, number];
	#bias: number;
	#interval: number;
	#minLevels: number;
	#maxLevels: number;
	/** Best first: bids by descending tick, asks by ascending tick. */
	#bids: Level[] = [];
	#asks: Level[] = [];
	#version = 1000;
	#ts = 1_730_400_000_000;

	constructor(options: SyntheticDepthOptions) {
		this.#rand = seededRandom(options.seed);
		this.symbol = options.symbol ?? 'BTCUSDT';
		this.window = options.window ?? 50;
		this.mode = options.mode ?? 'window';
		this.#decimals = options.tickDecimals ?? 1;
		this.#ops = options.opsPerMessage ?? [1, 8];
		this.#bias = options.topBias ?? 2.5;
		this.#interval = options.intervalMs ?? 100;
		this.#minLevels = Math.ceil(this.window * 1.3);
		this.#maxLevels = this.window * 2 + 10;
		const start = options.startTick ?? 650_000;
		let bidTick = start - 1;
		let askTick = start + 1;
		const depth = Math.ceil(this.window * 1.6);
		for (let i = 0; i < depth; i++) {
			this.#bids.push({ tick: bidTick, size: this.#newSize() });
			this.#asks.push({ tick: askTick, size: this.#newSize() });
			// Some empty ticks, as on a real book.
			bidTick -= this.#rand() < 0.3 ? 2 : 1;
			askTick += this.#rand() < 0.3 ? 2 : 1;
		}
	}

	get version(): number {
		return this.#version;
	}

	/** The book as the venue would send it now: its window (or everything, in 'raw' mode). */
	snapshot(): BookSnapshot {
		const depth = this.mode === 'window' ? this.window : Infinity;
		return {
			kind: 'snapshot',
			symbol: this.symbol,
			version: this.#version,
			bids: this.#wire(this.#bids.slice(0, depth)),
			asks: this.#wire(this.#asks.slice(0, depth)),
			ts: this.#ts
		};
	}

	/** Move the market a little and return the message that tells it. */
	next(): BookUpdate {
		const windowed = this.mode === 'window';
		const before = windowed ? [this.#top(this.#bids), this.#top(this.#asks)] : [];
		const touched = [new Set<number>(), new Set<number>()];
		const [lo, hi] = this.#ops;
		const ops = lo + Math.floor(this.#rand() * (hi - lo + 1));
		for (let i = 0; i < ops; i++) this.#step(touched);
		this.#version++;
		this.#ts += this.#interval;
		const bids = windowed
			? this.#windowDiff(before[0], this.#bids, (a, b) => a > b)
			: this.#touchedLevels(this.#bids, touched[0]);
		const asks = windowed
			? this.#windowDiff(before[1], this.#asks, (a, b) => a < b)
			: this.#touchedLevels(this.#asks, touched[1]);
		return {
			kind: 'update',
			symbol: this.symbol,
			version: this.#version,
			bids,
			asks,
			ts: this.#ts
		};
	}

	#step(touched: Set<number>[]): void {
		const s = this.#rand() < 0.5 ? 0 : 1;
		const levels = s === 0 ? this.#bids : this.#asks;
		const r = this.#rand();
		if (r < 0.55) {
			const level = levels[this.#rank(levels.length)];
			level.size = this.#newSize();
			touched[s].add(level.tick);
		} else if (r < 0.78 || levels.length <= this.#minLevels) {
			touched[s].add(this.#insert(s));
		} else {
			const [gone] = levels.splice(this.#rank(levels.length), 1);
			touched[s].add(gone.tick);
		}
		if (levels.length > this.#maxLevels) touched[s].add(levels.pop()!.tick);
	}

	/** A new level (or a new size for an existing one) near the touch; may improve the best. */
	#insert(s: number): number {
		const offset = 1 + this.#rank(this.window * 2);
		// Measured from the other side's best, so a bid can never reach an ask.
		const tick = s === 0 ? this.#asks[0].tick - offset : this.#bids[0].tick + offset;
		const levels = s === 0 ? this.#bids : this.#asks;
		const better = s === 0 ? (a: number, b: number) => a > b : (a: number, b: number) => a < b;
		let at = 0;
		while (at < levels.length && better(levels[at].tick, tick)) at++;
		if (at < levels.length && levels[at].tick === tick) levels[at].size = this.#newSize();
		else levels.splice(at, 0, { tick, size: this.#newSize() });
		return tick;
	}

	#rank(depth: number): number {
		return Math.min(depth - 1, Math.floor(depth * this.#rand() ** this.#bias));
	}

	#newSize(): number {
		// Mostly small resting orders, now and then a wall.
		const r = this.#rand();
		return 1 + Math.floor(r < 0.9 ? r * 2_000 : r * 60_000);
	}

	/** A copy of the window, best first: sizes change in place, so references would not do. */
	#top(levels: Level[]): Level[] {
		const depth = Math.min(this.window, levels.length);
		const top: Level[] = new Array(depth);
		for (let i = 0; i < depth; i++) top[i] = { tick: levels[i].tick, size: levels[i].size };
		return top;
	}

	/** The window before and the book now are both sorted best first: one merge walk diffs them. */
	#windowDiff(
		before: Level[],
		levels: Level[],
		better: (a: number, b: number) => boolean
	): WireLevel[] {
		const out: Level[] = [];
		const depth = Math.min(this.window, levels.length);
		let i = 0;
		let j = 0;
		while (i < before.length || j < depth) {
			if (j === depth || (i < before.length && better(before[i].tick, levels[j].tick))) {
				out.push({ tick: before[i++].tick, size: 0 });
			} else if (i === before.length || better(levels[j].tick, before[i].tick)) {
				out.push(levels[j++]);
			} else {
				if (before[i].size !== levels[j].size) out.push(levels[j]);
				i++;
				j++;
			}
		}
		return this.#wire(out);
	}

	#touchedLevels(levels: Level[], touched: Set<number>): WireLevel[] {
		const out: Level[] = [];
		for (const tick of touched) {
			const level = levels.find((l) => l.tick === tick);
			out.push({ tick, size: level ? level.size : 0 });
		}
		return this.#wire(out);
	}

	#wire(levels: Level[]): WireLevel[] {
		return levels.map((l) => ({
			price: formatTicks(l.tick, this.#decimals),
			size: String(l.size)
		}));
	}
}
