import { describe, expect, it } from 'vitest';
import { formatScaled, parseScaled } from './decimal';

describe('decimal strings', () => {
	it('formats integer tick counts exactly', () => {
		expect(formatScaled(642501, 1)).toBe('64250.1');
		expect(formatScaled(12340, 5)).toBe('0.12340');
		expect(formatScaled(-5, 2)).toBe('-0.05');
		expect(formatScaled(7, 0)).toBe('7');
	});

	it('parses on-tick prices and refuses off-tick ones', () => {
		expect(parseScaled('64250.1', 1)).toBe(642501n);
		expect(parseScaled('64250.10', 1)).toBe(642501n);
		expect(parseScaled('64250.15', 1)).toBeUndefined();
		expect(parseScaled('1e5', 1)).toBeUndefined();
	});
});
