import {
	isClosingSide,
	positionKey,
	type OpenType,
	type SimAccount,
	type SimFill,
	type SimOrder,
	type SimPosition,
	type SimSide
} from './accounts';
import { parseScaled } from './decimal';
import { ERRORS, SimRestError } from './errors';
import { takerFee } from './margin';
import type { SymbolMarket } from './market';
import { averageTicks, walkBook, type BookFill } from './matching';

/**
 * `submit-order` for one account: validation in the docs' terms, then either a resting limit
 * order (limit orders never match here) or a market order that walks the book.
 *
 * Side codes: 1 buy / open long, 4 sell / open short; 3 sells to close a long and 2 buys to close
 * a short in BOTH position modes (in one-way mode they are the reduce-only buy/sell and cannot
 * flip the position). In one-way mode a plain 1/4 against an opposite position reduces it first
 * and opens the rest on the other side.
 */

export interface SubmitOrderRequest {
	symbol?: unknown;
	client_order_id?: unknown;
	type?: unknown;
	side?: unknown;
	leverage?: unknown;
	open_type?: unknown;
	mode?: unknown;
	price?: unknown;
	size?: unknown;
}

const CLIENT_ORDER_ID_CHARS = /^[A-Za-z0-9]+$/;

/**
 * `checkedClientOrderId`: a client id another venue's codec has already validated (its own
 * character set and uniqueness rules); BitMart's rule is then skipped.
 */
export function submitOrder(
	account: SimAccount,
	body: SubmitOrderRequest,
	now: number,
	checkedClientOrderId?: string
): SimOrder {
	const market = typeof body.symbol === 'string' ? account.engine.get(body.symbol) : undefined;
	if (!market) throw new SimRestError(ERRORS.symbolNotExist);
	const symbol = market.instrument.symbol;
	const side = body.side;
	if (typeof side !== 'number' || ![1, 2, 3, 4].includes(side)) {
		throw new SimRestError(ERRORS.sideInvalid);
	}
	const type = body.type ?? 'limit';
	if (type !== 'limit' && type !== 'market') throw new SimRestError(ERRORS.typeInvalid);
	const size = body.size;
	if (typeof size !== 'number' || !Number.isInteger(size)) {
		throw new SimRestError(ERRORS.precisionInvalid);
	}
	if (size < 1 || size > market.instrument.maxVolume) throw new SimRestError(ERRORS.rangeInvalid);
	if (body.open_type !== undefined && body.open_type !== 'cross' && body.open_type !== 'isolated') {
		throw new SimRestError(ERRORS.openTypeInvalid);
	}
	const leverage = checkLeverage(body.leverage, market);
	const mode = body.mode ?? 1;
	if (typeof mode !== 'number' || ![1, 2, 3, 4].includes(mode)) {
		throw new SimRestError(ERRORS.parseParameter);
	}
	const clientOrderId = checkedClientOrderId ?? checkClientOrderId(account, body.client_order_id);
	const price = type === 'limit' ? checkLimitPrice(body.price, market) : '0';
	const reduces = reducedSide(account, side, symbol);
	const held = reduces ? (account.position(symbol, reduces)?.size ?? 0) : 0;
	if (isClosingSide(side)) {
		// Docs: open_type is "required at close position". A mismatch with the position's margin
		// mode is not documented as an error, so it is accepted.
		if (body.open_type === undefined) throw new SimRestError(ERRORS.openTypeInvalid);
		if (held === 0) throw new SimRestError(ERRORS.positionNotExist);
		if (size > held) throw new SimRestError(ERRORS.positionVolumeNotEnough);
	}
	const opens = isClosingSide(side) ? undefined : side === 1 ? 'long' : 'short';
	const existing = opens ? account.position(symbol, opens) : undefined;
	const order: SimOrder = {
		orderId: account.nextId(),
		clientOrderId,
		symbol,
		side,
		type,
		price,
		size,
		mode,
		leverage:
			leverage ??
			existing?.leverage ??
			(reduces && account.position(symbol, reduces)?.leverage) ??
			'10',
		openType: (body.open_type as OpenType | undefined) ?? existing?.openType ?? 'cross',
		state: 2,
		dealSize: 0,
		dealAvgPrice: 0,
		realized: 0,
		fee: 0,
		canceled: false,
		createdAt: now,
		updatedAt: now
	};
	const buy = side === 1 || side === 2;
	const fills =
		type === 'market' ? walkBook(buy ? market.sortedAsks() : market.sortedBids(), size) : [];
	if (opens) {
		const opening = Math.max(0, size - held);
		const refPrice = type === 'limit' ? Number(price) : market.priceOf(averageTicks(fills));
		const cs = Number(market.instrument.contractSize);
		const needed =
			(opening * cs * refPrice) / Number(existing?.leverage ?? order.leverage) +
			(type === 'market' ? takerFee(opening, cs, refPrice) : 0);
		if (opening > 0 && needed > account.available('USDT')) {
			throw new SimRestError(ERRORS.balanceNotEnough);
		}
	}
	account.orders.set(order.orderId, order);
	account.emit({ kind: 'order', action: 2, order });
	if (type === 'market') executeMarket(account, order, market, fills, now);
	else account.emit({ kind: 'asset', currency: 'USDT' });
	return order;
}

function checkLeverage(value: unknown, market: SymbolMarket): string | undefined {
	if (value === undefined) return undefined;
	if (typeof value !== 'string' || !/^\d+(\.\d+)?$/.test(value) || Number(value) < 1) {
		throw new SimRestError(ERRORS.leverageInvalid);
	}
	if (Number(value) > market.instrument.maxLeverage)
		throw new SimRestError(ERRORS.leverageTooLarge);
	return value;
}

/** Docs: letters and digits only, at most 32, and unique among the account's orders. */
function checkClientOrderId(account: SimAccount, value: unknown): string {
	if (value === undefined || value === '') return '';
	if (typeof value !== 'string' || !CLIENT_ORDER_ID_CHARS.test(value)) {
		throw new SimRestError(ERRORS.clientOrderIdChars);
	}
	if (value.length > 32) throw new SimRestError(ERRORS.clientOrderIdLength);
	for (const order of account.orders.values()) {
		if (order.clientOrderId === value) throw new SimRestError(ERRORS.clientOrderIdDuplicated);
	}
	return value;
}

function checkLimitPrice(value: unknown, market: SymbolMarket): string {
	if (typeof value !== 'string') throw new SimRestError(ERRORS.parseParameter);
	const ticks = parseScaled(value, market.decimals);
	if (ticks === undefined || ticks <= 0n) throw new SimRestError(ERRORS.precisionInvalid);
	return value;
}

/** The position an order of this side reduces (if held), by position mode. */
function reducedSide(account: SimAccount, side: number, symbol: string): SimSide | undefined {
	if (side === 2) return 'short';
	if (side === 3) return 'long';
	if (account.positionMode === 'hedge') return undefined;
	const opposite: SimSide = side === 1 ? 'short' : 'long';
	return account.position(symbol, opposite) ? opposite : undefined;
}

/** Fill a market order level by level, then book PnL and fees and tell the sockets. */
function executeMarket(
	account: SimAccount,
	order: SimOrder,
	market: SymbolMarket,
	fills: BookFill[],
	now: number
): void {
	const buy = order.side === 1 || order.side === 2;
	market.consume(buy ? 'asks' : 'bids', fills);
	const touched = new Set<SimPosition>();
	let reduced = false;
	fills.forEach((bookFill, i) => {
		const price = market.priceOf(bookFill.ticks);
		const cs = Number(market.instrument.contractSize);
		let left = bookFill.vol;
		let realised = 0;
		const reduces = reducedSide(account, order.side, order.symbol);
		const target = reduces ? account.position(order.symbol, reduces) : undefined;
		if (target) {
			const vol = Math.min(left, target.size);
			realised = closePart(account, target, vol, price, cs, now);
			touched.add(target);
			reduced = true;
			left -= vol;
		}
		if (left > 0 && !isClosingSide(order.side)) {
			touched.add(openPart(account, order, left, price, cs, now));
		}
		const fee = takerFee(bookFill.vol, cs, price);
		account.credit('USDT', -fee);
		order.fee += fee;
		order.realized += realised;
		order.dealAvgPrice =
			(order.dealAvgPrice * order.dealSize + price * bookFill.vol) /
			(order.dealSize + bookFill.vol);
		order.dealSize += bookFill.vol;
		order.updatedAt = now;
		if (i === fills.length - 1) order.state = 4;
		const fill: SimFill = {
			orderId: order.orderId,
			tradeId: account.nextId(),
			symbol: order.symbol,
			side: order.side,
			price: market.price(bookFill.ticks),
			vol: bookFill.vol,
			realised,
			fee,
			time: now
		};
		account.fills.push(fill);
		account.emit({ kind: 'order', action: 1, order, fill });
	});
	if (order.dealSize < order.size) {
		// The book ran out: the rest of a market order is canceled, as IOC.
		order.state = 4;
		order.canceled = true;
		account.emit({ kind: 'order', action: 3, order });
	}
	if (reduced) account.addLedger(now, 'Realized PNL', order.realized, order.symbol);
	if (order.fee > 0) account.addLedger(now, 'Commission Fee', -order.fee, order.symbol);
	for (const position of touched) {
		account.emit({ kind: 'position', position });
		if (position.size === 0) account.positions.delete(positionKey(position.symbol, position.side));
	}
	account.emit({ kind: 'asset', currency: 'USDT' });
}

/** Close `vol` contracts of a position at `price`; returns the realized PnL (before fees). */
function closePart(
	account: SimAccount,
	position: SimPosition,
	vol: number,
	price: number,
	cs: number,
	now: number
): number {
	const diff = (price - position.entryPrice) * vol * cs;
	const realised = position.side === 'long' ? diff : -diff;
	const released = (vol * cs * position.entryPrice) / Number(position.leverage);
	account.credit('USDT', released + realised);
	position.closeAvgPrice =
		(position.closeAvgPrice * position.closeVol + price * vol) / (position.closeVol + vol);
	position.closeVol += vol;
	position.size -= vol;
	position.realized += realised;
	position.fees += takerFee(vol, cs, price);
	position.updatedAt = now;
	return realised;
}

function openPart(
	account: SimAccount,
	order: SimOrder,
	vol: number,
	price: number,
	cs: number,
	now: number
): SimPosition {
	const side: SimSide = order.side === 1 ? 'long' : 'short';
	const key = positionKey(order.symbol, side);
	const position: SimPosition = account.positions.get(key) ?? {
		symbol: order.symbol,
		side,
		size: 0,
		entryPrice: price,
		leverage: order.leverage,
		openType: order.openType,
		realized: 0,
		fees: 0,
		closeVol: 0,
		closeAvgPrice: 0,
		createdAt: now,
		updatedAt: now
	};
	position.entryPrice = (position.entryPrice * position.size + price * vol) / (position.size + vol);
	position.size += vol;
	position.fees += takerFee(vol, cs, price);
	position.updatedAt = now;
	account.positions.set(key, position);
	account.credit('USDT', -(vol * cs * price) / Number(position.leverage));
	return position;
}
