import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_RECONNECT_POLICY } from './backoff';

const policy = { initialDelayMs: 500, maxDelayMs: 30_000, jitter: 0.3, maxAttempts: Infinity };

describe('backoffDelay', () => {
	it('doubles from the initial delay and stops at the cap', () => {
		const atTop = () => 1;
		const delays = [0, 1, 2, 3, 4, 5, 6, 7, 20, 1000].map((n) => backoffDelay(n, policy, atTop));
		expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000]);
	});

	it('draws the jitter share at random, below the full delay', () => {
		expect(backoffDelay(2, policy, () => 0)).toBe(1400);
		expect(backoffDelay(2, policy, () => 0.5)).toBe(1700);
		expect(backoffDelay(2, policy, () => 1)).toBe(2000);
		expect(backoffDelay(50, policy, () => 0)).toBe(21000);
	});

	it('keeps delays exact without jitter and never goes negative', () => {
		const exact = { ...policy, jitter: 0 };
		expect(backoffDelay(3, exact, () => 0.9)).toBe(4000);
		expect(backoffDelay(-5, exact, () => 0.9)).toBe(500);
		expect(backoffDelay(0, { ...policy, jitter: 7 }, () => 0)).toBe(0);
	});

	it('defaults to 500 ms doubling to 30 s with 30 % jitter, retrying forever', () => {
		expect(DEFAULT_RECONNECT_POLICY).toEqual(policy);
	});
});
