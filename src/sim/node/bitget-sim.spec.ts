import { crc32 } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startBitgetSimServer, type BitgetSimServer } from './bitget-server';
import { bitgetClient, bitgetLogin, type BitgetTestKey } from './bitget-test-client';
import { TestSocket } from './test-client';

/** The Bitget simulator over real HTTP and WebSockets on loopback, driven by an independent client. */

const HEDGE: BitgetTestKey = {
	apiKey: 'bg-hedge',
	secret: 'hedge-secret',
	passphrase: 'hedge-pass'
};
const ONEWAY: BitgetTestKey = {
	apiKey: 'bg-oneway',
	secret: 'oneway-secret',
	passphrase: 'ow-pass'
};
const DEMO: BitgetTestKey = { apiKey: 'bg-demo', secret: 'demo-secret', passphrase: 'demo-pass' };
const POSITIONS = '/api/v2/mix/position/all-position';
const PLACE = '/api/v2/mix/order/place-order';
const Q = { productType: 'USDT-FUTURES', marginCoin: 'USDT' };

let server: BitgetSimServer;
const sockets: TestSocket[] = [];

async function open(url: string): Promise<TestSocket> {
	const socket = await TestSocket.open(url);
	sockets.push(socket);
	return socket;
}

beforeAll(async () => {
	server = await startBitgetSimServer({ seed: 9, rateLimits: false });
	server.sim.addAccount({ ...HEDGE, posMode: 'hedge_mode' });
	server.sim.addAccount({ ...ONEWAY, posMode: 'one_way_mode' });
	server.sim.addAccount({ ...DEMO, posMode: 'hedge_mode', demo: true });
});

afterEach(() => {
	for (const s of sockets.splice(0)) s.close();
	server.sim.faults.disarm();
});

afterAll(async () => {
	await server.close();
});

describe('REST verification', () => {
	it('accepts a correctly signed GET', async () => {
		const res = await bitgetClient(server.url, HEDGE).get(POSITIONS, Q);
		expect(res.status).toBe(200);
		expect(res.json.code).toBe('00000');
		expect(Array.isArray(res.json.data)).toBe(true);
	});

	it('refuses a wrong signature with 40009', async () => {
		const res = await bitgetClient(server.url, HEDGE).get(POSITIONS, Q, { secret: 'not-it' });
		expect(res.status).toBe(400);
		expect(res.json).toMatchObject({ code: '40009', msg: 'sign signature error', data: null });
	});

	it('refuses a timestamp more than 30 s off with 40008', async () => {
		const late = await bitgetClient(server.url, HEDGE).get(POSITIONS, Q, { skewMs: -31_000 });
		expect(late.json.code).toBe('40008');
		const early = await bitgetClient(server.url, HEDGE).get(POSITIONS, Q, { skewMs: 31_000 });
		expect(early.json.code).toBe('40008');
		const fine = await bitgetClient(server.url, HEDGE).get(POSITIONS, Q, { skewMs: -20_000 });
		expect(fine.json.code).toBe('00000');
	});

	it('refuses a wrong passphrase with 40012', async () => {
		const res = await bitgetClient(server.url, HEDGE).get(POSITIONS, Q, { passphrase: 'nope' });
		expect(res.json.code).toBe('40012');
	});

	it('answers 40099 for a demo key without paptrading and a live key with it', async () => {
		const demoPlain = await bitgetClient(server.url, DEMO).get(POSITIONS, Q);
		expect(demoPlain.json).toMatchObject({
			code: '40099',
			msg: 'exchange environment is incorrect'
		});
		const liveWithHeader = await bitgetClient(server.url, HEDGE).get(POSITIONS, Q, { demo: true });
		expect(liveWithHeader.json.code).toBe('40099');
		const demoWithHeader = await bitgetClient(server.url, DEMO).get(POSITIONS, Q, { demo: true });
		expect(demoWithHeader.json.code).toBe('00000');
	});

	it('checks the signature over the key-sorted query, as the docs require', async () => {
		const unsorted = 'productType=USDT-FUTURES&marginCoin=USDT';
		const res = await bitgetClient(server.url, HEDGE).get(POSITIONS, {}, { rawQuery: unsorted });
		expect(res.json.code).toBe('40009');
	});

	it('names a missing header', async () => {
		const res = await fetch(`${server.url}${POSITIONS}?productType=USDT-FUTURES`);
		expect((await res.json()) as unknown).toMatchObject({ code: '40001' });
	});

	it('answers HTTP 429 past the documented rate (close-positions: 1/s/UID)', async () => {
		const limited = await startBitgetSimServer({ seed: 3 });
		try {
			const key = { apiKey: 'rl', secret: 'rl-secret', passphrase: 'rl-pass' };
			const acct = limited.sim.addAccount({ ...key, posMode: 'hedge_mode' });
			acct.seedPosition({ symbol: 'ETHUSDT', holdSide: 'long', size: '1', openPriceAvg: '3000' });
			const client = bitgetClient(limited.url, key);
			const body = { productType: 'USDT-FUTURES', symbol: 'ETHUSDT' };
			const first = await client.post('/api/v2/mix/order/close-positions', body);
			const second = await client.post('/api/v2/mix/order/close-positions', body);
			expect(first.json.code).toBe('00000');
			expect(second.status).toBe(429);
			expect(second.json.code).toBe('429');
		} finally {
			await limited.close();
		}
	});
});

describe('closing in both position modes', () => {
	it('hedge: buy + tradeSide=close closes a long, and the position shrinks', async () => {
		const key = { apiKey: 'h1', secret: 'h1-secret', passphrase: 'h1-pass' };
		const acct = server.sim.addAccount({ ...key, posMode: 'hedge_mode' });
		acct.seedPosition({ symbol: 'BTCUSDT', holdSide: 'long', size: '0.5', openPriceAvg: '64000' });
		const client = bitgetClient(server.url, key);
		const wrongSide = await client.post(PLACE, {
			symbol: 'BTCUSDT',
			productType: 'USDT-FUTURES',
			marginMode: 'crossed',
			marginCoin: 'USDT',
			size: '0.1',
			side: 'sell',
			tradeSide: 'close',
			orderType: 'market',
			clientOid: 'h1-close-wrong'
		});
		// sell + close names the SHORT position, which does not exist.
		expect(wrongSide.json.code).toBe('22002');
		const res = await client.post(PLACE, {
			symbol: 'BTCUSDT',
			productType: 'USDT-FUTURES',
			marginMode: 'crossed',
			marginCoin: 'USDT',
			size: '0.125',
			side: 'buy',
			tradeSide: 'close',
			orderType: 'market',
			clientOid: 'h1-close-1'
		});
		expect(res.json.code).toBe('00000');
		expect(res.json.data).toEqual({ orderId: expect.any(String), clientOid: 'h1-close-1' });
		const positions = (await client.get(POSITIONS, Q)).json.data as Array<Record<string, string>>;
		expect(positions).toHaveLength(1);
		expect(positions[0]).toMatchObject({ symbol: 'BTCUSDT', holdSide: 'long', total: '0.375' });
		const detail = await client.get('/api/v2/mix/order/detail', {
			symbol: 'BTCUSDT',
			productType: 'USDT-FUTURES',
			clientOid: 'h1-close-1'
		});
		expect(detail.json.data).toMatchObject({
			orderId: res.json.data.orderId,
			side: 'buy',
			tradeSide: 'close',
			posSide: 'long',
			status: 'filled',
			baseVolume: '0.125',
			reduceOnly: 'NO',
			posMode: 'hedge_mode'
		});
	});

	it('hedge: an order without tradeSide is refused with 40774', async () => {
		const res = await bitgetClient(server.url, HEDGE).post(PLACE, {
			symbol: 'ETHUSDT',
			productType: 'USDT-FUTURES',
			marginMode: 'crossed',
			marginCoin: 'USDT',
			size: '0.1',
			side: 'buy',
			orderType: 'market'
		});
		expect(res.json.code).toBe('40774');
	});

	it('one-way: sell + reduceOnly=YES reduces a long and cannot flip it', async () => {
		const key = { apiKey: 'o1', secret: 'o1-secret', passphrase: 'o1-pass' };
		const acct = server.sim.addAccount({ ...key, posMode: 'one_way_mode' });
		acct.seedPosition({ symbol: 'SOLUSDT', holdSide: 'long', size: '10', openPriceAvg: '140' });
		const client = bitgetClient(server.url, key);
		const order = (size: string, side: 'buy' | 'sell', clientOid: string) => ({
			symbol: 'SOLUSDT',
			productType: 'USDT-FUTURES',
			marginMode: 'crossed',
			marginCoin: 'USDT',
			size,
			side,
			orderType: 'market',
			reduceOnly: 'YES',
			clientOid
		});
		expect((await client.post(PLACE, order('2.5', 'buy', 'o1-a'))).json.code).toBe('22002');
		expect((await client.post(PLACE, order('10.5', 'sell', 'o1-b'))).json.code).toBe('40757');
		const res = await client.post(PLACE, order('2.5', 'sell', 'o1-c'));
		expect(res.json.code).toBe('00000');
		expect(acct.positions()).toEqual([expect.objectContaining({ holdSide: 'long', total: '7.5' })]);
		const all = await client.post(PLACE, order('7.5', 'sell', 'o1-d'));
		expect(all.json.code).toBe('00000');
		expect(acct.positions()).toEqual([]);
	});

	it('one-way: a reduce-only order that needs room cancels older ones and may lack orderId', async () => {
		const key = { apiKey: 'o2', secret: 'o2-secret', passphrase: 'o2-pass' };
		const acct = server.sim.addAccount({ ...key, posMode: 'one_way_mode' });
		acct.seedPosition({ symbol: 'ETHUSDT', holdSide: 'short', size: '2', openPriceAvg: '3000' });
		const resting = acct.seedOrder({
			symbol: 'ETHUSDT',
			side: 'buy',
			reduceOnly: true,
			price: '2000.00',
			size: '1.5'
		});
		const client = bitgetClient(server.url, key);
		const res = await client.post(PLACE, {
			symbol: 'ETHUSDT',
			productType: 'USDT-FUTURES',
			marginMode: 'crossed',
			marginCoin: 'USDT',
			size: '1',
			side: 'buy',
			orderType: 'market',
			reduceOnly: 'YES',
			clientOid: 'o2-close'
		});
		expect(res.json.code).toBe('00000');
		expect(res.json.data).toEqual({ clientOid: 'o2-close' });
		expect(resting.canceled).toBe(true);
		const detail = await client.get('/api/v2/mix/order/detail', {
			symbol: 'ETHUSDT',
			productType: 'USDT-FUTURES',
			clientOid: 'o2-close'
		});
		expect(detail.json.data).toMatchObject({ status: 'filled', reduceOnly: 'YES', side: 'buy' });
	});

	it('refuses a reused clientOid with 40786 and sizes off the step with 40808 / 43006', async () => {
		const key = { apiKey: 'c1', secret: 'c1-secret', passphrase: 'c1-pass' };
		server.sim.addAccount({ ...key, posMode: 'hedge_mode' });
		const client = bitgetClient(server.url, key);
		const open = (size: string, clientOid: string) =>
			client.post(PLACE, {
				symbol: 'BTCUSDT',
				productType: 'USDT-FUTURES',
				marginMode: 'crossed',
				marginCoin: 'USDT',
				size,
				side: 'buy',
				tradeSide: 'open',
				orderType: 'market',
				clientOid
			});
		expect((await open('0.001', 'c1-x')).json.code).toBe('00000');
		expect((await open('0.001', 'c1-x')).json.code).toBe('40786');
		expect((await open('0.0015', 'c1-y')).json.code).toBe('40808');
		expect((await open('0', 'c1-z')).json.code).toBe('43006');
	});

	it('flash close lists failures even when code is 00000', async () => {
		const key = { apiKey: 'f1', secret: 'f1-secret', passphrase: 'f1-pass' };
		const acct = server.sim.addAccount({ ...key, posMode: 'hedge_mode' });
		acct.seedPosition({ symbol: 'BTCUSDT', holdSide: 'long', size: '0.2', openPriceAvg: '64000' });
		acct.seedPosition({ symbol: 'ETHUSDT', holdSide: 'short', size: '1', openPriceAvg: '3100' });
		server.sim.faults.failFlashClose('ETHUSDT', 'short', '40015');
		const res = await bitgetClient(server.url, key).post('/api/v2/mix/order/close-positions', {
			productType: 'USDT-FUTURES'
		});
		expect(res.json.code).toBe('00000');
		expect(res.json.data.successList).toEqual([
			{ orderId: expect.any(String), clientOid: expect.any(String), symbol: 'BTCUSDT' }
		]);
		expect(res.json.data.failureList).toEqual([
			expect.objectContaining({ symbol: 'ETHUSDT', errorCode: '40015' })
		]);
		expect(acct.positions().map((p) => p.symbol)).toEqual(['ETHUSDT']);
	});
});

describe('WebSocket', () => {
	it('answers the plain-text ping with pong', async () => {
		const ws = await open(server.endpoints.publicWs);
		ws.send('ping');
		const frame = await ws.nextFrame((f) => f.text === 'pong');
		expect(frame.json).toBeUndefined();
	});

	it('refuses a bad login with the documented code, then disconnects', async () => {
		const cases: Array<[Parameters<typeof bitgetLogin>[1], number]> = [
			[{ secret: 'wrong' }, 30015],
			[{ passphrase: 'wrong' }, 30012],
			[{ skewS: -60 }, 30014]
		];
		for (const [o, code] of cases) {
			const ws = await open(server.endpoints.privateWs);
			ws.send(bitgetLogin(HEDGE, o));
			expect(await ws.next((m) => m.event === 'error')).toMatchObject({ code });
			await ws.closed;
		}
	});

	it('keeps demo keys to the demo host', async () => {
		const live = await open(server.endpoints.privateWs);
		live.send(bitgetLogin(DEMO));
		expect(await live.next((m) => m.event === 'error')).toMatchObject({ code: 30011 });
		const demo = await open(server.endpoints.demoPrivateWs);
		demo.send(bitgetLogin(DEMO));
		expect(await demo.next((m) => m.event === 'login')).toMatchObject({ code: 0 });
	});

	it('needs a login before private channels', async () => {
		const ws = await open(server.endpoints.privateWs);
		ws.send({
			op: 'subscribe',
			args: [{ instType: 'USDT-FUTURES', channel: 'positions', instId: 'default' }]
		});
		expect(await ws.next((m) => m.event === 'error')).toMatchObject({ code: 30004 });
	});

	it('logs in, snapshots positions/account/orders, then pushes updates for a close', async () => {
		const key = { apiKey: 'w1', secret: 'w1-secret', passphrase: 'w1-pass' };
		const acct = server.sim.addAccount({ ...key, posMode: 'hedge_mode' });
		acct.seedPosition({ symbol: 'ETHUSDT', holdSide: 'short', size: '2', openPriceAvg: '3100' });
		const ws = await open(server.endpoints.privateWs);
		ws.send(bitgetLogin(key));
		expect(await ws.next((m) => m.event === 'login')).toEqual({ event: 'login', code: 0, msg: '' });
		const args = [
			{ instType: 'USDT-FUTURES', channel: 'account', coin: 'default' },
			{ instType: 'USDT-FUTURES', channel: 'positions', instId: 'default' },
			{ instType: 'USDT-FUTURES', channel: 'orders', instId: 'default' },
			{ instType: 'USDT-FUTURES', channel: 'fill', instId: 'default' }
		];
		ws.send({ op: 'subscribe', args });
		const snap = (channel: string) =>
			ws.next(
				(m) => (m.arg as { channel?: string })?.channel === channel && m.action === 'snapshot'
			);
		expect((await snap('account')).data).toEqual([expect.objectContaining({ marginCoin: 'USDT' })]);
		const positions = await snap('positions');
		expect(positions.data).toEqual([
			expect.objectContaining({
				instId: 'ETHUSDT',
				holdSide: 'short',
				total: '2',
				posMode: 'hedge_mode'
			})
		]);
		expect((await snap('orders')).data).toEqual([]);
		// Quiet by default: nothing more while nothing happens.
		expect(await ws.quiet((m) => m.action === 'update', 1200)).toBe(true);

		const res = await bitgetClient(server.url, key).post(PLACE, {
			symbol: 'ETHUSDT',
			productType: 'USDT-FUTURES',
			marginMode: 'crossed',
			marginCoin: 'USDT',
			size: '0.5',
			side: 'sell',
			tradeSide: 'close',
			orderType: 'market',
			clientOid: 'w1-close'
		});
		expect(res.json.code).toBe('00000');
		const update = (channel: string) =>
			ws.next((m) => (m.arg as { channel?: string })?.channel === channel && m.action === 'update');
		// The pushes go out before the REST answer, in the order the exchange made them.
		const order = await ws.next(
			(m) =>
				(m.arg as { channel?: string })?.channel === 'orders' &&
				(m.data as Array<{ status?: string }>)[0]?.status === 'filled'
		);
		expect((order.data as unknown[])[0]).toMatchObject({
			clientOid: 'w1-close',
			side: 'sell',
			tradeSide: 'close',
			posSide: 'short',
			accBaseVolume: '0.5'
		});
		expect((await update('fill')).data).toEqual([
			expect.objectContaining({
				orderId: res.json.data.orderId,
				baseVolume: '0.5',
				tradeSide: 'close'
			})
		]);
		expect((await update('positions')).data).toEqual([
			expect.objectContaining({ instId: 'ETHUSDT', holdSide: 'short', total: '1.5' })
		]);
		expect((await update('account')).data).toEqual([
			expect.objectContaining({ marginCoin: 'USDT' })
		]);
	});

	it('disconnects a client sending more than 10 messages a second', async () => {
		const ws = await open(server.endpoints.publicWs);
		for (let i = 0; i < 11; i++) ws.send('ping');
		const closed = await ws.closed;
		expect(closed.code).toBe(1008);
	});

	it('server-forced reconnect closes every socket cleanly', async () => {
		const ws = await open(server.endpoints.publicWs);
		server.sim.faults.forceDisconnect();
		expect((await ws.closed).code).toBe(1000);
	});
});

describe('books', () => {
	type Level = [string, string];
	const crc = (bids: Level[], asks: Level[]) => {
		const parts: string[] = [];
		for (let i = 0; i < 25; i++) {
			if (bids[i]) parts.push(...bids[i]);
			if (asks[i]) parts.push(...asks[i]);
		}
		return crc32(parts.join(':')) | 0;
	};
	function apply(side: Map<string, string>, levels: Level[]) {
		for (const [p, s] of levels) {
			if (s === '0') side.delete(p);
			else side.set(p, s);
		}
	}
	const sorted = (side: Map<string, string>, dir: 1 | -1): Level[] =>
		[...side].sort((a, b) => (Number(a[0]) - Number(b[0])) * dir);

	it('snapshot then updates; every checksum matches the merged book; a corrupted one does not', async () => {
		const ws = await open(server.endpoints.publicWs);
		const arg = { instType: 'USDT-FUTURES', channel: 'books', instId: 'BTCUSDT' };
		ws.send({ op: 'subscribe', args: [arg] });
		expect(await ws.next((m) => m.event === 'subscribe')).toEqual({ event: 'subscribe', arg });
		const snapshot = await ws.next((m) => m.action === 'snapshot');
		const first = (snapshot.data as Array<{ bids: Level[]; asks: Level[]; checksum: number }>)[0];
		const bids = new Map(first.bids);
		const asks = new Map(first.asks);
		expect(first.checksum).toBe(crc(sorted(bids, -1), sorted(asks, 1)));
		for (let i = 0; i < 3; i++) {
			const push = await ws.next((m) => m.action === 'update');
			const d = (push.data as Array<{ bids: Level[]; asks: Level[]; checksum: number }>)[0];
			apply(bids, d.bids);
			apply(asks, d.asks);
			expect(d.checksum).toBe(crc(sorted(bids, -1), sorted(asks, 1)));
		}
		server.sim.faults.corruptNextChecksum('BTCUSDT');
		const bad = await ws.next((m) => m.action === 'update');
		const d = (bad.data as Array<{ bids: Level[]; asks: Level[]; checksum: number }>)[0];
		apply(bids, d.bids);
		apply(asks, d.asks);
		expect(d.checksum).not.toBe(crc(sorted(bids, -1), sorted(asks, 1)));
		// The simulator's own book is the merged one, which a resubscribe would start from.
		server.sim.faults.pause();
		const held = server.sim.book('BTCUSDT');
		server.sim.faults.resume();
		expect(held.bids.length).toBeGreaterThan(0);
	});
});
