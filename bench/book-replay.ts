/**
 * The replay the book benchmark plays: a seeded BTCUSDT market on a 50-level depthIncrease50
 * window, serialized once as BitMart wire frames (`{"data":{...,"vol":...},"group":...}`).
 */

import { SyntheticDepth } from '../src/lib/book/synthetic-depth';
import type { BookMessage, WireLevel } from '../src/lib/exchanges/types';

export const REPLAY_SYMBOL = 'BTCUSDT';
export const REPLAY_DEPTH = 50;
const GROUP = `futures/depthIncrease${REPLAY_DEPTH}:${REPLAY_SYMBOL}@100ms`;

export interface Replay {
	/** Wire frames, the snapshot first. */
	frames: string[];
	/** Level updates in the update frames (the snapshot's levels not counted). */
	levelUpdates: number;
	/** The venue's window after the last frame, to check the books against. */
	finalWindow: { version: number; bids: WireLevel[]; asks: WireLevel[] };
}

export function buildReplay(seed: number, minLevelUpdates: number): Replay {
	const market = new SyntheticDepth({
		seed,
		symbol: REPLAY_SYMBOL,
		window: REPLAY_DEPTH,
		tickDecimals: 1,
		startTick: 650_000,
		// About a second of a busy market per push, as BitMart was seen to push (notes §5).
		opsPerMessage: [1, 16],
		topBias: 3
	});
	const frames = [toWireFrame(market.snapshot())];
	let levelUpdates = 0;
	while (levelUpdates < minLevelUpdates) {
		const update = market.next();
		levelUpdates += update.bids.length + update.asks.length;
		frames.push(toWireFrame(update));
	}
	const end = market.snapshot();
	return {
		frames,
		levelUpdates,
		finalWindow: { version: end.version, bids: end.bids, asks: end.asks }
	};
}

function toWireFrame(m: BookMessage): string {
	const levels = (ls: WireLevel[]) => ls.map((l) => ({ price: l.price, vol: l.size }));
	return JSON.stringify({
		data: {
			symbol: m.symbol,
			asks: levels(m.asks),
			bids: levels(m.bids),
			ms_t: m.ts,
			version: m.version,
			type: m.kind
		},
		group: GROUP
	});
}
