/**
 * Fuzz: seeded random depth streams with duplicates, reorders, gaps and crossing corruption, fed to the Perch book
 * (through BitMart's sequencer, as a market session feeds it) and to a deliberately plain Map-based reference; both
 * must agree on every answer and on every level.
 */

import { describe, expect, it } from 'vitest';
import type { BookMessage, WireLevel } from '$lib/exchanges/types';
import { BitmartBookSequencer } from '$lib/exchanges/bitmart/book-sequencer';
import { OrderBook } from '$lib/book/order-book';
import type { ApplyResult } from '$lib/book/sequencer';
import { SyntheticDepth, seededRandom } from '$lib/book/synthetic-depth';

/** The venue's rules written the obvious way: a Map per side, price text → level, sorted when read. */
interface RefLevel {
	price: number;
	size: string;
}

class ReferenceBook {
	state: 'empty' | 'live' | 'resyncing' = 'empty';
	version = 0;
	bids = new Map<string, RefLevel>();
	asks = new Map<string, RefLevel>();

	constructor(readonly maxDepth: number) {}

	apply(m: BookMessage): ApplyResult {
		if (m.kind === 'snapshot') {
			this.bids = new Map();
			this.asks = new Map();
			this.#put('bid', m.bids);
			this.#put('ask', m.asks);
			this.state = 'live';
			this.version = m.version;
			return 'applied';
		}
		if (this.state === 'resyncing') return 'dropped';
		if (this.state === 'empty' || m.version > this.version + 1) {
			this.state = 'resyncing';
			return 'gap';
		}
		if (m.version <= this.version) return 'dropped';
		this.#put('bid', m.bids);
		this.#put('ask', m.asks);
		let bestBid = -Infinity;
		let bestAsk = Infinity;
		for (const { price } of this.bids.values()) bestBid = Math.max(bestBid, price);
		for (const { price } of this.asks.values()) bestAsk = Math.min(bestAsk, price);
		if (bestBid >= bestAsk) {
			this.state = 'resyncing';
			return 'gap';
		}
		this.version = m.version;
		return 'applied';
	}

	sorted(side: 'bid' | 'ask'): [string, string][] {
		const sign = side === 'bid' ? -1 : 1;
		const map = side === 'bid' ? this.bids : this.asks;
		return [...map]
			.sort((a, b) => sign * (a[1].price - b[1].price))
			.map(([price, level]) => [price, level.size]);
	}

	#put(side: 'bid' | 'ask', levels: WireLevel[]): void {
		const map = side === 'bid' ? this.bids : this.asks;
		for (const { price, size } of levels) {
			if (Number(size) === 0) map.delete(price);
			else map.set(price, { price: Number(price), size });
		}
		if (map.size > this.maxDepth) {
			for (const [price] of this.sorted(side).slice(this.maxDepth)) map.delete(price);
		}
	}
}

interface FuzzCase {
	mode: 'window' | 'raw';
	window: number;
	maxDepth: number;
	tickDecimals: number;
	startTick: number;
}

interface FuzzStats {
	applied: number;
	dropped: number;
	gaps: number;
}

/** Plays one seeded stream with faults into both books; returns what happened, for sanity. */
function playStream(seed: number, c: FuzzCase, messages: number): FuzzStats {
	const market = new SyntheticDepth({ seed, ...c, opsPerMessage: [1, 6] });
	const rand = seededRandom(seed ^ 0x5eed);
	const perch = new OrderBook({ maxDepth: c.maxDepth });
	const sequencer = new BitmartBookSequencer();
	const reference = new ReferenceBook(c.maxDepth);
	const sent: BookMessage[] = [];
	const stats: FuzzStats = { applied: 0, dropped: 0, gaps: 0 };

	const deliver = (m: BookMessage): void => {
		const got = sequencer.apply(m, perch);
		const expected = reference.apply(m);
		// expect() on every message would cost more than the books; only build it on a mismatch.
		if (got !== expected)
			expect(got, `seed ${seed} version ${m.version} (${m.kind})`).toBe(expected);
		if (got === 'applied') stats.applied++;
		else if (got === 'dropped') stats.dropped++;
		else {
			stats.gaps++;
			// What a session does on 'gap': ask for a snapshot, which arrives some time later.
			const fresh = market.snapshot();
			shuffle(fresh.bids, rand);
			deliver(fresh);
		}
	};

	deliver(market.next()); // before any snapshot: must ask for one
	for (let i = 0; i < messages; i++) {
		const m = market.next();
		sent.push(m);
		const r = rand();
		if (r < 0.03) {
			deliver(sent[Math.floor(rand() * sent.length)]); // a re-sent old version
			deliver(m);
		} else if (r < 0.045) {
			const later = market.next(); // reordered: the later one overtakes
			sent.push(later);
			deliver(later);
			deliver(m);
		} else if (r < 0.06) {
			// Corrupted in transit: a bid at the best ask would cross the book.
			const bestAsk = market.snapshot().asks[0];
			deliver({ ...m, bids: [...m.bids, { price: bestAsk.price, size: '1' }] });
			deliver(m);
		} else if (r >= 0.065) {
			deliver(m);
		} // else lost: the next message shows the gap
		if (i % 250 === 0 || i === messages - 1)
			expectSame(perch, sequencer, reference, c, market, seed);
	}
	return stats;
}

function expectSame(
	perch: OrderBook,
	sequencer: BitmartBookSequencer,
	reference: ReferenceBook,
	c: FuzzCase,
	market: SyntheticDepth,
	seed: number
): void {
	expect(sequencer.state).toBe(reference.state);
	expect(sequencer.version).toBe(reference.version);
	for (const side of ['bid', 'ask'] as const) {
		const expected = reference.sorted(side);
		const got = perch.levels(side, Infinity).map((l) => [l.price, l.size]);
		expect(got, `seed ${seed} ${side}s`).toEqual(expected);
		const curve = perch.cumulative(side, Infinity);
		let total = 0;
		expected.forEach(([price, size], i) => {
			total += Number(size);
			expect(curve.prices[i]).toBe(Number(price));
			expect(curve.totals[i]).toBe(total);
		});
	}
	// A live book fed the full channel window is the venue's window, level for level.
	if (c.mode === 'window' && c.maxDepth === c.window && sequencer.state === 'live') {
		if (sequencer.version === market.version) {
			const truth = market.snapshot();
			expect(perch.levels('bid', Infinity)).toEqual(truth.bids);
			expect(perch.levels('ask', Infinity)).toEqual(truth.asks);
		}
	}
}

function shuffle<T>(items: T[], rand: () => number): void {
	for (let i = items.length - 1; i > 0; i--) {
		const j = Math.floor(rand() * (i + 1));
		[items[i], items[j]] = [items[j], items[i]];
	}
}

const cases: [string, FuzzCase][] = [
	[
		'depthIncrease50, 50 kept',
		{ mode: 'window', window: 50, maxDepth: 50, tickDecimals: 1, startTick: 650_000 }
	],
	[
		'depthIncrease20, tiny prices',
		{ mode: 'window', window: 20, maxDepth: 20, tickDecimals: 8, startTick: 5_000 }
	],
	[
		'depthIncrease50 viewed 20 deep',
		{ mode: 'window', window: 50, maxDepth: 20, tickDecimals: 2, startTick: 300_000 }
	],
	[
		'unwindowed stream, client trims to 5',
		{ mode: 'raw', window: 20, maxDepth: 5, tickDecimals: 4, startTick: 90_000 }
	]
];

describe('OrderBook fuzz against a reference book', () => {
	for (const [name, c] of cases) {
		it(name, () => {
			const total: FuzzStats = { applied: 0, dropped: 0, gaps: 0 };
			for (let seed = 1; seed <= 5; seed++) {
				const stats = playStream(seed * 7919, c, 1600);
				total.applied += stats.applied;
				total.dropped += stats.dropped;
				total.gaps += stats.gaps;
			}
			// The faults really happened, and the book still spent most of its time applying.
			expect(total.gaps).toBeGreaterThan(100);
			expect(total.dropped).toBeGreaterThan(100);
			expect(total.applied).toBeGreaterThan(total.gaps * 5);
		});
	}
});
