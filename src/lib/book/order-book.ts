/**
 * A local copy of one symbol's book: a plain store of price levels. It knows nothing of versions,
 * sequence numbers or checksums; each venue's `BookSequencer` (see ./sequencer) decides which
 * message is in order and applies it here through `replace` and `update`.
 *
 * - `replace` puts a snapshot's levels in place of everything;
 * - `update` applies levels with absolute sizes ("0" removes the level);
 * - both answer false when the book can no longer match the venue's: a level that cannot be read,
 *   or (after an update) a book that comes out crossed. The sequencer then resyncs.
 *
 * Every level keeps the exact price and size strings the venue sent (the first price text seen
 * for a level, the latest size text), so `levels()` gives back the original strings of the top
 * levels after each update: a venue's checksum may be computed over those strings.
 *
 * The depth is bounded: after each message each side keeps its best `maxDepth` levels. Trimming
 * once per message rather than per level matters: a message may insert a level and delete another
 * in the same breath, and the level at the edge must survive that. Use the channel depth as
 * `maxDepth`; a smaller window loses the levels that would slide into view when a better one goes.
 */

import type { WireLevel } from '$lib/exchanges/types';
import { parseDecimal } from './parse-decimal';
import { SortedLevels } from './sorted-levels';

export type { ApplyResult, BookState } from './sequencer';
export type BookSideName = 'bid' | 'ask';

export interface OrderBookOptions {
	/** Levels kept per side; the channel depth (e.g. 5, 20 or 50). Default 50. */
	maxDepth?: number;
}

/** Reusable columns for a depth chart: best level first, `count` entries valid. */
export interface DepthCurve {
	prices: Float64Array;
	/** Running sum of sizes (contracts) from the best level outwards. */
	totals: Float64Array;
	count: number;
}

export class OrderBook {
	readonly maxDepth: number;
	#bids: SortedLevels;
	#asks: SortedLevels;
	#updatedAt = 0;

	constructor(options: OrderBookOptions = {}) {
		const maxDepth = options.maxDepth ?? 50;
		if (!Number.isInteger(maxDepth) || maxDepth < 1) {
			throw new RangeError(`maxDepth must be a positive integer, got ${maxDepth}`);
		}
		this.maxDepth = maxDepth;
		// Room on both sides of the levels, so inserts at either end rarely need a recenter.
		this.#bids = new SortedLevels(maxDepth * 4 + 32);
		this.#asks = new SortedLevels(maxDepth * 4 + 32);
	}

	/** The venue timestamp (ms) of the last snapshot or update applied; 0 before the first. */
	get updatedAt(): number {
		return this.#updatedAt;
	}

	get bidCount(): number {
		return this.#bids.count;
	}

	get askCount(): number {
		return this.#asks.count;
	}

	/**
	 * Puts a snapshot's levels in place of the whole book. False when a level cannot be read (the
	 * book then holds what was read before it and must be resynced). A crossed snapshot is still
	 * the venue's word: the next update decides whether it holds.
	 */
	replace(bids: WireLevel[], asks: WireLevel[], ts: number): boolean {
		this.#bids.clear();
		this.#asks.clear();
		if (!this.#applyLevels(bids, this.#bids, 1) || !this.#applyLevels(asks, this.#asks, -1)) {
			return false;
		}
		this.#bids.truncate(this.maxDepth);
		this.#asks.truncate(this.maxDepth);
		this.#updatedAt = ts;
		return true;
	}

	/**
	 * Applies levels with absolute sizes ("0" removes one), then trims each side to `maxDepth`.
	 * False when a level cannot be read or the book comes out crossed: it no longer matches the
	 * venue's and must be resynced.
	 */
	update(bids: WireLevel[], asks: WireLevel[], ts: number): boolean {
		if (!this.#applyLevels(bids, this.#bids, 1)) return false;
		if (!this.#applyLevels(asks, this.#asks, -1)) return false;
		this.#bids.truncate(this.maxDepth);
		this.#asks.truncate(this.maxDepth);
		if (this.#isCrossed()) return false;
		this.#updatedAt = ts;
		return true;
	}

	/** Forget every level, as if just constructed. */
	clear(): void {
		this.#bids.clear();
		this.#asks.clear();
		this.#updatedAt = 0;
	}

	bestBid(): WireLevel | undefined {
		return this.#levelAt(this.#bids, 0);
	}

	bestAsk(): WireLevel | undefined {
		return this.#levelAt(this.#asks, 0);
	}

	/** Best ask minus best bid, as a float for display: format it with the instrument's tick. */
	spread(): number | undefined {
		if (this.#bids.count === 0 || this.#asks.count === 0) return undefined;
		return this.#bestAskPrice() - this.#bestBidPrice();
	}

	/** Halfway between best bid and best ask, as a float for display. */
	mid(): number | undefined {
		if (this.#bids.count === 0 || this.#asks.count === 0) return undefined;
		return (this.#bestAskPrice() + this.#bestBidPrice()) / 2;
	}

	/**
	 * Up to `n` levels of one side, best first, as the venue's own strings, never re-formatted:
	 * for the ladder, and for checksums computed over the original text.
	 */
	levels(side: BookSideName, n: number = this.maxDepth): WireLevel[] {
		const levels = this.#side(side);
		const count = Math.min(n, levels.count);
		const out: WireLevel[] = new Array(count);
		for (let rank = 0; rank < count; rank++) {
			const i = levels.indexOf(rank);
			out[rank] = { price: levels.priceTexts[i], size: levels.sizeTexts[i] };
		}
		return out;
	}

	/**
	 * Prices and cumulative sizes of up to `n` levels of one side, best first, written into `out`
	 * (reallocated only when too small) so a chart can redraw every frame without allocating.
	 */
	cumulative(side: BookSideName, n: number = this.maxDepth, out?: DepthCurve): DepthCurve {
		const levels = this.#side(side);
		const count = Math.max(0, Math.min(n, levels.count));
		const curve =
			out && out.prices.length >= count && out.totals.length >= count
				? out
				: newDepthCurve(Math.max(count, this.maxDepth));
		// Ask keys are negated prices; see SortedLevels.
		const sign = side === 'bid' ? 1 : -1;
		let total = 0;
		for (let rank = 0; rank < count; rank++) {
			const i = levels.indexOf(rank);
			total += levels.sizes[i];
			curve.prices[rank] = sign * levels.keys[i];
			curve.totals[rank] = total;
		}
		curve.count = count;
		return curve;
	}

	/** False when a level cannot be read: the book no longer matches the venue's. */
	#applyLevels(wire: WireLevel[], levels: SortedLevels, sign: number): boolean {
		for (let i = 0; i < wire.length; i++) {
			const level = wire[i];
			const price = parseDecimal(level.price);
			const size = parseDecimal(level.size);
			// Written so that NaN (unreadable or empty text) fails too.
			if (!(price > 0 && price < Infinity && size >= 0 && size < Infinity)) return false;
			levels.set(sign * price, level.price, size, level.size);
		}
		return true;
	}

	#isCrossed(): boolean {
		return (
			this.#bids.count > 0 && this.#asks.count > 0 && this.#bestBidPrice() >= this.#bestAskPrice()
		);
	}

	/** Only when the side is not empty. */
	#bestBidPrice(): number {
		return this.#bids.keys[this.#bids.end - 1];
	}

	/** Only when the side is not empty. */
	#bestAskPrice(): number {
		return -this.#asks.keys[this.#asks.end - 1];
	}

	#side(side: BookSideName): SortedLevels {
		return side === 'bid' ? this.#bids : this.#asks;
	}

	#levelAt(levels: SortedLevels, rank: number): WireLevel | undefined {
		if (rank >= levels.count) return undefined;
		const i = levels.indexOf(rank);
		return { price: levels.priceTexts[i], size: levels.sizeTexts[i] };
	}
}

function newDepthCurve(capacity: number): DepthCurve {
	return { prices: new Float64Array(capacity), totals: new Float64Array(capacity), count: 0 };
}
