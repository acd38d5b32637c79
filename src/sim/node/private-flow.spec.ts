import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimServer, type SimServer } from './server';
import { bitmartSign, TestSocket } from './test-client';
import { restClient, type TestKey } from './test-rest';

/** The private stream around a close, and the REST faults a close must survive. */

const FAST = { marketTickMs: 20, lifelessMs: 0 };
const ACCOUNT_GROUPS = ['futures/order', 'futures/position', 'futures/asset:USDT'];
let server: SimServer;
let keys = 0;
const sockets: TestSocket[] = [];

beforeAll(async () => {
	server = await startSimServer({ seed: 33, timing: FAST, rateLimits: false });
});
afterEach(() => {
	server.sim.faults.delayPrivatePushes(0);
	server.sim.faults.delayResponses(0);
});
afterAll(async () => {
	for (const s of sockets) s.close();
	await server.close();
});

function account() {
	const key: TestKey = { apiKey: `flow-key-${++keys}`, secret: `flow-secret-${keys}`, memo: 'fm' };
	const handle = server.sim.addAccount(key);
	handle.seedPosition({
		symbol: 'BTCUSDT',
		side: 'long',
		size: 20,
		entryPrice: '60000',
		leverage: '20',
		marginMode: 'cross'
	});
	server.sim.setMarkPrice('BTCUSDT', '60500.0');
	return { handle, key, rest: restClient(server.url, key) };
}

async function privateSocket(key: TestKey): Promise<TestSocket> {
	const ws = await TestSocket.open(server.endpoints.privateWs);
	sockets.push(ws);
	const ts = String(Date.now());
	ws.send({
		action: 'access',
		args: [key.apiKey, ts, bitmartSign(key.secret, ts, key.memo, 'bitmart.WebSocket'), 'web']
	});
	expect(await ws.next((m) => m.action === 'access')).toEqual({ action: 'access', success: true });
	ws.send({ action: 'subscribe', args: ACCOUNT_GROUPS });
	for (let i = 0; i < ACCOUNT_GROUPS.length; i++) await ws.next((m) => m.action === 'subscribe');
	ws.skip();
	return ws;
}

/** Account pushes received so far (not acks), in arrival order. */
function pushes(ws: TestSocket) {
	return ws.frames
		.map((f) => f.json)
		.filter((m) => m && ACCOUNT_GROUPS.includes(String(m.group)) && m.action === undefined);
}

async function until(check: () => boolean): Promise<void> {
	while (!check()) await new Promise((r) => setTimeout(r, 5));
}

const closeBody = (clientOrderId: string, size = 5) => ({
	symbol: 'BTCUSDT',
	client_order_id: clientOrderId,
	side: 3,
	type: 'market',
	size,
	open_type: 'cross'
});

describe('private pushes around a close', () => {
	it('sends order (submitted, filled) → position → asset, all before the HTTP answer', async () => {
		const { key, rest } = account();
		const ws = await privateSocket(key);
		const seen = pushes(ws).length;
		const res = await rest.post('/contract/private/submit-order', closeBody('perchPush1'));
		expect(res.json.code).toBe(1000);
		// Taken the moment the answer is in: the frames must already be here.
		const frames = pushes(ws).slice(seen);
		expect(frames.map((f) => f!.group)).toEqual([
			'futures/order',
			'futures/order',
			'futures/position',
			'futures/asset:USDT'
		]);
		const [submitted, filled] = frames.map(
			(f) => (f!.data as Array<{ action: number; order: Record<string, unknown> }>)[0]
		);
		expect(submitted.action).toBe(2);
		expect(submitted.order).toMatchObject({
			order_id: String(res.json.data.order_id),
			client_order_id: 'perchPush1',
			state: 2,
			deal_size: '0',
			last_trade: null,
			position_mode: 'hedge_mode'
		});
		expect(filled.action).toBe(1);
		expect(filled.order).toMatchObject({
			state: 4,
			deal_size: '5',
			deal_avg_price: '60500',
			last_trade: { fillQty: '5', fillPrice: '60500.0', feeCcy: 'USDT' }
		});
		// 5 × 0.001 × 60500 × 0.0006, as a negative fee in the frame.
		expect(Number((filled.order.last_trade as { fee: string }).fee)).toBeCloseTo(-0.1815, 10);
		expect((frames[2]!.data as unknown[])[0]).toMatchObject({
			symbol: 'BTCUSDT',
			hold_volume: '15',
			position_type: 1,
			open_type: 2,
			close_volume: '5',
			hold_avg_price: '60000',
			position_mode: 'hedge_mode'
		});
		expect(Object.keys(frames[3]!.data as object).sort()).toEqual([
			'available_balance',
			'currency',
			'frozen_balance',
			'position_deposit'
		]);
		// Margin left: 15 × 0.001 × 60000 / 20 = 45.
		expect(frames[3]!.data).toMatchObject({ currency: 'USDT', position_deposit: '45' });
	});

	it('omitClosedPositions: a full close pushes the other open positions, no size-0 row', async () => {
		const { key, handle, rest } = account();
		handle.seedPosition({ symbol: 'ETHUSDT', side: 'short', size: 3, entryPrice: '3000' });
		const ws = await privateSocket(key);
		server.sim.faults.omitClosedPositions(true);
		try {
			expect(
				(await rest.post('/contract/private/submit-order', closeBody('omit1', 20))).json.code
			).toBe(1000);
			const position = await ws.nextPush('futures/position');
			expect(position.data).toEqual([
				expect.objectContaining({ symbol: 'ETHUSDT', hold_volume: '3', position_type: 2 })
			]);
		} finally {
			server.sim.faults.omitClosedPositions(false);
		}
	});

	it('duplicatePositionPushes: every position frame arrives twice, account events and timed ones', async () => {
		const { key, handle } = account();
		const ws = await privateSocket(key);
		server.sim.faults.duplicatePositionPushes(true);
		try {
			handle.trade({ symbol: 'BTCUSDT', side: 3, size: 5 });
			const first = await ws.nextPush('futures/position');
			const second = await ws.nextPush('futures/position');
			expect(second.data).toEqual(first.data);
			expect((first.data as unknown[])[0]).toMatchObject({ hold_volume: '15' });
		} finally {
			server.sim.faults.duplicatePositionPushes(false);
		}
		ws.skip();
		handle.trade({ symbol: 'BTCUSDT', side: 3, size: 5 });
		expect((await ws.nextPush('futures/position')).data).toEqual([
			expect.objectContaining({ hold_volume: '10' })
		]);
		expect(await ws.quiet((m) => m.group === 'futures/position', 100)).toBe(true);
	});

	it('trade: an order placed elsewhere moves the position and is pushed, not logged', async () => {
		const { key, handle } = account();
		const ws = await privateSocket(key);
		handle.trade({ symbol: 'BTCUSDT', side: 1, size: 8 });
		const position = await ws.nextPush('futures/position');
		expect((position.data as unknown[])[0]).toMatchObject({ symbol: 'BTCUSDT', hold_volume: '28' });
		expect(handle.positions()[0]).toMatchObject({ size: '28', marginMode: 'cross' });
		expect(server.sim.ordersSubmitted(key.apiKey)).toEqual([]);
	});

	it('reports a closed position with hold_volume "0"', async () => {
		const { key, rest } = account();
		const ws = await privateSocket(key);
		expect(
			(await rest.post('/contract/private/submit-order', closeBody('all1', 20))).json.code
		).toBe(1000);
		const position = await ws.nextPush('futures/position');
		expect((position.data as unknown[])[0]).toMatchObject({ hold_volume: '0', close_volume: '20' });
	});

	it('can hold the pushes back until after the answer (delayPrivatePushes)', async () => {
		const { key, rest } = account();
		const ws = await privateSocket(key);
		server.sim.faults.delayPrivatePushes(150);
		const seen = pushes(ws).length;
		expect((await rest.post('/contract/private/submit-order', closeBody('late1'))).json.code).toBe(
			1000
		);
		expect(pushes(ws).length).toBe(seen);
		const order = await ws.nextPush('futures/order');
		expect((order.data as Array<{ action: number }>)[0].action).toBe(2);
	});
});

describe('pushes before the answer with compressed frames', () => {
	it('waits for slow (deflated) frames before answering', async () => {
		const binary = await startSimServer({ seed: 34, timing: FAST, binaryFrames: true });
		const key: TestKey = { apiKey: 'bin-key', secret: 'bin-secret', memo: 'bm' };
		binary.sim.addAccount(key).seedPosition({
			symbol: 'ETHUSDT',
			side: 'short',
			size: 4,
			entryPrice: '3000'
		});
		const ws = await TestSocket.open(binary.endpoints.privateWs);
		try {
			const ts = String(Date.now());
			ws.send({
				action: 'access',
				args: [key.apiKey, ts, bitmartSign(key.secret, ts, key.memo, 'bitmart.WebSocket'), 'web']
			});
			await ws.next((m) => m.action === 'access');
			ws.send({ action: 'subscribe', args: ['futures/order'] });
			await ws.next((m) => m.action === 'subscribe');
			const res = await restClient(binary.url, key).post('/contract/private/submit-order', {
				symbol: 'ETHUSDT',
				side: 2,
				type: 'market',
				size: 4,
				open_type: 'cross'
			});
			expect(res.json.code).toBe(1000);
			const orders = ws.frames.filter(
				(f) => f.binary && f.json?.group === 'futures/order' && f.json.action === undefined
			);
			expect(orders.map((f) => (f.json!.data as Array<{ action: number }>)[0].action)).toEqual([
				2, 1
			]);
		} finally {
			ws.close();
			await binary.close();
		}
	});
});

describe('REST faults', () => {
	it('dropNextResponse: the close executes, the client sees a network error, history finds it', async () => {
		const { key, rest } = account();
		server.sim.faults.dropNextResponse('/submit-order');
		await expect(
			rest.post('/contract/private/submit-order', closeBody('perchLost1'))
		).rejects.toThrow(TypeError);
		const position = await rest.get('/contract/private/position-v2', { symbol: 'BTCUSDT' });
		expect(position.json.data[0].current_amount).toBe('15');
		const history = await rest.get('/contract/private/order-history', {
			symbol: 'BTCUSDT',
			client_order_id: 'perchLost1'
		});
		expect(history.json.data).toHaveLength(1);
		expect(history.json.data[0]).toMatchObject({
			client_order_id: 'perchLost1',
			state: 4,
			deal_size: '5',
			side: 3
		});
		expect(server.sim.ordersSubmitted(key.apiKey)).toEqual([closeBody('perchLost1')]);
		// Only the next request was dropped; a retry with the same id is refused as a duplicate.
		const retry = await rest.post('/contract/private/submit-order', closeBody('perchLost1'));
		expect(retry.json.code).toBe(40050);
	});

	it('rejectNext: the next matching request fails with the documented code and changes nothing', async () => {
		const { key, rest } = account();
		server.sim.faults.rejectNext('submit-order', 30016);
		const refused = await rest.post('/contract/private/submit-order', closeBody('perchMaint1'));
		expect(refused.status).toBe(200);
		expect(refused.json).toMatchObject({
			code: 30016,
			message: 'Service maintenance, the function is temporarily unavailable'
		});
		server.sim.faults.rejectNext('submit-order', 40020);
		const second = await rest.post('/contract/private/submit-order', closeBody('perchMaint2'));
		expect(second.status).toBe(400);
		expect(second.json.code).toBe(40020);
		const position = await rest.get('/contract/private/position-v2', { symbol: 'BTCUSDT' });
		expect(position.json.data[0].current_amount).toBe('20');
		expect(
			(await rest.post('/contract/private/submit-order', closeBody('perchMaint1'))).json.code
		).toBe(1000);
		expect(() => server.sim.faults.rejectNext('x', 12345)).toThrow(/not a documented/);
		const logged = server.sim.requests.filter((r) => r.apiKey === key.apiKey);
		expect(logged.map((r) => [r.method, r.path.split('/').pop(), r.code])).toEqual([
			['POST', 'submit-order', 30016],
			['POST', 'submit-order', 40020],
			['GET', 'position-v2', 1000],
			['POST', 'submit-order', 1000]
		]);
		expect(logged[2].params).toEqual({ symbol: 'BTCUSDT' });
		expect(JSON.stringify(logged)).not.toContain(key.secret);
		expect(logged.every((r) => !('x-bm-sign' in r.headers))).toBe(true);
	});

	it('holdNext: the request is processed only after the hold, other requests go through', async () => {
		const { key, handle, rest } = account();
		server.sim.faults.holdNext('/submit-order', 400);
		const answer = rest.post('/contract/private/submit-order', closeBody('perchHeld1'));
		await until(() => server.sim.faults.heldRequests().length === 1);
		expect(server.sim.faults.heldRequests()).toEqual([
			{
				method: 'POST',
				path: '/contract/private/submit-order',
				query: '',
				params: closeBody('perchHeld1')
			}
		]);
		// Held means not yet at the exchange: nothing executed, nothing logged, reads still answer.
		const during = await rest.get('/contract/private/position-v2', { symbol: 'BTCUSDT' });
		expect(during.json.data[0].current_amount).toBe('20');
		expect(handle.positions()[0].size).toBe('20');
		expect(server.sim.ordersSubmitted(key.apiKey)).toEqual([]);
		expect((await answer).json.code).toBe(1000);
		expect(server.sim.faults.heldRequests()).toEqual([]);
		expect(handle.positions()[0].size).toBe('15');
		expect(server.sim.ordersSubmitted(key.apiKey)).toEqual([closeBody('perchHeld1')]);
	});

	it('disarm: armed one-shot faults no request consumed are forgotten', async () => {
		const { key, handle, rest } = account();
		server.sim.faults.rejectNext('/submit-order', 30013);
		server.sim.faults.dropNextResponse('/submit-order');
		server.sim.faults.holdNext('/submit-order', 5000);
		server.sim.faults.disarm();
		const answer = await rest.post('/contract/private/submit-order', closeBody('disarmed1'));
		expect(answer.json.code).toBe(1000);
		expect(server.sim.faults.heldRequests()).toEqual([]);
		expect(handle.positions()[0].size).toBe('15');
		expect(server.sim.ordersSubmitted(key.apiKey)).toEqual([closeBody('disarmed1')]);
	});

	it('delayResponses slows the answer but not the pushes', async () => {
		const { key, rest } = account();
		const ws = await privateSocket(key);
		server.sim.faults.delayResponses(200);
		const started = Date.now();
		const answer = rest.post('/contract/private/submit-order', closeBody('slow1'));
		await ws.nextPush('futures/order', 150);
		expect((await answer).json.code).toBe(1000);
		expect(Date.now() - started).toBeGreaterThanOrEqual(190);
	});
});
