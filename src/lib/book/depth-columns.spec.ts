import { describe, expect, it } from 'vitest';
import { OrderBook } from './order-book';
import {
	buildDepthColumns,
	centeredPriceRange,
	DepthColumns,
	fillDepthColumns
} from './depth-columns';

// Bids 100 x 2, 99 x 3, 97 x 5 and asks 101 x 1, 102 x 4, summed outwards from the best price.
const bids = { prices: [100, 99, 97], totals: [2, 5, 10] };
const asks = { prices: [101, 102], totals: [1, 5] };

describe('fillDepthColumns', () => {
	it('puts bids reversed then asks on one ascending price axis, each side null on the other', () => {
		const columns = fillDepthColumns(bids, asks);
		expect(Array.from(columns.xs)).toEqual([97, 99, 100, 101, 102]);
		expect(columns.bids).toEqual([10, 5, 2, null, null]);
		expect(columns.asks).toEqual([null, null, null, 1, 5]);
	});

	it('accepts typed arrays as input', () => {
		const columns = fillDepthColumns(
			{ prices: Float64Array.of(100, 99), totals: Float64Array.of(2, 5) },
			{ prices: Float64Array.of(101), totals: Float64Array.of(1) }
		);
		expect(Array.from(columns.xs)).toEqual([99, 100, 101]);
		expect(columns.bids).toEqual([5, 2, null]);
		expect(columns.asks).toEqual([null, null, 1]);
	});

	it('handles an empty side', () => {
		const onlyAsks = fillDepthColumns({ prices: [], totals: [] }, asks);
		expect(Array.from(onlyAsks.xs)).toEqual([101, 102]);
		expect(onlyAsks.bids).toEqual([null, null]);
		expect(onlyAsks.asks).toEqual([1, 5]);

		const empty = fillDepthColumns({ prices: [], totals: [] }, { prices: [], totals: [] });
		expect(empty.xs.length).toBe(0);
		expect(empty.bids).toEqual([]);
		expect(empty.asks).toEqual([]);
	});

	it('uses only the levels that have both a price and a cumulative size', () => {
		const columns = fillDepthColumns({ prices: [100, 99, 98], totals: [2, 5] }, asks);
		expect(Array.from(columns.xs)).toEqual([99, 100, 101, 102]);
		expect(columns.bids).toEqual([5, 2, null, null]);
	});

	it('reads only `count` entries of longer buffers', () => {
		const columns = fillDepthColumns(
			{ prices: Float64Array.of(100, 99, 0, 0), totals: Float64Array.of(2, 5, 0, 0), count: 2 },
			{ prices: Float64Array.of(101, 0), totals: Float64Array.of(1, 0), count: 1 }
		);
		expect(Array.from(columns.xs)).toEqual([99, 100, 101]);
		expect(columns.bids).toEqual([5, 2, null]);
		expect(columns.asks).toEqual([null, null, 1]);
	});

	it('rewrites the same output in place across frames of the same depth', () => {
		const buffers = new DepthColumns(4);
		const first = fillDepthColumns(bids, asks, buffers);
		const { xs: firstXs, bids: firstBids, asks: firstAsks } = first;
		const second = fillDepthColumns(
			{ prices: [200, 199, 198], totals: [1, 2, 3] },
			{ prices: [201, 202], totals: [4, 6] },
			buffers
		);
		expect(first).toBe(buffers);
		expect(second).toBe(buffers);
		expect(second.xs).toBe(firstXs);
		expect(second.bids).toBe(firstBids);
		expect(second.asks).toBe(firstAsks);
		expect(Array.from(second.xs)).toEqual([198, 199, 200, 201, 202]);
		expect(second.bids).toEqual([3, 2, 1, null, null]);
		expect(second.asks).toEqual([null, null, null, 4, 6]);
	});

	it('shrinks and grows the output with the book', () => {
		const buffers = new DepthColumns(1);
		const deep = fillDepthColumns(bids, asks, buffers);
		expect(deep.xs.length).toBe(5);
		const shallow = fillDepthColumns(
			{ prices: [100], totals: [2] },
			{ prices: [101], totals: [1] },
			buffers
		);
		expect(Array.from(shallow.xs)).toEqual([100, 101]);
		expect(shallow.bids).toEqual([2, null]);
		expect(shallow.asks).toEqual([null, 1]);
	});
});

describe('buildDepthColumns', () => {
	it('reads the best levels of an order book into depth columns', () => {
		const book = new OrderBook({ maxDepth: 10 });
		book.replace(
			[
				{ price: '100', size: '2' },
				{ price: '99', size: '3' },
				{ price: '97', size: '5' }
			],
			[
				{ price: '101', size: '1' },
				{ price: '102', size: '4' }
			],
			0
		);
		const first = buildDepthColumns(book, 2);
		expect(Array.from(first.xs)).toEqual([99, 100, 101, 102]);
		expect(first.bids).toEqual([5, 2, null, null]);
		expect(first.asks).toEqual([null, null, 1, 5]);

		const again = buildDepthColumns(book, 3, first);
		expect(again).toBe(first);
		expect(Array.from(again.xs)).toEqual([97, 99, 100, 101, 102]);
		expect(again.bids).toEqual([10, 5, 2, null, null]);
	});
});

describe('centeredPriceRange', () => {
	it('centres on the mid and spans the deeper side', () => {
		// mid = (100 + 101) / 2 = 100.5; bids reach 3.5 below it, asks 1.5 above.
		expect(centeredPriceRange(fillDepthColumns(bids, asks))).toEqual([97, 104]);
	});

	it('spans the asks when they reach further', () => {
		// mid = 100.5; asks reach 9.5 above it, so the bids side is padded to 91.
		const columns = fillDepthColumns(
			{ prices: [100], totals: [2] },
			{ prices: [101, 110], totals: [1, 3] }
		);
		expect(centeredPriceRange(columns)).toEqual([91, 110]);
	});

	it('is null when a side is empty', () => {
		expect(centeredPriceRange(fillDepthColumns({ prices: [], totals: [] }, asks))).toBeNull();
		expect(centeredPriceRange(fillDepthColumns(bids, { prices: [], totals: [] }))).toBeNull();
	});
});
