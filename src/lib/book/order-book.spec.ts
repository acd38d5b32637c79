import { describe, expect, it } from 'vitest';
import type { WireLevel } from '$lib/exchanges/types';
import { OrderBook } from './order-book';

type Pair = [price: string, size: string];

const wire = (pairs: Pair[]): WireLevel[] => pairs.map(([price, size]) => ({ price, size }));

/** The store's calls, written like the venue's messages: time first, then bids and asks. */
function snapshot(book: OrderBook, ts: number, bids: Pair[], asks: Pair[]): boolean {
	return book.replace(wire(bids), wire(asks), ts);
}

function update(book: OrderBook, ts: number, bids: Pair[], asks: Pair[] = []): boolean {
	return book.update(wire(bids), wire(asks), ts);
}

const pairs = (levels: WireLevel[]): Pair[] => levels.map((l) => [l.price, l.size]);

function liveBook(maxDepth = 50): OrderBook {
	const book = new OrderBook({ maxDepth });
	book.replace(
		wire([
			['100.0', '5'],
			['99.5', '3'],
			['99', '7']
		]),
		wire([
			['100.5', '2'],
			['101', '4']
		]),
		10
	);
	return book;
}

describe('OrderBook store', () => {
	it('replace puts a snapshot in place of the book, sorted, and sets the time', () => {
		const book = liveBook();
		expect(
			snapshot(
				book,
				3,
				[
					['98', '1'],
					['99', '2']
				],
				[['102', '9']]
			)
		).toBe(true);
		expect(book.updatedAt).toBe(3);
		expect(pairs(book.levels('bid'))).toEqual([
			['99', '2'],
			['98', '1']
		]);
		expect(pairs(book.levels('ask'))).toEqual([['102', '9']]);
	});

	it("gives back the venue's original strings of its top levels after each update", () => {
		const book = new OrderBook({ maxDepth: 25 });
		snapshot(book, 1, [['3366.10', '7.000']], [['3366.8', '9']]);
		update(book, 2, [['3366.1', '7.50']], [['3368', '8']]);
		// Same level, written two ways: the first price text stays, the size text is the latest.
		expect(book.levels('bid', 25)).toEqual([{ price: '3366.10', size: '7.50' }]);
		expect(book.levels('ask', 25)).toEqual([
			{ price: '3366.8', size: '9' },
			{ price: '3368', size: '8' }
		]);
	});

	it('answers false when an update leaves the book crossed', () => {
		expect(update(liveBook(), 11, [['100.5', '1']])).toBe(false);
		expect(update(liveBook(), 11, [], [['100.0', '1']])).toBe(false);
		// A crossed snapshot is still the venue's word.
		expect(snapshot(new OrderBook(), 1, [['101', '1']], [['100', '1']])).toBe(true);
	});

	it('answers false for a level it cannot read', () => {
		for (const bad of [
			['abc', '1'],
			['', '1'],
			['-1', '1'],
			['100', 'x'],
			['100', ''],
			['100', '-2']
		]) {
			expect(update(liveBook(), 11, [bad as Pair]), bad.join(' ')).toBe(false);
		}
		expect(snapshot(new OrderBook(), 1, [['NaN', '1']], [])).toBe(false);
	});

	it('an update that fails keeps the last good time', () => {
		const book = liveBook();
		expect(update(book, 11, [['x', '1']])).toBe(false);
		expect(book.updatedAt).toBe(10);
	});

	it('clear forgets every level and the time', () => {
		const book = liveBook();
		book.clear();
		expect(book.bidCount + book.askCount).toBe(0);
		expect(book.updatedAt).toBe(0);
		expect(book.bestBid()).toBeUndefined();
	});
});

describe('OrderBook levels', () => {
	it('inserts, updates and deletes in place, bids descending and asks ascending', () => {
		const book = liveBook();
		update(
			book,
			11,
			[
				['99.75', '1'],
				['100.0', '0'],
				['98', '6'],
				['99', '9']
			],
			[
				['100.75', '3'],
				['101', '0'],
				['103', '1']
			]
		);
		expect(pairs(book.levels('bid'))).toEqual([
			['99.75', '1'],
			['99.5', '3'],
			['99', '9'],
			['98', '6']
		]);
		expect(pairs(book.levels('ask'))).toEqual([
			['100.5', '2'],
			['100.75', '3'],
			['103', '1']
		]);
	});

	it('removes a held level whatever way zero is written', () => {
		for (const zero of ['0', '0.0', '0.000', '00']) {
			const book = liveBook();
			expect(update(book, 11, [['99.5', zero]], [['101', zero]]), zero).toBe(true);
			expect(pairs(book.levels('bid')), zero).toEqual([
				['100.0', '5'],
				['99', '7']
			]);
			expect(pairs(book.levels('ask')), zero).toEqual([['100.5', '2']]);
		}
	});

	it('ignores a zero size for a level it does not have', () => {
		const book = liveBook();
		expect(update(book, 11, [['42', '0']], [['200', '0.000']])).toBe(true);
		expect(book.bidCount).toBe(3);
		expect(book.askCount).toBe(2);
	});

	it('matches equal prices written differently and keeps the first text', () => {
		const book = liveBook();
		update(book, 11, [
			['100', '6'],
			['99.50', '0']
		]);
		expect(pairs(book.levels('bid'))).toEqual([
			['100.0', '6'],
			['99', '7']
		]);
	});

	it('handles tiny and large prices alike', () => {
		const book = new OrderBook();
		snapshot(
			book,
			1,
			[
				['0.00001233', '10'],
				['0.00001234', '5'],
				['0.00000001', '1']
			],
			[['0.00001235', '2.5']]
		);
		update(book, 2, [
			['0.00001234', '7'],
			['0.000012335', '3']
		]);
		expect(pairs(book.levels('bid'))).toEqual([
			['0.00001234', '7'],
			['0.000012335', '3'],
			['0.00001233', '10'],
			['0.00000001', '1']
		]);
		snapshot(
			book,
			5,
			[
				['65000.1', '1'],
				['65000', '2']
			],
			[['65000.2', '3']]
		);
		expect(book.bestBid()).toEqual({ price: '65000.1', size: '1' });
		expect(book.spread()).toBeCloseTo(0.1, 9);
		expect(book.mid()).toBeCloseTo(65000.15, 9);
	});

	it('keeps the best maxDepth levels per side, trimming after the whole message', () => {
		const book = new OrderBook({ maxDepth: 3 });
		snapshot(
			book,
			1,
			[
				['10', '1'],
				['9', '1'],
				['8', '1'],
				['7', '1']
			],
			[['11', '1']]
		);
		expect(pairs(book.levels('bid')).map(([p]) => p)).toEqual(['10', '9', '8']);
		// The new best pushes 8 out of the window, but 9 leaves in the same message: 8 stays.
		update(book, 2, [
			['10.5', '2'],
			['9', '0']
		]);
		expect(pairs(book.levels('bid')).map(([p]) => p)).toEqual(['10.5', '10', '8']);
		// A worse level than the window holds is dropped.
		update(book, 3, [['1', '5']]);
		expect(book.bidCount).toBe(3);
		expect(book.levels('bid').at(-1)?.price).toBe('8');
		// Many new levels in one message: more than the spare room.
		const many: Pair[] = Array.from({ length: 40 }, (_, i) => [String((1090 - i) / 100), '1']);
		expect(update(book, 4, many)).toBe(true);
		expect(pairs(book.levels('bid')).map(([p]) => p)).toEqual(['10.9', '10.89', '10.88']);
	});

	it('reports best levels, spread and mid, undefined on an empty side', () => {
		const book = liveBook();
		expect(book.bestBid()).toEqual({ price: '100.0', size: '5' });
		expect(book.bestAsk()).toEqual({ price: '100.5', size: '2' });
		expect(book.spread()).toBe(0.5);
		expect(book.mid()).toBe(100.25);
		update(
			book,
			11,
			[],
			[
				['100.5', '0'],
				['101', '0']
			]
		);
		expect(book.bestAsk()).toBeUndefined();
		expect(book.spread()).toBeUndefined();
		expect(book.mid()).toBeUndefined();
	});

	it('levels(side, n) returns at most n levels', () => {
		const book = liveBook();
		expect(book.levels('bid', 2)).toHaveLength(2);
		expect(book.levels('ask', 10)).toHaveLength(2);
		expect(book.levels('ask', 0)).toEqual([]);
	});

	it('fills cumulative depth into the buffers it is given', () => {
		const book = liveBook();
		const curve = book.cumulative('bid', 10);
		expect(curve.count).toBe(3);
		expect(Array.from(curve.prices.subarray(0, 3))).toEqual([100, 99.5, 99]);
		expect(Array.from(curve.totals.subarray(0, 3))).toEqual([5, 8, 15]);
		const again = book.cumulative('ask', 10, curve);
		expect(again).toBe(curve);
		expect(again.count).toBe(2);
		expect(Array.from(again.prices.subarray(0, 2))).toEqual([100.5, 101]);
		expect(Array.from(again.totals.subarray(0, 2))).toEqual([2, 6]);
		const small = { prices: new Float64Array(1), totals: new Float64Array(1), count: 0 };
		const grown = book.cumulative('bid', 3, small);
		expect(grown).not.toBe(small);
		expect(grown.count).toBe(3);
	});

	it('rejects a maxDepth that is not a positive integer', () => {
		expect(() => new OrderBook({ maxDepth: 0 })).toThrow(RangeError);
		expect(() => new OrderBook({ maxDepth: 2.5 })).toThrow(RangeError);
	});
});
