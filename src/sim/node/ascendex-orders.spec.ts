import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAscendexSimServer, type AscendexSimServer } from './ascendex-server';
import { TestSocket } from './test-client';

/** Orders, sequences, faults and history of the AscendEX simulator, through its real wire. */

function sign(secret: string, prehash: string, decoded = false): string {
	const key = decoded ? Buffer.from(secret, 'base64') : secret;
	return createHmac('sha256', key).update(prehash).digest('base64');
}

const SECRET = 'Qw3eR5tY7uI9oP1aS3dF5gH7jK9lZ1xC3vB5nM7qW9eR1tY3uI5oP7aS9dF1gH3j';
const GROUP = 4;
let keys = 0;

type Json = Record<string, unknown>;
type Row = Record<string, string | number | boolean>;

let server: AscendexSimServer;
const sockets: TestSocket[] = [];

beforeAll(async () => {
	server = await startAscendexSimServer({
		seed: 9,
		timing: { marketTickMs: 20, depthPushMs: 40, pingIdleMs: 60_000 }
	});
});
afterAll(async () => {
	for (const s of sockets) s.close();
	await server.close();
});

function newAccount(opts: Parameters<AscendexSimServer['sim']['addAccount']>[0] | object = {}) {
	const apiKey = `orders-key-${++keys}`;
	return server.sim.addAccount({ apiKey, secret: SECRET, accountGroup: GROUP, ...opts });
}

async function rest(
	apiKey: string,
	method: string,
	path: string,
	prehash: string,
	body?: unknown,
	opts: { decoded?: boolean } = {}
): Promise<{ code: number; data: Json & Json[]; message?: string }> {
	const ts = String(Date.now());
	const res = await fetch(server.url + path, {
		method,
		headers: {
			'content-type': 'application/json',
			'x-auth-key': apiKey,
			'x-auth-timestamp': ts,
			'x-auth-signature': sign(SECRET, `${ts}+${prehash}`, opts.decoded)
		},
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	return (await res.json()) as { code: number; data: Json & Json[] };
}

async function stream(apiKey: string, channels: string[] = []): Promise<TestSocket> {
	const socket = await TestSocket.open(server.endpoints.privateWs(GROUP));
	sockets.push(socket);
	const t = Date.now();
	socket.send({ op: 'auth', id: 'auth', t, key: apiKey, sig: sign(SECRET, `${t}+v2/stream`) });
	expect((await socket.next((m) => m.m === 'auth')).code).toBe(0);
	for (const ch of channels) {
		socket.send({ op: 'sub', id: ch, ch });
		await socket.next((m) => m.m === 'sub' && m.ch === ch);
	}
	return socket;
}

function placeMsg(id: string, args: Json): Json {
	return {
		op: 'req',
		action: 'place-order',
		ac: 'futures',
		id,
		args: { time: Date.now(), respInst: 'ACK', ...args }
	};
}

describe('AscendEX simulator: sequences', () => {
	it('numbers account updates and order frames with one strictly increasing sn', async () => {
		const acct = newAccount();
		acct.seedPosition({ symbol: 'ETH-PERP', position: '-2', avgOpenPrice: '3100' });
		const socket = await stream(acct.apiKey, ['futures-order', 'futures-account-update']);
		socket.send({ op: 'req', id: 'snap', action: 'futures-account-snapshot' });
		const snap = await socket.next((m) => m.m === 'futures-account-snapshot');
		const from = socket.frames.length;
		for (const [i, qty] of ['0.5', '0.7', '0.3'].entries()) {
			socket.send(
				placeMsg(`seqclose${i}xxxxxxx`, {
					symbol: 'ETH-PERP',
					orderQty: qty,
					orderType: 'market',
					side: 'buy',
					execInst: 'ReduceOnly'
				})
			);
			await socket.next((m) => m.m === 'order' && m.id === `seqclose${i}xxxxxxx`);
			await socket.next((m) => m.m === 'futures-account-update');
		}
		const sns = socket.frames
			.slice(from)
			.map((f) => f.json)
			.filter((m) => m?.m === 'futures-account-update' || m?.m === 'futures-order')
			.map((m) => m!.sn as number);
		expect(sns.length).toBeGreaterThanOrEqual(6);
		expect(sns[0]).toBeGreaterThan(snap.sn as number);
		for (let i = 1; i < sns.length; i++) expect(sns[i]).toBeGreaterThan(sns[i - 1]);
		const last = socket.frames
			.slice(from)
			.map((f) => f.json)
			.filter((m) => m?.m === 'futures-account-update')
			.at(-1)!;
		expect((last.pos as Row[])[0]).toMatchObject({ s: 'ETH-PERP', pos: '-0.5', sd: 'SHORT' });
		socket.send({ op: 'req', id: 'snap2', action: 'futures-account-snapshot' });
		const snap2 = await socket.next((m) => m.m === 'futures-account-snapshot');
		expect(snap2.sn).toBe(sns.at(-1));
	});
});

describe('AscendEX simulator: WS order requests', () => {
	it('refuses a quantity off the lot size, a stale time and an oversized reduce-only', async () => {
		const acct = newAccount();
		acct.seedPosition({ symbol: 'BTC-PERP', position: '0.01', avgOpenPrice: '64000' });
		const socket = await stream(acct.apiKey, ['futures-order']);
		const base = { symbol: 'BTC-PERP', orderType: 'market', side: 'sell', execInst: 'ReduceOnly' };
		socket.send(placeMsg('badlot000001', { ...base, orderQty: '0.00015' }));
		const lot = await socket.next((m) => m.m === 'order' && m.id === 'badlot000001');
		expect(lot).toMatchObject({ code: 300002, action: 'place-order' });
		expect((lot.info as Row).reason).toBe('INVALID_QTY');
		socket.send(placeMsg('stale0000001', { ...base, orderQty: '0.01', time: Date.now() - 31_000 }));
		expect((await socket.next((m) => m.m === 'order' && m.id === 'stale0000001')).code).toBe(
			100011
		);
		socket.send(placeMsg('toobig000001', { ...base, orderQty: '0.02' }));
		expect((await socket.next((m) => m.m === 'order' && m.id === 'toobig000001')).code).toBe(
			300008
		);
		socket.send(placeMsg('wrongside001', { ...base, side: 'buy', orderQty: '0.01' }));
		expect((await socket.next((m) => m.m === 'order' && m.id === 'wrongside001')).code).toBe(
			300008
		);
		expect(acct.positions()).toEqual([
			{ symbol: 'BTC-PERP', position: '0.01', avgOpenPrice: '64000' }
		]);
		expect(acct.account.orders()).toEqual([]);
	});

	it('sends no account update for an order it refused, over either transport', async () => {
		const acct = newAccount({ usdt: '100' });
		const socket = await stream(acct.apiKey, ['futures-order', 'futures-account-update']);
		const order = { symbol: 'BTC-PERP', orderQty: '1', orderType: 'market', side: 'buy' };
		socket.send(placeMsg('toopoor00001', order));
		expect((await socket.next((m) => m.m === 'order' && m.id === 'toopoor00001')).code).toBe(
			300011
		);
		const viaRest = await rest(
			acct.apiKey,
			'POST',
			`/${GROUP}/api/pro/v2/futures/order`,
			'v2/futures/order',
			{ ...order, time: Date.now() }
		);
		expect(viaRest.code).toBe(300011);
		expect(await socket.quiet((m) => m.m === 'futures-account-update', 300)).toBe(true);
	});

	it('still places the order when the ACK is dropped; it is found by the id tail', async () => {
		const acct = newAccount();
		acct.seedPosition({ symbol: 'SOL-PERP', position: '10', avgOpenPrice: '150' });
		const socket = await stream(acct.apiKey, ['futures-order']);
		server.sim.faults.dropNextAck();
		const id = 'lostack0123456789';
		socket.send(
			placeMsg(id, {
				symbol: 'SOL-PERP',
				orderQty: '4',
				orderType: 'market',
				side: 'sell',
				execInst: 'ReduceOnly'
			})
		);
		const filled = await socket.next((m) => m.m === 'futures-order' && m.st === 'Filled');
		expect((filled.orderId as string).slice(-9)).toBe(id.slice(-9));
		expect(socket.frames.some((f) => f.json?.m === 'order')).toBe(false);
		const hist = await rest(
			acct.apiKey,
			'GET',
			`/${GROUP}/api/pro/v2/futures/order/hist/current?symbol=SOL-PERP`,
			'v2/futures/order/hist/current'
		);
		expect(hist.data.map((o) => (o.orderId as string).slice(-9))).toEqual([id.slice(-9)]);
		expect(hist.data[0]).toMatchObject({ execInst: 'ReduceOnly', status: 'Filled', side: 'Sell' });
		expect(acct.positions()[0].position).toBe('6');
		expect(server.sim.wsOrderMessages(acct.apiKey).map((r) => r.code)).toEqual([-1]);
	});

	it('cancels one resting order and then all, over the WebSocket', async () => {
		const acct = newAccount();
		const a = acct.seedOrder({
			symbol: 'BTC-PERP',
			side: 'buy',
			price: '50000.0',
			orderQty: '0.01'
		});
		acct.seedOrder({ symbol: 'BTC-PERP', side: 'buy', price: '49000.0', orderQty: '0.02' });
		acct.seedOrder({ symbol: 'ETH-PERP', side: 'sell', price: '9000.00', orderQty: '0.5' });
		const socket = await stream(acct.apiKey, ['futures-order']);
		socket.send({ op: 'req', id: 'oo', action: 'futures-open-orders', args: {} });
		const open = await socket.next((m) => m.m === 'futures-open-orders');
		expect((open.data as Row[]).map((o) => o.orderId).sort()).toHaveLength(3);
		socket.send({
			op: 'req',
			action: 'cancel-order',
			ac: 'futures',
			id: 'c1',
			args: { time: Date.now(), orderId: a, symbol: 'BTC-PERP' }
		});
		expect(await socket.next((m) => m.m === 'order' && m.id === 'c1')).toMatchObject({
			code: 0,
			info: { orderId: a }
		});
		expect(await socket.next((m) => m.m === 'futures-order')).toMatchObject({
			orderId: a,
			st: 'Canceled'
		});
		const status = await rest(
			acct.apiKey,
			'GET',
			`/${GROUP}/api/pro/v2/futures/order/status?orderId=${a}`,
			'v2/futures/order/status'
		);
		expect(status.data).toMatchObject({ orderId: a, status: 'Canceled' });
		socket.send({
			op: 'req',
			action: 'cancel-all',
			ac: 'futures',
			id: 'c2',
			args: { symbol: 'BTC-PERP' }
		});
		expect((await socket.next((m) => m.m === 'order' && m.id === 'c2')).code).toBe(0);
		const left = await rest(
			acct.apiKey,
			'GET',
			`/${GROUP}/api/pro/v2/futures/order/open`,
			'v2/futures/order/open'
		);
		expect(left.data.map((o) => o.symbol)).toEqual(['ETH-PERP']);
	});

	it('processes a held place-order late while pongs keep flowing', async () => {
		const acct = newAccount();
		acct.seedPosition({ symbol: 'XRP-PERP', position: '100', avgOpenPrice: '0.5' });
		const socket = await stream(acct.apiKey, ['futures-order']);
		server.sim.faults.holdNext('place-order', 400);
		socket.send(
			placeMsg('heldorder0001', {
				symbol: 'XRP-PERP',
				orderQty: '100',
				orderType: 'market',
				side: 'sell',
				execInst: 'ReduceOnly'
			})
		);
		socket.send({ op: 'ping' });
		await socket.next((m) => m.m === 'pong');
		expect(acct.positions()).toHaveLength(1);
		expect((await socket.next((m) => m.m === 'order' && m.id === 'heldorder0001')).code).toBe(0);
		expect(acct.positions()).toEqual([]);
	});
});

describe('AscendEX simulator: keepalive faults', () => {
	it('drains health points when pongs are lost, then disconnects with a reason', async () => {
		const socket = await stream(newAccount().apiKey);
		server.sim.faults.ignorePongs(true);
		try {
			server.sim.faults.pingNow();
			await socket.next((m) => m.m === 'ping');
			socket.send({ op: 'pong' });
			server.sim.faults.pingNow();
			expect((await socket.next((m) => m.m === 'ping')).hp).toBe(1);
			socket.send({ op: 'pong' });
			server.sim.faults.pingNow();
			const bye = await socket.next((m) => m.m === 'disconnected');
			expect(bye.info).toMatch(/missing pong/);
			await socket.closed;
		} finally {
			server.sim.faults.ignorePongs(false);
		}
	});

	it('stops answering client pings when told to', async () => {
		const socket = await stream(newAccount().apiKey);
		server.sim.faults.answerPings(false);
		socket.send({ op: 'ping' });
		expect(await socket.quiet((m) => m.m === 'pong', 300)).toBe(true);
		server.sim.faults.answerPings(true);
		socket.send({ op: 'ping' });
		expect((await socket.next((m) => m.m === 'pong')).code).toBe(0);
	});
});

describe('AscendEX simulator: REST orders, keys and history', () => {
	it('places and cancels a limit order over REST, with the documented envelopes', async () => {
		const acct = newAccount();
		const placed = await rest(
			acct.apiKey,
			'POST',
			`/${GROUP}/api/pro/v2/futures/order`,
			'v2/futures/order',
			{
				id: 'restlimit0001',
				time: Date.now(),
				symbol: 'ETH-PERP',
				orderPrice: '2000.00',
				orderQty: '0.1',
				orderType: 'Limit',
				side: 'Buy'
			}
		);
		expect(placed.code).toBe(0);
		const order = placed.data.order as Row;
		expect(order).toMatchObject({
			status: 'New',
			orderType: 'Limit',
			side: 'Buy',
			price: '2000.00'
		});
		expect((order.orderId as string).startsWith('a')).toBe(true);
		expect((order.orderId as string).slice(-9)).toBe('limit0001'.slice(-9));
		const offTick = await rest(
			acct.apiKey,
			'POST',
			`/${GROUP}/api/pro/v2/futures/order`,
			'v2/futures/order',
			{
				time: Date.now(),
				symbol: 'ETH-PERP',
				orderPrice: '2000.001',
				orderQty: '0.1',
				orderType: 'Limit',
				side: 'Buy'
			}
		);
		expect(offTick.code).toBe(300014);
		const cancel = await rest(
			acct.apiKey,
			'DELETE',
			`/${GROUP}/api/pro/v2/futures/order`,
			'v2/futures/order',
			{
				orderId: order.orderId,
				symbol: 'ETH-PERP',
				time: Date.now()
			}
		);
		expect(cancel.code).toBe(0);
		expect((cancel.data.order as Row).status).toBe('Canceled');
		expect(server.sim.restOrderRequests(acct.apiKey)).toHaveLength(3);
	});

	it('accepts only the key form an account is set up for, and refuses an expired key', async () => {
		const decodedOnly = newAccount({ secretForm: 'decoded' });
		const path = '/api/pro/v2/account/info';
		expect((await rest(decodedOnly.apiKey, 'GET', path, 'v2/account/info')).code).toBe(200001);
		expect(
			(await rest(decodedOnly.apiKey, 'GET', path, 'v2/account/info', undefined, { decoded: true }))
				.code
		).toBe(0);
		const raw = newAccount();
		expect(
			(await rest(raw.apiKey, 'GET', path, 'v2/account/info', undefined, { decoded: true })).code
		).toBe(200001);
		raw.setExpireTime(Date.now() - 1000);
		const expired = await rest(raw.apiKey, 'GET', path, 'v2/account/info');
		expect(expired.code).toBe(200001);
	});

	it('pages funding payments and lists funding and fills in the balance history', async () => {
		const acct = newAccount();
		const now = Date.now();
		for (let i = 0; i < 5; i++) {
			acct.seedFundingPayment({
				symbol: 'BTC-PERP',
				time: now - (5 - i) * 8 * 3600_000,
				fundingRate: 0.0001,
				paymentInUSDT: -1.5
			});
		}
		const page = (p: number) =>
			rest(
				acct.apiKey,
				'GET',
				`/${GROUP}/api/pro/v2/futures/funding-payments?page=${p}&pageSize=2`,
				'v2/futures/funding-payments'
			);
		const first = await page(1);
		expect(first.data).toMatchObject({ page: 1, pageSize: 2, hasNext: true });
		expect((first.data.data as Row[]).map((r) => r.paymentInUSDT)).toEqual(['-1.5', '-1.5']);
		expect((first.data.data as Row[])[0].timestamp).toBe(now - 8 * 3600_000);
		expect((await page(3)).data).toMatchObject({ hasNext: false });
		expect(((await page(3)).data.data as Row[]).length).toBe(1);

		acct.seedPosition({ symbol: 'BTC-PERP', position: '0.05', avgOpenPrice: '64000' });
		acct.trade({ symbol: 'BTC-PERP', side: 'sell', orderQty: '0.05', reduceOnly: true });
		const history = await rest(
			acct.apiKey,
			'GET',
			'/api/pro/data/v1/futures/balance/history?sn=0&limit=500',
			'data/v1/futures/balance/history'
		);
		expect(history.code).toBe(0);
		const events = (history.data.balance as Row[]).map((b) => b.eventType);
		expect(events.slice(0, 6)).toEqual([
			'deposit',
			'Fundingpayment',
			'Fundingpayment',
			'Fundingpayment',
			'Fundingpayment',
			'Fundingpayment'
		]);
		// The close realized PnL, which reaches USDT as a settlement per fill (the docs' sample).
		expect(events.length).toBeGreaterThan(6);
		expect(new Set(events.slice(6))).toEqual(new Set(['Futuressettlement']));
		const orders = history.data.order as Array<{ data: Row[] }>;
		expect(orders.length).toBeGreaterThan(0);
		// As the docs' sample: position and reference cost as trade lines, the fee on the cost.
		expect(orders[0].data.map((d) => [d.asset, d.dataType])).toEqual([
			['BTCP', 'trade'],
			['BTCPC', 'trade'],
			['BTCPC', 'fee']
		]);
		// The sell's fills take the 0.05 off the position, in parts.
		const sold = orders.map((o) => Number(o.data[0].deltaQty)).reduce((a, b) => a + b, 0);
		expect(sold).toBeCloseTo(-0.05, 10);
		const grouped = await rest(
			acct.apiKey,
			'GET',
			`/${GROUP}/api/pro/data/v1/futures/balance/history?sn=0`,
			'data/v1/futures/balance/history'
		);
		expect(grouped.code).toBe(100001);
	});
});
