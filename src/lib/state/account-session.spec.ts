import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { openPerchDB } from '$lib/db/open';
import { MarketStreamPool } from '$lib/exchanges/market-stream-pool';
import type {
	AccountCredentials,
	AccountEvent,
	AccountSnapshot,
	AccountStream,
	ConnectionStatus,
	ExchangeAdapter,
	MarketStream,
	Order,
	ServerTime
} from '$lib/exchanges/types';
import { order, position } from '$lib/testing/fixtures';
import { AccountSession } from './account-session.svelte';
import { OrderGate } from './order-gate';

const LIVE: ConnectionStatus = { state: 'live', lastMessageAt: 1, reconnects: 0 };

/** A venue the test drives by hand: it decides when the clock answers and what the stream says. */
class ScriptedVenue {
	streamsOpened = 0;
	marketsOpened = 0;
	streamsClosed = 0;
	snapshots = 0;
	snapshot: AccountSnapshot = {
		balances: [],
		positions: [position()],
		orders: [],
		positionMode: 'hedge',
		fetchedAt: 1
	};
	emit: (e: AccountEvent) => void = () => {};
	clockAnswer: Promise<ServerTime> = Promise.resolve({ offsetMs: 0, rttMs: 1, measuredAt: 0 });

	adapter(): ExchangeAdapter {
		return {
			venue: 'demo',
			endpoints: { rest: 'http://127.0.0.1:1', publicWs: 'ws://127.0.0.1:1', privateWs: '' },
			serverTime: () => this.clockAnswer,
			instruments: async () => [],
			accountSnapshot: async () => {
				this.snapshots++;
				return structuredClone(this.snapshot);
			},
			openAccountStream: (): AccountStream => {
				this.streamsOpened++;
				return {
					onEvent: (listener) => {
						this.emit = listener;
						return () => (this.emit = () => {});
					},
					onStatus: () => () => {},
					onReconnected: () => () => {},
					status: LIVE,
					probe: async () => null,
					close: () => this.streamsClosed++
				};
			},
			openMarketStream: (): MarketStream => {
				this.marketsOpened++;
				return {
					watch: () => () => {},
					requestBookSnapshot: () => {},
					newBookSequencer: () => {
						throw new Error('no book here');
					},
					bookDepth: () => 5,
					onStatus: () => () => {},
					status: LIVE,
					close: () => {}
				};
			}
		} as unknown as ExchangeAdapter;
	}
}

async function session(venue: ScriptedVenue) {
	const db = await openPerchDB('perch', new IDBFactory());
	const gate = new OrderGate({ db, channel: null });
	const creds = { accountId: 'acc-1', apiKey: 'k', fields: {} } as AccountCredentials;
	const identity = {
		id: 'acc-1',
		label: 'Main',
		venue: 'demo' as const,
		presetId: 'custom',
		endpoints: {
			rest: 'http://127.0.0.1:1',
			publicWs: 'ws://127.0.0.1:1',
			privateWs: 'ws://127.0.0.1:1'
		}
	};
	return new AccountSession(
		identity,
		creds,
		gate,
		async () => venue.adapter(),
		new MarketStreamPool()
	);
}

function filled(id: string): Order {
	return order({ clientOrderId: id });
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('AccountSession', () => {
	it('a Lock while start-up waits for the exchange clock leaves no socket, no timer, no keys (item 6)', async () => {
		const venue = new ScriptedVenue();
		let answerClock!: (t: ServerTime) => void;
		venue.clockAnswer = new Promise((resolve) => (answerClock = resolve));
		const s = await session(venue);
		const starting = s.start();
		await settle(5);
		s.stop();
		answerClock({ offsetMs: 0, rttMs: 1, measuredAt: 0 });
		await starting;
		await settle(20);
		expect(venue.streamsOpened).toBe(0);
		expect(venue.marketsOpened).toBe(0);
		expect(venue.snapshots).toBe(0);
		expect(s.status.state).toBe('idle');
		// Without keys nothing can be signed any more.
		expect(await s.closePosition({} as never, 1)).toEqual({
			status: 'refused',
			reason: 'Not connected.'
		});
	});

	it('after an order of the account is final it re-reads the snapshot, which removes a position a push left out (item 5)', async () => {
		const venue = new ScriptedVenue();
		const s = await session(venue);
		await s.start();
		expect(s.positions.map((p) => p.size)).toEqual(['12']);
		const before = venue.snapshots;
		// The exchange's push after a full close omits the closed position: nothing is removed.
		venue.snapshot = { ...venue.snapshot, positions: [] };
		venue.emit({ type: 'balance', balance: { asset: 'USDT', equity: '100' } });
		await settle(400);
		expect(s.positions).toHaveLength(1);
		expect(venue.snapshots).toBe(before);
		venue.emit({ type: 'order', order: filled('perchx') });
		await settle(400);
		expect(venue.snapshots).toBeGreaterThan(before);
		expect(s.positions).toEqual([]);
		s.stop();
	});

	it('a size-zero row removes the position; a missing row does not', async () => {
		const venue = new ScriptedVenue();
		const s = await session(venue);
		await s.start();
		venue.emit({
			type: 'position',
			position: { symbol: 'BTCUSDT', side: 'long', size: '0', updatedAt: 5 }
		});
		expect(s.positions).toEqual([]);
		s.stop();
	});
});
