import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAscendexSimServer, type AscendexSimServer } from './ascendex-server';
import { TestSocket } from './test-client';

/** Signing written against node:crypto, independent of the simulator's Web Crypto verifier. */
function sign(secret: string, prehash: string): string {
	return createHmac('sha256', secret).update(prehash).digest('base64');
}

const KEY = 'asc-key-node';
const SECRET = 'hV8FgjyJtpvVeAcMAgzgAFQCN36wmbWuN7o3WPcYcYhFd8qvE43gzFGVsFcCqMNk';
const GROUP = 7;
const EXPIRES = Date.UTC(2027, 1, 1);

type Reply = { code: number; data: Record<string, unknown> & Array<Record<string, unknown>> };
type Depth = { seqnum: number; bids: string[][]; asks: string[][] };

function apply(book: Map<string, string>, levels: string[][]): void {
	for (const [price, size] of levels) {
		if (Number(size) === 0) book.delete(price);
		else book.set(price, size);
	}
}

let server: AscendexSimServer;
const sockets: TestSocket[] = [];

beforeAll(async () => {
	server = await startAscendexSimServer({
		seed: 5,
		timing: { marketTickMs: 15, depthPushMs: 25, pingIdleMs: 60_000 }
	});
	server.sim.addAccount({ apiKey: KEY, secret: SECRET, accountGroup: GROUP, expireTime: EXPIRES });
});
afterAll(async () => {
	for (const s of sockets) s.close();
	await server.close();
});

async function get(path: string, opts: { prehash?: string; ts?: number; key?: string } = {}) {
	const headers: Record<string, string> = {};
	if (opts.prehash) {
		const ts = String(opts.ts ?? Date.now());
		headers['x-auth-key'] = opts.key ?? KEY;
		headers['x-auth-timestamp'] = ts;
		headers['x-auth-signature'] = sign(SECRET, `${ts}+${opts.prehash}`);
	}
	const res = await fetch(server.url + path, { headers });
	return { status: res.status, json: (await res.json()) as Reply };
}

async function authed(): Promise<TestSocket> {
	const socket = await TestSocket.open(server.endpoints.privateWs(GROUP));
	sockets.push(socket);
	await socket.next((m) => m.m === 'connected');
	const t = Date.now();
	socket.send({ op: 'auth', id: 'a1', t, key: KEY, sig: sign(SECRET, `${t}+v2/stream`) });
	const reply = await socket.next((m) => m.m === 'auth');
	expect(reply.code).toBe(0);
	return socket;
}

describe('AscendEX simulator REST', () => {
	it('answers account info with the group and key expiry, signed with the raw secret', async () => {
		const { json } = await get('/api/pro/v2/account/info', { prehash: 'v2/account/info' });
		expect(json.code).toBe(0);
		expect(json.data.accountGroup).toBe(GROUP);
		expect(json.data.expireTime).toBe(EXPIRES);
		const v1 = await get('/api/pro/v1/info', { prehash: 'info' });
		expect(v1.json.data.accountGroup).toBe(GROUP);
	});

	it('refuses a wrong signature, a stale timestamp, an unknown key and a wrong group', async () => {
		const wrongPrehash = await get('/api/pro/v2/account/info', { prehash: 'info' });
		expect(wrongPrehash.json.code).toBe(200001);
		const stale = await get('/api/pro/v2/account/info', {
			prehash: 'v2/account/info',
			ts: Date.now() - 31_000
		});
		expect(stale.json.code).toBe(100011);
		const unknown = await get('/api/pro/v2/account/info', {
			prehash: 'v2/account/info',
			key: 'nobody'
		});
		expect(unknown.json.code).toBe(200006);
		const wrongGroup = await get(`/${GROUP + 1}/api/pro/v2/futures/position`, {
			prehash: 'v2/futures/position'
		});
		expect(wrongGroup.json.code).toBe(200006);
		const right = await get(`/${GROUP}/api/pro/v2/futures/position`, {
			prehash: 'v2/futures/position'
		});
		expect(right.json.code).toBe(0);
	});

	it('lists contracts with tick and lot sizes', async () => {
		const { json } = await get('/api/pro/v2/futures/contract');
		const btc = json.data.find((c) => c.symbol === 'BTC-PERP');
		expect(btc).toMatchObject({
			priceFilter: { tickSize: '0.1' },
			lotSizeFilter: { lotSize: '0.0001' }
		});
	});
});

describe('AscendEX simulator stream', () => {
	it('syncs a depth book from the REST snapshot and strictly increasing seqnums', async () => {
		const socket = await TestSocket.open(server.endpoints.publicWs);
		sockets.push(socket);
		socket.send({ op: 'sub', id: 's1', ch: 'depth:BTC-PERP' });
		await socket.next((m) => m.m === 'sub' && m.code === 0);
		const first = (await socket.next((m) => m.m === 'depth')).data as Depth;
		const { json } = await get('/api/pro/v1/depth?symbol=BTC-PERP');
		const snap = json.data.data as Depth;
		expect(json.data.m).toBe('depth-snapshot');
		expect(snap.seqnum).toBeGreaterThanOrEqual(first.seqnum);
		const bids = new Map(snap.bids.map(([p, q]) => [p, q]));
		const asks = new Map(snap.asks.map(([p, q]) => [p, q]));
		let last = snap.seqnum;
		const applyNext = async () => {
			const update = (await socket.next((m) => m.m === 'depth')).data as Depth;
			if (update.seqnum <= snap.seqnum) return;
			expect(update.seqnum).toBe(last + 1);
			last = update.seqnum;
			apply(bids, update.bids);
			apply(asks, update.asks);
		};
		for (let i = 0; i < 5; i++) await applyNext();
		server.sim.faults.pause();
		const view = server.sim.book('BTC-PERP');
		while (last < view.seqnum) await applyNext();
		server.sim.faults.resume();
		expect(last).toBe(view.seqnum);
		expect([...bids].sort((a, b) => Number(b[0]) - Number(a[0]))).toEqual(view.bids);
		expect([...asks].sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual(view.asks);
	});

	it('leaves a seqnum gap of exactly one when a depth message is dropped', async () => {
		const socket = await TestSocket.open(server.endpoints.publicWs);
		sockets.push(socket);
		socket.send({ op: 'sub', id: 's2', ch: 'depth:ETH-PERP' });
		let last = ((await socket.next((m) => m.m === 'depth')).data as Depth).seqnum;
		server.sim.faults.pause();
		const published = server.sim.book('ETH-PERP').seqnum;
		while (last < published)
			last = ((await socket.next((m) => m.m === 'depth')).data as Depth).seqnum;
		server.sim.faults.dropNextDepth('ETH-PERP');
		server.sim.faults.resume();
		const next = ((await socket.next((m) => m.m === 'depth')).data as Depth).seqnum;
		expect(next).toBe(published + 2);
	});

	it('authenticates by message, answers pings and sends the account snapshot', async () => {
		const socket = await authed();
		socket.send({ op: 'ping' });
		const pong = await socket.next((m) => m.m === 'pong');
		expect(pong).toMatchObject({ code: 0, hp: 2 });
		socket.send({ op: 'req', id: 'snap1', action: 'futures-account-snapshot' });
		const snap = await socket.next((m) => m.m === 'futures-account-snapshot');
		expect(snap.id).toBe('snap1');
		expect(typeof snap.sn).toBe('number');
	});

	it('refuses auth on the public stream URL and with a stale t', async () => {
		const pub = await TestSocket.open(server.endpoints.publicWs);
		sockets.push(pub);
		const t = Date.now();
		pub.send({ op: 'auth', id: 'x', t, key: KEY, sig: sign(SECRET, `${t}+v2/stream`) });
		expect((await pub.next((m) => m.m === 'auth')).code).toBe(200006);
		const priv = await TestSocket.open(server.endpoints.privateWs(GROUP));
		sockets.push(priv);
		const old = Date.now() - 40_000;
		priv.send({ op: 'auth', id: 'y', t: old, key: KEY, sig: sign(SECRET, `${old}+v2/stream`) });
		expect((await priv.next((m) => m.m === 'auth')).code).toBe(100011);
	});

	it('drops a session that misses two server pings with m:"disconnected"', async () => {
		const socket = await authed();
		server.sim.faults.pingNow();
		expect((await socket.next((m) => m.m === 'ping')).hp).toBe(2);
		server.sim.faults.pingNow();
		expect((await socket.next((m) => m.m === 'ping')).hp).toBe(1);
		server.sim.faults.pingNow();
		const bye = await socket.next((m) => m.m === 'disconnected');
		expect(bye.reason).toBe('INVALID_WS_REQUEST_DATA');
		expect((await socket.closed).code).toBe(1000);
	});

	it('keeps a session that answers pings', async () => {
		const socket = await authed();
		for (let i = 0; i < 3; i++) {
			server.sim.faults.pingNow();
			expect((await socket.next((m) => m.m === 'ping')).hp).toBe(2);
			socket.send({ op: 'pong' });
			// The pong is handled before the next forced ping only once it arrived: ask for a pong.
			socket.send({ op: 'ping' });
			await socket.next((m) => m.m === 'pong');
		}
		expect(socket.readyState).toBe(1);
	});

	it('places a reduce-only market close over the WebSocket: ACK first, then order frames', async () => {
		const acct = server.sim.addAccount({
			apiKey: 'asc-close',
			secret: SECRET,
			accountGroup: GROUP
		});
		acct.seedPosition({ symbol: 'BTC-PERP', position: '0.25', avgOpenPrice: '64000' });
		const socket = await TestSocket.open(server.endpoints.privateWs(GROUP));
		sockets.push(socket);
		const t = Date.now();
		socket.send({ op: 'auth', id: 'a', t, key: 'asc-close', sig: sign(SECRET, `${t}+v2/stream`) });
		expect((await socket.next((m) => m.m === 'auth')).code).toBe(0);
		socket.send({ op: 'sub', id: 'o', ch: 'futures-order' });
		socket.send({ op: 'sub', id: 'u', ch: 'futures-account-update' });
		await socket.next((m) => m.m === 'sub' && m.ch === 'futures-account-update');
		socket.send({ op: 'req', id: 'snap', action: 'futures-account-snapshot' });
		const snap = await socket.next((m) => m.m === 'futures-account-snapshot');
		expect((snap.pos as Array<{ pos: string }>)[0].pos).toBe('0.25');
		const id = 'closeBTC0000abcdefghi';
		socket.send({
			op: 'req',
			action: 'place-order',
			ac: 'futures',
			id,
			args: {
				time: Date.now(),
				symbol: 'BTC-PERP',
				orderQty: '0.1',
				orderType: 'market',
				side: 'sell',
				execInst: 'ReduceOnly',
				respInst: 'ACK'
			}
		});
		const start = socket.frames.length;
		const ack = await socket.next((m) => m.m === 'order' && m.id === id);
		expect(ack.code).toBe(0);
		const orderId = (ack.info as { orderId: string }).orderId;
		expect(orderId.slice(-9)).toBe(id.slice(-9));
		expect(orderId.startsWith('s')).toBe(true);
		const filled = await socket.next((m) => m.m === 'futures-order' && m.st === 'Filled');
		expect(filled).toMatchObject({ orderId, ei: 'ReduceOnly', sd: 'Sell', cfq: '0.1' });
		const update = await socket.next((m) => m.m === 'futures-account-update');
		expect(update.sn).toBeGreaterThan(snap.sn as number);
		expect((update.pos as Array<{ pos: string }>)[0].pos).toBe('0.15');
		const ackIndex = socket.frames.findIndex((f, i) => i >= start && f.json?.m === 'order');
		const firstOrderFrame = socket.frames.findIndex(
			(f, i) => i >= start && f.json?.m === 'futures-order'
		);
		expect(ackIndex).toBeLessThan(firstOrderFrame);
		expect(server.sim.restOrderRequests('asc-close')).toEqual([]);
		expect(server.sim.wsOrderMessages('asc-close')).toHaveLength(1);
	});
});
