/**
 * Test fixtures: one BTCUSDT contract, position and close order that specs start from, so a spec
 * spells out only the fields its assertions depend on. Imported by specs and tools, never by the
 * app.
 *
 * The defaults agree with each other: a 12-contract long at 60,000 on a 0.001 BTC contract, closed
 * by a filled reduce-only market sell of all 12 at 61,000.
 */
import type { SizeRules } from '$lib/domain/close-planner';
import type { Instrument, Order, Position } from '$lib/exchanges/types';

/** A BTCUSDT linear perpetual: 0.001 BTC a contract, 0.1 tick, whole-contract steps. */
export function instrument(over: Partial<Instrument> = {}): Instrument {
	return {
		venue: 'demo',
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
		trading: true,
		...over
	};
}

/** A 12-contract cross long in hedge mode on account `acc-1`. */
export function position(over: Partial<Position> = {}): Position {
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

/** The order that closes `position()`: a reduce-only market sell of 12, filled at 61,000. */
export function order(over: Partial<Order> = {}): Order {
	return {
		accountId: 'acc-1',
		orderId: 'o-1',
		symbol: 'BTCUSDT',
		side: 'sell',
		reduceOnly: true,
		type: 'market',
		price: '0',
		size: '12',
		filledSize: '12',
		avgFillPrice: '61000',
		status: 'filled',
		createdAt: 0,
		updatedAt: 0,
		...over
	};
}

/** A venue sized in whole contracts that rounds a partial close to the nearest step. */
export const CONTRACT_RULES: SizeRules = { unit: 'contracts', rounding: 'nearest' };
/** A venue sized in the base coin that rounds a partial close down to the step. */
export const BASE_RULES: SizeRules = { unit: 'base', rounding: 'down' };
