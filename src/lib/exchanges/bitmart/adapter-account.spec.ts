import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
	ExchangeError,
	type AccountCredentials,
	type CloseOrderRequest
} from '$lib/exchanges/types';
import { createBitmartAdapter } from './adapter';
import type { SocketFactory, SocketLike } from '$lib/net/types';
import { importSigningKey } from '$lib/vault/signing-key';

const SECRET = '6c6c98544461bbe71db2bca4c6d7fd0021e0ba9efc215f9c6ad41852df9d9df9';
const MEMO = 'test001';
const API_KEY = '80618e45710812162b04892c7ee5ead4a3cc3e56';
const NOW = 1_700_000_000_000;
const endpoints = {
	rest: 'http://127.0.0.1:8765',
	publicWs: 'ws://127.0.0.1:8765/api?protocol=1.1',
	privateWs: 'ws://127.0.0.1:8765/user?protocol=1.1'
};

interface SeenRequest {
	method: string;
	path: string;
	/** The query string (GET) or the raw body (POST): what the signature must cover. */
	payload: string;
	query: Record<string, string>;
	body: unknown;
	/** Which auth headers came with it: a KEYED GET should carry the key alone. */
	headers: string[];
}

type Answer = { status?: number; code?: number; message?: string; data?: unknown } | Error;

/**
 * A stand-in for BitMart that checks auth on its own, with node:crypto, the way the docs describe
 * it: every GET Perch uses is KEYED (a known X-BM-KEY is all it needs), every POST is SIGNED (hex
 * HMAC-SHA256 of `timestamp#memo#payload`; a wrong one gets code 30005).
 */
function fakeVenue(answer: (req: SeenRequest) => Answer) {
	const seen: SeenRequest[] = [];
	const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) => {
		const url = new URL(String(input));
		const method = init?.method ?? 'GET';
		const headers = (init?.headers ?? {}) as Record<string, string>;
		const rawBody = typeof init?.body === 'string' ? init.body : '';
		const payload = method === 'POST' ? rawBody : url.search.replace(/^\?/, '');
		const req: SeenRequest = {
			method,
			path: url.pathname,
			payload,
			query: Object.fromEntries(url.searchParams),
			body: rawBody ? (JSON.parse(rawBody) as unknown) : undefined,
			headers: Object.keys(headers).filter((h) => h.startsWith('X-BM-'))
		};
		seen.push(req);
		const expected = createHmac('sha256', SECRET)
			.update(`${headers['X-BM-TIMESTAMP']}#${MEMO}#${payload}`)
			.digest('hex');
		if (headers['X-BM-KEY'] !== API_KEY) return envelope({ status: 401, code: 30002 });
		if (method === 'POST') {
			if (headers['X-BM-SIGN'] !== expected) return envelope({ status: 401, code: 30005 });
			if (headers['X-BM-TIMESTAMP'] !== String(NOW)) return envelope({ status: 401, code: 30007 });
		}
		const reply = answer(req);
		if (reply instanceof Error) throw reply;
		return envelope(reply);
	}) as typeof fetch;
	return { fetchFn, seen };
}

function envelope({ status = 200, code = 1000, message = 'Ok', data }: Exclude<Answer, Error>) {
	return new Response(JSON.stringify({ code, message, data, trace: 't' }), { status });
}

async function credentials(secret = SECRET): Promise<AccountCredentials> {
	return {
		accountId: 'acc-1',
		apiKey: API_KEY,
		fields: { memo: MEMO },
		signingKey: await importSigningKey(secret)
	};
}

/** The error a call failed with; fails the test if it did not fail with an ExchangeError. */
async function refusal(call: Promise<unknown>): Promise<ExchangeError> {
	const error = await call.then(
		() => undefined,
		(e: unknown) => e
	);
	if (!(error instanceof ExchangeError))
		throw new Error(`expected an ExchangeError, got ${String(error)}`);
	return error;
}

/**
 * The private socket's `access` login, checked the docs' way: exactly [key, timestamp, sign, dev]
 * with sign = hex HMAC-SHA256 of `timestamp#memo#bitmart.WebSocket`; answered with the docs' ack.
 */
function fakeLoginSockets() {
	const logins: unknown[][] = [];
	const factory: SocketFactory = (url) => {
		expect(url).toBe(endpoints.privateWs);
		const socket: SocketLike = {
			readyState: 0,
			binaryType: 'blob',
			onopen: null,
			onmessage: null,
			onclose: null,
			onerror: null,
			send(data: string) {
				const frame = JSON.parse(data) as { action: string; args: string[] };
				logins.push(frame.args);
				const [key, ts, sign] = frame.args;
				const expected = createHmac('sha256', SECRET)
					.update(`${ts}#${MEMO}#bitmart.WebSocket`)
					.digest('hex');
				const ok = frame.args.length === 4 && key === API_KEY && sign === expected;
				const reply = ok
					? { action: 'access', success: true }
					: { action: 'access', success: false, error: 'access failed: openapi auth failed' };
				queueMicrotask(() => socket.onmessage?.({ data: JSON.stringify(reply) }));
			},
			close() {}
		};
		queueMicrotask(() => socket.onopen?.({}));
		return socket;
	};
	return { factory, logins };
}

function adapterWith(answer: (req: SeenRequest) => Answer) {
	const venue = fakeVenue(answer);
	const sockets = fakeLoginSockets();
	const adapter = createBitmartAdapter({
		endpoints,
		fetch: venue.fetchFn,
		socketFactory: sockets.factory,
		now: () => NOW
	});
	return { adapter, seen: venue.seen, logins: sockets.logins };
}

const position = (overrides: Record<string, unknown>) => ({
	symbol: 'BTCUSDT',
	leverage: '10',
	timestamp: NOW - 5,
	mark_price: '60010',
	position_cross: '120.5',
	open_avg_price: '60000',
	entry_price: '60000',
	current_amount: '20',
	position_amount: '20',
	realized_value: '0',
	open_type: 'cross',
	position_side: 'long',
	unrealized_pnl: '0.2',
	liquidation_price: '54000',
	...overrides
});

const openOrder = (overrides: Record<string, unknown> = {}) => ({
	order_id: '220908185908509',
	client_order_id: 'perchabc123',
	price: '70000',
	size: '5',
	symbol: 'BTCUSDT',
	state: 2,
	side: 4,
	type: 'limit',
	position_mode: 'hedge_mode',
	leverage: '10',
	open_type: 'cross',
	deal_avg_price: '0',
	deal_size: '0',
	create_time: NOW - 1000,
	update_time: NOW - 900,
	...overrides
});

describe('accountSnapshot', () => {
	it('asks the four endpoints, signed, and normalizes balances, positions, orders and mode', async () => {
		const { adapter, seen } = adapterWith((req) => {
			switch (req.path) {
				case '/contract/private/assets-detail':
					return {
						data: [
							{
								currency: 'USDT',
								position_deposit: '120.5',
								frozen_balance: '3',
								available_balance: '876.5',
								equity: '1000.2',
								unrealized: '0.2'
							}
						]
					};
				case '/contract/private/position-v2':
					return {
						data: [
							position({}),
							position({ position_side: 'short', current_amount: '0', position_amount: '0' })
						]
					};
				case '/contract/private/get-open-orders':
					return { data: [openOrder()] };
				case '/contract/private/get-position-mode':
					return { data: { position_mode: 'hedge_mode' } };
				default:
					return { status: 404, code: 30000, message: 'Not found' };
			}
		});

		const snapshot = await adapter.accountSnapshot(await credentials());

		expect(seen.map((r) => `${r.method} ${r.path}?${r.payload}`).sort()).toEqual([
			'GET /contract/private/assets-detail?',
			'GET /contract/private/get-open-orders?',
			'GET /contract/private/get-position-mode?',
			'GET /contract/private/position-v2?'
		]);
		expect(snapshot).toEqual({
			balances: [
				{
					accountId: 'acc-1',
					asset: 'USDT',
					equity: '1000.2',
					available: '876.5',
					positionMargin: '120.5',
					frozen: '3',
					unrealizedPnl: '0.2',
					updatedAt: NOW
				}
			],
			positions: [
				{
					accountId: 'acc-1',
					symbol: 'BTCUSDT',
					side: 'long',
					size: '20',
					entryPrice: '60000',
					markPrice: '60010',
					liquidationPrice: '54000',
					margin: '120.5',
					leverage: '10',
					marginMode: 'cross',
					positionMode: 'hedge',
					unrealizedPnl: '0.2',
					realizedPnl: '0',
					updatedAt: NOW - 5
				}
			],
			orders: [
				expect.objectContaining({
					orderId: '220908185908509',
					clientOrderId: 'perchabc123',
					side: 'sell',
					reduceOnly: false,
					status: 'open'
				})
			],
			positionMode: 'hedge',
			fetchedAt: NOW
		});
	});

	it('reports a malformed answer as a bad response naming the endpoint and field', async () => {
		const { adapter } = adapterWith((req) =>
			req.path === '/contract/private/get-position-mode'
				? { data: { position_mode: 'sideways' } }
				: { data: [] }
		);
		const error = await adapter.accountSnapshot(await credentials()).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(ExchangeError);
		expect(error).toMatchObject({ kind: 'bad-response' });
		expect((error as Error).message).toMatch(/get-position-mode.*position_mode/);
	});
});

describe('auth headers per the docs’ KEYED / SIGNED marks', () => {
	it('sends the KEYED reads with the key alone and signs the orders', async () => {
		const { adapter, seen } = adapterWith((req) =>
			req.method === 'POST' ? { data: { order_id: '1' } } : { data: [] }
		);
		const creds = await credentials();
		await adapter.findOrder(creds, 'BTCUSDT', 'perchabc123');
		await adapter.fillSummary(creds, 'BTCUSDT', '1');
		await adapter.cancelOrder(creds, 'BTCUSDT', '1');
		await adapter.cancelAllOrders(creds, 'BTCUSDT');
		expect(seen.map((r) => `${r.method} ${r.path} ${r.headers.join(',')}`)).toEqual([
			'GET /contract/private/get-open-orders X-BM-KEY',
			'GET /contract/private/order-history X-BM-KEY',
			'GET /contract/private/trades X-BM-KEY',
			'POST /contract/private/cancel-order X-BM-KEY,X-BM-TIMESTAMP,X-BM-SIGN',
			'POST /contract/private/cancel-orders X-BM-KEY,X-BM-TIMESTAMP,X-BM-SIGN'
		]);
	});
});

describe('validateKey', () => {
	it('passes after one KEYED read (key only) and one signed socket login', async () => {
		const { adapter, seen, logins } = adapterWith(() => ({ data: [] }));
		await expect(adapter.validateKey(await credentials())).resolves.toBeUndefined();
		expect(seen.map((r) => `${r.method} ${r.path} ${r.headers.join(',')}`)).toEqual([
			'GET /contract/private/assets-detail X-BM-KEY'
		]);
		expect(logins).toHaveLength(1);
		expect(logins[0]).toHaveLength(4);
	});

	it('says "wrong memo or secret" when the venue rejects the signature', async () => {
		const { adapter } = adapterWith(() => ({ data: [] }));
		const error = await refusal(adapter.validateKey(await credentials('not-the-secret')));
		expect(error).toMatchObject({ kind: 'signature' });
		expect(error.message).toMatch(/wrong memo or secret — signature rejected/);
		expect(error.message).not.toContain(MEMO);
		expect(error.message).not.toContain(SECRET);
	});

	it.each([
		[30002, 'auth', /API key rejected.*\(code 30002\)/],
		[30012, 'auth', /API key rejected/],
		[30007, 'clock-skew', /clock skew.*\(code 30007\).*clock/],
		[30013, 'rate-limit', /rate limit reached/]
	] as const)('maps a refusal with code %i to %s in plain words', async (code, kind, words) => {
		const { adapter } = adapterWith(() => ({ status: 401, code, message: 'server words' }));
		const error = await refusal(adapter.validateKey(await credentials()));
		expect(error).toMatchObject({ kind, code });
		expect(error.message).toMatch(words);
	});

	it('says the exchange could not be reached when the browser blocks or loses the request', async () => {
		const { adapter } = adapterWith(() => new TypeError('Failed to fetch'));
		const error = await refusal(adapter.validateKey(await credentials()));
		expect(error).toMatchObject({ kind: 'cors', code: undefined });
		expect(error.message).toMatch(/Could not reach 127\.0\.0\.1:8765.*cross-origin/);
	});
});

describe('submitClose', () => {
	const close = (overrides: Partial<CloseOrderRequest> = {}): CloseOrderRequest => ({
		symbol: 'BTCUSDT',
		positionSide: 'long',
		size: '25',
		marginMode: 'cross',
		positionMode: 'hedge',
		clientOrderId: 'perch0abc9xyz',
		...overrides
	});

	function orderDesk() {
		return adapterWith((req) =>
			req.path === '/contract/private/submit-order'
				? { data: { order_id: 220609666322019, price: 'market price' } }
				: { status: 404, code: 30000 }
		);
	}

	it('closes a long with side 3: a signed market order of exactly the integer size', async () => {
		const { adapter, seen } = orderDesk();
		const submitted = await adapter.submitClose(await credentials(), close());
		expect(submitted).toEqual({ orderId: '220609666322019', clientOrderId: 'perch0abc9xyz' });
		expect(seen).toHaveLength(1);
		expect(seen[0].method).toBe('POST');
		expect(seen[0].path).toBe('/contract/private/submit-order');
		expect(seen[0].payload).toBe(
			'{"symbol":"BTCUSDT","client_order_id":"perch0abc9xyz","side":3,"type":"market","size":25,"open_type":"cross"}'
		);
	});

	it('sends the same close side codes in one-way mode: BitMart’s close codes do not depend on it', async () => {
		const { adapter, seen } = orderDesk();
		for (const positionMode of ['hedge', 'one-way'] as const) {
			await adapter.submitClose(await credentials(), close({ positionMode }));
			await adapter.submitClose(
				await credentials(),
				close({ positionMode, positionSide: 'short', marginMode: 'isolated' })
			);
		}
		const bodies = seen.map((s) => s.payload);
		expect(bodies).toHaveLength(4);
		expect(bodies[2]).toBe(bodies[0]);
		expect(bodies[3]).toBe(bodies[1]);
		expect(bodies[0]).toContain('"side":3');
		expect(bodies[1]).toContain('"side":2');
	});

	it('closes a short with side 2 and the position’s margin mode', async () => {
		const { adapter, seen } = orderDesk();
		await adapter.submitClose(
			await credentials(),
			close({ positionSide: 'short', size: '9007199254740991', marginMode: 'isolated' })
		);
		expect(seen[0].payload).toBe(
			'{"symbol":"BTCUSDT","client_order_id":"perch0abc9xyz","side":2,"type":"market","size":9007199254740991,"open_type":"isolated"}'
		);
	});

	it.each(['1.5', '1.0', '0', '-3', '01', '1e3', ' 2', '', '0x10', '9007199254740993'])(
		'refuses the size %j without sending anything',
		async (size) => {
			const { adapter, seen } = orderDesk();
			const error = await refusal(adapter.submitClose(await credentials(), close({ size })));
			expect(error).toBeInstanceOf(ExchangeError);
			expect(error.message).toMatch(/not a positive whole number of contracts/);
			expect(seen).toEqual([]);
		}
	);

	it('refuses a client order id the venue would reject', async () => {
		const { adapter, seen } = orderDesk();
		for (const clientOrderId of ['perch-1', 'x'.repeat(33), '']) {
			await expect(
				adapter.submitClose(await credentials(), close({ clientOrderId }))
			).rejects.toThrow(/client order id/);
		}
		expect(seen).toEqual([]);
	});

	it.each([
		[
			40020,
			'Your position volume is not enough',
			/larger than the position.*\(code 40020\)/,
			'rejected'
		],
		[40018, 'Your position is closed', /already closed.*\(code 40018\)/, 'rejected'],
		// A duplicate id is not a refusal: the same intent already arrived, so it must be looked up.
		[
			40050,
			'Client OrderId duplicated with existing orders',
			/already sent.*\(code 40050\)/,
			'duplicate'
		]
	] as const)(
		'explains a close refused with %i in plain words',
		async (code, text, words, kind) => {
			const { adapter } = adapterWith(() => ({ status: 400, code, message: text }));
			const error = await refusal(adapter.submitClose(await credentials(), close()));
			expect(error).toMatchObject({ kind, code });
			expect(error.message).toMatch(words);
			expect(error.message).toContain(text);
		}
	);

	it('calls an HTTP 429 a rate limit', async () => {
		const { adapter } = adapterWith(() => ({ status: 429, code: 30013 }));
		const error = await refusal(adapter.submitClose(await credentials(), close()));
		expect(error).toMatchObject({ kind: 'rate-limit' });
		expect(error.message).toMatch(/rate limit/);
	});
});

describe('fillSummary', () => {
	const trade = (orderId: string | number, realised: string, fees: string) => ({
		order_id: orderId,
		trade_id: '1',
		symbol: 'BTCUSDT',
		side: 3,
		price: '61000',
		vol: '2',
		exec_type: 'Taker',
		profit: true,
		realised_profit: realised,
		paid_fees: fees,
		account: 'futures',
		create_time: NOW
	});

	it("sums the exchange's realized PnL and fees over the order's fills, exactly", async () => {
		const { adapter, seen } = adapterWith(() => ({
			data: [
				trade('220906179895578', '0.1', '0.036'),
				trade(220906179895578, '0.2', '0.0012'),
				trade('999', '100', '1')
			]
		}));
		const summary = await adapter.fillSummary(await credentials(), 'BTCUSDT', '220906179895578');
		// 0.1 + 0.2 = 0.3 exactly (a float sum would give 0.30000000000000004)
		expect(summary).toEqual({ fills: 2, realizedPnl: '0.3', fees: '0.0372' });
		expect(seen).toMatchObject([
			{ method: 'GET', path: '/contract/private/trades', query: { symbol: 'BTCUSDT' } }
		]);
	});

	it('is null when the venue lists no fill of that order yet', async () => {
		const { adapter } = adapterWith(() => ({ data: [trade('1', '5', '1')] }));
		expect(await adapter.fillSummary(await credentials(), 'BTCUSDT', '2')).toBeNull();
	});
});

describe('findOrder', () => {
	it('finds an open order by its client id without asking the history', async () => {
		const { adapter, seen } = adapterWith(() => ({
			data: [openOrder({ client_order_id: 'other' }), openOrder({ deal_size: '2' })]
		}));
		const order = await adapter.findOrder(await credentials(), 'BTCUSDT', 'perchabc123');
		expect(order).toMatchObject({
			orderId: '220908185908509',
			clientOrderId: 'perchabc123',
			status: 'partially-filled',
			filledSize: '2'
		});
		expect(seen.map((r) => `${r.path}?${r.payload}`)).toEqual([
			'/contract/private/get-open-orders?symbol=BTCUSDT'
		]);
	});

	it('then looks in the order history by client id', async () => {
		const { adapter, seen } = adapterWith((req) =>
			req.path === '/contract/private/order-history'
				? {
						data: [
							openOrder({
								side: 3,
								type: 'market',
								state: 4,
								deal_size: '5',
								deal_avg_price: '69990.5'
							})
						]
					}
				: { data: [] }
		);
		const order = await adapter.findOrder(await credentials(), 'BTCUSDT', 'perchabc123');
		expect(order).toMatchObject({
			status: 'filled',
			side: 'sell',
			reduceOnly: true,
			avgFillPrice: '69990.5'
		});
		expect(seen.map((r) => `${r.path}?${r.payload}`)).toEqual([
			'/contract/private/get-open-orders?symbol=BTCUSDT',
			'/contract/private/order-history?symbol=BTCUSDT&client_order_id=perchabc123'
		]);
	});

	it('returns null when neither listing has it, even if a server ignores the filter', async () => {
		const { adapter } = adapterWith(() => ({ data: [openOrder({ client_order_id: 'perchzzz' })] }));
		expect(await adapter.findOrder(await credentials(), 'BTCUSDT', 'perchabc123')).toBeNull();
	});

	it('returns null when the venue answers "the order is not exist" (40035)', async () => {
		const { adapter } = adapterWith((req) =>
			req.path === '/contract/private/order-history'
				? { status: 400, code: 40035, message: 'The order is not exist' }
				: { data: [] }
		);
		expect(await adapter.findOrder(await credentials(), 'BTCUSDT', 'perchabc123')).toBeNull();
	});

	it('lets other failures through: an unknown outcome is not "never sent"', async () => {
		const { adapter } = adapterWith((req) =>
			req.path === '/contract/private/order-history' ? { status: 401, code: 30007 } : { data: [] }
		);
		await expect(
			adapter.findOrder(await credentials(), 'BTCUSDT', 'perchabc123')
		).rejects.toMatchObject({ kind: 'clock-skew' });
	});
});

describe('cancelOrder and cancelAllOrders', () => {
	it('post the documented bodies, signed', async () => {
		const { adapter, seen } = adapterWith(() => ({ data: {} }));
		const creds = await credentials();
		await adapter.cancelOrder(creds, 'ETHUSDT', '220906179559421');
		await adapter.cancelAllOrders(creds, 'ETHUSDT');
		expect(seen.map((r) => [r.method, r.path, r.payload])).toEqual([
			[
				'POST',
				'/contract/private/cancel-order',
				'{"symbol":"ETHUSDT","order_id":"220906179559421"}'
			],
			['POST', '/contract/private/cancel-orders', '{"symbol":"ETHUSDT"}']
		]);
	});

	it('explain a cancel of a finished order', async () => {
		const { adapter } = adapterWith(() => ({ status: 400, code: 40036, message: 'x' }));
		await expect(adapter.cancelOrder(await credentials(), 'ETHUSDT', '1')).rejects.toThrow(
			/can no longer be changed.*\(code 40036\)/
		);
	});
});

describe('newClientOrderId', () => {
	it('makes distinct ids of at most 32 letters and digits, starting with perch', () => {
		const adapter = createBitmartAdapter({ endpoints });
		const ids = new Set(Array.from({ length: 2000 }, () => adapter.newClientOrderId()));
		expect(ids.size).toBe(2000);
		for (const id of ids) expect(id).toMatch(/^perch[0-9a-z]{24}$/);
	});
});
