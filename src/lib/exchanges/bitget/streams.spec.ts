import { afterEach, describe, expect, it, vi } from 'vitest';
import { OrderBook } from '$lib/book/order-book';
import type {
	AccountEvent,
	AccountStream,
	BookMessage,
	ConnectionStatus,
	FundingState,
	MarketStream,
	Ticker
} from '$lib/exchanges/types';
import { importSigningKey } from '$lib/vault/signing-key';
import { createBitgetAdapter } from './adapter';
import { bookChecksum } from './book-sequencer';
import { FakeSocket, TEST_ENDPOINTS, ok, scriptedFetch } from './testing';

const streams: (MarketStream | AccountStream)[] = [];

afterEach(() => {
	for (const stream of streams.splice(0)) stream.close();
	vi.useRealTimers();
});

function setup(fetchRoutes: Parameters<typeof scriptedFetch>[0] = {}) {
	const sockets: FakeSocket[] = [];
	const scripted = scriptedFetch(fetchRoutes);
	const adapter = createBitgetAdapter({
		endpoints: TEST_ENDPOINTS,
		fetch: scripted.fetch,
		watchEnvironment: false,
		socketFactory: (url) => {
			const socket = new FakeSocket(url);
			sockets.push(socket);
			return socket;
		}
	});
	return { adapter, sockets, requests: scripted.requests };
}

const arg = (channel: string, instId = 'BTCUSDT') => ({
	instType: 'USDT-FUTURES',
	channel,
	instId
});

describe('market stream', () => {
	it('subscribes ticker, books and trade with Bitget args, keepalive as text ping/pong', async () => {
		vi.useFakeTimers();
		const { adapter, sockets } = setup();
		const stream = adapter.openMarketStream();
		streams.push(stream);
		const tickers: Ticker[] = [];
		const funding: FundingState[] = [];
		const errors: string[] = [];
		stream.watch(
			'BTCUSDT',
			{
				error: (e) => errors.push(e),
				ticker: (t) => tickers.push(t),
				funding: (f) => funding.push(f),
				book: () => {},
				trades: () => {}
			},
			{ depth: 5, speed: 'normal' }
		);
		const [socket] = sockets;
		expect(socket.url).toBe(TEST_ENDPOINTS.publicWs);
		socket.open();
		expect(socket.json()).toEqual([
			{ op: 'subscribe', args: [arg('ticker'), arg('books5'), arg('trade')] }
		]);
		socket.push({
			action: 'snapshot',
			arg: arg('ticker'),
			data: [
				{
					instId: 'BTCUSDT',
					lastPr: '27000.5',
					bidPr: '27000',
					askPr: '27000.5',
					markPrice: '27000.0',
					indexPrice: '25702.4',
					fundingRate: '0.000010',
					nextFundingTime: '1695722400000',
					change24h: '0.0123',
					ts: '1695715383021'
				}
			],
			ts: 1695715383039
		});
		expect(tickers).toEqual([
			expect.objectContaining({
				symbol: 'BTCUSDT',
				last: '27000.5',
				mark: '27000.0',
				index: '25702.4'
			})
		]);
		expect(funding).toEqual([
			{
				symbol: 'BTCUSDT',
				lastRate: '0.000010',
				nextRate: '0.000010',
				nextFundingTime: 1695722400000,
				ts: 1695715383021
			}
		]);
		// 30 s of silence: a plain-text ping; the plain-text pong is not a malformed frame.
		await vi.advanceTimersByTimeAsync(30_500);
		expect(socket.sent.at(-1)).toBe('ping');
		socket.push('pong');
		expect(errors).toEqual([]);
		expect(stream.status.state).toBe('live');
		expect(stream.status.latencyMs).toBeDefined();
	});

	it('checks books updates by checksum; a mismatch unsubscribes and resubscribes books', () => {
		const { adapter, sockets } = setup();
		const stream = adapter.openMarketStream();
		streams.push(stream);
		const book = new OrderBook({ maxDepth: stream.bookDepth({ depth: 'full', speed: 'fast' }) });
		const sequencer = stream.newBookSequencer();
		const results: string[] = [];
		stream.watch(
			'BTCUSDT',
			{
				book: (m: BookMessage) => {
					const result = sequencer.apply(m, book);
					results.push(result);
					if (result === 'gap') stream.requestBookSnapshot('BTCUSDT');
				}
			},
			{ depth: 'full', speed: 'fast' }
		);
		const [socket] = sockets;
		socket.open();
		expect(socket.json()).toEqual([{ op: 'subscribe', args: [arg('books')] }]);
		socket.push({
			action: 'snapshot',
			arg: arg('books'),
			data: [
				{
					bids: [['3366.1', '7']],
					asks: [
						['3366.8', '9'],
						['3368', '8'],
						['3372', '8']
					],
					checksum: 0,
					seq: 10,
					ts: '1'
				}
			]
		});
		// The update's checksum, computed on a copy that applied it.
		const truth = new OrderBook({ maxDepth: 1000 });
		truth.replace(
			[{ price: '3366.1', size: '7' }],
			[
				{ price: '3366.8', size: '9' },
				{ price: '3368', size: '8' },
				{ price: '3372', size: '8' }
			],
			1
		);
		truth.update([{ price: '3366.0', size: '2' }], [], 2);
		socket.push({
			action: 'update',
			arg: arg('books'),
			data: [{ bids: [['3366.0', '2']], asks: [], checksum: bookChecksum(truth), seq: 12, ts: '2' }]
		});
		expect(results).toEqual(['applied', 'applied']);
		// A corrupted update: its checksum is for a book without the change.
		socket.push({
			action: 'update',
			arg: arg('books'),
			data: [{ bids: [['3365.5', '1']], asks: [], checksum: bookChecksum(truth), seq: 13, ts: '3' }]
		});
		expect(results.at(-1)).toBe('gap');
		expect(sequencer.state).toBe('resyncing');
		expect(socket.json().slice(-2)).toEqual([
			{ op: 'unsubscribe', args: [arg('books')] },
			{ op: 'subscribe', args: [arg('books')] }
		]);
		socket.push({
			action: 'snapshot',
			arg: arg('books'),
			data: [{ bids: [['3366', '1']], asks: [['3367', '2']], checksum: 0, seq: 20, ts: '4' }]
		});
		expect(sequencer.state).toBe('live');
		expect(book.bestBid()).toEqual({ price: '3366', size: '1' });
	});

	it('reports a socket error frame to the watchers of its channel in plain words', () => {
		const { adapter, sockets } = setup();
		const stream = adapter.openMarketStream();
		streams.push(stream);
		const errors: string[] = [];
		stream.watch(
			'NOPEUSDT',
			{ ticker: () => {}, error: (e) => errors.push(e) },
			{ depth: 5, speed: 'normal' }
		);
		sockets[0].open();
		sockets[0].push({
			event: 'error',
			arg: arg('ticker', 'NOPEUSDT'),
			code: 30001,
			msg: "instType:USDT-FUTURES,channel:ticker,instId:NOPEUSDT doesn't exist"
		});
		expect(errors).toHaveLength(1);
		expect(errors[0]).toMatch(/no such channel or instrument .*\(code 30001\)/);
	});
});

describe('10 messages a second', () => {
	it('queues a burst of sends and lets out at most 10 per window, in order', async () => {
		vi.useFakeTimers();
		const { adapter, sockets } = setup();
		const stream = adapter.openMarketStream();
		streams.push(stream);
		const symbols = Array.from({ length: 40 }, (_, i) => `C${i}USDT`);
		stream.watch(symbols[0], { ticker: () => {} }, { depth: 5, speed: 'normal' });
		const socket = sockets[0];
		socket.open();
		// 39 more symbols, each its own subscribe frame once live: a burst of 40 sends.
		for (const symbol of symbols.slice(1))
			stream.watch(symbol, { ticker: () => {} }, { depth: 5, speed: 'normal' });
		expect(socket.sent.length).toBe(10);
		await vi.advanceTimersByTimeAsync(1_100);
		expect(socket.sent.length).toBe(20);
		await vi.advanceTimersByTimeAsync(3_300);
		expect(socket.sent.length).toBe(40);
		const instIds = socket.json().flatMap((f) => f.args.map((a) => a.instId));
		expect(instIds).toEqual(symbols);
	});
});

describe('account stream', () => {
	async function creds() {
		return {
			accountId: 'acc-bg',
			apiKey: 'bg_key',
			fields: { passphrase: 'pp' },
			signingKey: await importSigningKey('bitget-example-secret')
		};
	}

	it('logs in with a seconds timestamp, subscribes account/positions/orders, reads pushes', async () => {
		const { adapter, sockets } = setup();
		const stream = adapter.openAccountStream(await creds());
		streams.push(stream);
		const events: AccountEvent[] = [];
		stream.onEvent((e) => events.push(e));
		const [socket] = sockets;
		expect(socket.url).toBe(TEST_ENDPOINTS.privateWs);
		socket.open();
		await vi.waitFor(() => expect(socket.sent.length).toBe(1));
		const login = JSON.parse(socket.sent[0]) as { op: string; args: Record<string, string>[] };
		expect(login.op).toBe('login');
		expect(login.args[0].apiKey).toBe('bg_key');
		expect(login.args[0].passphrase).toBe('pp');
		expect(login.args[0].timestamp).toMatch(/^\d{10}$/);
		socket.push({ event: 'login', code: '0', msg: '' });
		expect(socket.json().slice(1)).toEqual([
			{
				op: 'subscribe',
				args: [
					{ instType: 'USDT-FUTURES', channel: 'account', coin: 'default' },
					{ instType: 'USDT-FUTURES', channel: 'positions', instId: 'default' },
					{ instType: 'USDT-FUTURES', channel: 'orders', instId: 'default' }
				]
			}
		]);
		socket.push({
			action: 'snapshot',
			arg: { instType: 'USDT-FUTURES', channel: 'positions', instId: 'default' },
			data: [
				{
					instId: 'BTCUSDT',
					marginCoin: 'USDT',
					holdSide: 'short',
					posMode: 'one_way_mode',
					marginMode: 'isolated',
					total: '0.5',
					openPriceAvg: '60000',
					leverage: 5,
					uTime: '1700000000000'
				}
			]
		});
		socket.push({
			action: 'update',
			arg: { instType: 'USDT-FUTURES', channel: 'orders', instId: 'default' },
			data: [
				{
					instId: 'BTCUSDT',
					orderId: '9',
					clientOId: 'perchq',
					side: 'buy',
					posMode: 'one_way_mode',
					reduceOnly: 'yes',
					orderType: 'market',
					size: '0.5',
					accBaseVolume: '0.5',
					status: 'filled',
					cTime: '1700000000000',
					uTime: '1700000000100'
				}
			]
		});
		socket.push({
			action: 'snapshot',
			arg: { instType: 'USDT-FUTURES', channel: 'account', coin: 'default' },
			data: [{ marginCoin: 'USDT', frozen: '0', available: '100', equity: '150' }]
		});
		expect(events).toEqual([
			{
				type: 'position',
				position: expect.objectContaining({
					symbol: 'BTCUSDT',
					side: 'short',
					size: '0.5',
					positionMode: 'one-way',
					marginMode: 'isolated',
					leverage: '5',
					updatedAt: 1700000000000
				})
			},
			{
				type: 'order',
				order: expect.objectContaining({
					orderId: '9',
					clientOrderId: 'perchq',
					side: 'buy',
					reduceOnly: true,
					status: 'filled'
				})
			},
			{
				type: 'balance',
				balance: { asset: 'USDT', equity: '150', available: '100', frozen: '0' }
			}
		]);
	});

	it('names a wrong passphrase when the login is refused with 30012', async () => {
		const { adapter, sockets } = setup();
		const stream = adapter.openAccountStream(await creds());
		streams.push(stream);
		const statuses: ConnectionStatus[] = [];
		stream.onStatus((s) => statuses.push(s));
		sockets[0].open();
		await vi.waitFor(() => expect(sockets[0].sent.length).toBe(1));
		sockets[0].push({ event: 'error', code: 30012, msg: 'Invalid ACCESS_PASSPHRASE' });
		expect(stream.status.state).toBe('failed');
		expect(stream.status.error).toMatch(/wrong passphrase/);
	});

	it('after a forced reconnect: re-measures the clock, logs in again, resubscribes, says reconnected', async () => {
		const { adapter, sockets, requests } = setup({
			'/api/v2/public/time': () => ok({ serverTime: String(Date.now()) })
		});
		vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'clearTimeout', 'clearInterval'] });
		const stream = adapter.openAccountStream(await creds());
		streams.push(stream);
		let reconnected = 0;
		stream.onReconnected(() => reconnected++);
		sockets[0].open();
		await vi.waitFor(() => expect(sockets[0].sent.length).toBe(1));
		sockets[0].push({ event: 'login', code: 0 });
		sockets[0].dropFromServer();
		await vi.advanceTimersByTimeAsync(5_000);
		expect(sockets).toHaveLength(2);
		sockets[1].open();
		await vi.waitFor(() => expect(sockets[1].sent.length).toBe(1));
		expect(requests.map((r) => r.url.pathname)).toEqual(['/api/v2/public/time']);
		expect(JSON.parse(sockets[1].sent[0]).op).toBe('login');
		sockets[1].push({ event: 'login', code: 0 });
		expect(sockets[1].json().at(-1)?.op).toBe('subscribe');
		expect(reconnected).toBe(1);
	});
});

describe('validateKey', () => {
	async function creds() {
		return {
			accountId: 'acc-bg',
			apiKey: 'bg_key',
			fields: { passphrase: 'wrong' },
			signingKey: await importSigningKey('bitget-example-secret')
		};
	}

	it('names the passphrase: REST says "key or passphrase" (40012), the login says which', async () => {
		const { adapter, sockets } = setup({
			'/api/v2/mix/account/accounts': () => ({
				status: 400,
				body: { code: '40012', msg: 'apikey/password is incorrect' }
			})
		});
		const result = adapter.validateKey(await creds()).catch((e: unknown) => e);
		await vi.waitFor(() => expect(sockets).toHaveLength(1));
		sockets[0].open();
		await vi.waitFor(() => expect(sockets[0].sent).toHaveLength(1));
		sockets[0].push({ event: 'error', code: '30012', msg: 'Invalid ACCESS_PASSPHRASE' });
		const error = (await result) as Error;
		expect(error.message).toMatch(/^Bitget refused the socket request: wrong passphrase/);
		expect(error.message).toMatch(/passphrase you chose when you created the key/);
	});

	it('keeps the REST answer when the login does not name the cause', async () => {
		const { adapter, sockets } = setup({
			'/api/v2/mix/account/accounts': () => ({
				status: 400,
				body: { code: '40012', msg: 'apikey/password is incorrect' }
			})
		});
		const result = adapter.validateKey(await creds()).catch((e: unknown) => e);
		await vi.waitFor(() => expect(sockets).toHaveLength(1));
		sockets[0].dropFromServer();
		const error = (await result) as Error;
		expect(error.message).toMatch(/wrong passphrase \(or API key\).*code 40012/);
	});

	it('explains an environment mismatch without a socket round trip', async () => {
		const { adapter, sockets } = setup({
			'/api/v2/mix/account/accounts': () => ({
				status: 400,
				body: { code: '40099', msg: 'exchange environment is incorrect' }
			})
		});
		const error = (await adapter.validateKey(await creds()).catch((e: unknown) => e)) as Error;
		expect(error.message).toMatch(/other Bitget environment \(demo vs production\)/);
		expect(sockets).toHaveLength(0);
	});

	it('passes when REST and the login both accept the key', async () => {
		const { adapter, sockets } = setup({ '/api/v2/mix/account/accounts': () => ok([]) });
		const result = adapter.validateKey(await creds());
		await vi.waitFor(() => expect(sockets).toHaveLength(1));
		sockets[0].open();
		await vi.waitFor(() => expect(sockets[0].sent).toHaveLength(1));
		sockets[0].push({ event: 'login', code: 0 });
		await expect(result).resolves.toBeUndefined();
	});
});
