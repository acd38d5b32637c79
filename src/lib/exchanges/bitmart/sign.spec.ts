import { describe, expect, it } from 'vitest';
import { importSigningKey } from '$lib/vault/signing-key';
import { hmacHex, restPrehash, wsLoginPrehash } from './sign';

// Documented vectors: seeds/001 "Signature" and "Login"; the extra two from the protocol notes §2.
const secret = '6c6c98544461bbe71db2bca4c6d7fd0021e0ba9efc215f9c6ad41852df9d9df9';
const memo = 'test001';

describe('prehash strings', () => {
	it('joins timestamp, memo and payload with #', () => {
		expect(restPrehash(1589793796145, memo, '{"a":1}')).toBe('1589793796145#test001#{"a":1}');
		expect(restPrehash('1', 'm', '')).toBe('1#m#');
	});

	it('uses the fixed WebSocket payload for login', () => {
		expect(wsLoginPrehash(1589267764859, memo)).toBe('1589267764859#test001#bitmart.WebSocket');
	});
});

describe('hmacHex', () => {
	it('matches the documented WebSocket login vector', async () => {
		const key = await importSigningKey(secret);
		expect(await hmacHex(key, wsLoginPrehash(1589267764859, memo))).toBe(
			'3ceeb7e1b8cb165a975e28a2e2dfaca4d30b358873c0351c1a071d8c83314556'
		);
	});

	it('matches the documented REST POST vector', async () => {
		const key = await importSigningKey(secret);
		const body = '{"symbol":"BTC_USDT","price":"8600","count":"100"}';
		expect(await hmacHex(key, restPrehash('1589793796145', memo, body))).toBe(
			'c31dc326bf87f38bfb49a3f8494961abfa291bd549d0d98d9578e87516cee46d'
		);
	});

	it('matches the GET query-string vector from the notes', async () => {
		const key = await importSigningKey(secret);
		expect(await hmacHex(key, restPrehash(1589267764859, memo, 'contract_id=1&category=1'))).toBe(
			'6d5e774446448073f68e99c28ace86503451bed1fd44e43f80b9b518937c4ef1'
		);
	});

	it('matches the futures order-body vector from the notes', async () => {
		const key = await importSigningKey(secret);
		const body =
			'{"symbol":"BTCUSDT","side":3,"type":"market","size":1,"open_type":"cross","mode":1}';
		expect(await hmacHex(key, restPrehash(1589267764859, memo, body))).toBe(
			'e404ea597df3381042aa9db35e92239f19b9340863ae91b6db6af4983117c46f'
		);
	});
});
