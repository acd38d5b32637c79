import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startBitgetSimServer, type BitgetSimServer } from './bitget-server';
import { bitgetClient, bitgetLogin } from './bitget-test-client';
import { TestSocket } from './test-client';

/** Resting orders, cancels, history, fills and the public channels of the Bitget simulator. */

let server: BitgetSimServer;
const sockets: TestSocket[] = [];
const PT = 'USDT-FUTURES';

async function open(url: string): Promise<TestSocket> {
	const socket = await TestSocket.open(url);
	sockets.push(socket);
	return socket;
}

beforeAll(async () => {
	server = await startBitgetSimServer({ seed: 17, rateLimits: false });
});

afterEach(() => {
	for (const s of sockets.splice(0)) s.close();
	server.sim.faults.disarm();
});

afterAll(async () => {
	await server.close();
});

describe('orders', () => {
	it('a resting limit close is pending, cancellable by clientOid, then in history', async () => {
		const key = { apiKey: 'r1', secret: 'r1-secret', passphrase: 'r1-pass' };
		const acct = server.sim.addAccount({ ...key, posMode: 'hedge_mode' });
		acct.seedPosition({ symbol: 'BTCUSDT', holdSide: 'long', size: '0.3', openPriceAvg: '64000' });
		const client = bitgetClient(server.url, key);
		const placed = await client.post('/api/v2/mix/order/place-order', {
			symbol: 'BTCUSDT',
			productType: PT,
			marginMode: 'crossed',
			marginCoin: 'USDT',
			size: '0.1',
			price: '99999.9',
			side: 'buy',
			tradeSide: 'close',
			orderType: 'limit',
			force: 'gtc',
			clientOid: 'r1-limit'
		});
		expect(placed.json.code).toBe('00000');
		const pending = await client.get('/api/v2/mix/order/orders-pending', { productType: PT });
		expect(pending.json.data.entrustedList).toEqual([
			expect.objectContaining({
				clientOid: 'r1-limit',
				status: 'live',
				price: '99999.9',
				size: '0.1',
				side: 'buy',
				tradeSide: 'close'
			})
		]);
		// The resting close reserves part of the position.
		const positions = await client.get('/api/v2/mix/position/all-position', { productType: PT });
		expect(positions.json.data[0]).toMatchObject({ total: '0.3', available: '0.2', locked: '0.1' });
		const cancelled = await client.post('/api/v2/mix/order/cancel-order', {
			symbol: 'BTCUSDT',
			productType: PT,
			clientOid: 'r1-limit'
		});
		expect(cancelled.json.data).toEqual({
			orderId: placed.json.data.orderId,
			clientOid: 'r1-limit'
		});
		const again = await client.post('/api/v2/mix/order/cancel-order', {
			symbol: 'BTCUSDT',
			productType: PT,
			clientOid: 'r1-limit'
		});
		expect(again.json.code).toBe('40768');
		const history = await client.get('/api/v2/mix/order/orders-history', { productType: PT });
		expect(history.json.data.entrustedList).toEqual([
			expect.objectContaining({ clientOid: 'r1-limit', status: 'canceled' })
		]);
		const none = await client.post('/api/v2/mix/order/cancel-all-orders', { productType: PT });
		expect(none.json.code).toBe('22001');
	});

	it('cancel-all-orders reports each order; fills list executions with fees', async () => {
		const key = { apiKey: 'r2', secret: 'r2-secret', passphrase: 'r2-pass' };
		const acct = server.sim.addAccount({ ...key, posMode: 'one_way_mode' });
		acct.seedOrder({ symbol: 'ETHUSDT', side: 'buy', price: '1000.00', size: '0.5' });
		acct.seedOrder({ symbol: 'SOLUSDT', side: 'sell', price: '900.000', size: '1' });
		const client = bitgetClient(server.url, key);
		const res = await client.post('/api/v2/mix/order/cancel-all-orders', {
			productType: PT,
			marginCoin: 'USDT'
		});
		expect(res.json.data.successList).toHaveLength(2);
		expect(res.json.data.failureList).toEqual([]);
		const opened = await client.post('/api/v2/mix/order/place-order', {
			symbol: 'XRPUSDT',
			productType: PT,
			marginMode: 'isolated',
			marginCoin: 'USDT',
			size: '100',
			side: 'sell',
			orderType: 'market'
		});
		expect(opened.json.code).toBe('00000');
		// No clientOid sent: the exchange makes one up.
		expect(opened.json.data.clientOid).toMatch(/^\d+$/);
		const fills = await client.get('/api/v2/mix/order/fills', {
			productType: PT,
			symbol: 'XRPUSDT'
		});
		expect(fills.json.data.fillList).toEqual([
			expect.objectContaining({
				orderId: opened.json.data.orderId,
				baseVolume: '100',
				side: 'sell',
				tradeSide: 'open',
				posMode: 'one_way_mode',
				feeDetail: [
					expect.objectContaining({ feeCoin: 'USDT', totalFee: expect.stringMatching(/^-/) })
				]
			})
		]);
		expect(acct.positions()).toEqual([
			expect.objectContaining({
				symbol: 'XRPUSDT',
				holdSide: 'short',
				total: '100',
				marginMode: 'isolated'
			})
		]);
		const single = await client.get('/api/v2/mix/account/account', {
			symbol: 'XRPUSDT',
			productType: PT,
			marginCoin: 'USDT'
		});
		expect(single.json.data).toMatchObject({ posMode: 'one_way_mode', marginCoin: 'USDT' });
	});

	it('rejectNext, holdNext and dropNextResponse act on the next matching request only', async () => {
		const key = { apiKey: 'r3', secret: 'r3-secret', passphrase: 'r3-pass' };
		const acct = server.sim.addAccount({ ...key, posMode: 'hedge_mode' });
		acct.seedPosition({ symbol: 'ETHUSDT', holdSide: 'long', size: '1', openPriceAvg: '3000' });
		const client = bitgetClient(server.url, key);
		const body = (clientOid: string) => ({
			symbol: 'ETHUSDT',
			productType: PT,
			marginMode: 'crossed',
			marginCoin: 'USDT',
			size: '0.1',
			side: 'buy',
			tradeSide: 'close',
			orderType: 'market',
			clientOid
		});
		server.sim.faults.rejectNext('place-order', '40762');
		expect((await client.post('/api/v2/mix/order/place-order', body('r3-a'))).json.code).toBe(
			'40762'
		);
		server.sim.faults.dropNextResponse('place-order');
		await expect(client.post('/api/v2/mix/order/place-order', body('r3-b'))).rejects.toThrow();
		// The dropped request was executed all the same.
		expect(acct.positions()[0].total).toBe('0.9');
		server.sim.faults.holdNext('place-order', 300);
		const held = client.post('/api/v2/mix/order/place-order', body('r3-c'));
		await expect.poll(() => server.sim.faults.heldRequests().length).toBe(1);
		expect(server.sim.faults.heldRequests()[0].params).toMatchObject({ clientOid: 'r3-c' });
		expect((await held).json.code).toBe('00000');
		expect(acct.positions()[0].total).toBe('0.8');
	});
});

describe('public channels and CORS', () => {
	it('ticker carries mark, index, funding rate and next funding time', async () => {
		const ws = await open(server.endpoints.publicWs);
		const arg = { instType: PT, channel: 'ticker', instId: 'ETHUSDT' };
		ws.send({ op: 'subscribe', args: [arg] });
		const push = await ws.next((m) => m.action === 'snapshot');
		expect(push.arg).toEqual(arg);
		expect((push.data as unknown[])[0]).toEqual(
			expect.objectContaining({
				instId: 'ETHUSDT',
				markPrice: expect.stringMatching(/^\d+\.\d{2}$/),
				indexPrice: expect.any(String),
				fundingRate: expect.any(String),
				nextFundingTime: expect.stringMatching(/^\d+$/)
			})
		);
	});

	it('refuses an unknown channel or symbol with 30001', async () => {
		const ws = await open(server.endpoints.publicWs);
		ws.send({ op: 'subscribe', args: [{ instType: PT, channel: 'books', instId: 'NOPEUSDT' }] });
		expect(await ws.next((m) => m.event === 'error')).toMatchObject({
			code: 30001,
			op: 'subscribe',
			arg: { channel: 'books', instId: 'NOPEUSDT' }
		});
		ws.send({ op: 'dance', args: [] });
		expect(await ws.next((m) => m.event === 'error')).toMatchObject({ code: 30003 });
	});

	it('books5 pushes full snapshots of five levels', async () => {
		const ws = await open(server.endpoints.publicWs);
		ws.send({ op: 'subscribe', args: [{ instType: PT, channel: 'books5', instId: 'BTCUSDT' }] });
		const push = await ws.next((m) => m.action === 'snapshot');
		const data = (push.data as Array<{ bids: unknown[]; asks: unknown[]; checksum: number }>)[0];
		expect(data.bids).toHaveLength(5);
		expect(data.asks).toHaveLength(5);
		expect(Number.isInteger(data.checksum)).toBe(true);
	});

	it('private channels after login on the private socket; unsubscribe is acknowledged', async () => {
		const key = { apiKey: 'p1', secret: 'p1-secret', passphrase: 'p1-pass' };
		server.sim.addAccount({ ...key, posMode: 'hedge_mode' });
		const ws = await open(server.endpoints.privateWs);
		ws.send(bitgetLogin(key));
		await ws.next((m) => m.event === 'login');
		const arg = { instType: PT, channel: 'orders', instId: 'default' };
		ws.send({ op: 'subscribe', args: [arg] });
		await ws.next((m) => m.event === 'subscribe');
		ws.send({ op: 'unsubscribe', args: [arg] });
		expect(await ws.next((m) => m.event === 'unsubscribe')).toEqual({ event: 'unsubscribe', arg });
	});

	it('with marketTickMs 0 stays silent until a test moves the price', async () => {
		const still = await startBitgetSimServer({ seed: 4, timing: { marketTickMs: 0 } });
		try {
			const ws = await open(still.endpoints.publicWs);
			ws.send({
				op: 'subscribe',
				args: [
					{ instType: PT, channel: 'ticker', instId: 'SOLUSDT' },
					{ instType: PT, channel: 'books', instId: 'SOLUSDT' }
				]
			});
			await ws.next(
				(m) => m.action === 'snapshot' && (m.arg as { channel: string }).channel === 'books'
			);
			expect(await ws.quiet((m) => 'action' in m, 1500)).toBe(true);
			still.sim.setMarkPrice('SOLUSDT', '150.000');
			const ticker = await ws.next((m) => (m.arg as { channel: string })?.channel === 'ticker');
			expect((ticker.data as Array<{ markPrice: string }>)[0].markPrice).toBe('150.000');
			const books = await ws.next((m) => m.action === 'update');
			expect((books.data as Array<{ bids: unknown[] }>)[0].bids.length).toBeGreaterThan(0);
		} finally {
			await still.close();
		}
	});

	it('answers the CORS preflight for the ACCESS-* and paptrading headers', async () => {
		const res = await fetch(`${server.url}/api/v2/mix/order/place-order`, {
			method: 'OPTIONS',
			headers: {
				Origin: 'http://127.0.0.1:4173',
				'Access-Control-Request-Method': 'POST',
				'Access-Control-Request-Headers': 'access-key,access-sign,paptrading'
			}
		});
		expect(res.status).toBe(204);
		expect(res.headers.get('access-control-allow-origin')).toBe('*');
		const allowed = (res.headers.get('access-control-allow-headers') ?? '').toLowerCase();
		for (const h of [
			'access-key',
			'access-sign',
			'access-timestamp',
			'access-passphrase',
			'paptrading'
		]) {
			expect(allowed).toContain(h);
		}
	});
});
