import { describe, expect, it } from 'vitest';
import {
	formatAge,
	formatCountdown,
	formatPercent,
	formatPrice,
	formatSize,
	stepDecimals
} from './format';

describe('stepDecimals', () => {
	it('reads decimals from tick strings', () => {
		expect(stepDecimals('0.1')).toBe(1);
		expect(stepDecimals('0.01')).toBe(2);
		expect(stepDecimals('1')).toBe(0);
		expect(stepDecimals('0.00001')).toBe(5);
		expect(stepDecimals('1e-5')).toBe(5);
		expect(stepDecimals('0.50')).toBe(1);
	});

	it('falls back to 2 places for a missing or malformed tick instead of throwing', () => {
		expect(stepDecimals(undefined)).toBe(2);
		expect(stepDecimals('')).toBe(2);
		expect(stepDecimals('abc')).toBe(2);
	});
});

describe('display formatting', () => {
	it('formats prices at tick precision with grouping', () => {
		expect(formatPrice('65000.1', 1)).toBe('65,000.1');
		expect(formatPrice('0.1234', 4)).toBe('0.1234');
		expect(formatPrice(undefined, 2)).toBe('—');
		expect(formatPrice('abc', 2)).toBe('—');
	});

	it('formats signed percentages from fractions', () => {
		expect(formatPercent('0.0001', 4)).toBe('+0.0100%');
		expect(formatPercent('-0.0123')).toBe('-1.23%');
		expect(formatPercent('0')).toBe('0.00%');
	});

	it('abbreviates large sizes', () => {
		expect(formatSize('1234')).toBe('1,234');
		expect(formatSize('12345')).toBe('12.3K');
		expect(formatSize('2500000')).toBe('2.50M');
	});

	it('formats ages and countdowns', () => {
		expect(formatAge(400)).toBe('0.4s');
		expect(formatAge(42_000)).toBe('42s');
		expect(formatAge(180_000)).toBe('3m');
		expect(formatCountdown(8 * 3600_000 - 1000)).toBe('07:59:59');
		expect(formatCountdown(-5)).toBe('00:00:00');
	});
});
