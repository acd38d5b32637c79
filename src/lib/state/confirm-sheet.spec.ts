import { describe, expect, it } from 'vitest';
import { describeClose, planClose, sizeText, type ClosePlan } from '$lib/domain/close-planner';
import { CONTRACT_RULES } from '$lib/testing/fixtures';
import type { Instrument, Order, Position, PositionSide } from '$lib/exchanges/types';
import type { AccountSession, ClosePreview } from './account-session.svelte';
import { sheetFor, type PendingAction, type SheetSource } from './confirm-sheet';
import { positionKey } from './order-gate';

const INSTRUMENT = {
	venue: 'demo',
	symbol: 'BTCUSDT',
	base: 'BTC',
	quote: 'USDT',
	settle: 'USDT',
	contractSize: '0.001',
	priceTick: '0.1',
	sizeStep: '1',
	minSize: '1',
	maxSize: '100000',
	linear: true,
	trading: true
} satisfies Instrument;

function position(size: string): Position {
	return {
		accountId: 'acc-1',
		symbol: 'BTCUSDT',
		side: 'long',
		size,
		entryPrice: '60000',
		liquidationPrice: '50000',
		margin: '72',
		leverage: '10',
		marginMode: 'cross',
		positionMode: 'hedge',
		updatedAt: 0
	};
}

/** A live account the test moves by hand; previews are planned by the real close planner. */
class LiveAccount implements SheetSource {
	positions: Position[] = [position('12')];
	orders: Pick<Order, 'orderId' | 'side' | 'size' | 'symbol' | 'price'>[] = [];
	sent: { plan: ClosePlan; fraction: number; override: boolean }[] = [];

	previewClose(_id: string, symbol: string, side: PositionSide, fraction: number): ClosePreview {
		const p = this.positions.find((x) => x.symbol === symbol && x.side === side);
		if (!p) return { ok: false, reason: `The ${symbol} ${side} position is no longer open.` };
		const planned = planClose({
			position: p,
			instrument: INSTRUMENT,
			fraction,
			rules: CONTRACT_RULES
		});
		if (!planned.ok) return planned;
		const sentence = describeClose(planned.order, { accountLabel: 'Main', rules: CONTRACT_RULES });
		return {
			ok: true,
			plan: planned.order,
			sentence,
			position: p,
			positionSize: sizeText(p.size, CONTRACT_RULES, 'BTC')
		};
	}
	previewCloseAll(ids: string[]) {
		return this.positions.map((p) => ({
			accountId: ids[0],
			accountLabel: 'Main',
			key: positionKey(p),
			preview: this.previewClose(ids[0], p.symbol, p.side, 1)
		}));
	}
	session(id: string) {
		return { identity: { id, label: 'Main' }, orders: this.orders } as unknown as AccountSession;
	}
	async closePosition(_id: string, plan: ClosePlan, fraction: number, override = false) {
		this.sent.push({ plan, fraction, override });
		return { status: 'refused' as const, reason: 'test' };
	}
	async closeListed() {
		return [];
	}
	async cancelAll() {}
}

const HALF = {
	kind: 'close',
	accountId: 'acc-1',
	symbol: 'BTCUSDT',
	side: 'long',
	fraction: 0.5,
	override: false
} as const;

describe('sheetFor', () => {
	it('changes its version when the live position changes what would be sent', () => {
		const live = new LiveAccount();
		const before = sheetFor(HALF, live);
		expect(before).toMatchObject({ blocked: false, version: 'sell:6:cross' });
		live.positions = [position('20')];
		expect(sheetFor(HALF, live).version).toBe('sell:10:cross');
	});

	it('sends the plan of the sheet that was confirmed, not the position as it is later', async () => {
		const live = new LiveAccount();
		const confirmed = sheetFor(HALF, live);
		live.positions = [position('20')];
		await confirmed.run();
		expect(live.sent).toHaveLength(1);
		expect(live.sent[0]).toMatchObject({ plan: { size: '6', side: 'sell' }, fraction: 0.5 });
	});

	it('is blocked, with the reason, when the position is gone', async () => {
		const live = new LiveAccount();
		live.positions = [];
		const sheet = sheetFor(HALF, live);
		expect(sheet).toMatchObject({
			blocked: true,
			sentence: 'The BTCUSDT long position is no longer open.'
		});
		await sheet.run();
		expect(live.sent).toEqual([]);
	});

	it('lists every close of a close-all and is blocked when there is none', () => {
		const live = new LiveAccount();
		const p: PendingAction = {
			kind: 'close-all',
			accountIds: ['acc-1'],
			title: 'Close all',
			confirmLabel: 'Hold'
		};
		const sheet = sheetFor(p, live);
		expect(sheet.details).toEqual(['Sell 12 BTCUSDT']);
		expect(sheet.version).toBe('acc-1:BTCUSDT:long:sell:12');
		live.positions = [];
		expect(sheetFor(p, live)).toMatchObject({
			blocked: true,
			version: ''
		});
	});
});
