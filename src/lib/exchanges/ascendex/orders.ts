/**
 * Closes over the socket (notes §3.8, §4.1): the exact `place-order`, cancel and cancel-all
 * frames, the client ids they carry, and the one rule that finds an order again without a query
 * by client id.
 */

import { compareDecimals } from '$lib/domain/decimal';
import type { CloseOrderRequest, Order } from '$lib/exchanges/types';

const PREFIX = 'perch';
const RANDOM_CHARS = 24;
const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
/** The largest multiple of 36 below 256: bytes at or above it are redrawn so each character is equally likely. */
const UNBIASED_LIMIT = 252;

/**
 * The docs allow `^\w[\w\-]*\w$`, up to 32 characters; the server order id ends with the id's
 * right-most 9, so those are random: `perch` + 24 base-36 characters (about 124 bits).
 */
export function newClientOrderId(): string {
	let id = PREFIX;
	while (id.length < PREFIX.length + RANDOM_CHARS) {
		for (const byte of globalThis.crypto.getRandomValues(new Uint8Array(RANDOM_CHARS))) {
			if (byte < UNBIASED_LIMIT && id.length < PREFIX.length + RANDOM_CHARS) {
				id += ALPHABET[byte % ALPHABET.length];
			}
		}
	}
	return id;
}

/** At least 9 letters or digits: shorter ids get a random server suffix and cannot be matched. */
export const CLIENT_ORDER_ID = /^[A-Za-z0-9]{9,32}$/;

/** What a close was: the fields an order found later must agree on. */
export interface OrderShape {
	symbol: string;
	side: 'buy' | 'sell';
	size: string;
	reduceOnly: boolean;
}

export function closeShape(req: CloseOrderRequest): OrderShape {
	return {
		symbol: req.symbol,
		side: req.positionSide === 'long' ? 'sell' : 'buy',
		size: req.size,
		reduceOnly: true
	};
}

export interface PlaceOrderFrame {
	op: 'req';
	action: 'place-order';
	ac: 'futures';
	id: string;
	args: {
		time: number;
		symbol: string;
		orderQty: string;
		orderType: 'market';
		side: 'buy' | 'sell';
		execInst: 'ReduceOnly';
		respInst: 'ACK';
	};
}

/**
 * The exact frame of a close: reduce-only market on the side opposite the position, for the size
 * the planner gave (already a whole number of lots: passed on as written, never rounded here).
 */
export function placeCloseFrame(req: CloseOrderRequest, time: number): PlaceOrderFrame {
	if (!CLIENT_ORDER_ID.test(req.clientOrderId)) {
		throw new Error(`The client order id ${req.clientOrderId} is not 9-32 letters or digits.`);
	}
	if (!/^\d+(\.\d+)?$/.test(req.size) || compareDecimals(req.size, '0') <= 0) {
		throw new Error(`The close size ${req.size} is not a positive decimal.`);
	}
	const shape = closeShape(req);
	return {
		op: 'req',
		action: 'place-order',
		ac: 'futures',
		id: req.clientOrderId,
		args: {
			time,
			symbol: req.symbol,
			orderQty: req.size,
			orderType: 'market',
			side: shape.side,
			execInst: 'ReduceOnly',
			respInst: 'ACK'
		}
	};
}

export function cancelOrderFrame(id: string, symbol: string, orderId: string, time: number) {
	return { op: 'req', action: 'cancel-order', ac: 'futures', id, args: { time, orderId, symbol } };
}

/** As the doc sample has it: no `time` in cancel-all's args. */
export function cancelAllFrame(id: string, symbol: string) {
	return { op: 'req', action: 'cancel-all', ac: 'futures', id, args: { symbol } };
}

/** The part of a client id the server copies into the end of its order id. */
export function orderIdSuffix(clientOrderId: string): string {
	return clientOrderId.slice(-9);
}

/**
 * The reconciliation rule: no query by client id exists, but the server order id ends with the
 * id's right-most 9 characters. An order counts only when that suffix and everything else the
 * close asked for agree; when the shape is not known, suffix and symbol must still agree.
 */
export function matchesClose(
	order: Order,
	clientOrderId: string,
	shape: OrderShape | Pick<OrderShape, 'symbol'>
): boolean {
	if (!order.orderId.endsWith(orderIdSuffix(clientOrderId))) return false;
	if (order.symbol !== shape.symbol) return false;
	if (!('side' in shape)) return true;
	return (
		order.side === shape.side &&
		order.reduceOnly === shape.reduceOnly &&
		compareDecimals(order.size, shape.size) === 0
	);
}
