import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { openPerchDB } from '$lib/db/open';
import type { ClosePlan } from '$lib/domain/close-planner';
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
import type { LastKnownState } from '$lib/vault/last-known';
import { AccountSession } from './account-session.svelte';
import { OrderGate } from './order-gate';

const status = (state: ConnectionState): ConnectionStatus => ({
	state,
	lastMessageAt: 1,
	reconnects: 0
});

/** A venue that is offline until the test says otherwise, and whose stream the test drives. */
class Venue {
	online = false;
	snapshots = 0;
	current: ConnectionStatus = status('reconnecting');
	statusListener: (s: ConnectionStatus) => void = () => {};
	reconnected: () => void = () => {};
	/** Holds the next snapshot answer until released, when set. */
	hold: Promise<void> | null = null;
	snapshot: AccountSnapshot = {
		balances: [],
		positions: [position({ accountId: 'acc-1', size: '7' })],
		orders: [],
		positionMode: 'hedge',
		fetchedAt: 2
	};

	setStatus(state: ConnectionState) {
		this.current = status(state);
		this.statusListener(this.current);
	}

	adapter(): ExchangeAdapter {
		return {
			venue: 'demo',
			endpoints: { rest: 'http://127.0.0.1:1', publicWs: 'ws://127.0.0.1:1', privateWs: '' },
			serverTime: async () => {
				if (!this.online) throw new TypeError('Failed to fetch');
				return { offsetMs: 0, rttMs: 1, measuredAt: 0 };
			},
			instruments: async () => {
				if (!this.online) throw new TypeError('Failed to fetch');
				return [instrument()];
			},
			accountSnapshot: async () => {
				this.snapshots++;
				if (this.hold) await this.hold;
				if (!this.online) throw new TypeError('Failed to fetch');
				return structuredClone(this.snapshot);
			},
			openAccountStream: (): AccountStream =>
				({
					onEvent: () => () => {},
					onStatus: (listener: (s: ConnectionStatus) => void) => {
						this.statusListener = listener;
						return () => {};
					},
					onReconnected: (listener: () => void) => {
						this.reconnected = listener;
						return () => {};
					},
					get status() {
						return venue.current;
					},
					probe: async () => (this.online ? null : 'offline'),
					close: () => {}
				}) as unknown as AccountStream,
			openMarketStream: (): MarketStream =>
				({
					watch: () => () => {},
					onStatus: () => () => {},
					status: status('live'),
					close: () => {}
				}) as unknown as MarketStream
		} as unknown as ExchangeAdapter;
	}
}
let venue: Venue;

const LAST: LastKnownState = {
	positions: [position({ accountId: 'acc-1', size: '12' })],
	balances: [],
	orders: [],
	positionMode: 'hedge',
	savedAt: Date.UTC(2026, 0, 2, 14, 2)
};

async function sessionWithSaved(saved: LastKnownState[]) {
	venue = new Venue();
	const db = await openPerchDB('perch', new IDBFactory());
	const gate = new OrderGate({ db, channel: null });
	const creds = { accountId: 'acc-1', apiKey: 'k', fields: {} } as AccountCredentials;
	const s = new AccountSession(
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
	s.remember({ lastKnown: LAST, save: (state) => saved.push(state) });
	return s;
}

const settle = (ms = 0) => new Promise((r) => setTimeout(r, ms));
const plan = { symbol: 'BTCUSDT', positionSide: 'long', side: 'sell', size: '12' } as ClosePlan;

describe('last-known state in a session', () => {
	it('is shown before anything answers, marked not live, and no close goes out from it', async () => {
		const saved: LastKnownState[] = [];
		const s = await sessionWithSaved(saved);
		expect(s.positions.map((p) => p.size)).toEqual(['12']);
		expect(s.dataLive).toBe(false);
		expect(s.lastKnownAt).toBe(LAST.savedAt);

		await s.start();
		// Offline: the snapshot failed, and the last-known numbers stay, not an error in their place.
		expect(venue.snapshots).toBe(1);
		expect(s.snapshot).toBe('loading');
		expect(s.positions.map((p) => p.size)).toEqual(['12']);
		const preview = s.previewClose('BTCUSDT', 'long', 1);
		expect(preview).toMatchObject({ ok: false });
		expect((preview as { reason: string }).reason).toMatch(
			/Not live: these are the last-known numbers \(as of .*\)\. Closes are refused until the private stream is live again/
		);
		// The gate itself refuses, whatever the caller planned.
		const result = await s.closePosition(plan, 1);
		expect(result.status).toBe('refused');
		expect((result as { reason: string }).reason).toMatch(/private stream is not live \(Not live/);
		expect(saved).toEqual([]);
		s.stop();
	});

	it('turns live only once the stream is back and the snapshot re-fetched; a drop ends it', async () => {
		const saved: LastKnownState[] = [];
		const s = await sessionWithSaved(saved);
		await s.start();
		venue.online = true;
		let release = () => {};
		venue.hold = new Promise<void>((r) => (release = r));
		venue.setStatus('live');
		venue.reconnected();
		await settle();
		// Connected, but the snapshot has not answered: still the last-known numbers.
		expect(s.dataLive).toBe(false);
		expect(s.positions.map((p) => p.size)).toEqual(['12']);
		venue.hold = null;
		release();
		await settle(10);
		expect(s.dataLive).toBe(true);
		expect(s.lastKnownAt).toBeNull();
		expect(s.positions.map((p) => p.size)).toEqual(['7']);
		expect(s.previewClose('BTCUSDT', 'long', 1)).toMatchObject({ ok: true });
		await settle(1100);
		expect(saved.map((st) => st.positions.map((p) => p.size))).toEqual([['7']]);

		venue.setStatus('reconnecting');
		expect(s.dataLive).toBe(false);
		expect(s.lastKnownAt).not.toBeNull();
		expect(s.previewClose('BTCUSDT', 'long', 1)).toMatchObject({ ok: false });
		venue.setStatus('live');
		expect(s.dataLive).toBe(false);
		venue.reconnected();
		await settle(10);
		expect(s.dataLive).toBe(true);
		s.stop();
	});
});
