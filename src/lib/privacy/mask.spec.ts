import { describe, expect, it } from 'vitest';
import { MASK, maskNumbers, maskValue } from './mask';

describe('privacy masks', () => {
	it('masks a value only when hidden', () => {
		expect(maskValue('10,000.00', true)).toBe(MASK);
		expect(maskValue('10,000.00', false)).toBe('10,000.00');
	});

	it('masks every standalone amount in a sentence, keeping words and ids', () => {
		const s =
			'Sell 12 BTCUSDT contracts at market, reduce-only, account Main. Filled 1,234.5 at −0.25';
		const masked = maskNumbers(s, true);
		expect(masked).toBe(
			`Sell ${MASK} BTCUSDT contracts at market, reduce-only, account Main. Filled ${MASK} at ${MASK}`
		);
		expect(maskNumbers('order PERCH1a2b3c4d filled', true)).toBe('order PERCH1a2b3c4d filled');
		expect(maskNumbers('{"size":"12","price":"61500"}', true)).not.toMatch(/\d/);
		expect(maskNumbers(s, false)).toBe(s);
	});
});
