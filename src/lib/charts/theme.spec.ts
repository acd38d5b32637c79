import { describe, expect, it } from 'vitest';
import { parseRgb, withAlpha } from './theme';

describe('parseRgb', () => {
	it('reads short and long hex, with or without alpha digits', () => {
		expect(parseRgb('#16c784')).toEqual([22, 199, 132]);
		expect(parseRgb('#fA0')).toEqual([255, 170, 0]);
		expect(parseRgb('#16c78480')).toEqual([22, 199, 132]);
		expect(parseRgb('#fa08')).toEqual([255, 170, 0]);
	});

	it('reads comma and space separated rgb()/rgba()', () => {
		expect(parseRgb('rgb(234, 57, 67)')).toEqual([234, 57, 67]);
		expect(parseRgb('rgba(1,2,3,0.5)')).toEqual([1, 2, 3]);
		expect(parseRgb('rgb(10 20 30 / 50%)')).toEqual([10, 20, 30]);
	});

	it('returns null for what it cannot read', () => {
		expect(parseRgb('hsl(0 50% 50%)')).toBeNull();
		expect(parseRgb('#12345')).toBeNull();
		expect(parseRgb(null)).toBeNull();
	});
});

describe('withAlpha', () => {
	it('replaces the alpha of a hex or rgb colour', () => {
		expect(withAlpha('#ea3943', 0.25)).toBe('rgba(234, 57, 67, 0.25)');
		expect(withAlpha('rgba(1, 2, 3, 0.9)', 0.1)).toBe('rgba(1, 2, 3, 0.1)');
	});

	it('leaves an unreadable colour unchanged outside a browser', () => {
		expect(withAlpha('rebeccapurple', 0.5)).toBe('rebeccapurple');
	});
});
