import type { SymbolMarket } from '../core/market';
import { bookChecksum, type BookLevel } from './checksum';
import { contractOf } from './rows';
import { formatSize, trimZeros } from './contracts';

/** Levels per side the `books` channel carries (the engine keeps 200). */
export const BOOKS_DEPTH = 200;

export interface BooksFrameData {
	asks: [string, string][];
	bids: [string, string][];
	checksum: number;
	seq: number;
	ts: string;
}

/**
 * One symbol's `books` stream: what subscribers hold (the last state sent), a snapshot of it for a
 * new subscriber, and deltas from it to the live book. Prices and sizes are written like the docs'
 * example ("3368", "7": no padding zeros), so a client that re-formats numbers breaks the checksum.
 */
export class BooksChannel {
	readonly market: SymbolMarket;
	#bids = new Map<number, string>();
	#asks = new Map<number, string>();
	#seq: number;
	#started = false;
	/** The corruptNextChecksum fault: the next update carries a wrong checksum. */
	corruptNext = false;

	constructor(market: SymbolMarket, seq: number) {
		this.market = market;
		this.#seq = seq;
	}

	/** The held book, best first, as wire strings. */
	view(): { bids: BookLevel[]; asks: BookLevel[]; seq: number } {
		if (!this.#started) this.capture();
		return { bids: this.levels(this.#bids, -1), asks: this.levels(this.#asks, 1), seq: this.#seq };
	}

	snapshot(now: number): BooksFrameData {
		const { bids, asks } = this.view();
		return this.frame(bids, asks, now, bookChecksum(bids, asks));
	}

	/** The delta from the held book to the live one; undefined when nothing changed. */
	update(now: number): BooksFrameData | undefined {
		if (!this.#started) this.capture();
		const bids = this.diff(this.#bids, this.market.sortedBids());
		const asks = this.diff(this.#asks, this.market.sortedAsks());
		if (bids.length === 0 && asks.length === 0) return undefined;
		this.#seq++;
		const view = this.view();
		let checksum = bookChecksum(view.bids, view.asks);
		if (this.corruptNext) {
			this.corruptNext = false;
			checksum = (checksum ^ 0x5a5a5a5a) | 0;
		}
		return this.frame(bids, asks, now, checksum);
	}

	private frame(
		bids: readonly BookLevel[],
		asks: readonly BookLevel[],
		now: number,
		checksum: number
	): BooksFrameData {
		return {
			asks: asks.map(([p, s]) => [p, s]),
			bids: bids.map(([p, s]) => [p, s]),
			checksum,
			seq: this.#seq,
			ts: String(now)
		};
	}

	private capture(): void {
		this.#started = true;
		this.#bids = this.top(this.market.sortedBids());
		this.#asks = this.top(this.market.sortedAsks());
	}

	private top(levels: readonly [number, number][]): Map<number, string> {
		const c = contractOf(this.market);
		return new Map(levels.slice(0, BOOKS_DEPTH).map(([t, s]) => [t, formatSize(c, s)]));
	}

	private diff(held: Map<number, string>, live: readonly [number, number][]): BookLevel[] {
		const next = this.top(live);
		const out: [number, string][] = [];
		for (const [ticks, size] of next) if (held.get(ticks) !== size) out.push([ticks, size]);
		for (const ticks of held.keys()) if (!next.has(ticks)) out.push([ticks, '0']);
		held.clear();
		for (const [t, s] of next) held.set(t, s);
		return out.map(([t, s]) => [this.priceText(t), s]);
	}

	private levels(side: Map<number, string>, direction: 1 | -1): BookLevel[] {
		return [...side]
			.sort((a, b) => (a[0] - b[0]) * direction)
			.map(([t, s]) => [this.priceText(t), s]);
	}

	private priceText(ticks: number): string {
		return trimZeros(this.market.price(ticks));
	}
}

/** `books1` / `books5` / `books15`: every push is a full snapshot of that many levels. */
export function topLevels(market: SymbolMarket, depth: number, now: number): BooksFrameData {
	const c = contractOf(market);
	const side = (levels: readonly [number, number][]) =>
		levels
			.slice(0, depth)
			.map(([t, s]): [string, string] => [trimZeros(market.price(t)), formatSize(c, s)]);
	const bids = side(market.sortedBids());
	const asks = side(market.sortedAsks());
	return { asks, bids, checksum: bookChecksum(bids, asks), seq: 0, ts: String(now) };
}
