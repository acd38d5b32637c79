import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimServer, type SimServer } from './server';
import { bitmartSign } from './test-client';

const KEY = 'simkey-rest';
const SECRET = 'simsecret-rest';
const MEMO = 'memo-rest';
const FAST = { marketTickMs: 20, lifelessMs: 0 };

let server: SimServer;

beforeAll(async () => {
	server = await startSimServer({ seed: 3, timing: FAST });
	server.sim.addAccount({ apiKey: KEY, secret: SECRET, memo: MEMO });
});
afterAll(() => server.close());

interface Envelope {
	code: number;
	message: string;
	trace: string;
	data?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function get(path: string, headers: Record<string, string> = {}) {
	const res = await fetch(server.url + path, { headers });
	return { status: res.status, headers: res.headers, json: (await res.json()) as Envelope };
}

async function signedGet(path: string, query: string, opts: { memo?: string; ts?: number } = {}) {
	const ts = String(opts.ts ?? Date.now());
	return get(query ? `${path}?${query}` : path, {
		'X-BM-KEY': KEY,
		'X-BM-TIMESTAMP': ts,
		'X-BM-SIGN': bitmartSign(SECRET, ts, opts.memo ?? MEMO, query)
	});
}

async function signedPost(
	path: string,
	body: unknown,
	opts: { memo?: string; key?: string; ts?: number } = {}
) {
	const text = JSON.stringify(body);
	const ts = String(opts.ts ?? Date.now());
	const res = await fetch(server.url + path, {
		method: 'POST',
		headers: {
			'Content-Type': 'application/json',
			'X-BM-KEY': opts.key ?? KEY,
			'X-BM-TIMESTAMP': ts,
			'X-BM-SIGN': bitmartSign(SECRET, ts, opts.memo ?? MEMO, text)
		},
		body: text
	});
	return { status: res.status, json: (await res.json()) as Envelope };
}

describe('public REST', () => {
	it('answers /system/time in the envelope with CORS allowed', async () => {
		const { status, headers, json } = await get('/system/time');
		expect(status).toBe(200);
		expect(json).toMatchObject({ code: 1000, message: 'Ok' });
		expect(typeof json.trace).toBe('string');
		expect(Math.abs(json.data.server_time - Date.now())).toBeLessThan(5000);
		expect(headers.get('access-control-allow-origin')).toBe('*');
	});

	it('lists contract details in the documented fields', async () => {
		const { json } = await get('/contract/public/details');
		const symbols = json.data.symbols as Array<Record<string, unknown>>;
		expect(symbols).toHaveLength(6);
		const btc = symbols.find((s) => s.symbol === 'BTCUSDT')!;
		expect(btc).toMatchObject({
			contract_size: '0.001',
			price_precision: '0.1',
			vol_precision: '1',
			min_volume: '1',
			quote_currency: 'USDT',
			product_type: 1,
			status: 'Trading',
			funding_interval_hours: 8
		});
		expect(btc.last_price).toMatch(/^\d+\.\d$/);
		const eth = symbols.find((s) => s.symbol === 'ETHUSDT')!;
		expect(eth).toMatchObject({ contract_size: '0.01', price_precision: '0.01' });
		const doge = symbols.find((s) => s.symbol === 'DOGEUSDT')!;
		expect(Number(doge.last_price)).toBeLessThan(1);
		const one = await get('/contract/public/details?symbol=ETHUSDT');
		expect(one.json.data.symbols.map((s: { symbol: string }) => s.symbol)).toEqual(['ETHUSDT']);
	});

	it('returns a sorted, uncrossed depth with cumulative sizes', async () => {
		const { json } = await get('/contract/public/depth?symbol=BTCUSDT');
		const { bids, asks, symbol, timestamp } = json.data as {
			bids: string[][];
			asks: string[][];
			symbol: string;
			timestamp: number;
		};
		expect(symbol).toBe('BTCUSDT');
		expect(typeof timestamp).toBe('number');
		expect(bids.length).toBe(200);
		expect(asks.length).toBe(200);
		const bidPrices = bids.map((l) => Number(l[0]));
		const askPrices = asks.map((l) => Number(l[0]));
		expect(bidPrices).toEqual([...bidPrices].sort((a, b) => b - a));
		expect(askPrices).toEqual([...askPrices].sort((a, b) => a - b));
		expect(bidPrices[0]).toBeLessThan(askPrices[0]);
		expect(Number(bids[1][2])).toBe(Number(bids[0][1]) + Number(bids[1][1]));
		expect(bids[0][0]).toMatch(/^\d+\.\d$/);
	});

	it('returns funding on the 8 h grid and its history', async () => {
		const { json } = await get('/contract/public/funding-rate?symbol=BTCUSDT');
		expect(json.data).toMatchObject({ symbol: 'BTCUSDT', funding_upper_limit: '0.0375' });
		expect(json.data.funding_time % (8 * 3600_000)).toBe(0);
		expect(json.data.funding_time).toBeGreaterThan(Date.now());
		expect(typeof json.data.rate_value).toBe('string');
		const history = await get('/contract/public/funding-rate-history?symbol=BTCUSDT&limit=5');
		const list = history.json.data.list as Array<{ funding_time: string; funding_rate: string }>;
		expect(list).toHaveLength(5);
		expect(typeof list[0].funding_time).toBe('string');
		expect(Number(list[0].funding_time)).toBeGreaterThan(Number(list[1].funding_time));
	});

	it('returns klines in seconds at the requested step', async () => {
		const end = Math.floor(Date.now() / 1000);
		const start = end - 3600 * 5;
		const { json } = await get(
			`/contract/public/kline?symbol=ETHUSDT&step=15&start_time=${start}&end_time=${end}`
		);
		const rows = json.data as Array<{ timestamp: number; high_price: string; low_price: string }>;
		expect(rows.length).toBeGreaterThanOrEqual(19);
		expect(rows[1].timestamp - rows[0].timestamp).toBe(900);
		expect(Number(rows[0].high_price)).toBeGreaterThanOrEqual(Number(rows[0].low_price));
		const bad = await get(
			`/contract/public/kline?symbol=ETHUSDT&step=7&start_time=${start}&end_time=${end}`
		);
		expect(bad.json.code).toBe(40038);
	});

	it('returns recent market trades', async () => {
		await new Promise((r) => setTimeout(r, 200));
		const { json } = await get('/contract/public/market-trade?symbol=BTCUSDT&limit=5');
		const trades = json.data as Array<Record<string, unknown>>;
		expect(trades.length).toBeGreaterThan(0);
		expect(trades.length).toBeLessThanOrEqual(5);
		expect(trades[0]).toMatchObject({ symbol: 'BTCUSDT' });
		expect(String(trades[0].time)).toMatch(/^\d{10}$/);
		expect(typeof trades[0].is_buyer_maker).toBe('boolean');
	});

	it('rejects unknown symbols and paths with the documented codes', async () => {
		const symbol = await get('/contract/public/depth?symbol=NOPEUSDT');
		expect(symbol.status).toBe(400);
		expect(symbol.json).toMatchObject({ code: 40034, message: 'The Symbol is not exist' });
		const path = await get('/contract/public/nothing');
		expect(path.status).toBe(404);
		expect(path.json.code).toBe(30000);
	});

	it('answers a CORS preflight allowing the X-BM headers', async () => {
		const res = await fetch(server.url + '/contract/private/submit-order', {
			method: 'OPTIONS',
			headers: { Origin: 'http://127.0.0.1:1', 'Access-Control-Request-Method': 'POST' }
		});
		expect(res.status).toBe(204);
		expect(res.headers.get('access-control-allow-origin')).toBe('*');
		expect(res.headers.get('access-control-allow-headers')).toMatch(/X-BM-SIGN/);
	});

	it('refuses preflight and omits CORS headers when cors is off', async () => {
		const closed = await startSimServer({ cors: false, timing: FAST });
		try {
			const pre = await fetch(closed.url + '/system/time', { method: 'OPTIONS' });
			expect(pre.status).toBe(403);
			expect(pre.headers.get('access-control-allow-origin')).toBeNull();
			const plain = await fetch(closed.url + '/system/time');
			expect(plain.headers.get('access-control-allow-origin')).toBeNull();
		} finally {
			await closed.close();
		}
	});
});

describe('private REST auth', () => {
	it('accepts a correctly signed GET and a KEYED GET without a signature', async () => {
		const signed = await signedGet('/contract/private/assets-detail', '');
		expect(signed.status).toBe(200);
		const usdt = (signed.json.data as Array<Record<string, string>>).find(
			(a) => a.currency === 'USDT'
		)!;
		expect(usdt).toMatchObject({ available_balance: '10000', equity: '10000' });
		const keyed = await get('/contract/private/get-position-mode', { 'X-BM-KEY': KEY });
		expect(keyed.json).toMatchObject({ code: 1000, data: { position_mode: 'hedge_mode' } });
	});

	it('asks a KEYED GET for the key only: a signature sent anyway is not checked', async () => {
		const ok = await signedGet('/contract/private/position-v2', 'symbol=BTCUSDT');
		expect(ok.json.code).toBe(1000);
		expect(ok.json.data.map((p: { position_side: string }) => p.position_side)).toEqual([
			'long',
			'short'
		]);
		// What the bitmart-api SDK sends: a pre-image with a leading "?", which BitMart accepts.
		const ts = String(Date.now());
		const sdkStyle = await get('/contract/private/position-v2?symbol=BTCUSDT', {
			'X-BM-KEY': KEY,
			'X-BM-TIMESTAMP': ts,
			'X-BM-SIGN': bitmartSign(SECRET, ts, MEMO, '?symbol=BTCUSDT')
		});
		expect(sdkStyle.json.code).toBe(1000);
		const staleAndWrong = await signedGet('/contract/private/assets-detail', '', {
			memo: 'wrong',
			ts: Date.now() - 61_000
		});
		expect(staleAndWrong.json.code).toBe(1000);
		// The key itself is still checked.
		const wrongKey = await get('/contract/private/position-v2', { 'X-BM-KEY': 'nope' });
		expect(wrongKey.status).toBe(401);
		expect(wrongKey.json.code).toBe(30002);
	});

	it('rejects a request signed with the wrong memo (30005)', async () => {
		const post = await signedPost(
			'/contract/private/cancel-order',
			{ symbol: 'BTCUSDT' },
			{ memo: 'not-the-memo' }
		);
		expect(post.status).toBe(401);
		expect(post.json).toMatchObject({ code: 30005, message: 'Header X-BM-SIGN is wrong' });
		const submitWrong = await signedPost(
			'/contract/private/submit-order',
			{ symbol: 'BTCUSDT', side: 3, type: 'market', size: 1, open_type: 'cross' },
			{ memo: 'wrong' }
		);
		expect(submitWrong.json.code).toBe(30005);
	});

	it('rejects a stale timestamp (30007), an unknown key (30002) and missing headers', async () => {
		const stale = await signedPost(
			'/contract/private/cancel-orders',
			{ symbol: 'BTCUSDT' },
			{ ts: Date.now() - 61_000 }
		);
		expect(stale.status).toBe(401);
		expect(stale.json).toMatchObject({
			code: 30007,
			message: 'Header X-BM-TIMESTAMP range. Within a minute'
		});
		const unknown = await signedPost(
			'/contract/private/cancel-orders',
			{ symbol: 'BTCUSDT' },
			{ key: 'nope' }
		);
		expect(unknown.status).toBe(401);
		expect(unknown.json).toMatchObject({ code: 30002, message: 'Header X-BM-KEY not found' });
		const noKey = await get('/contract/private/assets-detail');
		expect(noKey.json.code).toBe(30001);
		const noSign = await fetch(server.url + '/contract/private/cancel-orders', {
			method: 'POST',
			headers: { 'X-BM-KEY': KEY, 'X-BM-TIMESTAMP': String(Date.now()) },
			body: '{"symbol":"BTCUSDT"}'
		});
		expect(((await noSign.json()) as Envelope).code).toBe(30004);
	});

	it('opens and closes a position with signed orders and logs requests without signatures', async () => {
		const open = await signedPost('/contract/private/submit-order', {
			symbol: 'ETHUSDT',
			side: 1,
			type: 'market',
			size: 3,
			open_type: 'cross',
			leverage: '5',
			client_order_id: 'perchTest1'
		});
		expect(open.json).toMatchObject({ code: 1000, data: { price: 'market price' } });
		expect(typeof open.json.data.order_id).toBe('number');
		const positions = await signedGet('/contract/private/position-v2', '');
		expect(positions.json.data).toHaveLength(1);
		expect(positions.json.data[0]).toMatchObject({
			symbol: 'ETHUSDT',
			current_amount: '3',
			position_side: 'long'
		});
		const order = await signedGet(
			'/contract/private/order',
			`symbol=ETHUSDT&order_id=${open.json.data.order_id}`
		);
		expect(order.json.data).toMatchObject({
			state: 4,
			deal_size: '3',
			client_order_id: 'perchTest1'
		});
		const tooBig = await signedPost('/contract/private/submit-order', {
			symbol: 'ETHUSDT',
			side: 3,
			type: 'market',
			size: 4,
			open_type: 'cross'
		});
		expect(tooBig.json.code).toBe(40020);
		const close = await signedPost('/contract/private/submit-order', {
			symbol: 'ETHUSDT',
			side: 3,
			type: 'market',
			size: 3,
			open_type: 'cross'
		});
		expect(close.json.code).toBe(1000);
		const after = await signedGet('/contract/private/position-v2', '');
		expect(after.json.data).toEqual([]);
		const ledger = await signedGet('/contract/private/transaction-history', 'flow_type=4');
		expect(ledger.json.data.length).toBe(2);
		const logged = server.sim.requests.filter((r) => r.path === '/contract/private/submit-order');
		expect(logged.length).toBeGreaterThanOrEqual(3);
		expect(logged.every((r) => !('x-bm-sign' in r.headers) && r.headers['x-bm-key'] === KEY)).toBe(
			true
		);
		expect(JSON.stringify(server.sim.requests)).not.toContain(SECRET);
	});

	it('rate-limits cancel-orders at the documented 2 per 2 s with 429 / 30013', async () => {
		const codes = [];
		for (let i = 0; i < 3; i++) {
			codes.push(
				(await signedPost('/contract/private/cancel-orders', { symbol: 'SOLUSDT' })).json.code
			);
		}
		expect(codes).toEqual([1000, 1000, 30013]);
		const limited = await fetch(server.url + '/contract/private/get-position-mode', {
			headers: { 'X-BM-KEY': KEY }
		});
		expect(limited.headers.get('x-bm-ratelimit-limit')).toBe('2');
	});
});
