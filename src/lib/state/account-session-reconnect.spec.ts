import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openPerchDB } from '$lib/db/open';
import { MarketStreamPool } from '$lib/exchanges/market-stream-pool';
import type {
	AccountCredentials,
	AccountSnapshot,
	AccountStream,
	ConnectionState,
	ConnectionStatus,
	ExchangeAdapter,
	MarketStream
} from '$lib/exchanges/types';
import { instrument, position } from '$lib/testing/fixtures';
import { AccountSession } from './account-session.svelte';
import { OrderGate } from './order-gate';

/**
 * A venue whose REST answers and private stream the test drives by hand, with the same contract
 * as the real socket: every status change goes to `onStatus` listeners, and `onReconnected` fires
 * when a connection goes live again after an earlier one was live (never on the first one).
 * The exchange reads its book when a snapshot request arrives; the test decides when that answer
 * reaches the app, so a snapshot can be in flight across a drop and reconnect.
 */
class Venue {
	/** What the exchange holds now; pushes for changes made while the stream is down are lost. */
	size = '7';
	snapshots = 0;
	#status: ConnectionStatus = { state: 'connecting', lastMessageAt: 0, reconnects: 0 };
	#everLive = false;
	#statusListeners: ((s: ConnectionStatus) => void)[] = [];
	#reconnected: (() => void)[] = [];
	/** Answers the test holds back, oldest first; each releases one snapshot. */
	#held: (() => void)[] = [];
	holdNext = false;
	/** The next snapshot requests that fail, as a dropped connection would make them. */
	failures = 0;

	get status() {
		return this.#status;
	}

	setStatus(state: ConnectionState) {
		this.#status = { ...this.#status, state };
		for (const l of this.#statusListeners) l(this.#status);
		if (state === 'live') {
			if (this.#everLive) for (const l of this.#reconnected) l();
			this.#everLive = true;
		}
	}

	releaseOldest() {
		this.#held.shift()?.();
	}

	get heldCount() {
		return this.#held.length;
	}

	adapter(): ExchangeAdapter {
		return {
			venue: 'demo',
			endpoints: { rest: 'http://127.0.0.1:1', publicWs: 'ws://127.0.0.1:1', privateWs: '' },
			serverTime: async () => ({ offsetMs: 0, rttMs: 1, measuredAt: 0 }),
			instruments: async () => [instrument()],
			accountSnapshot: async (): Promise<AccountSnapshot> => {
				this.snapshots++;
				if (this.failures > 0) {
					this.failures--;
					throw new TypeError('Failed to fetch');
				}
				// The exchange answers with its state when the request arrives...
				const answer: AccountSnapshot = {
					balances: [],
					positions: this.size === '0' ? [] : [position({ accountId: 'acc-1', size: this.size })],
					orders: [],
					positionMode: 'hedge',
					fetchedAt: this.snapshots
				};
				// ...and the answer may take its time to reach the app.
				if (this.holdNext) await new Promise<void>((r) => this.#held.push(r));
				return answer;
			},
			openAccountStream: (): AccountStream =>
				({
					onEvent: () => () => {},
					onStatus: (listener: (s: ConnectionStatus) => void) => {
						this.#statusListeners.push(listener);
						return () => {};
					},
					onReconnected: (listener: () => void) => {
						this.#reconnected.push(listener);
						return () => {};
					},
					get status() {
						return venue.status;
					},
					probe: async () => (this.#status.state === 'live' ? null : 'not connected'),
					close: () => {}
				}) as unknown as AccountStream,
			openMarketStream: (): MarketStream =>
				({
					watch: () => () => {},
					onStatus: () => () => {},
					status: { state: 'live', lastMessageAt: 1, reconnects: 0 },
					close: () => {}
				}) as unknown as MarketStream
		} as unknown as ExchangeAdapter;
	}
}
let venue: Venue;

async function session() {
	venue = new Venue();
	const db = await openPerchDB('perch', new IDBFactory());
	const gate = new OrderGate({ db, channel: null });
	const creds = { accountId: 'acc-1', apiKey: 'k', fields: {} } as AccountCredentials;
	return new AccountSession(
		{
			id: 'acc-1',
			label: 'Main',
			venue: 'demo',
			presetId: 'custom',
			endpoints: { rest: 'http://127.0.0.1:1', publicWs: 'ws://127.0.0.1:1', privateWs: 'ws://x' }
		},
		creds,
		gate,
		async () => venue.adapter(),
		new MarketStreamPool()
	);
}

const settle = (ms = 5) => new Promise((r) => setTimeout(r, ms));
const sizes = (s: AccountSession) => s.positions.map((p) => p.size);

describe('a snapshot and the connection it belongs to', () => {
	it('a snapshot in flight across a drop and reconnect is not shown as live; the new connection gets its own', async () => {
		const s = await session();
		venue.setStatus('live');
		await s.start();
		expect(s.dataLive).toBe(true);
		expect(sizes(s)).toEqual(['7']);

		// A refresh (after a fill, a cancel-all...) goes out while the stream is live; its answer is slow.
		venue.holdNext = true;
		const refreshing = s.refresh();
		await settle();
		expect(venue.heldCount).toBe(1);

		// The stream drops; while it is down the position shrinks and that push is lost; it reconnects.
		venue.setStatus('reconnecting');
		expect(s.dataLive).toBe(false);
		venue.size = '3';
		venue.holdNext = false;
		venue.setStatus('live');
		await settle();

		// The old answer (size 7, read before the drop) now arrives.
		venue.releaseOldest();
		await refreshing;
		await settle(20);

		// Never "live" with the old connection's numbers: live only with what the exchange holds.
		if (s.dataLive) expect(sizes(s)).toEqual(['3']);
		// And the new connection's snapshot is fetched: the numbers do turn live, and right.
		expect(s.dataLive).toBe(true);
		expect(sizes(s)).toEqual(['3']);
		expect(s.previewClose('BTCUSDT', 'long', 1)).toMatchObject({
			ok: true,
			position: { size: '3' }
		});
		s.stop();
	});

	it('an old answer that arrives after the new connection’s snapshot never overwrites it', async () => {
		const s = await session();
		venue.setStatus('live');
		await s.start();
		venue.holdNext = true;
		void s.refresh();
		await settle();
		venue.setStatus('reconnecting');
		venue.size = '3';
		venue.holdNext = false;
		venue.setStatus('live');
		await settle(20);
		// The new connection's snapshot answered first.
		expect(s.dataLive).toBe(true);
		expect(sizes(s)).toEqual(['3']);
		venue.releaseOldest();
		await settle(20);
		expect(sizes(s)).toEqual(['3']);
		expect(s.dataLive).toBe(true);
		s.stop();
	});

	it('at start the snapshot waits for the stream’s first connection, so the one it reads is live', async () => {
		const s = await session();
		// The stream is still logging in.
		const starting = s.start();
		await settle();
		expect(venue.snapshots).toBe(0);
		expect(s.dataLive).toBe(false);
		// A fill lands before the subscription is in place: no push will tell of it.
		venue.size = '3';
		venue.setStatus('live');
		await starting;
		expect(venue.snapshots).toBe(1);
		expect(s.dataLive).toBe(true);
		expect(sizes(s)).toEqual(['3']);
		s.stop();
	});

	it('a stream slow to connect: a snapshot not live is shown meanwhile, and one is read once it connects', async () => {
		const s = await session();
		vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
		const starting = s.start();
		await vi.advanceTimersByTimeAsync(3000);
		await starting;
		expect(venue.snapshots).toBe(1);
		expect(sizes(s)).toEqual(['7']);
		expect(s.dataLive).toBe(false);
		expect(s.lastKnownAt).not.toBeNull();
		expect(s.previewClose('BTCUSDT', 'long', 1)).toMatchObject({ ok: false });
		venue.size = '3';
		venue.setStatus('live');
		await vi.advanceTimersByTimeAsync(10);
		expect(venue.snapshots).toBe(2);
		expect(s.dataLive).toBe(true);
		expect(sizes(s)).toEqual(['3']);
		s.stop();
	});

	it('numbers are not live while the stream has never connected', async () => {
		const s = await session();
		const starting = s.start();
		await settle();
		// The first connection attempt fails: the private stream has never been live.
		venue.setStatus('reconnecting');
		await starting;
		expect(venue.snapshots).toBe(1);
		expect(sizes(s)).toEqual(['7']);
		expect(s.dataLive).toBe(false);
		expect(s.lastKnownAt).not.toBeNull();
		s.stop();
	});

	it('a Lock while start-up waits for the first connection ends the wait and reads nothing', async () => {
		const s = await session();
		const starting = s.start();
		await settle();
		s.stop();
		await starting;
		expect(venue.snapshots).toBe(0);
	});

	it('when the new connection’s snapshot fails, it is asked for again while that connection stands', async () => {
		const s = await session();
		vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
		venue.failures = 1;
		venue.setStatus('live');
		await s.start();
		expect(venue.snapshots).toBe(1);
		expect(s.dataLive).toBe(false);
		expect(s.error).toBe('Failed to fetch');
		await vi.advanceTimersByTimeAsync(6000);
		expect(venue.snapshots).toBe(2);
		expect(s.dataLive).toBe(true);
		expect(sizes(s)).toEqual(['7']);
		s.stop();
	});

	it('a refresh that fails while live (a 429 after a fill) is asked for again', async () => {
		const s = await session();
		vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
		venue.setStatus('live');
		await s.start();
		expect(s.dataLive).toBe(true);
		// The fill closed the position; only the snapshot after it can say so, and it fails once.
		venue.size = '0';
		venue.failures = 1;
		await s.refresh();
		expect(sizes(s)).toEqual(['7']);
		await vi.advanceTimersByTimeAsync(6000);
		expect(venue.snapshots).toBe(3);
		expect(sizes(s)).toEqual([]);
		expect(s.error).toBeNull();
		s.stop();
	});

	it('no retry once that connection has dropped: the next one asks for its own', async () => {
		const s = await session();
		vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
		venue.failures = 1;
		venue.setStatus('live');
		await s.start();
		venue.setStatus('reconnecting');
		await vi.advanceTimersByTimeAsync(6000);
		expect(venue.snapshots).toBe(1);
		s.stop();
	});
});

afterEach(() => {
	vi.useRealTimers();
});
