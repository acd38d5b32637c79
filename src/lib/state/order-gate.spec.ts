import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { getClose, listOpenCloses } from '$lib/db/closes-repo';
import { openPerchDB, type PerchDatabase } from '$lib/db/open';
import { planClose, type ClosePlan } from '$lib/domain/close-planner';
import {
	ExchangeError,
	type AccountCredentials,
	type CloseOrderRequest,
	type ExchangeAdapter,
	type Order,
	type Position,
	type SubmitOptions
} from '$lib/exchanges/types';
import {
	CONTRACT_RULES,
	instrument as makeInstrument,
	order as makeOrder,
	position
} from '$lib/testing/fixtures';
import { OrderGate, positionKey, type CloseTarget } from './order-gate';

const instrument = makeInstrument();

function order(clientOrderId: string, status: Order['status'], over: Partial<Order> = {}): Order {
	return makeOrder({
		clientOrderId,
		status,
		filledSize: status === 'filled' ? '12' : '0',
		avgFillPrice: status === 'filled' ? '61000' : '0',
		...over
	});
}

function plan(p: Position, fraction: number): ClosePlan {
	const planned = planClose({ position: p, instrument, fraction, rules: CONTRACT_RULES });
	if (!planned.ok) throw new Error(planned.reason);
	return planned.order;
}

const WINDOW_MS = 60_000;

/** A scripted venue: records every submit and lookup, answers as each test tells it. */
class FakeVenue {
	submits: { req: CloseOrderRequest; options: SubmitOptions }[] = [];
	finds: string[] = [];
	clockMeasures = 0;
	ids = 0;
	/** The exchange's clock as the adapter estimates it. */
	serverNow = 1_700_000_000_000;
	onSubmit: (
		req: CloseOrderRequest,
		options: SubmitOptions
	) => Promise<{ orderId?: string; clientOrderId: string }> = async (req) => ({
		orderId: 'o-1',
		clientOrderId: req.clientOrderId
	});
	onFind: (id: string) => Promise<Order | null> = async () => null;
	onServerTime: () => void = () => {};
	summary: { fills: number; realizedPnl: string; fees: string } | null = null;

	adapter(): ExchangeAdapter {
		return {
			venue: 'demo',
			acceptanceWindowMs: WINDOW_MS,
			serverNow: () => this.serverNow,
			serverTime: async () => {
				this.clockMeasures++;
				this.onServerTime();
				return { offsetMs: 0, rttMs: 1, measuredAt: 0 };
			},
			newClientOrderId: () => `perch${++this.ids}`,
			submitClose: (
				_c: AccountCredentials,
				req: CloseOrderRequest,
				options: SubmitOptions = {}
			) => {
				this.submits.push({ req, options });
				return this.onSubmit(req, options);
			},
			findOrder: (_c: AccountCredentials, _s: string, id: string) => {
				this.finds.push(id);
				return this.onFind(id);
			},
			fillSummary: async () => this.summary
		} as unknown as ExchangeAdapter;
	}
}

interface Account {
	positions: Position[];
	probe: string | null;
	settled: number;
}

function target(venue: FakeVenue, account: Account, adapter = venue.adapter()): CloseTarget {
	return {
		accountId: 'acc-1',
		accountLabel: 'Main',
		adapter,
		creds: {} as AccountCredentials,
		livePosition: (symbol, side) =>
			account.positions.find((p) => p.symbol === symbol && p.side === side),
		instrument: (symbol) => (symbol === instrument.symbol ? instrument : undefined),
		sizeRules: CONTRACT_RULES,
		probe: async () => account.probe,
		settled: () => account.settled++
	};
}

function newGate(db: PerchDatabase) {
	return new OrderGate({
		db,
		submitTimeoutMs: 200,
		settleTimeoutMs: 400,
		queryIntervalMs: 10,
		maxQueryIntervalMs: 40,
		channel: null
	});
}

async function setup(venue: FakeVenue, positions = [position()]) {
	const factory = new IDBFactory();
	const db = await openPerchDB('perch', factory);
	const gate = newGate(db);
	const account: Account = { positions, probe: null, settled: 0 };
	const t = target(venue, account);
	gate.attach(t);
	return { db, factory, gate, account, target: t };
}

const KEY = positionKey(position());

function waitUntil(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
	return new Promise((resolve, reject) => {
		let tries = 0;
		const tick = async () => {
			if (await check()) return resolve();
			if (++tries > 500) return reject(new Error(`never: ${what}`));
			setTimeout(() => void tick(), 5);
		};
		void tick();
	});
}

describe('OrderGate', () => {
	it('sends one reduce-only close with the confirmed size and confirms it from the stream', async () => {
		const venue = new FakeVenue();
		const { db, gate, account, target: t } = await setup(venue);
		venue.onSubmit = async (req) => {
			// The stream's fill report may arrive before the HTTP reply.
			gate.observeOrder(order(req.clientOrderId, 'filled', { realizedPnl: '12.5' }));
			return { orderId: 'o-1', clientOrderId: req.clientOrderId };
		};
		venue.summary = { fills: 2, realizedPnl: '12.5', fees: '0.11' };
		const result = await gate.close(t, { plan: plan(position(), 0.25), fraction: 0.25 });
		expect(result).toMatchObject({
			status: 'filled',
			message: 'Filled 12 BTCUSDT at 61000, realized PnL 12.5 USDT (fees 0.11)'
		});
		expect(venue.submits.map((s) => s.req)).toEqual([
			{
				symbol: 'BTCUSDT',
				positionSide: 'long',
				size: '3',
				marginMode: 'cross',
				positionMode: 'hedge',
				clientOrderId: 'perch1'
			}
		]);
		// Signed with the exchange-clock time that was recorded before the request left.
		const record = await getClose(db, 'perch1');
		expect(venue.submits[0].options.timestamp).toBe(venue.serverNow);
		expect(record?.signedAt).toBe(venue.serverNow);
		expect(record?.state).toBe('confirmed');
		expect(record?.outcome).toMatchObject({ realizedPnl: '12.5', fees: '0.11' });
		expect(record?.request).toMatchObject({ orderSide: 'sell', size: '3', fraction: '0.25' });
		expect(gate.isClosing(KEY)).toBe(false);
		expect(account.settled).toBe(1);
	});

	it('sends and records the position mode of the live position it closes', async () => {
		const venue = new FakeVenue();
		const oneWay = position({ positionMode: 'one-way' });
		const { db, gate, target: t } = await setup(venue, [oneWay]);
		venue.onSubmit = async (req) => {
			gate.observeOrder(order(req.clientOrderId, 'filled'));
			return { orderId: 'o-1', clientOrderId: req.clientOrderId };
		};
		const result = await gate.close(t, { plan: plan(oneWay, 1), fraction: 1 });
		expect(result.status).toBe('filled');
		expect(venue.submits.map((s) => s.req.positionMode)).toEqual(['one-way']);
		expect((await getClose(db, 'perch1'))?.request.positionMode).toBe('one-way');
	});

	it('a double tap produces one order: the second close is refused while the first is in flight', async () => {
		const venue = new FakeVenue();
		const { gate, target: t } = await setup(venue);
		let release!: () => void;
		venue.onSubmit = (req) =>
			new Promise((resolve) => {
				release = () => {
					gate.observeOrder(order(req.clientOrderId, 'filled'));
					resolve({ orderId: 'o-1', clientOrderId: req.clientOrderId });
				};
			});
		const confirmed = { plan: plan(position(), 1), fraction: 1 };
		const first = gate.close(t, confirmed);
		const second = await gate.close(t, confirmed);
		expect(second).toEqual({
			status: 'refused',
			reason: 'A close for this position is already being sent.'
		});
		expect(gate.isClosing(KEY)).toBe(true);
		await waitUntil(() => venue.submits.length === 1, 'the first submit');
		release();
		expect((await first).status).toBe('filled');
		expect(venue.submits).toHaveLength(1);
	});

	describe('the live position decides (item 2)', () => {
		it('refuses when the position grew after the user confirmed', async () => {
			const venue = new FakeVenue();
			const { gate, account, target: t } = await setup(venue, [position({ size: '4' })]);
			const confirmed = { plan: plan(position({ size: '4' }), 1), fraction: 1 };
			account.positions = [position({ size: '12' })];
			const result = await gate.close(t, confirmed);
			expect(result).toEqual({
				status: 'refused',
				reason:
					'The position changed since you confirmed (now 12 to close, not 4); nothing was sent. Review and confirm again.'
			});
			expect(venue.submits).toEqual([]);
		});

		it('refuses when it shrank, flipped side or vanished', async () => {
			const venue = new FakeVenue();
			const { gate, account, target: t } = await setup(venue);
			const confirmed = { plan: plan(position({ size: '12' }), 1), fraction: 1 };
			account.positions = [position({ size: '4' })];
			expect(await gate.close(t, confirmed)).toMatchObject({ status: 'refused' });
			account.positions = [position({ side: 'short' })];
			expect(await gate.close(t, confirmed)).toEqual({
				status: 'refused',
				reason: 'The BTCUSDT long position is no longer open; nothing was sent.'
			});
			account.positions = [];
			expect(await gate.close(t, confirmed)).toMatchObject({ status: 'refused' });
			expect(venue.submits).toEqual([]);
		});

		it('re-reads the position after the liveness probe, right before sending', async () => {
			const venue = new FakeVenue();
			const { gate, account } = await setup(venue);
			const t = target(venue, account);
			t.probe = async () => {
				account.positions = [position({ size: '20' })];
				return null;
			};
			gate.attach(t);
			const result = await gate.close(t, { plan: plan(position(), 0.5), fraction: 0.5 });
			expect(result).toMatchObject({ status: 'refused' });
			expect(venue.submits).toEqual([]);
		});
	});

	it('probes the private stream first and refuses with the reason when it does not answer', async () => {
		const venue = new FakeVenue();
		const { gate, account, target: t } = await setup(venue);
		account.probe = 'no reply to a keepalive within 1.5 s';
		const result = await gate.close(t, { plan: plan(position(), 1), fraction: 1 });
		expect(result).toEqual({
			status: 'refused',
			reason:
				'Not sent: the private stream is not live (no reply to a keepalive within 1.5 s), so positions may be stale.'
		});
		expect(venue.submits).toEqual([]);
	});

	it('after a dropped reply it asks by client order id and never re-sends', async () => {
		const venue = new FakeVenue();
		const { db, gate, target: t } = await setup(venue);
		venue.onSubmit = async () => {
			throw new ExchangeError('Could not reach the exchange', undefined, 'network');
		};
		venue.onFind = async (id) => order(id, 'filled');
		const result = await gate.close(t, { plan: plan(position(), 1), fraction: 1 });
		expect(result.status).toBe('filled');
		expect(venue.submits).toHaveLength(1);
		expect(venue.finds).toEqual(['perch1']);
		expect((await getClose(db, 'perch1'))?.state).toBe('confirmed');
	});

	it('a duplicate-client-id answer means the intent already arrived: look it up, not rejected', async () => {
		const venue = new FakeVenue();
		const { gate, target: t } = await setup(venue);
		venue.onSubmit = async () => {
			throw new ExchangeError('already sent (code 40050)', 40050, 'duplicate');
		};
		venue.onFind = async (id) => order(id, 'filled');
		const result = await gate.close(t, { plan: plan(position(), 1), fraction: 1 });
		expect(result.status).toBe('filled');
		expect(venue.submits).toHaveLength(1);
	});

	it('aborts a request whose reply does not come, then asks by id', async () => {
		const venue = new FakeVenue();
		const { gate, target: t } = await setup(venue);
		let aborted = false;
		venue.onSubmit = (_req, options) =>
			new Promise((_resolve, reject) => {
				options.signal?.addEventListener('abort', () => {
					aborted = true;
					reject(new ExchangeError('abandoned', undefined, 'network'));
				});
			});
		venue.onFind = async (id) => order(id, 'filled');
		const result = await gate.close(t, { plan: plan(position(), 1), fraction: 1 });
		expect(aborted).toBe(true);
		expect(result.status).toBe('filled');
		expect(venue.submits).toHaveLength(1);
	});

	describe('unknown until the exchange says so (item 3)', () => {
		it('a held order that is not found yet stays unknown and locked, and a retry is refused', async () => {
			const venue = new FakeVenue();
			const { db, gate, target: t } = await setup(venue);
			venue.onSubmit = async () => {
				throw new ExchangeError('abandoned', undefined, 'network');
			};
			const confirmed = { plan: plan(position(), 0.25), fraction: 0.25 };
			const result = await gate.close(t, confirmed);
			expect(result.status).toBe('unknown');
			expect(result).toMatchObject({ clientOrderId: 'perch1' });
			expect((await getClose(db, 'perch1'))?.state).toBe('unknown');
			expect(gate.lockOf(KEY)).toEqual({
				key: KEY,
				state: 'checking',
				clientOrderIds: ['perch1']
			});
			const retry = await gate.close(t, confirmed);
			expect(retry.status).toBe('refused');
			expect(venue.submits).toHaveLength(1);

			// The held order executes after all: the record follows the exchange.
			venue.onFind = async (id) => order(id, 'filled', { size: '3', filledSize: '3' });
			await waitUntil(async () => (await getClose(db, 'perch1'))?.state === 'confirmed', 'fill');
			expect(gate.isClosing(KEY)).toBe(false);
		});

		it('says "not placed" only once the signature expired and the exchange still lists nothing', async () => {
			const venue = new FakeVenue();
			const { db, gate, account, target: t } = await setup(venue);
			venue.onSubmit = async () => {
				throw new ExchangeError('abandoned', undefined, 'network');
			};
			const signedAt = venue.serverNow;
			const result = await gate.close(t, { plan: plan(position(), 1), fraction: 1 });
			expect(result.status).toBe('unknown');
			const lookups = venue.finds.length;
			expect(lookups).toBeGreaterThan(0);
			expect((await getClose(db, 'perch1'))?.state).toBe('unknown');
			// The exchange's clock passes the acceptance window; the next re-measure proves it.
			venue.serverNow = signedAt + WINDOW_MS + 10_001;
			await waitUntil(async () => (await getClose(db, 'perch1'))?.state === 'not-placed', 'proof');
			expect(venue.clockMeasures).toBeGreaterThan(0);
			expect(venue.submits).toHaveLength(1);
			expect(gate.isClosing(KEY)).toBe(false);
			expect(account.settled).toBe(1);
		});

		it('an acknowledged order is never called "not placed"', async () => {
			const venue = new FakeVenue();
			const { db, gate, target: t } = await setup(venue);
			const result = await gate.close(t, { plan: plan(position(), 1), fraction: 1 });
			expect(result.status).toBe('unknown');
			venue.serverNow += 10 * WINDOW_MS;
			await waitUntil(() => venue.finds.length >= 3, 'lookups');
			expect((await getClose(db, 'perch1'))?.state).toBe('sent');
		});

		it('the record follows a later final report from the exchange', async () => {
			const venue = new FakeVenue();
			const { db, gate, target: t } = await setup(venue);
			venue.onSubmit = async () => {
				throw new ExchangeError('Position closed (40018)', 40018, 'rejected');
			};
			await gate.close(t, { plan: plan(position(), 1), fraction: 1 });
			expect((await getClose(db, 'perch1'))?.state).toBe('rejected');
			gate.observeOrder(order('perch1', 'filled'));
			await waitUntil(async () => (await getClose(db, 'perch1'))?.state === 'confirmed', 'follow');
		});

		it('an explicit "I checked, send a new close" overrides an unknown intent and is recorded', async () => {
			const venue = new FakeVenue();
			const { db, gate, target: t } = await setup(venue);
			venue.onSubmit = async () => {
				throw new ExchangeError('abandoned', undefined, 'network');
			};
			const confirmed = { plan: plan(position(), 1), fraction: 1 };
			expect((await gate.close(t, confirmed)).status).toBe('unknown');
			venue.onSubmit = async (req) => {
				gate.observeOrder(order(req.clientOrderId, 'filled', { orderId: 'o-2' }));
				return { orderId: 'o-2', clientOrderId: req.clientOrderId };
			};
			const second = await gate.close(t, { ...confirmed, override: true });
			expect(second.status).toBe('filled');
			expect(venue.submits.map((s) => s.req.clientOrderId)).toEqual(['perch1', 'perch2']);
			expect((await getClose(db, 'perch2'))?.overrides).toEqual(['perch1']);
		});
	});

	it('passes the exchange rejection through in plain words', async () => {
		const venue = new FakeVenue();
		const { db, gate, target: t } = await setup(venue);
		venue.onSubmit = async () => {
			throw new ExchangeError('Position closed (40018)', 40018, 'rejected');
		};
		const result = await gate.close(t, { plan: plan(position(), 1), fraction: 1 });
		expect(result).toMatchObject({
			status: 'rejected',
			message: 'Rejected: Position closed (40018)'
		});
		expect(venue.finds).toEqual([]);
		expect((await getClose(db, 'perch1'))?.outcome).toMatchObject({ errorCode: 40018 });
	});

	describe('a timestamp rejection (item 7)', () => {
		it('re-measures the clock and sends the same intent once more, newly signed', async () => {
			const venue = new FakeVenue();
			const { db, gate, target: t } = await setup(venue);
			const stepped = venue.serverNow;
			venue.serverNow = stepped + 3_600_000; // the device clock jumped an hour ahead
			venue.onServerTime = () => (venue.serverNow = stepped);
			venue.onSubmit = async (req) => {
				if (venue.submits.length === 1) {
					throw new ExchangeError('Timestamp out of window (30007)', 30007, 'clock-skew');
				}
				gate.observeOrder(order(req.clientOrderId, 'filled'));
				return { orderId: 'o-1', clientOrderId: req.clientOrderId };
			};
			const result = await gate.close(t, { plan: plan(position(), 1), fraction: 1 });
			expect(result.status).toBe('filled');
			expect(venue.clockMeasures).toBe(1);
			expect(venue.submits.map((s) => s.req)).toEqual([venue.submits[0].req, venue.submits[0].req]);
			expect(venue.submits.map((s) => s.options.timestamp)).toEqual([stepped + 3_600_000, stepped]);
			expect((await getClose(db, 'perch1'))?.signedAt).toBe(stepped);
		});

		it('a second timestamp rejection is final: no third send', async () => {
			const venue = new FakeVenue();
			const { db, gate, target: t } = await setup(venue);
			venue.onSubmit = async () => {
				throw new ExchangeError('Timestamp out of window (30007)', 30007, 'clock-skew');
			};
			const result = await gate.close(t, { plan: plan(position(), 1), fraction: 1 });
			expect(result.status).toBe('rejected');
			expect(venue.submits).toHaveLength(2);
			expect((await getClose(db, 'perch1'))?.state).toBe('rejected');
		});
	});

	it('after a reload, the open intent is reconciled on attach and its position stays locked (item 4)', async () => {
		const venue = new FakeVenue();
		const { db, gate, account, target: t } = await setup(venue);
		venue.onSubmit = () => new Promise(() => {}); // the page reloads mid-request
		void gate.close(t, { plan: plan(position(), 0.25), fraction: 0.25 });
		await waitUntil(() => venue.submits.length === 1, 'the send');
		gate.dispose();

		const reloaded = newGate(db);
		await reloaded.load();
		expect(reloaded.lockOf(KEY)).toMatchObject({ state: 'checking', clientOrderIds: ['perch1'] });
		const finds = venue.finds.length;
		venue.onFind = async (id) => order(id, 'filled', { size: '3', filledSize: '3' });
		reloaded.attach(target(venue, account));
		await waitUntil(async () => (await getClose(db, 'perch1'))?.state === 'confirmed', 'reconcile');
		expect(venue.finds.length).toBeGreaterThan(finds);
		expect(reloaded.isClosing(KEY)).toBe(false);
		expect(await listOpenCloses(db)).toEqual([]);
	});

	it('two tabs on one database cannot both send a close of one position (item 9)', async () => {
		const venue = new FakeVenue();
		const { db, gate, account, target: t } = await setup(venue);
		const otherTab = newGate(db);
		const t2 = target(venue, account);
		otherTab.attach(t2);
		let release!: () => void;
		venue.onSubmit = (req) =>
			new Promise((resolve) => {
				release = () => {
					gate.observeOrder(order(req.clientOrderId, 'filled'));
					resolve({ orderId: 'o-1', clientOrderId: req.clientOrderId });
				};
			});
		const confirmed = { plan: plan(position(), 0.25), fraction: 0.25 };
		const first = gate.close(t, confirmed);
		await waitUntil(() => venue.submits.length === 1, 'the first send');
		const second = await otherTab.close(t2, confirmed);
		expect(second).toMatchObject({ status: 'refused' });
		expect(second.status === 'refused' && second.reason).toContain('Another Perch tab');
		release();
		expect((await first).status).toBe('filled');
		expect(venue.submits).toHaveLength(1);
	});

	it('refuses when the account is not attached (locked)', async () => {
		const venue = new FakeVenue();
		const db = await openPerchDB('perch', new IDBFactory());
		const gate = newGate(db);
		const t = target(venue, { positions: [position()], probe: null, settled: 0 });
		const result = await gate.close(t, { plan: plan(position(), 1), fraction: 1 });
		expect(result).toEqual({ status: 'refused', reason: 'The account is locked.' });
		expect(venue.submits).toEqual([]);
	});

	it('closes a short with a buy', async () => {
		const venue = new FakeVenue();
		const short = position({ side: 'short', size: '3' });
		const { gate, target: t } = await setup(venue, [short]);
		venue.onSubmit = async (req) => {
			gate.observeOrder(order(req.clientOrderId, 'filled', { side: 'buy' }));
			return { orderId: 'o-1', clientOrderId: req.clientOrderId };
		};
		await gate.close(t, { plan: plan(short, 0.5), fraction: 0.5 });
		expect(venue.submits[0].req).toMatchObject({ positionSide: 'short', size: '1' });
	});
});
