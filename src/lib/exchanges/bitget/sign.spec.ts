import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { importSigningKey } from '$lib/vault/signing-key';
import { hmacBase64, restPrehash, sortedQuery, wsLoginPrehash } from './sign';

// The vectors of the protocol notes (bitget-v2-futures.md §1.2 and §3.3), computed there with
// Python's hmac; Bitget publishes none.
const secret = 'bitget-example-secret';

describe('Bitget prehash strings', () => {
	it('puts "?" and the query between the path and the body only when there is a query', () => {
		expect(
			restPrehash('1695716760565', 'GET', '/api/v2/mix/position/all-position', 'a=1', '')
		).toBe('1695716760565GET/api/v2/mix/position/all-position?a=1');
		expect(restPrehash(1, 'POST', '/p', '', '{"x":1}')).toBe('1POST/p{"x":1}');
	});

	it('sorts the query by key, whatever order the params came in', () => {
		expect(sortedQuery({ productType: 'USDT-FUTURES', marginCoin: 'USDT' })).toBe(
			'marginCoin=USDT&productType=USDT-FUTURES'
		);
		expect(sortedQuery({})).toBe('');
	});

	it('signs the socket login over seconds + GET + /user/verify', () => {
		expect(wsLoginPrehash(1695716760)).toBe('1695716760GET/user/verify');
	});
});

describe('hmacBase64 against the notes’ vectors', () => {
	it('signs the GET all-position vector', async () => {
		const key = await importSigningKey(secret);
		const query = sortedQuery({ productType: 'USDT-FUTURES', marginCoin: 'USDT' });
		const prehash = restPrehash(
			1695716760565,
			'GET',
			'/api/v2/mix/position/all-position',
			query,
			''
		);
		expect(await hmacBase64(key, prehash)).toBe('8En8faL6sk0ClhwYfrG/Byit1aRpTLOKPU2iUu005MY=');
	});

	it('signs the POST close-positions vector', async () => {
		const key = await importSigningKey(secret);
		const body = '{"symbol":"BTCUSDT","productType":"USDT-FUTURES","holdSide":"long"}';
		const prehash = restPrehash(
			1695716760565,
			'POST',
			'/api/v2/mix/order/close-positions',
			'',
			body
		);
		expect(await hmacBase64(key, prehash)).toBe('kLFSKBaXyWOVhblGCMHIrPnu7qdalIFURLiw26sHvto=');
	});

	it('signs the socket login vector', async () => {
		const key = await importSigningKey(secret);
		expect(await hmacBase64(key, wsLoginPrehash('1695716760'))).toBe(
			'kVhSs2LuAX9+hCSc7bpYyhnb40k9pkdUxuGhXvAhksE='
		);
	});

	it("agrees with Node's HMAC on non-ASCII input", async () => {
		const key = await importSigningKey('sécret-€');
		const message = '1GET/api/v2/x?q=é';
		const expected = createHmac('sha256', 'sécret-€').update(message).digest('base64');
		expect(await hmacBase64(key, message)).toBe(expected);
	});
});
