import { describe, expect, it } from 'vitest';
import { KEY_EXPIRY_WARNING_MS, keyExpiry } from './key-expiry';

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.UTC(2026, 10, 29);

describe('keyExpiry', () => {
	it('shows nothing when the venue gave no expiry', () => {
		expect(keyExpiry(undefined, NOW)).toBeNull();
	});

	it('is quiet more than two weeks ahead', () => {
		expect(keyExpiry(NOW + KEY_EXPIRY_WARNING_MS + 1, NOW)).toEqual({
			state: 'ok',
			expiresAt: NOW + KEY_EXPIRY_WARNING_MS + 1
		});
	});

	it('warns from two weeks ahead, counting whole days left', () => {
		expect(keyExpiry(NOW + KEY_EXPIRY_WARNING_MS, NOW)).toMatchObject({
			state: 'soon',
			daysLeft: 14
		});
		expect(keyExpiry(NOW + DAY / 2, NOW)).toMatchObject({ state: 'soon', daysLeft: 1 });
	});

	it('says expired once the time has passed', () => {
		expect(keyExpiry(NOW, NOW)).toEqual({ state: 'expired', expiresAt: NOW });
	});
});
