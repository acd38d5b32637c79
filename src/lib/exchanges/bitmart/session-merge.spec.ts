import { afterEach, describe, expect, it } from 'vitest';
import { parsePrivateMessage } from '$lib/exchanges/bitmart/private-messages';
import type {
	AccountEvent,
	AccountSnapshot,
	ConnectionStatus,
	ExchangeAdapter,
	Position
} from '$lib/exchanges/types';
import { AccountSession } from '$lib/state/account-session.svelte';
import type { OrderGate } from '$lib/state/order-gate';

/**
 * The session's merge of private pushes onto the REST snapshot. The venue is scripted: the test
 * hands the session the snapshot it fetches and the frames its stream delivers, decoded by the
 * real BitMart codec.
 */

const SNAPSHOT_ROW_TIME = 1_700_000_010_000;

const venue = {
	emit: null as ((e: AccountEvent) => void) | null,
	snapshot: null as AccountSnapshot | null
};

function position(fields: Partial<Position> = {}): Position {
	return {
		accountId: 'acc-1',
		symbol: 'BTCUSDT',
		side: 'long',
		size: '5',
		entryPrice: '60000',
		liquidationPrice: '50000',
		margin: '10',
		leverage: '20',
		marginMode: 'cross',
		positionMode: 'hedge',
		updatedAt: SNAPSHOT_ROW_TIME,
		...fields
	};
}

const LIVE: ConnectionStatus = { state: 'live', lastMessageAt: 1, reconnects: 0 };

/** The scripted venue's adapter, handed to the session as its adapter factory. */
async function scriptedAdapter(): Promise<ExchangeAdapter> {
	const adapter: Partial<ExchangeAdapter> = {
		venue: 'bitmart',
		endpoints: { rest: 'http://127.0.0.1:1', publicWs: 'ws://127.0.0.1:1', privateWs: '' },
		serverTime: async () => ({ offsetMs: 0, rttMs: 1, measuredAt: 0 }),
		instruments: async () => [],
		accountSnapshot: async () => structuredClone(venue.snapshot!),
		openAccountStream: () => ({
			onEvent: (listener) => {
				venue.emit = listener;
				return () => (venue.emit = null);
			},
			onStatus: () => () => undefined,
			onReconnected: () => () => undefined,
			status: LIVE,
			probe: async () => null,
			close: () => undefined
		}),
		openMarketStream: () => ({
			watch: () => () => undefined,
			requestBookSnapshot: () => undefined,
			newBookSequencer: () => {
				throw new Error('no book here');
			},
			bookDepth: () => 5,
			onStatus: () => () => undefined,
			status: LIVE,
			close: () => undefined
		})
	};
	return adapter as ExchangeAdapter;
}

const gate = {
	observeOrder: () => undefined,
	attach: () => () => undefined,
	reconcile: () => undefined
} as unknown as OrderGate;
const sessions: AccountSession[] = [];

async function started(positions: Position[] = [position()]) {
	venue.snapshot = {
		balances: [],
		positions,
		orders: [],
		positionMode: 'hedge',
		fetchedAt: SNAPSHOT_ROW_TIME
	};
	const session = new AccountSession(
		{
			id: 'acc-1',
			label: 'Main',
			venue: 'bitmart',
			presetId: 'custom',
			endpoints: { rest: 'http://127.0.0.1:1', publicWs: 'ws://127.0.0.1:1', privateWs: '' }
		},
		{ accountId: 'acc-1', apiKey: 'k', fields: { memo: 'm' }, signingKey: {} as CryptoKey },
		gate,
		scriptedAdapter
	);
	sessions.push(session);
	await session.start();
	expect(session.positions).toHaveLength(positions.length);
	return session;
}

/** One `futures/position` frame as BitMart writes it, through the real codec into the session. */
function pushPosition(fields: Record<string, unknown>): void {
	const frame = {
		group: 'futures/position',
		data: [
			{
				symbol: 'BTCUSDT',
				hold_volume: '5',
				position_type: 1,
				open_type: 2,
				hold_avg_price: '60000',
				open_avg_price: '60000',
				liquidate_price: '50000',
				position_mode: 'hedge_mode',
				update_time: SNAPSHOT_ROW_TIME + 1_000,
				...fields
			}
		]
	};
	for (const event of parsePrivateMessage(frame, 'acc-1')) venue.emit!(event);
}

afterEach(() => {
	for (const s of sessions.splice(0)) s.stop();
});

describe('AccountSession: position pushes', () => {
	it('keeps an open position when hold_volume is blank, and says the frame was unreadable', async () => {
		const session = await started();
		pushPosition({ hold_volume: ' ' });
		expect(session.positions).toEqual([position()]);
		expect(session.error).toMatch(/hold_volume/);
	});

	it.each(['abc', 'NaN', ' ', ''])(
		'never takes a size of %j as zero or as a value, even if one reaches the merge',
		async (size) => {
			const session = await started();
			venue.emit!({
				type: 'position',
				position: { symbol: 'BTCUSDT', side: 'long', size, updatedAt: SNAPSHOT_ROW_TIME + 5 }
			});
			expect(session.positions).toEqual([position()]);
			expect(session.error).toMatch(/size/);
		}
	);

	it('lets a newer push win and ignores an older one that arrives late (5 stays 5)', async () => {
		const session = await started();
		pushPosition({ hold_volume: '7', update_time: SNAPSHOT_ROW_TIME + 1_000 });
		pushPosition({ hold_volume: '5', update_time: SNAPSHOT_ROW_TIME + 2_000 });
		pushPosition({ hold_volume: '7', update_time: SNAPSHOT_ROW_TIME + 1_000 });
		expect(session.positions).toHaveLength(1);
		expect(session.positions[0]).toMatchObject({
			size: '5',
			updatedAt: SNAPSHOT_ROW_TIME + 2_000
		});
	});

	it('ignores a push older than the snapshot’s own row time', async () => {
		const session = await started();
		pushPosition({ hold_volume: '9', update_time: SNAPSHOT_ROW_TIME - 1 });
		expect(session.positions[0]).toMatchObject({ size: '5', updatedAt: SNAPSHOT_ROW_TIME });
		pushPosition({ hold_volume: '9', update_time: SNAPSHOT_ROW_TIME + 1 });
		expect(session.positions[0]).toMatchObject({ size: '9', updatedAt: SNAPSHOT_ROW_TIME + 1 });
	});

	it('does not remove a position for an older zero-size row, but does for a newer one', async () => {
		const session = await started();
		pushPosition({ hold_volume: '0', update_time: SNAPSHOT_ROW_TIME - 500 });
		expect(session.positions).toHaveLength(1);
		pushPosition({ hold_volume: '0.000', update_time: SNAPSHOT_ROW_TIME + 500 });
		expect(session.positions).toEqual([]);
	});
});
