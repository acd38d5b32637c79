import { describe, expect, it } from 'vitest';
import type { SocketLike } from '$lib/net/types';
import { createBitmartAdapter } from './bitmart/adapter';
import { MarketStreamPool } from './market-stream-pool';
import type { Endpoints, MarketStream, Ticker, VenueId } from './types';

const ENDPOINTS: Endpoints = {
	rest: 'http://127.0.0.1:8765',
	publicWs: 'ws://127.0.0.1:8765/api?protocol=1.1',
	privateWs: 'ws://127.0.0.1:8765/user?protocol=1.1'
};

class FakeSocket implements SocketLike {
	readyState = 0;
	binaryType = 'blob';
	onopen: ((ev: unknown) => void) | null = null;
	onmessage: ((ev: { data: unknown }) => void) | null = null;
	onclose: ((ev: { code: number; reason: string }) => void) | null = null;
	onerror: ((ev: unknown) => void) | null = null;
	readonly sent: { action: string; args: string[] }[] = [];
	closed = false;

	constructor(readonly url: string) {}

	send(data: string): void {
		this.sent.push(JSON.parse(data) as { action: string; args: string[] });
	}

	close(): void {
		this.closed = true;
		this.readyState = 3;
	}

	open(): void {
		this.readyState = 1;
		this.onopen?.({});
	}

	push(frame: unknown): void {
		this.onmessage?.({ data: JSON.stringify(frame) });
	}

	topics(action: 'subscribe' | 'unsubscribe'): string[] {
		return this.sent.filter((f) => f.action === action).flatMap((f) => f.args);
	}
}

/** Every adapter the app would create (one per screen or account) opens sockets through this. */
function countingFactory() {
	const sockets: FakeSocket[] = [];
	return {
		sockets,
		adapter(endpoints = ENDPOINTS, venue: VenueId = 'bitmart') {
			return createBitmartAdapter({
				endpoints,
				venue,
				watchEnvironment: false,
				socketFactory: (url) => {
					const socket = new FakeSocket(url);
					sockets.push(socket);
					return socket;
				}
			});
		}
	};
}

const ticker = (symbol: string, last: string) => ({
	group: `futures/ticker:${symbol}`,
	data: { symbol, last_price: last, mark_price: last, index_price: last, range: '0.01' }
});

function marks(stream: MarketStream, symbol: string): string[] {
	const seen: string[] = [];
	stream.watch(
		symbol,
		{ ticker: (t: Ticker) => seen.push(t.mark), funding: () => {} },
		{ depth: 5, speed: 'normal' }
	);
	return seen;
}

describe('MarketStreamPool', () => {
	it('the market screen and two accounts on one endpoint share one public socket', () => {
		const venue = countingFactory();
		const pool = new MarketStreamPool();
		// Each user creates its own adapter, as the market screen and each account session do.
		const screen = pool.acquire(venue.adapter());
		const main = pool.acquire(venue.adapter());
		const side = pool.acquire(venue.adapter());

		const screenTickers: string[] = [];
		screen.watch(
			'BTCUSDT',
			{ ticker: (t) => screenTickers.push(t.last), book: () => {}, trades: () => {} },
			{ depth: 'full', speed: 'fast' }
		);
		const mainBtc = marks(main, 'BTCUSDT');
		const mainEth = marks(main, 'ETHUSDT');
		const sideBtc = marks(side, 'BTCUSDT');

		expect(venue.sockets).toHaveLength(1);
		expect(pool.openStreams).toBe(1);
		const socket = venue.sockets[0];
		socket.open();
		socket.push(ticker('BTCUSDT', '64000'));
		socket.push(ticker('ETHUSDT', '3100'));
		expect(screenTickers).toEqual(['64000']);
		expect(mainBtc).toEqual(['64000']);
		expect(sideBtc).toEqual(['64000']);
		expect(mainEth).toEqual(['3100']);
		// One subscription per topic, whoever asked for it.
		const subscribed = socket.topics('subscribe');
		expect(subscribed.filter((t) => t === 'futures/ticker:BTCUSDT')).toHaveLength(1);

		// An account that locks ends only its own watches; the others keep the socket.
		main.close();
		expect(socket.closed).toBe(false);
		expect(socket.topics('unsubscribe')).toEqual([
			'futures/ticker:ETHUSDT',
			'futures/fundingRate:ETHUSDT'
		]);
		socket.push(ticker('BTCUSDT', '64001'));
		expect(mainBtc).toEqual(['64000']);
		expect(sideBtc).toEqual(['64000', '64001']);

		side.close();
		expect(socket.closed).toBe(false);
		screen.close();
		expect(socket.closed).toBe(true);
		expect(pool.openStreams).toBe(0);

		// The next user opens a fresh socket.
		const again = pool.acquire(venue.adapter());
		marks(again, 'BTCUSDT');
		expect(venue.sockets).toHaveLength(2);
		again.close();
	});

	it('another endpoint or another venue gets a socket of its own', () => {
		const venue = countingFactory();
		const pool = new MarketStreamPool();
		const a = pool.acquire(venue.adapter());
		const b = pool.acquire(venue.adapter({ ...ENDPOINTS, publicWs: 'ws://127.0.0.1:9999/api' }));
		const c = pool.acquire(venue.adapter(ENDPOINTS, 'demo'));
		for (const lease of [a, b, c]) marks(lease, 'BTCUSDT');
		expect(venue.sockets.map((s) => s.url)).toEqual([
			ENDPOINTS.publicWs,
			'ws://127.0.0.1:9999/api',
			ENDPOINTS.publicWs
		]);
		expect(pool.openStreams).toBe(3);
		for (const lease of [a, b, c]) lease.close();
		expect(venue.sockets.every((s) => s.closed)).toBe(true);
	});

	it('a lease ends its watches and status listeners once, and does nothing after close', () => {
		const venue = countingFactory();
		const pool = new MarketStreamPool();
		const keep = pool.acquire(venue.adapter());
		const lease = pool.acquire(venue.adapter());
		const states: string[] = [];
		lease.onStatus((s) => states.push(s.state));
		const seen: string[] = [];
		const unwatch = lease.watch(
			'SOLUSDT',
			{ ticker: (t) => seen.push(t.last) },
			{ depth: 5, speed: 'normal' }
		);
		marks(keep, 'BTCUSDT');
		const socket = venue.sockets[0];
		socket.open();
		expect(states).toContain('live');

		unwatch();
		lease.close();
		unwatch();
		lease.close();
		expect(socket.topics('unsubscribe')).toEqual(['futures/ticker:SOLUSDT']);
		expect(socket.closed).toBe(false);
		// Closed: a watch subscribes nothing, and the shared socket's news no longer reaches it.
		lease.watch('XRPUSDT', { ticker: () => {} }, { depth: 5, speed: 'normal' });
		expect(socket.topics('subscribe')).not.toContain('futures/ticker:XRPUSDT');
		const before = states.length;
		socket.readyState = 3;
		socket.onclose?.({ code: 1006, reason: '' });
		expect(keep.status.state).toBe('reconnecting');
		expect(states).toHaveLength(before);
		keep.close();
	});
});
