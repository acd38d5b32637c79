import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { getClose } from '$lib/db/closes-repo';
import { openPerchDB } from '$lib/db/open';
import {
	ExchangeError,
	type AccountCredentials,
	type CloseOrderRequest,
	type ExchangeAdapter,
	type Instrument,
	type Order,
	type Position
} from '$lib/exchanges/types';
import { OrderGate, positionKey, type CloseIntent } from './order-gate';

const instrument: Instrument = {
	venue: 'bitmart',
	symbol: 'BTCUSDT',
	base: 'BTC',
	quote: 'USDT',
	settle: 'USDT',
	contractSize: '0.001',
	priceTick: '0.1',
	sizeStep: '1',
	minSize: '1',
	maxSize: '500000',
	linear: true,
	trading: true
};

function position(over: Partial<Position> = {}): Position {
	return {
		accountId: 'acc-1',
		symbol: 'BTCUSDT',
		side: 'long',
		size: '12',
		entryPrice: '60000',
		liquidationPrice: '50000',
		margin: '72',
		leverage: '10',
		marginMode: 'cross',
		positionMode: 'hedge',
		updatedAt: 0,
		...over
	};
}

function order(clientOrderId: string, status: Order['status'], over: Partial<Order> = {}): Order {
	return {
		accountId: 'acc-1',
		orderId: 'o-1',
		clientOrderId,
		symbol: 'BTCUSDT',
		side: 'sell',
		reduceOnly: true,
		type: 'market',
		price: '0',
		size: '12',
		filledSize: status === 'filled' ? '12' : '0',
		avgFillPrice: status === 'filled' ? '61000' : '0',
		status,
		createdAt: 0,
		updatedAt: 0,
		...over
	};
}

/** A scripted venue: records every submit, answers as each test tells it. */
class FakeVenue {
	submits: CloseOrderRequest[] = [];
	finds: string[] = [];
	ids = 0;
	/** What submitClose does for each call, in order. */
	onSubmit: (req: CloseOrderRequest) => Promise<{ orderId: string; clientOrderId: string }> =
		async (req) => ({ orderId: 'o-1', clientOrderId: req.clientOrderId });
	onFind: (id: string) => Promise<Order | null> = async () => null;
	summary: { fills: number; realizedPnl: string; fees: string } | null = null;

	adapter(): ExchangeAdapter {
		return {
			venue: 'bitmart',
			newClientOrderId: () => `perch${++this.ids}`,
			submitClose: (_c: AccountCredentials, req: CloseOrderRequest) => {
				this.submits.push(req);
				return this.onSubmit(req);
			},
			findOrder: (_c: AccountCredentials, _s: string, id: string) => {
				this.finds.push(id);
				return this.onFind(id);
			},
			fillSummary: async () => this.summary
		} as unknown as ExchangeAdapter;
	}
}

async function setup(venue: FakeVenue) {
	const db = await openPerchDB('perch', new IDBFactory());
	const gate = new OrderGate({
		db,
		submitTimeoutMs: 200,
		settleTimeoutMs: 400,
		queryAttempts: 2,
		queryIntervalMs: 20
	});
	const intent = (over: Partial<CloseIntent> = {}): CloseIntent => ({
		accountId: 'acc-1',
		accountLabel: 'Main',
		adapter: venue.adapter(),
		creds: {} as AccountCredentials,
		position: position(),
		instrument,
		fraction: 1,
		streamLive: true,
		...over
	});
	return { db, gate, intent };
}

describe('OrderGate', () => {
	it('sends one reduce-only close with an integer size and confirms it from the stream', async () => {
		const venue = new FakeVenue();
		const { db, gate, intent } = await setup(venue);
		venue.onSubmit = async (req) => {
			// The stream's fill report may arrive before the HTTP reply.
			gate.observeOrder(order(req.clientOrderId, 'filled', { realizedPnl: '12.5' }));
			return { orderId: 'o-1', clientOrderId: req.clientOrderId };
		};
		venue.summary = { fills: 2, realizedPnl: '12.5', fees: '0.11' };
		const result = await gate.close(intent({ fraction: 0.25 }));
		expect(result).toMatchObject({
			status: 'filled',
			message: 'Filled 12 BTCUSDT at 61000, realized PnL 12.5 USDT (fees 0.11)'
		});
		expect(venue.submits).toEqual([
			{
				symbol: 'BTCUSDT',
				positionSide: 'long',
				size: '3',
				marginMode: 'cross',
				clientOrderId: 'perch1'
			}
		]);
		const record = await getClose(db, 'perch1');
		expect(record?.state).toBe('confirmed');
		expect(record?.outcome).toMatchObject({ realizedPnl: '12.5', fees: '0.11' });
		expect(record?.request).toMatchObject({ orderSide: 'sell', size: '3', fraction: '0.25' });
		expect(gate.isClosing(positionKey(position()))).toBe(false);
	});

	it('a double tap produces one order: the second close is refused while the first is in flight', async () => {
		const venue = new FakeVenue();
		const { gate, intent } = await setup(venue);
		let release!: () => void;
		venue.onSubmit = (req) =>
			new Promise((resolve) => {
				release = () => {
					gate.observeOrder(order(req.clientOrderId, 'filled'));
					resolve({ orderId: 'o-1', clientOrderId: req.clientOrderId });
				};
			});
		const first = gate.close(intent());
		const second = await gate.close(intent());
		expect(second).toEqual({
			status: 'refused',
			reason: 'A close for this position is already in flight.'
		});
		expect(gate.isClosing(positionKey(position()))).toBe(true);
		await new Promise((r) => setTimeout(r, 10));
		release();
		expect((await first).status).toBe('filled');
		expect(venue.submits).toHaveLength(1);
	});

	it('after a dropped reply it asks by client order id and never re-sends', async () => {
		const venue = new FakeVenue();
		const { db, gate, intent } = await setup(venue);
		venue.onSubmit = async () => {
			throw new ExchangeError('Could not reach the exchange', undefined, 'network');
		};
		venue.onFind = async (id) => order(id, 'filled');
		const result = await gate.close(intent());
		expect(result.status).toBe('filled');
		expect(venue.submits).toHaveLength(1);
		expect(venue.finds).toEqual(['perch1']);
		expect((await getClose(db, 'perch1'))?.state).toBe('confirmed');
	});

	it('a duplicate-client-id answer means the intent already arrived: look it up, not rejected', async () => {
		const venue = new FakeVenue();
		const { gate, intent } = await setup(venue);
		venue.onSubmit = async () => {
			throw new ExchangeError('already sent (code 40050)', 40050, 'duplicate');
		};
		venue.onFind = async (id) => order(id, 'filled');
		const result = await gate.close(intent());
		expect(result.status).toBe('filled');
		expect(venue.submits).toHaveLength(1);
		expect(venue.finds).toEqual(['perch1']);
	});

	it('a reply that never comes is treated like a dropped one', async () => {
		const venue = new FakeVenue();
		const { gate, intent } = await setup(venue);
		venue.onSubmit = () => new Promise(() => {});
		venue.onFind = async (id) => order(id, 'filled');
		const result = await gate.close(intent());
		expect(result.status).toBe('filled');
		expect(venue.submits).toHaveLength(1);
	});

	it('when the exchange never saw the order it says so and does not retry', async () => {
		const venue = new FakeVenue();
		const { db, gate, intent } = await setup(venue);
		venue.onSubmit = async () => {
			throw new ExchangeError('Could not reach the exchange', undefined, 'network');
		};
		const result = await gate.close(intent());
		expect(result.status).toBe('not-placed');
		expect(venue.submits).toHaveLength(1);
		expect((await getClose(db, 'perch1'))?.state).toBe('rejected');
	});

	it('passes the exchange rejection through in plain words', async () => {
		const venue = new FakeVenue();
		const { db, gate, intent } = await setup(venue);
		venue.onSubmit = async () => {
			throw new ExchangeError('Position closed (40018)', 40018, 'rejected');
		};
		const result = await gate.close(intent());
		expect(result).toMatchObject({
			status: 'rejected',
			message: 'Rejected: Position closed (40018)'
		});
		expect(venue.finds).toEqual([]);
		expect((await getClose(db, 'perch1'))?.outcome).toMatchObject({ errorCode: 40018 });
	});

	it('refuses without sending when the stream is not live or the size rounds to nothing', async () => {
		const venue = new FakeVenue();
		const { gate, intent } = await setup(venue);
		expect((await gate.close(intent({ streamLive: false }))).status).toBe('refused');
		const tiny = await gate.close(intent({ position: position({ size: '1' }), fraction: 0.25 }));
		expect(tiny).toEqual({
			status: 'refused',
			reason: '25 % of 1 contract is below the 1-contract step'
		});
		expect(venue.submits).toEqual([]);
	});

	it('refuses when the position changed after the user confirmed a size', async () => {
		const venue = new FakeVenue();
		const { gate, intent } = await setup(venue);
		const result = await gate.close(intent({ fraction: 0.5, expectedSize: '5' }));
		expect(result).toEqual({
			status: 'refused',
			reason: 'The position changed (now 6 contracts to close, not 5); review and confirm again.'
		});
		expect(venue.submits).toEqual([]);
	});

	it('closes a short with a buy', async () => {
		const venue = new FakeVenue();
		const { gate, intent } = await setup(venue);
		venue.onSubmit = async (req) => {
			gate.observeOrder(order(req.clientOrderId, 'filled', { side: 'buy' }));
			return { orderId: 'o-1', clientOrderId: req.clientOrderId };
		};
		await gate.close(intent({ position: position({ side: 'short', size: '3' }), fraction: 0.5 }));
		expect(venue.submits[0]).toMatchObject({ positionSide: 'short', size: '1' });
	});
});
