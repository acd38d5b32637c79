import { describe, expect, it } from 'vitest';
import { importHmacKey, hmacBase64 } from '../core/hmac';
import { restPrehash, sortedQuery } from './auth';

/** The vectors in the protocol notes (computed with Python's hmac, not published by Bitget). */
describe('Bitget signing prehash', () => {
	it('GET: timestamp + METHOD + path + "?" + query', async () => {
		const key = await importHmacKey('bitget-example-secret');
		const prehash = restPrehash('1695716760565', {
			method: 'GET',
			path: '/api/v2/mix/position/all-position',
			query: 'marginCoin=USDT&productType=USDT-FUTURES',
			headers: {},
			body: ''
		});
		expect(prehash).toBe(
			'1695716760565GET/api/v2/mix/position/all-position?marginCoin=USDT&productType=USDT-FUTURES'
		);
		expect(await hmacBase64(key, prehash)).toBe('8En8faL6sk0ClhwYfrG/Byit1aRpTLOKPU2iUu005MY=');
	});

	it('POST: timestamp + METHOD + path + body', async () => {
		const key = await importHmacKey('bitget-example-secret');
		const body = '{"symbol":"BTCUSDT","productType":"USDT-FUTURES","holdSide":"long"}';
		const prehash = restPrehash('1695716760565', {
			method: 'POST',
			path: '/api/v2/mix/order/close-positions',
			query: '',
			headers: {},
			body
		});
		expect(await hmacBase64(key, prehash)).toBe('kLFSKBaXyWOVhblGCMHIrPnu7qdalIFURLiw26sHvto=');
	});

	it('WS login: seconds + "GET" + "/user/verify"', async () => {
		const key = await importHmacKey('bitget-example-secret');
		expect(await hmacBase64(key, '1695716760GET/user/verify')).toBe(
			'kVhSs2LuAX9+hCSc7bpYyhnb40k9pkdUxuGhXvAhksE='
		);
	});

	it('verifies against the query sorted by key, as the docs require', () => {
		expect(sortedQuery('symbol=BTCUSDT&limit=20')).toBe('limit=20&symbol=BTCUSDT');
		expect(sortedQuery('')).toBe('');
	});
});
