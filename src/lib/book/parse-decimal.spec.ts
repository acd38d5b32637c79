import { describe, expect, it } from 'vitest';
import { parseDecimal } from './parse-decimal';
import { seededRandom } from './synthetic-depth';

describe('parseDecimal', () => {
	it('reads plain decimals exactly as Number() does', () => {
		for (const text of ['0', '1', '341', '65000.1', '70391.60', '0.00001234', '0.1', '0.3']) {
			expect(parseDecimal(text)).toBe(Number(text));
		}
		expect(parseDecimal('999999999999999')).toBe(999999999999999);
		expect(parseDecimal('99999999.9999999')).toBe(99999999.9999999);
	});

	it('agrees with Number() on random decimals of every length and scale', () => {
		const rand = seededRandom(99);
		const mismatches: string[] = [];
		for (let n = 0; n < 50_000; n++) {
			const digits = 1 + Math.floor(rand() * 18);
			let text = '';
			for (let d = 0; d < digits; d++) text += String(Math.floor(rand() * 10));
			const point = Math.floor(rand() * (digits + 1));
			if (point > 0 && point < digits) text = `${text.slice(0, point)}.${text.slice(point)}`;
			if (!Object.is(parseDecimal(text), Number(text))) mismatches.push(text);
		}
		expect(mismatches).toEqual([]);
	});

	it('hands everything unusual to Number()', () => {
		for (const text of [
			'1e-8',
			'-1',
			'+2',
			' 3',
			'4 ',
			'5.',
			'.5',
			'1.2.3',
			'0x10',
			'abc',
			'1,5'
		]) {
			expect(parseDecimal(text), text).toBe(Number(text));
		}
		expect(parseDecimal('12345678901234567')).toBe(Number('12345678901234567'));
		expect(parseDecimal('9007199254740993')).toBe(Number('9007199254740993'));
	});

	it('reads empty text as NaN, not 0', () => {
		expect(parseDecimal('')).toBeNaN();
	});
});
