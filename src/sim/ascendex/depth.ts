import type { Level, SymbolMarket } from '../core/market';
import { lotsToQty } from './account';
import type { AscendexContract } from './contracts';

/** Levels per side the simulator publishes (snapshot and updates alike). */
export const DEPTH_LEVELS = 50;

export type WireLevel = [string, string];

export interface AscendexBookView {
	seqnum: number;
	bids: WireLevel[];
	asks: WireLevel[];
}

/**
 * The `depth:<symbol>` book as published: the top DEPTH_LEVELS per side at the last pushed
 * `seqnum`. Docs: seqnum rises by exactly one per depth message of a symbol, a REST snapshot
 * carries the seqnum it reflects, and updates carry absolute sizes ("0" deletes a price).
 */
export class DepthBook {
	readonly market: SymbolMarket;
	readonly contract: AscendexContract;
	seqnum: number;
	#bids: Map<number, number>;
	#asks: Map<number, number>;

	constructor(market: SymbolMarket, contract: AscendexContract, seqnum: number) {
		this.market = market;
		this.contract = contract;
		this.seqnum = seqnum;
		this.#bids = new Map(market.sortedBids().slice(0, DEPTH_LEVELS));
		this.#asks = new Map(market.sortedAsks().slice(0, DEPTH_LEVELS));
	}

	/**
	 * Publish the engine's current top levels if they differ: the changed levels and the next
	 * seqnum, or undefined when nothing changed (no message, no seqnum spent).
	 */
	advance(): { seqnum: number; bids: WireLevel[]; asks: WireLevel[] } | undefined {
		const bids = new Map(this.market.sortedBids().slice(0, DEPTH_LEVELS));
		const asks = new Map(this.market.sortedAsks().slice(0, DEPTH_LEVELS));
		const bidChanges = diff(this.#bids, bids).sort((a, b) => b[0] - a[0]);
		const askChanges = diff(this.#asks, asks).sort((a, b) => a[0] - b[0]);
		if (bidChanges.length === 0 && askChanges.length === 0) return undefined;
		this.#bids = bids;
		this.#asks = asks;
		this.seqnum += 1;
		return { seqnum: this.seqnum, bids: this.wire(bidChanges), asks: this.wire(askChanges) };
	}

	view(): AscendexBookView {
		return {
			seqnum: this.seqnum,
			bids: this.wire([...this.#bids].sort((a, b) => b[0] - a[0])),
			asks: this.wire([...this.#asks].sort((a, b) => a[0] - b[0]))
		};
	}

	private wire(levels: Level[]): WireLevel[] {
		return levels.map(([p, s]) => [this.market.price(p), lotsToQty(s, this.contract)]);
	}
}

function diff(before: Map<number, number>, after: Map<number, number>): Level[] {
	const changes: Level[] = [];
	for (const [price, size] of after) if (before.get(price) !== size) changes.push([price, size]);
	for (const price of before.keys()) if (!after.has(price)) changes.push([price, 0]);
	return changes;
}

/** Apply one update to a book view the way the docs tell a client to (test helper). */
export function applyDepth(book: Map<string, string>, levels: WireLevel[]): void {
	for (const [price, size] of levels) {
		if (Number(size) === 0) book.delete(price);
		else book.set(price, size);
	}
}
