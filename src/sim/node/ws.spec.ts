import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimServer, type SimServer } from './server';
import { bitmartSign, TestSocket } from './test-client';

const KEY = 'simkey-ws';
const SECRET = 'simsecret-ws';
const MEMO = 'memo-ws';
const FAST = {
	marketTickMs: 15,
	tickerPushMs: 40,
	fundingPushMs: 60,
	depthPushMs: 25,
	lifelessMs: 0
};
const DEPTH = 'futures/depthIncrease20:BTCUSDT@100ms';

let server: SimServer;
const sockets: TestSocket[] = [];

beforeAll(async () => {
	server = await startSimServer({ seed: 11, timing: FAST });
	server.sim.addAccount({ apiKey: KEY, secret: SECRET, memo: MEMO });
});
afterAll(async () => {
	for (const s of sockets) s.close();
	await server.close();
});

async function open(kind: 'public' | 'private' = 'public', url?: string): Promise<TestSocket> {
	const socket = await TestSocket.open(
		url ?? (kind === 'public' ? server.endpoints.publicWs : server.endpoints.privateWs)
	);
	sockets.push(socket);
	return socket;
}

type Level = { price: string; vol: string };
type BookData = { version: number; type: string; bids: Level[]; asks: Level[] };

function apply(book: Map<string, string>, levels: Level[]) {
	for (const { price, vol } of levels) {
		if (vol === '0') book.delete(price);
		else book.set(price, vol);
	}
}

describe('public socket', () => {
	it('acks each subscribed topic and refuses an unknown one', async () => {
		const ws = await open();
		ws.send({
			action: 'subscribe',
			args: ['futures/ticker:ETHUSDT', 'futures/trade:ETHUSDT', 'futures/nope:ETHUSDT']
		});
		const ack = await ws.next((m) => m.action === 'subscribe');
		expect(ack).toMatchObject({
			group: 'futures/ticker:ETHUSDT',
			success: true,
			request: { action: 'subscribe' }
		});
		expect(await ws.next((m) => m.action === 'subscribe')).toMatchObject({
			group: 'futures/trade:ETHUSDT',
			success: true
		});
		expect(await ws.next((m) => m.action === 'subscribe')).toMatchObject({
			group: 'futures/nope:ETHUSDT',
			success: false,
			error: 'group [futures/nope:ETHUSDT] not exist'
		});
		const ticker = await ws.nextPush('futures/ticker:ETHUSDT');
		expect(ticker.data).toMatchObject({ symbol: 'ETHUSDT' });
		expect(Object.keys(ticker.data as object).sort()).toEqual(
			[
				'ask_price',
				'ask_vol',
				'bid_price',
				'bid_vol',
				'index_price',
				'last_price',
				'mark_price',
				'range',
				'symbol',
				'volume_24'
			].sort()
		);
		const trades = await ws.nextPush('futures/trade:ETHUSDT');
		expect((trades.data as Array<Record<string, unknown>>)[0]).toMatchObject({ symbol: 'ETHUSDT' });
		ws.send({ action: 'unsubscribe', args: ['futures/ticker:ETHUSDT'] });
		expect(await ws.next((m) => m.action === 'unsubscribe')).toMatchObject({
			group: 'futures/ticker:ETHUSDT',
			success: true
		});
	});

	it('pushes funding on subscribe with the next settlement on the 8 h grid', async () => {
		const ws = await open();
		ws.send({ action: 'subscribe', args: ['futures/fundingRate:BTCUSDT'] });
		const frame = await ws.nextPush('futures/fundingRate:BTCUSDT');
		const data = frame.data as Record<string, unknown>;
		expect(typeof data.fundingRate).toBe('string');
		expect(typeof data.nextFundingRate).toBe('string');
		expect((data.nextFundingTime as number) % (8 * 3600_000)).toBe(0);
	});

	it('sends a snapshot, then updates with version +1 each that rebuild the simulator book', async () => {
		const ws = await open();
		ws.send({ action: 'subscribe', args: [DEPTH] });
		await ws.next((m) => m.action === 'subscribe' && m.success === true);
		const snap = (await ws.nextPush(DEPTH)).data as BookData;
		expect(snap.type).toBe('snapshot');
		expect(snap.bids).toHaveLength(20);
		expect(snap.asks).toHaveLength(20);
		const bids = new Map(snap.bids.map((l) => [l.price, l.vol]));
		const asks = new Map(snap.asks.map((l) => [l.price, l.vol]));
		let version = snap.version;
		let changed = 0;
		for (let i = 0; i < 8; i++) {
			const update = (await ws.nextPush(DEPTH)).data as BookData;
			expect(update.type).toBe('update');
			expect(update.version).toBe(version + 1);
			version = update.version;
			changed += update.bids.length + update.asks.length;
			apply(bids, update.bids);
			apply(asks, update.asks);
			expect(bids.size).toBe(20);
			expect(asks.size).toBe(20);
		}
		expect(changed).toBeGreaterThan(0);
		server.sim.faults.pause();
		try {
			await new Promise((r) => setTimeout(r, 80));
			const expected = server.sim.book('BTCUSDT', 20);
			// Drain what arrived before the pause.
			while (version < expected.version) {
				const update = (await ws.nextPush(DEPTH)).data as BookData;
				apply(bids, update.bids);
				apply(asks, update.asks);
				version = update.version;
			}
			expect(version).toBe(expected.version);
			const sortedBids = [...bids].sort((a, b) => Number(b[0]) - Number(a[0]));
			const sortedAsks = [...asks].sort((a, b) => Number(a[0]) - Number(b[0]));
			expect(sortedBids).toEqual(expected.bids);
			expect(sortedAsks).toEqual(expected.asks);
			expect(await ws.quiet((m) => m.group === DEPTH, 100)).toBe(true);
		} finally {
			server.sim.faults.resume();
		}
	});

	it('answers `request` with a fresh snapshot at the current version', async () => {
		const ws = await open();
		ws.send({ action: 'subscribe', args: [DEPTH] });
		await ws.next(
			(m) => m.action === undefined && m.group === DEPTH && (m.data as BookData).type === 'snapshot'
		);
		const update = (
			await ws.next(
				(m) => m.action === undefined && m.group === DEPTH && (m.data as BookData).type === 'update'
			)
		).data as BookData;
		ws.send({ action: 'request', args: [DEPTH] });
		const snap = (
			await ws.next(
				(m) =>
					m.action === undefined && m.group === DEPTH && (m.data as BookData).type === 'snapshot'
			)
		).data as BookData;
		expect(snap.version).toBeGreaterThanOrEqual(update.version);
		const next = (await ws.nextPush(DEPTH)).data as BookData;
		expect(next.version).toBe(snap.version + 1);
	});

	it('jumps the version by 2 after skipVersion', async () => {
		const ws = await open();
		ws.send({ action: 'subscribe', args: ['futures/depthIncrease5:SOLUSDT@200ms'] });
		const snap = (await ws.nextPush('futures/depthIncrease5:SOLUSDT@200ms')).data as BookData;
		const first = (await ws.nextPush('futures/depthIncrease5:SOLUSDT@200ms')).data as BookData;
		expect(first.version).toBe(snap.version + 1);
		server.sim.faults.skipVersion('SOLUSDT');
		const gap = (await ws.nextPush('futures/depthIncrease5:SOLUSDT@200ms')).data as BookData;
		expect(gap.version).toBe(first.version + 2);
		const after = (await ws.nextPush('futures/depthIncrease5:SOLUSDT@200ms')).data as BookData;
		expect(after.version).toBe(gap.version + 1);
	});

	it('answers ping with pong, and stops while silenced', async () => {
		const ws = await open();
		ws.send({ action: 'ping' });
		const pong = await ws.next((m) => m.group === 'System');
		expect(pong.data).toMatch(/^pong\+/);
		ws.send({ action: 'subscribe', args: ['futures/ticker:BTCUSDT'] });
		await ws.nextPush('futures/ticker:BTCUSDT');
		server.sim.faults.silence(true);
		try {
			await new Promise((r) => setTimeout(r, 30));
			ws.skip();
			ws.send({ action: 'ping' });
			expect(await ws.quiet(() => true, 250)).toBe(true);
		} finally {
			server.sim.faults.silence(false);
		}
		ws.send({ action: 'ping' });
		expect((await ws.next((m) => m.group === 'System')).data).toMatch(/^pong\+/);
	});

	it('answers non-JSON text with an error frame and stays open; sendMalformed reaches clients', async () => {
		const ws = await open();
		ws.send('ping');
		expect(await ws.next((m) => m.success === false)).toEqual({
			success: false,
			error: 'Invalid message: message must be JSON: ping'
		});
		server.sim.faults.sendMalformed();
		const bad = await ws.nextFrame((f) => f.json === undefined);
		expect(bad.text.length).toBeGreaterThan(0);
		ws.send({ action: 'ping' });
		await ws.next((m) => m.group === 'System');
		expect(ws.readyState).toBe(1);
	});

	it('closes with 1009 on a frame over 4096 bytes', async () => {
		const ws = await open();
		const topics = Array.from(
			{ length: 200 },
			(_, i) => `futures/depthIncrease50:BTCUSDT@100ms#${i}`
		);
		ws.send({ action: 'subscribe', args: topics });
		expect((await ws.closed).code).toBe(1009);
	});

	it('drops connections abruptly and counts them', async () => {
		const before = server.sim.connections();
		const ws = await open();
		await new Promise((r) => setTimeout(r, 20));
		expect(server.sim.connections().public).toBe(before.public + 1);
		server.sim.faults.dropConnections('public');
		expect((await ws.closed).code).toBe(1006);
		expect(server.sim.connections().public).toBe(0);
	});
});

describe('private socket', () => {
	function login(ts = Date.now(), opts: { key?: string; memo?: string } = {}) {
		const sign = bitmartSign(SECRET, String(ts), opts.memo ?? MEMO, 'bitmart.WebSocket');
		return { action: 'access', args: [opts.key ?? KEY, String(ts), sign, 'web'] };
	}

	it('refuses private topics before login, then logs in and acks them', async () => {
		const ws = await open('private');
		ws.send({ action: 'subscribe', args: ['futures/order'] });
		expect(await ws.next((m) => m.action === 'subscribe')).toMatchObject({
			group: 'futures/order',
			success: false,
			error: 'futures/order need authenication'
		});
		ws.send(login());
		expect(await ws.next((m) => m.action === 'access')).toEqual({
			action: 'access',
			success: true
		});
		ws.send({
			action: 'subscribe',
			args: ['futures/asset:USDT', 'futures/position', 'futures/order']
		});
		for (const group of ['futures/asset:USDT', 'futures/position', 'futures/order']) {
			expect(await ws.next((m) => m.action === 'subscribe')).toMatchObject({
				group,
				success: true
			});
		}
		const rest = await fetch(server.url + '/contract/private/submit-order', {
			method: 'POST',
			headers: (() => {
				const ts = String(Date.now());
				const body = '{"symbol":"BTCUSDT","side":4,"type":"market","size":2}';
				return {
					'X-BM-KEY': KEY,
					'X-BM-TIMESTAMP': ts,
					'X-BM-SIGN': bitmartSign(SECRET, ts, MEMO, body)
				};
			})(),
			body: '{"symbol":"BTCUSDT","side":4,"type":"market","size":2}'
		});
		expect(((await rest.json()) as { code: number }).code).toBe(1000);
		const order = await ws.nextPush('futures/order');
		expect((order.data as Array<{ action: number }>)[0].action).toBe(2);
		const position = await ws.nextPush('futures/position');
		expect((position.data as Array<Record<string, unknown>>)[0]).toMatchObject({
			symbol: 'BTCUSDT',
			position_type: 2,
			hold_volume: '2'
		});
		const asset = await ws.nextPush('futures/asset:USDT');
		expect(asset.data).toMatchObject({ currency: 'USDT' });
	});

	it('refuses a wrong memo, an unknown key and a stale timestamp', async () => {
		for (const frame of [
			login(Date.now(), { memo: 'wrong' }),
			login(Date.now(), { key: 'unknown' }),
			login(Date.now() - 61_000)
		]) {
			const ws = await open('private');
			ws.send(frame);
			const ack = await ws.next((m) => m.action === 'access');
			expect(ack.success).toBe(false);
			expect(ack.error).toMatch(/^access failed/);
			ws.send({ action: 'subscribe', args: ['futures/position'] });
			expect((await ws.next((m) => m.action === 'subscribe')).success).toBe(false);
		}
	});

	it('refuses a correctly signed login that leaves out the documented fourth argument (dev)', async () => {
		const full = login();
		for (const args of [full.args.slice(0, 3), [...full.args, 'extra']]) {
			const ws = await open('private');
			ws.send({ action: 'access', args });
			const ack = await ws.next((m) => m.action === 'access');
			expect(ack.success).toBe(false);
			expect(ack.error).toMatch(/^access failed/);
			ws.send({ action: 'subscribe', args: ['futures/position'] });
			expect(await ws.next((m) => m.action === 'subscribe')).toMatchObject({
				success: false,
				error: 'futures/position need authenication'
			});
		}
	});
});

describe('socket timing and encoding', () => {
	it('closes a quiet connection and a lifeless one', async () => {
		const quick = await startSimServer({ timing: { ...FAST, idleCloseMs: 150, lifelessMs: 0 } });
		const lifeless = await startSimServer({ timing: { ...FAST, lifelessMs: 120 } });
		try {
			const idle = await TestSocket.open(quick.endpoints.publicWs);
			idle.send({ action: 'subscribe', args: ['futures/ticker:BTCUSDT'] });
			const started = Date.now();
			expect((await idle.closed).code).toBe(1001);
			expect(Date.now() - started).toBeGreaterThanOrEqual(100);
			const unused = await TestSocket.open(lifeless.endpoints.publicWs);
			expect((await unused.closed).code).toBe(1001);
		} finally {
			await quick.close();
			await lifeless.close();
		}
	});

	it('sends raw-deflate binary frames when asked', async () => {
		const binary = await startSimServer({ binaryFrames: true, timing: FAST });
		try {
			const ws = await TestSocket.open(binary.endpoints.publicWs);
			ws.send({ action: 'subscribe', args: ['futures/ticker:BTCUSDT'] });
			const frame = await ws.nextFrame((f) => f.json?.group === 'futures/ticker:BTCUSDT');
			expect(frame.binary).toBe(true);
			ws.close();
		} finally {
			await binary.close();
		}
	});
});
