import { describe, expect, it } from 'vitest';
import { OrderBook } from '$lib/book/order-book';
import type { BookMessage, WireLevel } from '$lib/exchanges/types';
import { BitmartBookSequencer } from './book-sequencer';

type Pair = [price: string, size: string];

const wire = (pairs: Pair[]): WireLevel[] => pairs.map(([price, size]) => ({ price, size }));
const pairs = (levels: WireLevel[]): Pair[] => levels.map((l) => [l.price, l.size]);

function snapshot(version: number, bids: Pair[], asks: Pair[]): BookMessage {
	return {
		kind: 'snapshot',
		symbol: 'BTCUSDT',
		version,
		bids: wire(bids),
		asks: wire(asks),
		ts: version
	};
}

function update(version: number, bids: Pair[], asks: Pair[] = []): BookMessage {
	return {
		kind: 'update',
		symbol: 'BTCUSDT',
		version,
		bids: wire(bids),
		asks: wire(asks),
		ts: version
	};
}

/** A book fed through BitMart's sequencer, the way a market session feeds it. */
function fresh(maxDepth = 50) {
	const book = new OrderBook({ maxDepth });
	const seq = new BitmartBookSequencer();
	return { book, seq, feed: (m: BookMessage) => seq.apply(m, book) };
}

function live(maxDepth = 50) {
	const f = fresh(maxDepth);
	f.feed(
		snapshot(
			10,
			[
				['100.0', '5'],
				['99.5', '3'],
				['99', '7']
			],
			[
				['100.5', '2'],
				['101', '4']
			]
		)
	);
	return f;
}

describe('BitMart book sequencing (version + 1)', () => {
	it('starts empty and asks for a snapshot when an update comes first', () => {
		const { book, seq, feed } = fresh();
		expect(seq.state).toBe('empty');
		expect(feed(update(5, [['1', '1']]))).toBe('gap');
		expect(seq.state).toBe('resyncing');
		expect(book.bidCount).toBe(0);
	});

	it('a snapshot replaces the book, sorts it and sets version and time', () => {
		const { book, seq, feed } = live();
		expect(
			feed(
				snapshot(
					3,
					[
						['98', '1'],
						['99', '2']
					],
					[['102', '9']]
				)
			)
		).toBe('applied');
		expect(seq.state).toBe('live');
		expect(seq.version).toBe(3);
		expect(book.updatedAt).toBe(3);
		expect(pairs(book.levels('bid'))).toEqual([
			['99', '2'],
			['98', '1']
		]);
		expect(pairs(book.levels('ask'))).toEqual([['102', '9']]);
	});

	it('applies version + 1 and advances even when the update is empty', () => {
		const { book, seq, feed } = live();
		expect(feed(update(11, []))).toBe('applied');
		expect(seq.version).toBe(11);
		expect(feed(update(12, [['99.5', '8']]))).toBe('applied');
		expect(book.levels('bid')[1]).toEqual({ price: '99.5', size: '8' });
	});

	it('drops duplicates and old versions without touching the book', () => {
		const { book, seq, feed } = live();
		feed(update(11, [['99.5', '8']]));
		expect(feed(update(11, [['99.5', '1']]))).toBe('dropped');
		expect(feed(update(4, [['100.0', '0']]))).toBe('dropped');
		expect(seq.state).toBe('live');
		expect(seq.version).toBe(11);
		expect(pairs(book.levels('bid', 2))).toEqual([
			['100.0', '5'],
			['99.5', '8']
		]);
	});

	it('a version gap resyncs; updates are ignored until the next snapshot', () => {
		const { book, seq, feed } = live();
		expect(feed(update(12, [['99.5', '1']]))).toBe('gap');
		expect(seq.state).toBe('resyncing');
		expect(feed(update(11, [['99.5', '1']]))).toBe('dropped');
		expect(feed(update(13, [['99.5', '1']]))).toBe('dropped');
		expect(book.levels('bid')[1].size).toBe('3');
		expect(feed(snapshot(20, [['99', '1']], [['100', '1']]))).toBe('applied');
		expect(seq.state).toBe('live');
		expect(feed(update(21, [['98', '4']]))).toBe('applied');
		expect(book.bidCount).toBe(2);
	});

	it('treats a crossed result as corruption', () => {
		const { seq, feed } = live();
		expect(feed(update(11, [['100.5', '1']]))).toBe('gap');
		expect(seq.state).toBe('resyncing');
		const locked = live();
		expect(locked.feed(update(11, [], [['100.0', '1']]))).toBe('gap');
	});

	it('treats an unreadable level as corruption', () => {
		for (const bad of [
			['abc', '1'],
			['', '1'],
			['-1', '1'],
			['100', 'x'],
			['100', ''],
			['100', '-2']
		]) {
			const { feed } = live();
			expect(feed(update(11, [bad as Pair]))).toBe('gap');
		}
		expect(fresh().feed(snapshot(1, [['NaN', '1']], []))).toBe('gap');
	});

	it('reset forgets the version; with the book cleared, it starts over', () => {
		const { book, seq, feed } = live();
		seq.reset();
		book.clear();
		expect(seq.state).toBe('empty');
		expect(seq.version).toBe(0);
		expect(book.bidCount + book.askCount).toBe(0);
		expect(feed(update(11, []))).toBe('gap');
	});
});
