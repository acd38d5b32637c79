import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type {
	AccountEvent,
	AccountStream,
	BookMessage,
	ConnectionState,
	MarketStream,
	Ticker,
	Trade
} from '$lib/exchanges/types';
import type { SocketLike } from '$lib/net/types';
import { createBitmartAdapter } from './adapter';
import { importSigningKey } from '$lib/vault/signing-key';

const endpoints = {
	rest: 'http://127.0.0.1:8765',
	publicWs: 'ws://127.0.0.1:8765/api?protocol=1.1',
	privateWs: 'ws://127.0.0.1:8765/user?protocol=1.1'
};

/** A scripted WebSocket: the test opens it, feeds it frames and reads what was sent. */
class FakeSocket implements SocketLike {
	readyState = 0;
	binaryType = 'blob';
	onopen: ((ev: unknown) => void) | null = null;
	onmessage: ((ev: { data: unknown }) => void) | null = null;
	onclose: ((ev: { code: number; reason: string }) => void) | null = null;
	onerror: ((ev: unknown) => void) | null = null;
	readonly sent: string[] = [];

	constructor(readonly url: string) {}

	send(data: string): void {
		this.sent.push(data);
	}

	close(): void {
		this.readyState = 3;
	}

	open(): void {
		this.readyState = 1;
		this.onopen?.({});
	}

	push(frame: unknown): void {
		this.onmessage?.({ data: JSON.stringify(frame) });
	}

	dropFromServer(): void {
		this.readyState = 3;
		this.onclose?.({ code: 1006, reason: '' });
	}

	sentFrames(): { action: string; args: string[] }[] {
		return this.sent.map((s) => JSON.parse(s) as { action: string; args: string[] });
	}
}

const streams: (MarketStream | AccountStream)[] = [];

afterEach(() => {
	for (const stream of streams.splice(0)) stream.close();
	vi.useRealTimers();
});

function setup() {
	const sockets: FakeSocket[] = [];
	const adapter = createBitmartAdapter({
		endpoints,
		socketFactory: (url) => {
			const socket = new FakeSocket(url);
			sockets.push(socket);
			return socket;
		}
	});
	const stream = adapter.openMarketStream();
	streams.push(stream);
	return { adapter, stream, sockets };
}

function recorder() {
	const seen = {
		tickers: [] as Ticker[],
		books: [] as BookMessage[],
		funding: [] as string[],
		trades: [] as Trade[][],
		errors: [] as string[]
	};
	const handlers = {
		ticker: (t: Ticker) => seen.tickers.push(t),
		book: (b: BookMessage) => seen.books.push(b),
		funding: (f: { nextRate: string }) => seen.funding.push(f.nextRate),
		trades: (t: Trade[]) => seen.trades.push(t),
		error: (m: string) => seen.errors.push(m)
	};
	return { seen, handlers };
}

const tickerFrame = (symbol: string, last: string) => ({
	group: `futures/ticker:${symbol}`,
	data: { symbol, last_price: last, mark_price: last, index_price: last, range: '0.01' }
});

const bookFrame = (topic: string, version: number) => ({
	group: topic,
	data: {
		symbol: 'BTCUSDT',
		asks: [],
		bids: [{ price: '1', vol: '2' }],
		ms_t: 1,
		version,
		type: 'update'
	}
});

const options = { depth: 'full', speed: 'fast' } as const;
const btcTopics = [
	'futures/ticker:BTCUSDT',
	'futures/depthIncrease50:BTCUSDT@100ms',
	'futures/fundingRate:BTCUSDT',
	'futures/trade:BTCUSDT'
];

describe('BitMart market stream', () => {
	it('connects on the first watch and subscribes the four topics in one frame', () => {
		const { stream, sockets } = setup();
		expect(sockets).toHaveLength(0);
		stream.watch('BTCUSDT', recorder().handlers, options);
		expect(sockets).toHaveLength(1);
		expect(sockets[0].url).toBe(endpoints.publicWs);
		sockets[0].open();
		expect(sockets[0].sentFrames()).toEqual([{ action: 'subscribe', args: btcTopics }]);
		expect(stream.status.state).toBe('live');
	});

	it('subscribes only the channels a watcher listens to', () => {
		const { stream, sockets } = setup();
		stream.watch('BTCUSDT', { ticker: () => undefined, funding: () => undefined }, options);
		sockets[0].open();
		expect(sockets[0].sentFrames()).toEqual([
			{ action: 'subscribe', args: ['futures/ticker:BTCUSDT', 'futures/fundingRate:BTCUSDT'] }
		]);
	});

	it('routes each channel to the watchers of its symbol only', () => {
		const { stream, sockets } = setup();
		const btc = recorder();
		const eth = recorder();
		stream.watch('BTCUSDT', btc.handlers, options);
		sockets[0].open();
		stream.watch('ETHUSDT', eth.handlers, options);
		expect(sockets[0].sentFrames()[1].args).toEqual([
			'futures/ticker:ETHUSDT',
			'futures/depthIncrease50:ETHUSDT@100ms',
			'futures/fundingRate:ETHUSDT',
			'futures/trade:ETHUSDT'
		]);

		sockets[0].push(tickerFrame('BTCUSDT', '100'));
		sockets[0].push(bookFrame('futures/depthIncrease50:BTCUSDT@100ms', 9));
		sockets[0].push({
			group: 'futures/fundingRate:BTCUSDT',
			data: {
				symbol: 'BTCUSDT',
				fundingRate: '0.1',
				nextFundingRate: '0.2',
				nextFundingTime: 1732550400000,
				ts: 1732525864601
			}
		});
		sockets[0].push({
			group: 'futures/trade:BTCUSDT',
			data: [
				{ symbol: 'BTCUSDT', deal_price: '100', deal_vol: '3', m: false, created_at: 1700000000000 }
			]
		});
		sockets[0].push(tickerFrame('ETHUSDT', '5'));

		expect(btc.seen.tickers.map((t) => t.last)).toEqual(['100']);
		expect(btc.seen.books.map((b) => b.version)).toEqual([9]);
		expect(btc.seen.funding).toEqual(['0.2']);
		expect(btc.seen.trades).toEqual([
			[{ symbol: 'BTCUSDT', price: '100', size: '3', side: 'buy', ts: 1700000000000 }]
		]);
		expect(eth.seen.tickers.map((t) => t.last)).toEqual(['5']);
		expect(eth.seen.books).toEqual([]);
		expect(btc.seen.errors).toEqual([]);
	});

	it('reference-counts topics: a second watcher adds nothing, the last one leaving unsubscribes', () => {
		const { stream, sockets } = setup();
		const first = recorder();
		const second = recorder();
		const unwatchFirst = stream.watch('BTCUSDT', first.handlers, options);
		sockets[0].open();
		const unwatchSecond = stream.watch('BTCUSDT', second.handlers, options);
		expect(sockets[0].sent).toHaveLength(1);

		sockets[0].push(tickerFrame('BTCUSDT', '1'));
		expect(first.seen.tickers).toHaveLength(1);
		expect(second.seen.tickers).toHaveLength(1);

		unwatchFirst();
		unwatchFirst();
		expect(sockets[0].sent).toHaveLength(1);
		sockets[0].push(tickerFrame('BTCUSDT', '2'));
		expect(first.seen.tickers).toHaveLength(1);
		expect(second.seen.tickers).toHaveLength(2);

		unwatchSecond();
		expect(sockets[0].sentFrames()[1]).toEqual({ action: 'unsubscribe', args: btcTopics });
	});

	it('gives watchers at different depths only their own book', () => {
		const { stream, sockets } = setup();
		const deep = recorder();
		const shallow = recorder();
		stream.watch('BTCUSDT', deep.handlers, options);
		sockets[0].open();
		stream.watch('BTCUSDT', shallow.handlers, { depth: 5, speed: 'normal' });
		expect(sockets[0].sentFrames()[1]).toEqual({
			action: 'subscribe',
			args: ['futures/depthIncrease5:BTCUSDT@200ms']
		});
		sockets[0].push(bookFrame('futures/depthIncrease5:BTCUSDT@200ms', 3));
		expect(shallow.seen.books.map((b) => b.version)).toEqual([3]);
		expect(deep.seen.books).toEqual([]);

		stream.requestBookSnapshot('BTCUSDT');
		expect(sockets[0].sentFrames().slice(2)).toEqual([
			{ action: 'request', args: ['futures/depthIncrease50:BTCUSDT@100ms'] },
			{ action: 'request', args: ['futures/depthIncrease5:BTCUSDT@200ms'] }
		]);
	});

	it('reports refused subscriptions and unreadable frames to the error handler, not as throws', () => {
		const { stream, sockets } = setup();
		const btc = recorder();
		const eth = recorder();
		stream.watch('BTCUSDT', btc.handlers, options);
		stream.watch('ETHUSDT', eth.handlers, options);
		sockets[0].open();
		sockets[0].push({
			action: 'subscribe',
			group: 'futures/trade:BTCUSDT',
			success: false,
			error: 'group not exist'
		});
		sockets[0].push({
			group: 'futures/depthIncrease50:BTCUSDT@100ms',
			data: { symbol: 'BTCUSDT' }
		});
		expect(btc.seen.errors).toHaveLength(2);
		expect(btc.seen.errors[0]).toMatch(/group not exist/);
		expect(eth.seen.errors).toEqual([]);
		// An error frame about no topic in particular goes to everyone.
		sockets[0].push({ success: false, error: 'Invalid message' });
		expect(eth.seen.errors).toHaveLength(1);
	});

	it('resubscribes every watched topic after a reconnect', () => {
		vi.useFakeTimers();
		const { stream, sockets } = setup();
		const btc = recorder();
		stream.watch('BTCUSDT', btc.handlers, options);
		sockets[0].open();
		const unwatchEth = stream.watch('ETHUSDT', {}, options);
		unwatchEth();
		sockets[0].dropFromServer();
		expect(stream.status.state).toBe('reconnecting');
		vi.advanceTimersByTime(1_000);
		expect(sockets).toHaveLength(2);
		sockets[1].open();
		expect(sockets[1].sentFrames()).toEqual([{ action: 'subscribe', args: btcTopics }]);
		// Frames from the dropped connection are not delivered.
		sockets[0].push(tickerFrame('BTCUSDT', 'stale'));
		sockets[1].push(tickerFrame('BTCUSDT', 'fresh'));
		expect(btc.seen.tickers.map((t) => t.last)).toEqual(['fresh']);
	});
});

describe('BitMart adapter REST', () => {
	it('measures server time into the clock it owns', async () => {
		// The round trip is timed on the monotonic clock; the wall clock only dates it.
		const times = [1_000, 1_100];
		let wall = 1_100;
		let mono = 0;
		const adapter = createBitmartAdapter({
			endpoints,
			now: () => wall,
			monotonicNow: () => (mono = times.shift() ?? mono),
			fetch: (async () =>
				new Response(
					JSON.stringify({ code: 1000, message: 'Ok', data: { server_time: 5_050 } })
				)) as typeof fetch
		});
		expect(await adapter.serverTime()).toEqual({ offsetMs: 4_000, rttMs: 100, measuredAt: 1_100 });
		wall = 2_000;
		mono = 2_000;
		expect(adapter.clock.now()).toBe(6_000);
		// A wall-clock step does not move the server time the adapter signs with.
		wall += 3_600_000;
		expect(adapter.clock.now()).toBe(6_000);
		expect(adapter.clock.offsetMs).toBe(4_000 - 3_600_000);
	});
});

describe('BitMart account stream', () => {
	const SECRET = '6c6c98544461bbe71db2bca4c6d7fd0021e0ba9efc215f9c6ad41852df9d9df9';
	const API_KEY = '80618e45710812162b04892c7ee5ead4a3cc3e56';
	const NOW = 1589267764859;
	const privateTopics = [
		'futures/asset:USDT',
		'futures/asset:BTC',
		'futures/asset:ETH',
		'futures/position',
		'futures/order'
	];

	async function setupAccount() {
		const sockets: FakeSocket[] = [];
		const adapter = createBitmartAdapter({
			endpoints,
			now: () => NOW,
			socketFactory: (url) => {
				const socket = new FakeSocket(url);
				sockets.push(socket);
				return socket;
			}
		});
		const creds = {
			accountId: 'acc-1',
			apiKey: API_KEY,
			fields: { memo: 'test001' },
			signingKey: await importSigningKey(SECRET)
		};
		const stream = adapter.openAccountStream(creds);
		streams.push(stream);
		const events: AccountEvent[] = [];
		stream.onEvent((e) => events.push(e));
		return { stream, sockets, events };
	}

	/** The login is signed asynchronously (Web Crypto): wait until it has been sent. */
	async function loginSent(socket: FakeSocket) {
		await vi.waitFor(() => expect(socket.sent.length).toBeGreaterThan(0));
		return socket.sentFrames()[0];
	}

	it('logs in on the private endpoint with the documented signature, then subscribes', async () => {
		const { stream, sockets } = await setupAccount();
		expect(sockets.map((s) => s.url)).toEqual([endpoints.privateWs]);
		sockets[0].open();
		const login = await loginSent(sockets[0]);
		// The docs' own vector (seeds/001, "Login"), checked independently with node:crypto too.
		const expected = '3ceeb7e1b8cb165a975e28a2e2dfaca4d30b358873c0351c1a071d8c83314556';
		expect(
			createHmac('sha256', SECRET).update(`${NOW}#test001#bitmart.WebSocket`).digest('hex')
		).toBe(expected);
		expect(login).toEqual({ action: 'access', args: [API_KEY, String(NOW), expected, 'web'] });
		expect(stream.status.state).toBe('connecting');

		sockets[0].push({ action: 'access', success: true });
		expect(sockets[0].sentFrames()[1]).toEqual({ action: 'subscribe', args: privateTopics });
		expect(stream.status.state).toBe('live');
	});

	it('delivers parsed account events and refusals to every listener', async () => {
		const { stream, sockets, events } = await setupAccount();
		const second: AccountEvent[] = [];
		const stop = stream.onEvent((e) => second.push(e));
		sockets[0].open();
		await loginSent(sockets[0]);
		sockets[0].push({ action: 'access', success: true });
		sockets[0].push({
			group: 'futures/asset:USDT',
			data: {
				currency: 'USDT',
				available_balance: '10',
				position_deposit: '2',
				frozen_balance: '0'
			}
		});
		sockets[0].push({
			group: 'futures/position',
			data: [
				{ symbol: 'BTCUSDT', hold_volume: '7', position_type: 2, open_type: 2, update_time: 5 }
			]
		});
		stop();
		sockets[0].push({
			action: 'subscribe',
			group: 'futures/order',
			success: false,
			error: 'futures/order need authenication'
		});
		sockets[0].onmessage?.({ data: 'not json' });

		expect(events.map((e) => e.type)).toEqual(['balance', 'position', 'error', 'error']);
		expect(events[1]).toMatchObject({
			position: {
				accountId: 'acc-1',
				symbol: 'BTCUSDT',
				side: 'short',
				size: '7',
				marginMode: 'cross'
			}
		});
		expect(second.map((e) => e.type)).toEqual(['balance', 'position']);
	});

	it('fails visibly when the login is refused', async () => {
		const { stream, sockets } = await setupAccount();
		sockets[0].open();
		await loginSent(sockets[0]);
		sockets[0].push({
			action: 'access',
			success: false,
			error: 'access failed: openapi auth: apiKey 880d5edecs**** failed: openapi auth failed'
		});
		expect(stream.status.state).toBe('failed');
		expect(stream.status.error).toMatch(/refused the WebSocket login/);
		expect(sockets[0].sent).toHaveLength(1);
	});

	it('logs in again after a drop and then says it reconnected (time to re-fetch the snapshot)', async () => {
		vi.useFakeTimers();
		const { stream, sockets } = await setupAccount();
		const states: ConnectionState[] = [];
		stream.onStatus((s) => states.push(s.state));
		let reconnected = 0;
		stream.onReconnected(() => reconnected++);
		sockets[0].open();
		await loginSent(sockets[0]);
		sockets[0].push({ action: 'access', success: true });
		expect(reconnected).toBe(0);

		sockets[0].dropFromServer();
		vi.advanceTimersByTime(1_000);
		expect(sockets).toHaveLength(2);
		sockets[1].open();
		expect((await loginSent(sockets[1])).action).toBe('access');
		expect(reconnected).toBe(0);
		sockets[1].push({ action: 'access', success: true });
		expect(sockets[1].sentFrames()[1]).toEqual({ action: 'subscribe', args: privateTopics });
		expect(reconnected).toBe(1);
		expect(states).toContain('reconnecting');
		expect(stream.status.state).toBe('live');

		stream.close();
		expect(stream.status.state).toBe('idle');
	});
});
