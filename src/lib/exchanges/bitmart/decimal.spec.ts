import { describe, expect, it } from 'vitest';
import { divideDecimal } from './decimal';

describe('divideDecimal', () => {
	it('divides exactly where floats would not', () => {
		expect(0.3 / 0.1).not.toBe(3);
		expect(divideDecimal('0.3', '0.1')).toBe('3');
		expect(divideDecimal('0.037', '0.001')).toBe('37');
		expect(divideDecimal('3853.4205', '10')).toBe('385.34205');
		expect(divideDecimal('1', '0.0001')).toBe('10000');
	});

	it('truncates a non-terminating quotient', () => {
		expect(divideDecimal('1', '3', 4)).toBe('0.3333');
		expect(divideDecimal('-2', '3', 2)).toBe('-0.66');
	});

	it('refuses bad input instead of guessing', () => {
		expect(divideDecimal('1e-8', '1')).toBeUndefined();
		expect(divideDecimal('abc', '1')).toBeUndefined();
		expect(divideDecimal('1', '0')).toBeUndefined();
		expect(divideDecimal('1', '0.000')).toBeUndefined();
	});
});
