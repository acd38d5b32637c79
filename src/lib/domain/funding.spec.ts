import { describe, expect, it } from 'vitest';
import { DecimalFormatError } from './decimal';
import { countdown, formatCountdown, nextFundingPayment } from './funding';

describe('nextFundingPayment', () => {
	// notional = 10 × 0.001 × 60000 = 600; 600 × 0.0001 = 0.06
	const position = { size: '10', contractSize: '0.001', mark: '60000' };

	it('a long pays when the rate is positive', () => {
		expect(nextFundingPayment({ ...position, side: 'long', rate: '0.0001' })).toBe(-0.06);
	});

	it('a short receives when the rate is positive', () => {
		expect(nextFundingPayment({ ...position, side: 'short', rate: '0.0001' })).toBe(0.06);
	});

	it('a long receives when the rate is negative', () => {
		// 600 × −0.00025 = −0.15, and the long receives it: +0.15
		expect(nextFundingPayment({ ...position, side: 'long', rate: '-0.00025' })).toBe(0.15);
	});

	it('a short pays when the rate is negative', () => {
		expect(nextFundingPayment({ ...position, side: 'short', rate: '-0.00025' })).toBe(-0.15);
	});

	it('is exactly zero at a zero rate (no negative zero)', () => {
		const payment = nextFundingPayment({ ...position, side: 'long', rate: '0' });
		expect(Object.is(payment, 0)).toBe(true);
	});

	it('is exact where floats are not', () => {
		// 3 × 0.1 × 0.7 = 0.21; 0.21 × 0.01 = 0.0021 (floats: 3 * 0.1 * 0.7 * 0.01 = 0.0021000000000000003)
		expect(3 * 0.1 * 0.7 * 0.01).not.toBe(0.0021);
		expect(
			nextFundingPayment({
				side: 'short',
				size: '3',
				contractSize: '0.1',
				mark: '0.7',
				rate: '0.01'
			})
		).toBe(0.0021);
	});

	it('throws on a malformed rate', () => {
		expect(() => nextFundingPayment({ ...position, side: 'long', rate: '' })).toThrow(
			DecimalFormatError
		);
	});
});

describe('countdown', () => {
	const now = 1_700_000_000_000;

	it('splits the time left into hours, minutes and seconds', () => {
		// 7 h 59 min 3 s = 7×3600 + 59×60 + 3 = 28743 s
		expect(countdown(now + 28_743_000, now)).toEqual({
			hours: 7,
			minutes: 59,
			seconds: 3,
			totalMs: 28_743_000
		});
	});

	it('rounds a part second up, so the display reaches zero only when funding is due', () => {
		// 1 min 0.001 s left → 61 s shown
		expect(countdown(now + 60_001, now)).toEqual({
			hours: 0,
			minutes: 1,
			seconds: 1,
			totalMs: 60_001
		});
		expect(countdown(now + 1, now)).toEqual({ hours: 0, minutes: 0, seconds: 1, totalMs: 1 });
	});

	it('clamps at zero once the time has passed', () => {
		const zero = { hours: 0, minutes: 0, seconds: 0, totalMs: 0 };
		expect(countdown(now, now)).toEqual(zero);
		expect(countdown(now - 5_000, now)).toEqual(zero);
		expect(countdown(NaN, now)).toEqual(zero);
	});

	it('does not wrap hours at a day', () => {
		// 30 h = 108000 s
		expect(countdown(now + 108_000_000, now)).toEqual({
			hours: 30,
			minutes: 0,
			seconds: 0,
			totalMs: 108_000_000
		});
	});
});

describe('formatCountdown', () => {
	it('prints HH:MM:SS', () => {
		expect(formatCountdown({ hours: 7, minutes: 59, seconds: 3, totalMs: 0 })).toBe('07:59:03');
		expect(formatCountdown({ hours: 0, minutes: 0, seconds: 0, totalMs: 0 })).toBe('00:00:00');
		expect(formatCountdown({ hours: 123, minutes: 4, seconds: 50, totalMs: 0 })).toBe('123:04:50');
	});

	it('formats what countdown returns', () => {
		// 1 h 2 min 3.4 s → rounds up to 1:02:04
		expect(formatCountdown(countdown(3_723_400, 0))).toBe('01:02:04');
	});
});
