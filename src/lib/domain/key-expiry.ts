/**
 * An API key's expiry as an account shows it. Some venues expire keys (one after 90 days unless
 * bound to an IP): the account warns two weeks ahead, and says plainly once it has passed.
 */

export const KEY_EXPIRY_WARNING_MS = 14 * 24 * 60 * 60 * 1000;

export type KeyExpiry =
	| { state: 'ok'; expiresAt: number }
	| { state: 'soon'; expiresAt: number; daysLeft: number }
	| { state: 'expired'; expiresAt: number };

export function keyExpiry(expiresAt: number | undefined, now: number): KeyExpiry | null {
	if (expiresAt === undefined || !Number.isFinite(expiresAt)) return null;
	const left = expiresAt - now;
	if (left <= 0) return { state: 'expired', expiresAt };
	if (left <= KEY_EXPIRY_WARNING_MS) {
		return { state: 'soon', expiresAt, daysLeft: Math.ceil(left / (24 * 60 * 60 * 1000)) };
	}
	return { state: 'ok', expiresAt };
}
