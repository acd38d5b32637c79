/**
 * BitMart orders → the normalized `Order`, for REST rows (order detail, history, open orders) and
 * the private `futures/order` channel. Side codes and the two status schemes stop here.
 */

import type { Order, OrderStatus } from '$lib/exchanges/types';
import {
	WireFormatError,
	asObject,
	isObject,
	optDecimal,
	optNumber,
	optString,
	reqDecimal,
	reqString,
	toMillis
} from './fields';

/** REST `state`: 1 approval, 2 checked (resting), 4 finished (filled or canceled alike). */
const STATE_PENDING = 1;
const STATE_FINISHED = 4;

/** `futures/order` outer `action` codes (docs, "Order Channel"). */
const CANCEL_ACTIONS = new Set([3, 4, 5]); // cancel, liquidate cancel, adl cancel
const MATCH_ACTIONS = new Set([1, 8, 9]); // match deal, passive adl match, active adl match

interface FillFacts {
	state: number | undefined;
	size: string;
	filled: string;
}

/**
 * A finished REST order says neither "filled" nor "canceled": the fill amount tells them apart.
 * A partial fill that then finished was canceled for the rest.
 */
export function statusFromState(facts: FillFacts): OrderStatus {
	const full = isFull(facts);
	if (facts.state === STATE_FINISHED) return full ? 'filled' : 'canceled';
	if (full) return 'filled';
	if (facts.state === STATE_PENDING) return 'pending';
	return isZero(facts.filled) ? 'open' : 'partially-filled';
}

/** The channel's outer `action` says what just happened; `state` and the fills say the rest. */
export function statusFromAction(action: number | undefined, facts: FillFacts): OrderStatus {
	if (action !== undefined && CANCEL_ACTIONS.has(action)) return 'canceled';
	if (action !== undefined && MATCH_ACTIONS.has(action) && !isZero(facts.filled)) {
		return isFull(facts) ? 'filled' : 'partially-filled';
	}
	return statusFromState(facts);
}

/** One REST order row (order detail, order history, open orders). */
export function normalizeRestOrder(wire: unknown, accountId: string): Order {
	const o = asObject(wire, 'order');
	const base = orderBase(o, accountId);
	return { ...base, status: statusFromState(fillFacts(o, base)) };
}

/** One `futures/order` item: `{action, order}`. */
export function normalizeStreamOrder(wire: unknown, accountId: string): Order {
	const item = asObject(wire, 'order update');
	const o = asObject(item.order, 'order');
	const base = orderBase(o, accountId);
	const lastTrade = isObject(o.last_trade) ? o.last_trade : undefined;
	// Filled but no running average yet: the latest fill is the best fill price there is.
	if (isZero(base.avgFillPrice) && !isZero(base.filledSize) && lastTrade) {
		base.avgFillPrice = optDecimal(lastTrade, 'fillPrice') ?? base.avgFillPrice;
	}
	return { ...base, status: statusFromAction(optNumber(item, 'action'), fillFacts(o, base)) };
}

function orderBase(o: Record<string, unknown>, accountId: string): Omit<Order, 'status'> {
	const sideCode = optNumber(o, 'side');
	const side = SIDES[sideCode ?? 0];
	if (!side) throw new WireFormatError(`unknown order side "${String(o.side)}"`);
	const clientOrderId = optString(o, 'client_order_id');
	const type = optString(o, 'type');
	const createdAt = toMillis(optNumber(o, 'create_time') ?? 0);
	return {
		accountId,
		orderId: reqString(o, 'order_id'),
		clientOrderId: clientOrderId === '' ? undefined : clientOrderId,
		symbol: reqString(o, 'symbol'),
		side: side.side,
		reduceOnly: side.reduceOnly,
		type: type === 'market' || type === 'limit' ? type : 'other',
		price: optDecimal(o, 'price') ?? '0',
		size: reqDecimal(o, 'size'),
		filledSize: optDecimal(o, 'deal_size') ?? '0',
		avgFillPrice: optDecimal(o, 'deal_avg_price') ?? '0',
		createdAt,
		updatedAt: toMillis(optNumber(o, 'update_time') ?? createdAt)
	};
}

/** Codes 2 and 3 close in hedge mode and are reduce-only in one-way mode: both reduce. */
const SIDES: Record<number, { side: 'buy' | 'sell'; reduceOnly: boolean }> = {
	1: { side: 'buy', reduceOnly: false },
	2: { side: 'buy', reduceOnly: true },
	3: { side: 'sell', reduceOnly: true },
	4: { side: 'sell', reduceOnly: false }
};

function fillFacts(o: Record<string, unknown>, base: Omit<Order, 'status'>): FillFacts {
	return { state: optNumber(o, 'state'), size: base.size, filled: base.filledSize };
}

function isFull(facts: FillFacts): boolean {
	return !isZero(facts.size) && canonicalDecimal(facts.size) === canonicalDecimal(facts.filled);
}

function isZero(value: string): boolean {
	return canonicalDecimal(value) === '0';
}

/** "010.50" → "10.5", "0.000" → "0": equal decimals compare equal as text, no floats involved. */
function canonicalDecimal(value: string): string {
	const match = /^\s*(\d*)(?:\.(\d*))?\s*$/.exec(value);
	if (!match) return value;
	const whole = match[1].replace(/^0+/, '') || '0';
	const fraction = (match[2] ?? '').replace(/0+$/, '');
	return fraction ? `${whole}.${fraction}` : whole;
}
