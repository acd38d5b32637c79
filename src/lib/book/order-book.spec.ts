import { describe, expect, it } from 'vitest';
import type { BookMessage, WireLevel } from '$lib/exchanges/types';
import { OrderBook } from './order-book';

type Pair = [price: string, size: string];

const wire = (pairs: Pair[]): WireLevel[] => pairs.map(([price, size]) => ({ price, size }));

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

const pairs = (levels: WireLevel[]): Pair[] => levels.map((l) => [l.price, l.size]);

function liveBook(maxDepth = 50): OrderBook {
	const book = new OrderBook({ maxDepth });
	book.apply(
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
	return book;
}

describe('OrderBook versions', () => {
	it('starts empty and asks for a snapshot when an update comes first', () => {
		const book = new OrderBook();
		expect(book.state).toBe('empty');
		expect(book.apply(update(5, [['1', '1']]))).toBe('gap');
		expect(book.state).toBe('resyncing');
		expect(book.bidCount).toBe(0);
	});

	it('a snapshot replaces the book, sorts it and sets version and time', () => {
		const book = liveBook();
		expect(
			book.apply(
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
		expect(book.state).toBe('live');
		expect(book.version).toBe(3);
		expect(book.updatedAt).toBe(3);
		expect(pairs(book.levels('bid'))).toEqual([
			['99', '2'],
			['98', '1']
		]);
		expect(pairs(book.levels('ask'))).toEqual([['102', '9']]);
	});

	it('applies version + 1 and advances even when the update is empty', () => {
		const book = liveBook();
		expect(book.apply(update(11, []))).toBe('applied');
		expect(book.version).toBe(11);
		expect(book.apply(update(12, [['99.5', '8']]))).toBe('applied');
		expect(book.levels('bid')[1]).toEqual({ price: '99.5', size: '8' });
	});

	it('drops duplicates and old versions without touching the book', () => {
		const book = liveBook();
		book.apply(update(11, [['99.5', '8']]));
		expect(book.apply(update(11, [['99.5', '1']]))).toBe('dropped');
		expect(book.apply(update(4, [['100.0', '0']]))).toBe('dropped');
		expect(book.state).toBe('live');
		expect(book.version).toBe(11);
		expect(pairs(book.levels('bid', 2))).toEqual([
			['100.0', '5'],
			['99.5', '8']
		]);
	});

	it('a version gap resyncs; updates are ignored until the next snapshot', () => {
		const book = liveBook();
		expect(book.apply(update(12, [['99.5', '1']]))).toBe('gap');
		expect(book.state).toBe('resyncing');
		expect(book.apply(update(11, [['99.5', '1']]))).toBe('dropped');
		expect(book.apply(update(13, [['99.5', '1']]))).toBe('dropped');
		expect(book.levels('bid')[1].size).toBe('3');
		expect(book.apply(snapshot(20, [['99', '1']], [['100', '1']]))).toBe('applied');
		expect(book.state).toBe('live');
		expect(book.apply(update(21, [['98', '4']]))).toBe('applied');
		expect(book.bidCount).toBe(2);
	});

	it('treats a crossed result as corruption', () => {
		const book = liveBook();
		expect(book.apply(update(11, [['100.5', '1']]))).toBe('gap');
		expect(book.state).toBe('resyncing');
		const locked = liveBook();
		expect(locked.apply(update(11, [], [['100.0', '1']]))).toBe('gap');
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
			const book = liveBook();
			expect(book.apply(update(11, [bad as Pair]))).toBe('gap');
		}
		expect(new OrderBook().apply(snapshot(1, [['NaN', '1']], []))).toBe('gap');
	});

	it('reset forgets book and version', () => {
		const book = liveBook();
		book.reset();
		expect(book.state).toBe('empty');
		expect(book.version).toBe(0);
		expect(book.bidCount + book.askCount).toBe(0);
		expect(book.apply(update(11, []))).toBe('gap');
	});
});

describe('OrderBook levels', () => {
	it('inserts, updates and deletes in place, bids descending and asks ascending', () => {
		const book = liveBook();
		book.apply(
			update(
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
			)
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
			expect(book.apply(update(11, [['99.5', zero]], [['101', zero]])), zero).toBe('applied');
			expect(pairs(book.levels('bid')), zero).toEqual([
				['100.0', '5'],
				['99', '7']
			]);
			expect(pairs(book.levels('ask')), zero).toEqual([['100.5', '2']]);
		}
	});

	it('ignores a zero size for a level it does not have', () => {
		const book = liveBook();
		expect(book.apply(update(11, [['42', '0']], [['200', '0.000']]))).toBe('applied');
		expect(book.bidCount).toBe(3);
		expect(book.askCount).toBe(2);
	});

	it('matches equal prices written differently and keeps the first text', () => {
		const book = liveBook();
		book.apply(
			update(11, [
				['100', '6'],
				['99.50', '0']
			])
		);
		expect(pairs(book.levels('bid'))).toEqual([
			['100.0', '6'],
			['99', '7']
		]);
	});

	it('handles tiny and large prices alike', () => {
		const book = new OrderBook();
		book.apply(
			snapshot(
				1,
				[
					['0.00001233', '10'],
					['0.00001234', '5'],
					['0.00000001', '1']
				],
				[['0.00001235', '2.5']]
			)
		);
		book.apply(
			update(2, [
				['0.00001234', '7'],
				['0.000012335', '3']
			])
		);
		expect(pairs(book.levels('bid'))).toEqual([
			['0.00001234', '7'],
			['0.000012335', '3'],
			['0.00001233', '10'],
			['0.00000001', '1']
		]);
		book.apply(
			snapshot(
				5,
				[
					['65000.1', '1'],
					['65000', '2']
				],
				[['65000.2', '3']]
			)
		);
		expect(book.bestBid()).toEqual({ price: '65000.1', size: '1' });
		expect(book.spread()).toBeCloseTo(0.1, 9);
		expect(book.mid()).toBeCloseTo(65000.15, 9);
	});

	it('keeps the best maxDepth levels per side, trimming after the whole message', () => {
		const book = new OrderBook({ maxDepth: 3 });
		book.apply(
			snapshot(
				1,
				[
					['10', '1'],
					['9', '1'],
					['8', '1'],
					['7', '1']
				],
				[['11', '1']]
			)
		);
		expect(pairs(book.levels('bid')).map(([p]) => p)).toEqual(['10', '9', '8']);
		// The new best pushes 8 out of the window, but 9 leaves in the same message: 8 stays.
		book.apply(
			update(2, [
				['10.5', '2'],
				['9', '0']
			])
		);
		expect(pairs(book.levels('bid')).map(([p]) => p)).toEqual(['10.5', '10', '8']);
		// A worse level than the window holds is dropped.
		book.apply(update(3, [['1', '5']]));
		expect(book.bidCount).toBe(3);
		expect(book.levels('bid').at(-1)?.price).toBe('8');
		// Many new levels in one message: more than the spare room.
		const many: Pair[] = Array.from({ length: 40 }, (_, i) => [String((1090 - i) / 100), '1']);
		expect(book.apply(update(4, many))).toBe('applied');
		expect(pairs(book.levels('bid')).map(([p]) => p)).toEqual(['10.9', '10.89', '10.88']);
	});

	it('reports best levels, spread and mid, undefined on an empty side', () => {
		const book = liveBook();
		expect(book.bestBid()).toEqual({ price: '100.0', size: '5' });
		expect(book.bestAsk()).toEqual({ price: '100.5', size: '2' });
		expect(book.spread()).toBe(0.5);
		expect(book.mid()).toBe(100.25);
		book.apply(
			update(
				11,
				[],
				[
					['100.5', '0'],
					['101', '0']
				]
			)
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
