/**
 * The adapter against the AscendEX simulator on loopback: real sockets (`ws`), real HTTP, real
 * SubtleCrypto. The simulator is as strict as the docs (signatures, 30 s window, account group).
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { SocketLike } from '$lib/net/types';
import type { AccountCredentials, AccountEvent, BookMessage } from '$lib/exchanges/types';
import { OrderBook } from '$lib/book/order-book';
import { importDecodedSigningKey, importSigningKey } from '$lib/vault/signing-key';
import { startAscendexSimServer, type AscendexSimServer } from '../../../sim/node/ascendex-server';
import { createAscendexAdapter, type AscendexAdapter } from './adapter';

const API_KEY = 'asckey0123456789abcdefghijklmnop';
const SECRET = 'hV8FgjyJtpvVeAcMAgzgAFQCN36wmbWuN7o3WPcYcYhFd8qvE43gzFGVsFcCqMNk';
const GROUP = 7;
const EXPIRES = Date.UTC(2027, 0, 2);

let server: AscendexSimServer | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
	for (const c of cleanups.splice(0)) c();
	await server?.close();
	server = undefined;
});

async function setup(secretForm: 'raw' | 'decoded' | 'either' = 'raw') {
	server = await startAscendexSimServer({ seed: 5 });
	const account = server.sim.addAccount({
		apiKey: API_KEY,
		secret: SECRET,
		accountGroup: GROUP,
		expireTime: EXPIRES,
		secretForm
	});
	const endpoints = {
		rest: server.endpoints.rest,
		publicWs: server.endpoints.publicWs,
		// The preset form: no group; the adapter puts it in.
		privateWs: server.endpoints.publicWs
	};
	const adapter = createAscendexAdapter({
		endpoints,
		socketFactory: (url) => new WebSocket(url) as unknown as SocketLike,
		watchEnvironment: false
	});
	await adapter.serverTime();
	return { sim: server.sim, account, adapter };
}

async function creds(learned?: Record<string, string>): Promise<AccountCredentials> {
	return {
		accountId: 'acc-1',
		apiKey: API_KEY,
		fields: {},
		signingKey: await importSigningKey(SECRET),
		decodedSigningKey: (await importDecodedSigningKey(SECRET)) ?? undefined,
		learned
	};
}

function openStream(adapter: AscendexAdapter, c: AccountCredentials) {
	const stream = adapter.openAccountStream(c);
	const events: AccountEvent[] = [];
	stream.onEvent((e) => events.push(e));
	cleanups.push(() => stream.close());
	return { stream, events };
}

describe('AscendEX adapter against the simulator', () => {
	it('learns the account group, key expiry and the secret form when the key is checked', async () => {
		const { adapter } = await setup('raw');
		expect(await adapter.validateKey(await creds())).toEqual({
			learned: { accountGroup: String(GROUP), keyForm: 'raw' },
			keyExpiresAt: EXPIRES
		});
	});

	it('falls back to the base64-decoded secret once and remembers it', async () => {
		const { adapter, sim } = await setup('decoded');
		const facts = await adapter.validateKey(await creds());
		expect(facts).toMatchObject({ learned: { keyForm: 'decoded' } });
		const infoCalls = sim.requests.filter((r) => r.path.endsWith('account/info'));
		expect(infoCalls.map((r) => r.code !== 0)).toEqual([true, false]);
	});

	it('says in plain words when neither form of the secret is accepted', async () => {
		const { adapter } = await setup('raw');
		const wrong: AccountCredentials = {
			...(await creds()),
			signingKey: await importSigningKey('x'.repeat(64)),
			decodedSigningKey: (await importDecodedSigningKey('y'.repeat(64))) ?? undefined
		};
		await expect(adapter.validateKey(wrong)).rejects.toThrow(
			/secret as typed and with the secret base64-decoded/
		);
	});

	it('signs the stream in with the decoded secret when the raw one is refused, once', async () => {
		const { adapter, sim } = await setup('decoded');
		// Known group, unknown secret form (an account added before the form was remembered).
		const c = await creds({ accountGroup: String(GROUP) });
		const { stream } = openStream(adapter, c);
		await expect.poll(() => stream.status.state, { timeout: 8000 }).toBe('live');
		const auths = sim.requests.filter((r) => r.transport === 'ws' && r.method === 'auth');
		expect(auths.map((r) => r.code !== 0)).toEqual([true, false]);
	});

	it('streams the account on the group URL, signed by message, and snapshots over the socket', async () => {
		const { adapter, account, sim } = await setup();
		account.seedPosition({ symbol: 'BTC-PERP', position: '0.25', avgOpenPrice: '64000' });
		const c = await creds({ accountGroup: String(GROUP), keyForm: 'raw' });
		const { stream } = openStream(adapter, c);
		const snap = await adapter.accountSnapshot(c);
		expect(stream.status.state).toBe('live');
		expect(snap.positions).toMatchObject([{ symbol: 'BTC-PERP', side: 'long', size: '0.25' }]);
		expect(snap.balances.find((b) => b.asset === 'USDT')).toBeDefined();
		const auth = sim.requests.find((r) => r.transport === 'ws' && r.method === 'auth');
		expect(auth?.path).toBe(`/${GROUP}/api/pro/v2/stream`);
		expect(auth?.code).toBe(0);
		expect(sim.requests.some((r) => r.transport === 'rest' && r.path.includes('position'))).toBe(
			false
		);
	});

	it('closes over the WebSocket: ACK with the order id, then the order frames; no REST order', async () => {
		const { adapter, account, sim } = await setup();
		account.seedPosition({ symbol: 'BTC-PERP', position: '-0.25', avgOpenPrice: '64000' });
		const c = await creds({ accountGroup: String(GROUP), keyForm: 'raw' });
		const { events } = openStream(adapter, c);
		await adapter.accountSnapshot(c);
		const id = adapter.newClientOrderId();
		const sent = await adapter.submitClose(
			c,
			{
				symbol: 'BTC-PERP',
				positionSide: 'short',
				size: '0.1',
				marginMode: 'cross',
				positionMode: 'one-way',
				clientOrderId: id
			},
			{ timestamp: adapter.serverNow() }
		);
		expect(sent.clientOrderId).toBe(id);
		expect(sent.orderId?.endsWith(id.slice(-9))).toBe(true);
		await expect
			.poll(() =>
				events.find(
					(e) => e.type === 'order' && e.order.clientOrderId === id && e.order.status === 'filled'
				)
			)
			.toBeDefined();
		expect(sim.restOrderRequests()).toEqual([]);
		const [placed] = sim.wsOrderMessages();
		expect(placed).toMatchObject({
			action: 'place-order',
			id,
			params: {
				symbol: 'BTC-PERP',
				orderQty: '0.1',
				orderType: 'market',
				side: 'buy',
				execInst: 'ReduceOnly',
				respInst: 'ACK'
			}
		});
		expect(account.positions()).toMatchObject([{ symbol: 'BTC-PERP' }]);
	});

	it('finds a close whose ACK was lost by the order id suffix, and only the matching one', async () => {
		const { adapter, account, sim } = await setup();
		account.seedPosition({ symbol: 'BTC-PERP', position: '0.25', avgOpenPrice: '64000' });
		const c = await creds({ accountGroup: String(GROUP), keyForm: 'raw' });
		openStream(adapter, c);
		await adapter.accountSnapshot(c);
		sim.faults.dropNextAck();
		const id = adapter.newClientOrderId();
		const req = {
			symbol: 'BTC-PERP',
			positionSide: 'long' as const,
			size: '0.05',
			marginMode: 'cross' as const,
			positionMode: 'one-way' as const,
			clientOrderId: id
		};
		const ac = new AbortController();
		setTimeout(() => ac.abort(), 1500);
		await expect(
			adapter.submitClose(c, req, { timestamp: adapter.serverNow(), signal: ac.signal })
		).rejects.toThrow();
		const found = await adapter.findOrder(c, 'BTC-PERP', id, {
			side: 'sell',
			size: '0.05',
			reduceOnly: true
		});
		expect(found).toMatchObject({
			clientOrderId: id,
			side: 'sell',
			size: '0.05',
			reduceOnly: true
		});
		expect(
			await adapter.findOrder(c, 'BTC-PERP', id, { side: 'sell', size: '0.06', reduceOnly: true })
		).toBeNull();
		expect(
			await adapter.findOrder(c, 'BTC-PERP', adapter.newClientOrderId(), {
				side: 'sell',
				size: '0.05',
				reduceOnly: true
			})
		).toBeNull();
		expect(sim.restOrderRequests()).toEqual([]);
	});

	it('answers server pings, and on missed pongs reconnects, signs in again and resubscribes', async () => {
		const { adapter, sim } = await setup();
		const c = await creds({ accountGroup: String(GROUP), keyForm: 'raw' });
		const { stream } = openStream(adapter, c);
		let reconnected = 0;
		stream.onReconnected(() => reconnected++);
		await adapter.accountSnapshot(c);
		// Answered pings keep the session: as many as would drain the health points.
		for (let i = 0; i < 4; i++) {
			sim.faults.pingNow();
			await new Promise((r) => setTimeout(r, 100));
		}
		expect(reconnected).toBe(0);
		expect(sim.requests.filter((r) => r.transport === 'ws' && r.method === 'auth').length).toBe(1);
		expect(stream.status.state).toBe('live');
		sim.faults.ignorePongs(true);
		for (let i = 0; i < 4 && reconnected === 0; i++) {
			sim.faults.pingNow();
			await new Promise((r) => setTimeout(r, 100));
		}
		sim.faults.ignorePongs(false);
		await expect.poll(() => reconnected, { timeout: 8000 }).toBe(1);
		expect(stream.status.state).toBe('live');
		expect(sim.requests.filter((r) => r.transport === 'ws' && r.method === 'auth').length).toBe(2);
		// The account re-snapshots on reconnect (the session does this on onReconnected).
		const snap = await adapter.accountSnapshot(c);
		expect(snap.fetchedAt).toBeGreaterThan(0);
	});

	it('re-snapshots the book after a dropped depth message and ends equal to the simulator', async () => {
		const { adapter, sim } = await setup();
		const market = adapter.openMarketStream();
		cleanups.push(() => market.close());
		const sequencer = market.newBookSequencer();
		const book = new OrderBook({ maxDepth: 500 });
		const results: string[] = [];
		market.watch(
			'BTC-PERP',
			{
				book: (m: BookMessage) => {
					const r = sequencer.apply(m, book);
					results.push(`${m.kind}:${r}`);
					if (r === 'gap') market.requestBookSnapshot('BTC-PERP');
				}
			},
			{ depth: 'full', speed: 'fast' }
		);
		await expect.poll(() => sequencer.state, { timeout: 5000 }).toBe('live');
		const snapshotsBefore = results.filter((r) => r.startsWith('snapshot')).length;
		sim.faults.dropNextDepth('BTC-PERP');
		await expect
			.poll(() => results.filter((r) => r.startsWith('snapshot')).length, { timeout: 8000 })
			.toBe(snapshotsBefore + 1);
		expect(results).toContain('update:gap');
		await expect.poll(() => sequencer.state).toBe('live');
		sim.faults.pause();
		await new Promise((r) => setTimeout(r, 700));
		const view = sim.book('BTC-PERP');
		expect(sequencer.version).toBe(view.seqnum);
		expect(book.levels('bid').map((l) => [l.price, l.size])).toEqual(view.bids);
		expect(book.levels('ask').map((l) => [l.price, l.size])).toEqual(view.asks);
	});
});
