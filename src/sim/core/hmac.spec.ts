import { describe, expect, it } from 'vitest';
import { constantTimeEqual, hmacHex, importHmacKey } from './hmac';

// Documented vectors (BitMart docs: "Signature" and "Login").
const SECRET = '6c6c98544461bbe71db2bca4c6d7fd0021e0ba9efc215f9c6ad41852df9d9df9';

describe('hmacHex', () => {
	it('reproduces the documented REST signature', async () => {
		const key = await importHmacKey(SECRET);
		const body = '{"symbol":"BTC_USDT","price":"8600","count":"100"}';
		expect(await hmacHex(key, `1589793796145#test001#${body}`)).toBe(
			'c31dc326bf87f38bfb49a3f8494961abfa291bd549d0d98d9578e87516cee46d'
		);
	});

	it('reproduces the documented WebSocket login signature', async () => {
		const key = await importHmacKey(SECRET);
		expect(await hmacHex(key, '1589267764859#test001#bitmart.WebSocket')).toBe(
			'3ceeb7e1b8cb165a975e28a2e2dfaca4d30b358873c0351c1a071d8c83314556'
		);
	});

	it('compares strings of equal and unequal length', () => {
		expect(constantTimeEqual('abc', 'abc')).toBe(true);
		expect(constantTimeEqual('abc', 'abd')).toBe(false);
		expect(constantTimeEqual('abc', 'abcd')).toBe(false);
	});
});
