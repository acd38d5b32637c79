import { describe, expect, it } from 'vitest';
import { planClose } from '$lib/domain/close-planner';
import { compareDecimals, floorToStep } from '$lib/domain/decimal';
import type { CloseOrderRequest } from '$lib/exchanges/types';
import { sizeRulesOf } from '$lib/exchanges/registry';
import { order, position } from '$lib/testing/fixtures';
import { normalizeContract } from './normalize';
import {
	cancelAllFrame,
	cancelOrderFrame,
	CLIENT_ORDER_ID,
	matchesClose,
	newClientOrderId,
	placeCloseFrame
} from './orders';

const ID = 'perch0123456789abcdefghijklm';

function request(over: Partial<CloseOrderRequest> = {}): CloseOrderRequest {
	return {
		symbol: 'BTC-PERP',
		positionSide: 'long',
		size: '0.037',
		marginMode: 'cross',
		positionMode: 'one-way',
		clientOrderId: ID,
		...over
	};
}

describe('AscendEX close frames', () => {
	it('is a reduce-only market order on the opposite side, id = the client order id', () => {
		expect(placeCloseFrame(request(), 1613753879921)).toEqual({
			op: 'req',
			action: 'place-order',
			ac: 'futures',
			id: ID,
			args: {
				time: 1613753879921,
				symbol: 'BTC-PERP',
				orderQty: '0.037',
				orderType: 'market',
				side: 'sell',
				execInst: 'ReduceOnly',
				respInst: 'ACK'
			}
		});
		expect(placeCloseFrame(request({ positionSide: 'short' }), 1).args.side).toBe('buy');
	});

	it('refuses ids the venue could not match again and sizes that are not positive decimals', () => {
		expect(() => placeCloseFrame(request({ clientOrderId: 'short1' }), 1)).toThrow(/9-32/);
		expect(() => placeCloseFrame(request({ size: '0' }), 1)).toThrow(/positive/);
		expect(() => placeCloseFrame(request({ size: '1e-3' }), 1)).toThrow(/positive/);
	});

	it('cancels one order and all orders with the documented frames', () => {
		expect(cancelOrderFrame('c1', 'BTC-PERP', 's177', 5)).toEqual({
			op: 'req',
			action: 'cancel-order',
			ac: 'futures',
			id: 'c1',
			args: { time: 5, orderId: 's177', symbol: 'BTC-PERP' }
		});
		expect(cancelAllFrame('c2', 'BTC-PERP')).toEqual({
			op: 'req',
			action: 'cancel-all',
			ac: 'futures',
			id: 'c2',
			args: { symbol: 'BTC-PERP' }
		});
	});

	it('makes fresh ids of 9 or more letters and digits', () => {
		const ids = new Set(Array.from({ length: 50 }, () => newClientOrderId()));
		expect(ids.size).toBe(50);
		for (const id of ids) expect(id).toMatch(CLIENT_ORDER_ID);
	});
});

describe('AscendEX reconciliation match rule', () => {
	const shape = { symbol: 'BTC-PERP', side: 'sell' as const, size: '0.037', reduceOnly: true };
	const found = order({
		orderId: `s176a0b1c2d3U1234567${ID.slice(-9)}`,
		symbol: 'BTC-PERP',
		side: 'sell',
		size: '0.0370',
		reduceOnly: true
	});

	it('matches the right-most 9 characters of the id with the same symbol, side, size and reduce-only', () => {
		expect(matchesClose(found, ID, shape)).toBe(true);
	});

	it.each([
		['another suffix', { orderId: `s176a0b1c2d3U1234567${'x'.repeat(9)}` }],
		['another symbol', { symbol: 'ETH-PERP' }],
		['another side', { side: 'buy' as const }],
		['another size', { size: '0.036' }],
		['not reduce-only', { reduceOnly: false }]
	])('does not match %s', (_what, change) => {
		expect(matchesClose({ ...found, ...change }, ID, shape)).toBe(false);
	});
});

describe('AscendEX lot sizes reach the planner', () => {
	const contract = normalizeContract({
		symbol: 'BTC-PERP',
		status: 'Normal',
		displayName: 'BTCUSDT',
		settlementAsset: 'USDT',
		underlying: 'BTC/USDT',
		priceFilter: { minPrice: '1', maxPrice: '1000000', tickSize: '0.25' },
		lotSizeFilter: { minQty: '0.002', maxQty: '100', lotSize: '0.001' }
	});

	it('reads tick, lot, minimum and contract size 1', () => {
		expect(contract).toMatchObject({
			symbol: 'BTC-PERP',
			base: 'BTC',
			quote: 'USDT',
			settle: 'USDT',
			contractSize: '1',
			priceTick: '0.25',
			sizeStep: '0.001',
			minSize: '0.002',
			maxSize: '100',
			trading: true
		});
	});

	it('plans partial closes in whole lots, never above the exact share', () => {
		const pos = position({ symbol: 'BTC-PERP', side: 'long', size: '0.037' });
		const rules = sizeRulesOf('ascendex');
		// 0.037 × f rounded down to the 0.001 lot: 0.00925, 0.0185, 0.02775, 0.0333
		const expected: Record<number, string> = {
			0.25: '0.009',
			0.5: '0.018',
			0.75: '0.027',
			0.9: '0.033'
		};
		for (const fraction of [0.25, 0.5, 0.75, 0.9]) {
			const plan = planClose({ position: pos, instrument: contract, fraction, rules });
			expect(plan.ok).toBe(true);
			if (!plan.ok) continue;
			expect(plan.order.size).toBe(expected[fraction]);
			expect(floorToStep(plan.order.size, '0.001')).toBe(plan.order.size);
			expect(compareDecimals(plan.order.size, '0.037')).toBeLessThan(0);
			expect(placeCloseFrame(request({ size: plan.order.size }), 1).args.orderQty).toBe(
				plan.order.size
			);
		}
		const full = planClose({ position: pos, instrument: contract, fraction: 1, rules });
		expect(full.ok && full.order.size).toBe('0.037');
	});
});
