/**
 * A local copy of one symbol's book, kept from BitMart's `futures/depthIncrease{5,20,50}` stream
 * (normalized to `BookMessage`). The rules are the venue's own (seeds/001, "How to correctly
 * maintain a copy of OrderBook locally"):
 *
 * - a snapshot replaces the book and sets the version;
 * - an update with `version <= local` is old or a duplicate and is dropped;
 * - `version == local + 1` is applied (sizes are absolute, "0" removes the level);
 * - anything else — a version gap, an update before any snapshot, a book that comes out crossed,
 *   an unreadable level — puts the book in 'resyncing' and `apply` answers 'gap': the caller must
 *   request a snapshot. Until it arrives, updates are ignored (answered 'dropped').
 *
 * The depth is bounded: after each message each side keeps its best `maxDepth` levels. Trimming
 * once per message rather than per level matters: a message may insert a level and delete another
 * in the same breath, and the level at the edge must survive that. Use the channel depth as
 * `maxDepth`; a smaller window loses the levels that would slide into view when a better one goes.
 */

import type { BookMessage, WireLevel } from '$lib/exchanges/types';
import { parseDecimal } from './parse-decimal';
import { SortedLevels } from './sorted-levels';

export type BookState = 'empty' | 'live' | 'resyncing';
export type ApplyResult = 'applied' | 'dropped' | 'gap';
export type BookSideName = 'bid' | 'ask';

export interface OrderBookOptions {
	/** Levels kept per side; the channel depth (5, 20 or 50). Default 50. */
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
	#state: BookState = 'empty';
	#version = 0;
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

	get state(): BookState {
		return this.#state;
	}

	/** The version of the last snapshot or update applied; 0 before the first snapshot. */
	get version(): number {
		return this.#version;
	}

	/** The venue timestamp (ms) of the last message applied; 0 before the first snapshot. */
	get updatedAt(): number {
		return this.#updatedAt;
	}

	get bidCount(): number {
		return this.#bids.count;
	}

	get askCount(): number {
		return this.#asks.count;
	}

	apply(message: BookMessage): ApplyResult {
		if (message.kind === 'snapshot') return this.#applySnapshot(message);
		if (this.#state === 'resyncing') return 'dropped';
		if (this.#state === 'empty') return this.#resync();
		const version = message.version;
		if (version <= this.#version) return 'dropped';
		if (version !== this.#version + 1) return this.#resync();
		if (!this.#applyLevels(message.bids, this.#bids, 1)) return this.#resync();
		if (!this.#applyLevels(message.asks, this.#asks, -1)) return this.#resync();
		this.#bids.truncate(this.maxDepth);
		this.#asks.truncate(this.maxDepth);
		if (this.#isCrossed()) return this.#resync();
		this.#version = version;
		this.#updatedAt = message.ts;
		return 'applied';
	}

	/** Forget everything, as if just constructed. */
	reset(): void {
		this.#bids.clear();
		this.#asks.clear();
		this.#state = 'empty';
		this.#version = 0;
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

	/** Up to `n` levels of one side, best first, as the wire strings (for the ladder). */
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

	#applySnapshot(message: BookMessage): ApplyResult {
		this.#bids.clear();
		this.#asks.clear();
		if (
			!this.#applyLevels(message.bids, this.#bids, 1) ||
			!this.#applyLevels(message.asks, this.#asks, -1)
		) {
			return this.#resync();
		}
		this.#bids.truncate(this.maxDepth);
		this.#asks.truncate(this.maxDepth);
		// A crossed snapshot is still the venue's word; the next update decides whether it holds.
		this.#state = 'live';
		this.#version = message.version;
		this.#updatedAt = message.ts;
		return 'applied';
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

	#resync(): ApplyResult {
		this.#state = 'resyncing';
		return 'gap';
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
