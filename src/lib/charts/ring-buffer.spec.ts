import { describe, expect, it } from 'vitest';
import { TimeSeriesRing } from './ring-buffer';

function columnsAsArrays(ring: TimeSeriesRing): [number[], number[]] {
	const [times, values] = ring.toColumns();
	return [Array.from(times), Array.from(values)];
}

describe('TimeSeriesRing', () => {
	it('rejects a capacity that is not a positive integer', () => {
		expect(() => new TimeSeriesRing(0)).toThrow(RangeError);
		expect(() => new TimeSeriesRing(2.5)).toThrow(RangeError);
	});

	it('starts empty', () => {
		const ring = new TimeSeriesRing(3);
		expect(ring.length).toBe(0);
		expect(ring.lastTime).toBeUndefined();
		expect(columnsAsArrays(ring)).toEqual([[], []]);
	});

	it('returns samples in time order before it is full', () => {
		const ring = new TimeSeriesRing(4);
		ring.push(10, 1.5);
		ring.push(11, -2);
		expect(ring.length).toBe(2);
		expect(columnsAsArrays(ring)).toEqual([
			[10, 11],
			[1.5, -2]
		]);
	});

	it('drops the oldest samples once full and keeps time order across the wrap', () => {
		const ring = new TimeSeriesRing(3);
		for (let t = 1; t <= 7; t++) ring.push(t, t * 10);
		expect(ring.length).toBe(3);
		expect(ring.lastTime).toBe(7);
		expect(columnsAsArrays(ring)).toEqual([
			[5, 6, 7],
			[50, 60, 70]
		]);
	});

	it('replaces the value of a sample pushed again at the newest time', () => {
		const ring = new TimeSeriesRing(3);
		ring.push(1, 1);
		ring.push(2, 2);
		expect(ring.push(2, 5)).toBe(true);
		expect(columnsAsArrays(ring)).toEqual([
			[1, 2],
			[1, 5]
		]);
	});

	it('refuses samples older than the newest, and NaN times', () => {
		const ring = new TimeSeriesRing(3);
		expect(ring.push(Number.NaN, 1)).toBe(false);
		ring.push(5, 1);
		expect(ring.push(4, 2)).toBe(false);
		expect(ring.push(Number.NaN, 2)).toBe(false);
		expect(columnsAsArrays(ring)).toEqual([[5], [1]]);
	});

	it('hands back the very same arrays every frame once full', () => {
		const ring = new TimeSeriesRing(2);
		ring.push(1, 1);
		ring.push(2, 2);
		const first = ring.toColumns();
		ring.push(3, 3);
		const second = ring.toColumns();
		expect(second[0]).toBe(first[0]);
		expect(second[1]).toBe(first[1]);
		expect(Array.from(second[0])).toEqual([2, 3]);
		expect(Array.from(second[1])).toEqual([2, 3]);
	});

	it('is empty after clear and fills again from scratch', () => {
		const ring = new TimeSeriesRing(2);
		ring.push(1, 1);
		ring.push(2, 2);
		ring.push(3, 3);
		ring.clear();
		expect(ring.length).toBe(0);
		expect(columnsAsArrays(ring)).toEqual([[], []]);
		ring.push(1, 9);
		expect(columnsAsArrays(ring)).toEqual([[1], [9]]);
	});
});
