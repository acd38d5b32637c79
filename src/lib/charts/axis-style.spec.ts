import { describe, expect, it } from 'vitest';
import { compactNumber, decimalsForIncrement } from './axis-style';

describe('decimalsForIncrement', () => {
	it('uses the fewest decimals that write the increment exactly', () => {
		expect(decimalsForIncrement(50)).toBe(0);
		expect(decimalsForIncrement(1)).toBe(0);
		expect(decimalsForIncrement(0.5)).toBe(1);
		expect(decimalsForIncrement(0.25)).toBe(2);
		expect(decimalsForIncrement(0.01)).toBe(2);
		expect(decimalsForIncrement(0.005)).toBe(3);
		expect(decimalsForIncrement(0.1 + 0.2)).toBe(1);
	});

	it('caps the decimals and ignores nonsense increments', () => {
		expect(decimalsForIncrement(1e-12)).toBe(8);
		expect(decimalsForIncrement(0)).toBe(0);
		expect(decimalsForIncrement(Number.NaN)).toBe(0);
	});
});

describe('compactNumber', () => {
	it('shortens large sizes', () => {
		expect(compactNumber(950)).toBe('950');
		expect(compactNumber(1250)).toBe('1.25K');
		expect(compactNumber(3_400_000)).toBe('3.4M');
	});
});
