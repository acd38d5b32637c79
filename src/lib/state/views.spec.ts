import { describe, expect, it } from 'vitest';
import type { Position } from '$lib/exchanges/types';
import { instrument, position } from '$lib/testing/fixtures';
import { positionView } from './views';

const btc = instrument();

/** A larger long than the shared fixture: 120 contracts on 720 margin, liquidating at 54,000. */
function pos(over: Partial<Position>): Position {
	return position({
		accountId: 'a1',
		size: '120',
		liquidationPrice: '54000',
		margin: '720',
		updatedAt: 1000,
		...over
	});
}

describe('positionView', () => {
	it('keeps the decimals of a fractional size, so the card never rounds it', () => {
		const ctx = {
			accountLabel: 'B',
			sizeUnit: 'base' as const,
			instrument: btc,
			mark: undefined,
			funding: undefined
		};
		const view = (size: string) =>
			positionView(pos({ size }), { ...ctx, closing: false, now: 0 }).sizeDecimals;
		expect(view('1.5')).toBe(1);
		expect(view('0.025')).toBe(3);
		expect(view('12')).toBe(0);
		expect(view('1.50')).toBe(1);
	});

	it('computes uPnL, ROE and liquidation distance from the live mark', () => {
		const v = positionView(pos({}), {
			accountLabel: 'Main',
			sizeUnit: 'contracts',
			instrument: btc,
			mark: { price: '61500', at: 9000 },
			funding: {
				symbol: 'BTCUSDT',
				lastRate: '0.0001',
				nextRate: '0.0002',
				nextFundingTime: 0,
				ts: 0
			},
			closing: false,
			now: 10000
		});
		// qty = 120 × 0.001 = 0.12 BTC; uPnL = (61500 − 60000) × 0.12 = 180; ROE = 180 / 720 = 0.25
		expect(v.baseQuantity).toBe('0.12 BTC');
		expect(v.sizeUnit).toBe('cont.');
		expect(v.unrealizedPnl).toBeCloseTo(180, 9);
		expect(v.roe).toBeCloseTo(0.25, 9);
		// (61500 − 54000) / 61500
		expect(v.liquidationDistance).toBeCloseTo(7500 / 61500, 9);
		// a long pays 0.12 × 61500 × 0.0002 = 1.476
		expect(v.nextFunding).toBeCloseTo(-1.476, 9);
		expect(v.markAgeMs).toBe(1000);
		expect(v.key).toBe('a1:BTCUSDT:long');
	});

	it('shows a base-coin size once, with the coin as its unit', () => {
		const v = positionView(pos({ size: '0.12' }), {
			accountLabel: 'Main',
			sizeUnit: 'base',
			instrument: { ...btc, contractSize: '1', sizeStep: '0.001' },
			mark: { price: '61500', at: 9000 },
			funding: undefined,
			closing: false,
			now: 10000
		});
		expect(v.size).toBe('0.12');
		expect(v.sizeUnit).toBe('BTC');
		expect(v.baseQuantity).toBeNull();
		// the same 0.12 BTC as the contract case above: (61500 − 60000) × 0.12 = 180
		expect(v.unrealizedPnl).toBeCloseTo(180, 9);
	});

	it('mirrors the signs for a short', () => {
		const v = positionView(pos({ side: 'short', liquidationPrice: '66000' }), {
			accountLabel: 'Main',
			sizeUnit: 'contracts',
			instrument: btc,
			mark: { price: '61500', at: 0 },
			funding: undefined,
			closing: true,
			now: 0
		});
		expect(v.unrealizedPnl).toBeCloseTo(-180, 9);
		expect(v.roe).toBeCloseTo(-0.25, 9);
		expect(v.liquidationDistance).toBeCloseTo(4500 / 61500, 9);
		expect(v.nextFunding).toBeNull();
		expect(v.closing).toBe(true);
	});

	it('shows nothing it cannot vouch for when the mark or contract size is unknown', () => {
		const v = positionView(pos({ liquidationPrice: '0' }), {
			accountLabel: 'Main',
			sizeUnit: 'contracts',
			instrument: undefined,
			mark: undefined,
			funding: undefined,
			closing: false,
			now: 0
		});
		expect(v.unrealizedPnl).toBeNull();
		expect(v.roe).toBeNull();
		expect(v.liquidationPrice).toBeNull();
		expect(v.liquidationDistance).toBeNull();
		expect(v.markAgeMs).toBeNull();
	});
});
