import type { Level, SymbolMarket } from './market';

export const DEPTHS = [5, 20, 50] as const;
export type Depth = (typeof DEPTHS)[number];

/** [price, size] as wire strings, best first. */
export type WireBookLevel = [string, string];

export interface BookView {
	version: number;
	bids: WireBookLevel[];
	asks: WireBookLevel[];
}

/**
 * One `futures/depthIncrease{N}:{SYMBOL}@{speed}` channel, shared by all its subscribers: the
 * top-N window as last pushed, and a version that rises by exactly one per push, even when a push
 * carries no change (as observed on the venue).
 */
export class DepthChannel {
	readonly topic: string;
	readonly market: SymbolMarket;
	readonly depth: Depth;
	readonly intervalMs: number;
	version: number;
	/** Jump the next version by two (the skipVersion fault). */
	skipNext = false;
	#bids: Map<number, number>;
	#asks: Map<number, number>;

	constructor(
		topic: string,
		market: SymbolMarket,
		depth: Depth,
		intervalMs: number,
		version: number
	) {
		this.topic = topic;
		this.market = market;
		this.depth = depth;
		this.intervalMs = intervalMs;
		this.version = version;
		this.#bids = this.window(market.sortedBids());
		this.#asks = this.window(market.sortedAsks());
	}

	snapshotData(now: number) {
		return {
			symbol: this.market.instrument.symbol,
			asks: this.levels([...this.#asks].sort((a, b) => a[0] - b[0])),
			bids: this.levels([...this.#bids].sort((a, b) => b[0] - a[0])),
			ms_t: now,
			version: this.version,
			type: 'snapshot'
		};
	}

	/** Advance one push: the changed levels inside the window (absolute sizes, "0" = gone). */
	nextUpdateData(now: number) {
		const bids = this.window(this.market.sortedBids());
		const asks = this.window(this.market.sortedAsks());
		const bidChanges = diff(this.#bids, bids).sort((a, b) => b[0] - a[0]);
		const askChanges = diff(this.#asks, asks).sort((a, b) => a[0] - b[0]);
		this.#bids = bids;
		this.#asks = asks;
		this.version += this.skipNext ? 2 : 1;
		this.skipNext = false;
		return {
			symbol: this.market.instrument.symbol,
			asks: this.levels(askChanges),
			bids: this.levels(bidChanges),
			ms_t: now,
			version: this.version,
			type: 'update'
		};
	}

	/** The book a subscriber holds after applying everything pushed so far. */
	view(): BookView {
		const wire = (levels: Level[]): WireBookLevel[] =>
			levels.map(([p, s]) => [this.market.price(p), String(s)]);
		return {
			version: this.version,
			bids: wire([...this.#bids].sort((a, b) => b[0] - a[0])),
			asks: wire([...this.#asks].sort((a, b) => a[0] - b[0]))
		};
	}

	private window(sorted: Level[]): Map<number, number> {
		return new Map(sorted.slice(0, this.depth));
	}

	private levels(levels: Level[]) {
		return levels.map(([price, size]) => ({ price: this.market.price(price), vol: String(size) }));
	}
}

function diff(before: Map<number, number>, after: Map<number, number>): Level[] {
	const changes: Level[] = [];
	for (const [price, size] of after) if (before.get(price) !== size) changes.push([price, size]);
	for (const price of before.keys()) if (!after.has(price)) changes.push([price, 0]);
	return changes;
}

const DEPTH_TOPIC = /^futures\/depthIncrease(5|20|50):([A-Z0-9]+)(?:@(100|200)ms)?$/;

export function parseDepthTopic(
	topic: string
): { depth: Depth; symbol: string; speedMs: 100 | 200 } | undefined {
	const match = DEPTH_TOPIC.exec(topic);
	if (!match) return undefined;
	return {
		depth: Number(match[1]) as Depth,
		symbol: match[2],
		speedMs: match[3] === '100' ? 100 : 200
	};
}
