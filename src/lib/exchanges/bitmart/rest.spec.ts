import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ExchangeError } from '$lib/exchanges/types';
import { ServerClock } from '$lib/net/clock';
import { BitmartRest, formEncode } from './rest';
import { importSigningKey } from '$lib/vault/signing-key';

const BASE = 'http://127.0.0.1:8765';
const SECRET = '6c6c98544461bbe71db2bca4c6d7fd0021e0ba9efc215f9c6ad41852df9d9df9';
const MEMO = 'test001';
const API_KEY = '80618e45710812162b04892c7ee5ead4a3cc3e56';

interface Call {
	url: string;
	method: string;
	headers: Record<string, string>;
	body: string | undefined;
	redirect?: RequestRedirect;
}

type Reply = { status?: number; body: string } | Error;

/** A fake fetch that records each request and answers from a queue. */
function fakeFetch(...replies: Reply[]) {
	const calls: Call[] = [];
	const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) => {
		calls.push({
			url: String(input),
			method: init?.method ?? 'GET',
			headers: { ...((init?.headers as Record<string, string> | undefined) ?? {}) },
			body: init?.body as string | undefined,
			redirect: init?.redirect
		});
		const reply = replies.shift();
		if (!reply) throw new Error('unexpected request');
		if (reply instanceof Error) throw reply;
		return new Response(reply.body, { status: reply.status ?? 200 });
	}) as typeof fetch;
	return { fetchFn, calls };
}

function ok(data: unknown): Reply {
	return { body: JSON.stringify({ code: 1000, message: 'Ok', data, trace: 't-1' }) };
}

function fail(code: number, message: string, status = 200): Reply {
	return { status, body: JSON.stringify({ code, message, trace: 't-2' }) };
}

function sign(prehash: string): string {
	return createHmac('sha256', SECRET).update(prehash).digest('hex');
}

const contract = {
	symbol: 'BTCUSDT',
	base_currency: 'BTC',
	quote_currency: 'USDT',
	contract_size: '0.001',
	price_precision: '0.1',
	vol_precision: '1',
	max_volume: '500000',
	min_volume: '1',
	funding_interval_hours: 8,
	status: 'Trading'
};

describe('BitmartRest public calls', () => {
	it('reads the server time in ms', async () => {
		const { fetchFn, calls } = fakeFetch(ok({ server_time: 1700000000123 }));
		const rest = new BitmartRest({ baseUrl: `${BASE}/`, fetch: fetchFn });
		expect(await rest.systemTime()).toBe(1700000000123);
		expect(calls).toEqual([
			{ url: `${BASE}/system/time`, method: 'GET', headers: {}, body: undefined }
		]);
	});

	it('lists contracts, normalized', async () => {
		const { fetchFn, calls } = fakeFetch(ok({ symbols: [contract] }));
		const instruments = await new BitmartRest({
			baseUrl: BASE,
			fetch: fetchFn,
			venue: 'demo'
		}).contractDetails();
		expect(calls[0].url).toBe(`${BASE}/contract/public/details`);
		expect(instruments).toHaveLength(1);
		expect(instruments[0]).toMatchObject({
			venue: 'demo',
			symbol: 'BTCUSDT',
			contractSize: '0.001',
			linear: true,
			trading: true
		});
	});

	it('gets depth, funding rate and funding history with the symbol in the query', async () => {
		const { fetchFn, calls } = fakeFetch(
			ok({
				asks: [['2', '5', '5']],
				bids: [['1', '3', '3']],
				timestamp: 1660285421287,
				symbol: 'BTCUSDT'
			}),
			ok({
				timestamp: 1,
				symbol: 'BTCUSDT',
				rate_value: '0.0001',
				expected_rate: '0.0002',
				funding_time: 1709971200000
			}),
			ok({
				list: [
					{ symbol: 'BTCUSDT', funding_rate: '0.0003', funding_time: '1733979600000' },
					{ symbol: 'BTCUSDT', funding_rate: '0.0001', funding_time: '1733950800000' }
				]
			})
		);
		const rest = new BitmartRest({ baseUrl: BASE, fetch: fetchFn });
		expect(await rest.depth('BTCUSDT')).toMatchObject({
			kind: 'snapshot',
			asks: [{ price: '2', size: '5' }]
		});
		expect(await rest.fundingRate('BTCUSDT')).toMatchObject({
			lastRate: '0.0001',
			nextRate: '0.0002'
		});
		expect(await rest.fundingRateHistory('BTCUSDT', 2)).toEqual([
			{ time: 1733950800000, rate: '0.0001' },
			{ time: 1733979600000, rate: '0.0003' }
		]);
		expect(calls.map((c) => c.url)).toEqual([
			`${BASE}/contract/public/depth?symbol=BTCUSDT`,
			`${BASE}/contract/public/funding-rate?symbol=BTCUSDT`,
			`${BASE}/contract/public/funding-rate-history?symbol=BTCUSDT&limit=2`
		]);
	});

	it('asks for klines in seconds and returns candles in ms, oldest first', async () => {
		const candle = (ts: number) => ({
			timestamp: ts,
			open_price: '1',
			close_price: '2',
			high_price: '3',
			low_price: '0.5',
			volume: '9'
		});
		const { fetchFn, calls } = fakeFetch(ok([candle(1662518220), candle(1662518160)]));
		const candles = await new BitmartRest({ baseUrl: BASE, fetch: fetchFn }).kline(
			'BTCUSDT',
			1,
			1662518160,
			1662518280.9
		);
		expect(calls[0].url).toBe(
			`${BASE}/contract/public/kline?symbol=BTCUSDT&step=1&start_time=1662518160&end_time=1662518280`
		);
		expect(candles.map((c) => c.time)).toEqual([1662518160000, 1662518220000]);
	});

	it('converts market trades to contracts using the contract details, fetched once', async () => {
		const trade = {
			symbol: 'BTCUSDT',
			price: '104146.5',
			qty: '0.037',
			quote_qty: '3853.4205',
			time: 1750347973,
			is_buyer_maker: true
		};
		const { fetchFn, calls } = fakeFetch(ok({ symbols: [contract] }), ok([trade]), ok([trade]));
		const rest = new BitmartRest({ baseUrl: BASE, fetch: fetchFn });
		expect(await rest.marketTrades('BTCUSDT')).toEqual([
			{ symbol: 'BTCUSDT', price: '104146.5', size: '37', side: 'sell', ts: 1750347973000 }
		]);
		await rest.marketTrades('BTCUSDT', 10);
		expect(calls.map((c) => c.url)).toEqual([
			`${BASE}/contract/public/details?symbol=BTCUSDT`,
			`${BASE}/contract/public/market-trade?symbol=BTCUSDT`,
			`${BASE}/contract/public/market-trade?symbol=BTCUSDT&limit=10`
		]);
	});
});

describe('BitmartRest.privateRequest', () => {
	async function creds() {
		return { apiKey: API_KEY, memo: MEMO, key: await importSigningKey(SECRET) };
	}

	it('signs a POST over the exact JSON body, timestamped by the server clock', async () => {
		const { fetchFn, calls } = fakeFetch(ok({ order_id: 42 }));
		const clock = new ServerClock({ now: () => 1700000000000, monotonicNow: () => 100 });
		clock.addSample(0, 1700000001150, 100); // server 1200 ms ahead
		const rest = new BitmartRest({ baseUrl: BASE, fetch: fetchFn, clock });
		const params = {
			symbol: 'BTCUSDT',
			side: 3,
			type: 'market',
			size: 1,
			open_type: 'cross',
			mode: 1
		};
		const data = await rest.privateRequest<{ order_id: number }>(
			'POST',
			'/contract/private/submit-order',
			params,
			await creds(),
			'signed'
		);

		expect(data).toEqual({ order_id: 42 });
		const body =
			'{"symbol":"BTCUSDT","side":3,"type":"market","size":1,"open_type":"cross","mode":1}';
		expect(calls).toEqual([
			{
				url: `${BASE}/contract/private/submit-order`,
				method: 'POST',
				headers: {
					'X-BM-KEY': API_KEY,
					'X-BM-TIMESTAMP': '1700000001200',
					'X-BM-SIGN': sign(`1700000001200#${MEMO}#${body}`),
					'Content-Type': 'application/json'
				},
				body,
				redirect: 'error'
			}
		]);
	});

	it('matches the documented REST vector when the body and time are the docs’ own', async () => {
		const { fetchFn, calls } = fakeFetch(ok(null));
		const clock = new ServerClock({ now: () => 1589793796145 });
		const rest = new BitmartRest({ baseUrl: BASE, fetch: fetchFn, clock });
		await rest.privateRequest(
			'POST',
			'/spot/v1/test-post',
			{ symbol: 'BTC_USDT', price: '8600', count: '100' },
			await creds(),
			'signed'
		);
		expect(calls[0].body).toBe('{"symbol":"BTC_USDT","price":"8600","count":"100"}');
		expect(calls[0].headers['X-BM-SIGN']).toBe(
			'c31dc326bf87f38bfb49a3f8494961abfa291bd549d0d98d9578e87516cee46d'
		);
	});

	it('signs a SIGNED GET over the query string it sends, without the ?', async () => {
		const { fetchFn, calls } = fakeFetch(ok([]));
		const rest = new BitmartRest({
			baseUrl: BASE,
			fetch: fetchFn,
			clock: new ServerClock({ now: () => 1589267764859 })
		});
		await rest.privateRequest(
			'GET',
			'/contract/private/transaction-history',
			{ symbol: 'BTCUSDT', flow_type: 3, page_size: 100 },
			await creds(),
			'signed'
		);
		const query = 'symbol=BTCUSDT&flow_type=3&page_size=100';
		expect(calls[0]).toEqual({
			url: `${BASE}/contract/private/transaction-history?${query}`,
			method: 'GET',
			headers: {
				'X-BM-KEY': API_KEY,
				'X-BM-TIMESTAMP': '1589267764859',
				'X-BM-SIGN': sign(`1589267764859#${MEMO}#${query}`)
			},
			body: undefined,
			redirect: 'error'
		});
	});

	it('sends a KEYED GET with the key header alone: no timestamp, no signature', async () => {
		const { fetchFn, calls } = fakeFetch(ok([]));
		const rest = new BitmartRest({
			baseUrl: BASE,
			fetch: fetchFn,
			clock: new ServerClock({ now: () => 5 })
		});
		await rest.privateRequest(
			'GET',
			'/contract/private/position-v2',
			{ symbol: 'BTCUSDT' },
			await creds(),
			'keyed'
		);
		expect(calls).toEqual([
			{
				url: `${BASE}/contract/private/position-v2?symbol=BTCUSDT`,
				method: 'GET',
				headers: { 'X-BM-KEY': API_KEY },
				body: undefined,
				redirect: 'error'
			}
		]);
	});

	it('signs a SIGNED GET without params over the empty string and sends no ?', async () => {
		const { fetchFn, calls } = fakeFetch(ok([]));
		const rest = new BitmartRest({
			baseUrl: BASE,
			fetch: fetchFn,
			clock: new ServerClock({ now: () => 5 })
		});
		await rest.privateRequest(
			'GET',
			'/contract/private/assets-detail',
			{},
			await creds(),
			'signed'
		);
		expect(calls[0].url).toBe(`${BASE}/contract/private/assets-detail`);
		expect(calls[0].headers['X-BM-SIGN']).toBe(sign(`5#${MEMO}#`));
	});

	it('uses Date.now without a clock', async () => {
		const { fetchFn, calls } = fakeFetch(ok([]));
		const before = Date.now();
		await new BitmartRest({ baseUrl: BASE, fetch: fetchFn }).privateRequest(
			'GET',
			'/x',
			{},
			await creds(),
			'signed'
		);
		const sent = Number(calls[0].headers['X-BM-TIMESTAMP']);
		expect(sent).toBeGreaterThanOrEqual(before);
		expect(sent).toBeLessThanOrEqual(Date.now());
	});
});

describe('BitmartRest errors', () => {
	async function failure(reply: Reply): Promise<ExchangeError> {
		const { fetchFn } = fakeFetch(reply);
		const rest = new BitmartRest({ baseUrl: 'https://api.example.test', fetch: fetchFn });
		const creds = { apiKey: API_KEY, memo: MEMO, key: await importSigningKey(SECRET) };
		const error = await rest
			.privateRequest(
				'POST',
				'/contract/private/submit-order',
				{ symbol: 'BTCUSDT' },
				creds,
				'signed'
			)
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(ExchangeError);
		const message = (error as ExchangeError).message;
		for (const secretThing of [SECRET, MEMO, API_KEY, 'X-BM-SIGN:'])
			expect(message).not.toContain(secretThing);
		return error as ExchangeError;
	}

	it.each([
		[
			30005,
			'signature',
			/Header X-BM-SIGN is wrong \(code 30005\)\. Check the API secret and memo/
		],
		[30004, 'signature', /X-BM-SIGN is empty/],
		[30007, 'clock-skew', /X-BM-TIMESTAMP range.*clock/],
		[30002, 'auth', /X-BM-KEY not found/],
		[30001, 'auth', /X-BM-KEY is empty/],
		[30012, 'auth', /forbidden to request/],
		[30013, 'rate-limit', /Request too many requests/]
	] as const)('maps code %i to %s in the docs’ words', async (code, kind, words) => {
		const error = await failure(fail(code, 'server text', 401));
		expect(error.kind).toBe(kind);
		expect(error.code).toBe(code);
		expect(error.message).toMatch(words);
	});

	it('passes an unknown code through as rejected, with the server’s message', async () => {
		const error = await failure(
			fail(40027, 'You contract account available balance not enough', 400)
		);
		expect(error).toMatchObject({ kind: 'rejected', code: 40027 });
		expect(error.message).toBe(
			'BitMart refused the request: You contract account available balance not enough (code 40027).'
		);
	});

	it('treats HTTP 429 as a rate limit, with or without a JSON body', async () => {
		expect((await failure({ status: 429, body: 'Too Many Requests' })).kind).toBe('rate-limit');
		expect((await failure(fail(40011, 'Invalid request', 429))).kind).toBe('rate-limit');
	});

	it('turns a fetch TypeError into a cors error naming only the host', async () => {
		const error = await failure(new TypeError('Failed to fetch'));
		expect(error.kind).toBe('cors');
		expect(error.code).toBeUndefined();
		expect(error.message).toMatch(/api\.example\.test/);
		expect(error.message).toMatch(/cross-origin requests from a browser/);
		expect(error.message).toMatch(/relay/);
		expect(error.message).not.toContain('/contract/private');
	});

	it.each([
		[502, 'upstream_redirect', 'network'],
		[504, 'upstream_timeout', 'network'],
		[502, 'upstream_unreachable', 'network'],
		[403, 'origin_not_allowed', 'rejected'],
		[413, 'body_too_large', 'rejected']
	] as const)(
		'reads the relay’s own %i %s as %s (forwarded ones have an unknown outcome)',
		async (status, relayError, kind) => {
			const body = JSON.stringify({ relayError, message: 'relay words' });
			const error = await failure({ status, body });
			expect(error).toMatchObject({ kind, code: undefined });
			expect(error.message).toMatch(new RegExp(`relay.*relay words.*${relayError}`));
		}
	);

	it('turns another fetch failure into a network error', async () => {
		const abort = new Error('aborted');
		abort.name = 'AbortError';
		expect(await failure(abort)).toMatchObject({ kind: 'network' });
	});

	it('reports a non-JSON body as a bad response', async () => {
		expect(await failure({ status: 200, body: '<html>gateway</html>' })).toMatchObject({
			kind: 'bad-response'
		});
		expect(await failure({ status: 502, body: '<html>bad gateway</html>' })).toMatchObject({
			kind: 'bad-response'
		});
		expect(await failure({ status: 200, body: '{"hello":1}' })).toMatchObject({
			kind: 'bad-response'
		});
	});

	it('reports success with malformed data as a bad response naming the field', async () => {
		const { fetchFn } = fakeFetch(ok({ symbols: [{ symbol: 'BTCUSDT' }] }));
		const error = await new BitmartRest({ baseUrl: BASE, fetch: fetchFn })
			.contractDetails()
			.catch((e: unknown) => e);
		expect(error).toMatchObject({ kind: 'bad-response' });
		expect((error as Error).message).toMatch(/base_currency/);
	});
});

describe('formEncode', () => {
	it('keeps insertion order and encodes reserved characters', () => {
		expect(formEncode({ b: 2, a: 'x y&z', flag: true })).toBe('b=2&a=x%20y%26z&flag=true');
		expect(formEncode({})).toBe('');
	});
});
