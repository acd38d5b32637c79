import { describe, expect, it } from 'vitest';
import { reuseLevels } from './ladder-levels';

const lv = (price: string, size: string) => ({ price, size });

describe('reuseLevels', () => {
	it('gives back the previous array when no level changed', () => {
		const prev = [lv('10', '1'), lv('9', '2')];
		expect(reuseLevels(prev, [lv('10', '1'), lv('9', '2')])).toBe(prev);
	});

	it('keeps the unchanged levels as the same objects and takes the changed ones', () => {
		const prev = [lv('10', '1'), lv('9', '2'), lv('8', '3')];
		const next = reuseLevels(prev, [lv('10', '1'), lv('9', '5'), lv('8', '3')]);
		expect(next).not.toBe(prev);
		expect(next[0]).toBe(prev[0]);
		expect(next[1]).toEqual(lv('9', '5'));
		expect(next[1]).not.toBe(prev[1]);
		expect(next[2]).toBe(prev[2]);
	});

	it('treats a shorter or longer side as a change', () => {
		const prev = [lv('10', '1'), lv('9', '2')];
		const shorter = reuseLevels(prev, [lv('10', '1')]);
		expect(shorter).not.toBe(prev);
		expect(shorter).toEqual([lv('10', '1')]);
		expect(reuseLevels(prev, [lv('10', '1'), lv('9', '2'), lv('8', '3')])).toHaveLength(3);
	});

	it('compares by rank: a level that moved to another rank is a new row', () => {
		const prev = [lv('10', '1'), lv('9', '2')];
		const next = reuseLevels(prev, [lv('11', '4'), lv('10', '1')]);
		expect(next[1]).not.toBe(prev[0]);
		expect(next).toEqual([lv('11', '4'), lv('10', '1')]);
	});
});
