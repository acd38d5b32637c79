import { describe, expect, it } from 'vitest';
import { formatSignedAmount, formatStamp, isMarkStale, liquidationRisk, signTone } from './display';

describe('formatSignedAmount', () => {
	it('signs positive and negative values with a real minus', () => {
		expect(formatSignedAmount(12.345)).toBe('+12.35');
		expect(formatSignedAmount(-1234.5)).toBe('\u22121,234.50');
	});
	it('keeps four places below one so small funding does not read zero', () => {
		expect(formatSignedAmount(-0.0042)).toBe('\u22120.0042');
	});
	it('leaves zero unsigned, including values that round to zero', () => {
		expect(formatSignedAmount(0)).toBe('0.0000');
		expect(formatSignedAmount(-0.001, 2)).toBe('0.00');
	});
	it('shows a dash for unknown values', () => {
		expect(formatSignedAmount(null)).toBe('—');
		expect(formatSignedAmount(Number.NaN)).toBe('—');
	});
});

describe('signTone', () => {
	it('maps sign to colour class, strings included', () => {
		expect(signTone(3)).toBe('pos');
		expect(signTone('-0.5')).toBe('neg');
		expect(signTone('0')).toBe('');
		expect(signTone(null)).toBe('');
	});
});

describe('liquidationRisk', () => {
	it('warns under 10 % and is dangerous under 3 %', () => {
		expect(liquidationRisk(0.25)).toBe('ok');
		expect(liquidationRisk(0.0999)).toBe('warn');
		expect(liquidationRisk(0.029)).toBe('danger');
		expect(liquidationRisk(-0.01)).toBe('danger');
		expect(liquidationRisk(null)).toBe('unknown');
	});
});

describe('isMarkStale', () => {
	it('is stale past five seconds or when the age is unknown', () => {
		expect(isMarkStale(5000)).toBe(false);
		expect(isMarkStale(5001)).toBe(true);
		expect(isMarkStale(null)).toBe(true);
	});
});

describe('formatStamp', () => {
	it('prints local month-day and clock time', () => {
		const ts = new Date(2025, 2, 4, 9, 5, 7).getTime();
		expect(formatStamp(ts)).toBe('03-04 09:05:07');
	});
});
