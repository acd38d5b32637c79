import { describe, expect, it } from 'vitest';
import { OrderBook } from '$lib/book/order-book';
import type { BookMessage, WireLevel } from '$lib/exchanges/types';
import { BitgetBookSequencer, bookChecksum, checksumText } from './book-sequencer';
import { crc32Signed } from './crc32';

type Pair = [price: string, size: string];

const wire = (pairs: Pair[]): WireLevel[] => pairs.map(([price, size]) => ({ price, size }));

function message(
	kind: 'snapshot' | 'update',
	seq: number,
	bids: Pair[],
	asks: Pair[],
	checksum?: number
): BookMessage {
	const m: BookMessage = {
		kind,
		symbol: 'ETHUSDT',
		version: seq,
		bids: wire(bids),
		asks: wire(asks),
		ts: seq
	};
	if (checksum !== undefined) m.checksum = checksum;
	return m;
}

function fresh() {
	const book = new OrderBook({ maxDepth: 50 });
	const seq = new BitgetBookSequencer();
	return { book, seq, feed: (m: BookMessage) => seq.apply(m, book) };
}

/** The example in Bitget's docs: one bid, three asks. */
const DOC_BIDS: Pair[] = [['3366.1', '7']];
const DOC_ASKS: Pair[] = [
	['3366.8', '9'],
	['3368', '8'],
	['3372', '8']
];

describe('Bitget checksum text', () => {
	it("builds the docs' example string", () => {
		const { book, feed } = fresh();
		feed(message('snapshot', 1, DOC_BIDS, DOC_ASKS));
		expect(checksumText(book)).toBe('3366.1:7:3366.8:9:3368:8:3372:8');
		expect(bookChecksum(book)).toBe(crc32Signed('3366.1:7:3366.8:9:3368:8:3372:8'));
	});

	it('interleaves bid and ask level by level with the original strings, skipping a short side', () => {
		const { book, feed } = fresh();
		feed(
			message(
				'snapshot',
				1,
				[
					['9.5', '2.50'],
					['10.0', '1']
				],
				[
					['12', '4'],
					['10.5', '3'],
					['11', '0.10']
				]
			)
		);
		expect(checksumText(book)).toBe('10.0:1:10.5:3:9.5:2.50:11:0.10:12:4');
	});

	it('covers the top 25 levels of each side and no more', () => {
		const { book, feed } = fresh();
		const bids: Pair[] = Array.from({ length: 30 }, (_, i) => [String(100 - i), '1']);
		const asks: Pair[] = Array.from({ length: 30 }, (_, i) => [String(101 + i), '2']);
		feed(message('snapshot', 1, bids, asks));
		const parts = checksumText(book).split(':');
		expect(parts).toHaveLength(25 * 4);
		expect(parts.slice(0, 4)).toEqual(['100', '1', '101', '2']);
		expect(parts.slice(-4)).toEqual(['76', '1', '125', '2']);
	});
});

describe('Bitget book sequencing (checksum)', () => {
	it('applies an update whose checksum matches the book after it', () => {
		const { book, seq, feed } = fresh();
		expect(feed(message('snapshot', 100, DOC_BIDS, DOC_ASKS))).toBe('applied');
		expect(seq.state).toBe('live');
		// seq need not step by one: Bitget only promises that it rises.
		const after = '3366.1:7:3366.8:0.5:3368:8:3372:8';
		expect(feed(message('update', 107, [], [['3366.8', '0.5']], crc32Signed(after)))).toBe(
			'applied'
		);
		expect(seq.version).toBe(107);
		expect(book.bestAsk()).toEqual({ price: '3366.8', size: '0.5' });
	});

	it('resyncs on a checksum mismatch and drops updates until the next snapshot', () => {
		const { book, seq, feed } = fresh();
		feed(message('snapshot', 1, DOC_BIDS, DOC_ASKS));
		// The checksum of the book as it was before the update: the update must have been missed.
		const stale = crc32Signed('3366.1:7:3366.8:9:3368:8:3372:8');
		expect(feed(message('update', 2, [['3366.0', '4']], [], stale))).toBe('gap');
		expect(seq.state).toBe('resyncing');
		expect(feed(message('update', 3, [['3365', '1']], [], 0))).toBe('dropped');
		expect(book.bidCount).toBe(2);
		expect(feed(message('snapshot', 4, [['3365', '2']], [['3366', '1']]))).toBe('applied');
		expect(seq.state).toBe('live');
		expect(feed(message('update', 5, [['3365', '3']], [], crc32Signed('3365:3:3366:1')))).toBe(
			'applied'
		);
	});

	it('a wrong checksum on the deeper levels is caught too', () => {
		const { feed } = fresh();
		const bids: Pair[] = Array.from({ length: 25 }, (_, i) => [String(100 - i), '1']);
		const asks: Pair[] = Array.from({ length: 25 }, (_, i) => [String(101 + i), '1']);
		feed(message('snapshot', 1, bids, asks));
		const { book: truth, feed: feedTruth } = fresh();
		feedTruth(message('snapshot', 1, bids, asks));
		feedTruth(message('update', 2, [['76', '9']], []));
		const right = bookChecksum(truth);
		// Our copy missed the change at level 25: only the checksum can tell.
		expect(feed(message('update', 2, [], [], right))).toBe('gap');
	});

	it('asks for a snapshot when an update comes first, and applies one without a checksum', () => {
		const { seq, feed } = fresh();
		expect(feed(message('update', 1, [['1', '1']], []))).toBe('gap');
		feed(message('snapshot', 2, DOC_BIDS, DOC_ASKS));
		expect(feed(message('update', 3, [['3366', '1']], []))).toBe('applied');
		expect(seq.version).toBe(3);
	});

	it('treats a crossed or unreadable update as a gap', () => {
		const crossed = fresh();
		crossed.feed(message('snapshot', 1, DOC_BIDS, DOC_ASKS));
		expect(crossed.feed(message('update', 2, [['3367', '1']], []))).toBe('gap');
		const unreadable = fresh();
		unreadable.feed(message('snapshot', 1, DOC_BIDS, DOC_ASKS));
		expect(unreadable.feed(message('update', 2, [['x', '1']], []))).toBe('gap');
	});
});
