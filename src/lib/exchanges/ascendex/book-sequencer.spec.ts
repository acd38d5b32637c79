import { describe, expect, it } from 'vitest';
import { OrderBook } from '$lib/book/order-book';
import type { BookMessage, WireLevel } from '$lib/exchanges/types';
import { AscendexBookSequencer, MAX_HELD_UPDATES } from './book-sequencer';

type Pair = [price: string, size: string];

const wire = (pairs: Pair[]): WireLevel[] => pairs.map(([price, size]) => ({ price, size }));
const pairs = (levels: WireLevel[]): Pair[] => levels.map((l) => [l.price, l.size]);

function snapshot(seqnum: number, bids: Pair[], asks: Pair[]): BookMessage {
	return {
		kind: 'snapshot',
		symbol: 'BTC-PERP',
		version: seqnum,
		bids: wire(bids),
		asks: wire(asks),
		ts: seqnum
	};
}

/** An update that sets one bid level: easy to see which updates were applied. */
function update(
	seqnum: number,
	bids: Pair[] = [[String(90 + seqnum), '1']],
	asks: Pair[] = []
): BookMessage {
	return {
		kind: 'update',
		symbol: 'BTC-PERP',
		version: seqnum,
		bids: wire(bids),
		asks: wire(asks),
		ts: seqnum
	};
}

function fresh() {
	const book = new OrderBook({ maxDepth: 50 });
	const seq = new AscendexBookSequencer();
	return { book, seq, feed: (m: BookMessage) => seq.apply(m, book) };
}

const ASKS: Pair[] = [['200', '1']];
const bidPrices = (book: OrderBook) => pairs(book.levels('bid')).map(([p]) => p);

describe('AscendEX book sequencing (seqnum after a REST snapshot)', () => {
	it('holds updates until the snapshot, asking for it once, then applies those after it', () => {
		const { book, seq, feed } = fresh();
		expect(feed(update(4))).toBe('gap');
		expect(seq.state).toBe('resyncing');
		expect(feed(update(5))).toBe('buffered');
		expect(feed(update(6))).toBe('buffered');
		expect(feed(update(7))).toBe('buffered');
		expect(book.bidCount).toBe(0);
		expect(seq.held).toBe(4);

		// Taken at seqnum 5: updates 4 and 5 are already in it.
		expect(feed(snapshot(5, [['50', '1']], ASKS))).toBe('applied');
		expect(seq.state).toBe('live');
		expect(seq.version).toBe(7);
		expect(seq.held).toBe(0);
		expect(bidPrices(book)).toEqual(['97', '96', '50']);
		expect(book.updatedAt).toBe(7);
	});

	it('applies seqnum + 1, drops older ones, and on a jump holds updates and asks again', () => {
		const { book, seq, feed } = fresh();
		feed(update(1));
		feed(snapshot(10, [['50', '1']], ASKS));
		expect(feed(update(11))).toBe('applied');
		expect(feed(update(11))).toBe('dropped');
		expect(feed(update(3))).toBe('dropped');
		expect(feed(update(13))).toBe('gap');
		expect(seq.state).toBe('resyncing');
		expect(feed(update(14))).toBe('buffered');
		expect(bidPrices(book)).toEqual(['101', '50']);

		// A snapshot at 12 bridges the lost 12; the held 13 and 14 continue it.
		expect(feed(snapshot(12, [['60', '1']], ASKS))).toBe('applied');
		expect(seq.version).toBe(14);
		expect(bidPrices(book)).toEqual(['104', '103', '60']);
	});

	it('a snapshot older than the held updates is a gap; the held ones wait for a newer one', () => {
		const { seq, feed, book } = fresh();
		feed(update(8));
		feed(update(9));
		expect(feed(snapshot(5, [['50', '1']], ASKS))).toBe('gap');
		expect(seq.state).toBe('resyncing');
		expect(seq.held).toBe(2);
		expect(feed(update(10))).toBe('buffered');
		expect(feed(snapshot(8, [['60', '1']], ASKS))).toBe('applied');
		expect(seq.version).toBe(10);
		expect(bidPrices(book)).toEqual(['100', '99', '60']);
	});

	it('treats a crossed update as a gap, live or held', () => {
		const live = fresh();
		live.feed(update(1));
		live.feed(snapshot(1, [['50', '1']], ASKS));
		expect(live.feed(update(2, [['300', '1']]))).toBe('gap');
		expect(live.seq.state).toBe('resyncing');

		const held = fresh();
		held.feed(update(2, [['300', '1']]));
		held.feed(update(3));
		expect(held.feed(snapshot(1, [['50', '1']], ASKS))).toBe('gap');
		// The update after the bad one is kept for the next snapshot.
		expect(held.seq.held).toBe(1);
	});

	it('keeps at most MAX_HELD_UPDATES, the newest', () => {
		const { seq, feed } = fresh();
		for (let n = 1; n <= MAX_HELD_UPDATES + 10; n++) feed(update(n, [['1', '1']]));
		expect(seq.held).toBe(MAX_HELD_UPDATES);
		// The oldest were let go: a snapshot from before them cannot be bridged.
		expect(feed(snapshot(5, [['0.5', '1']], ASKS))).toBe('gap');
		expect(feed(snapshot(11, [['0.5', '1']], ASKS))).toBe('applied');
		expect(seq.version).toBe(MAX_HELD_UPDATES + 10);
	});

	it('reset forgets the held updates and the version', () => {
		const { seq, feed } = fresh();
		feed(update(3));
		seq.reset();
		expect(seq.state).toBe('empty');
		expect(seq.held).toBe(0);
		expect(seq.version).toBe(0);
		expect(feed(update(4))).toBe('gap');
	});
});
