/**
 * AscendEX wire shapes (notes §2–4) into the normalized model. Contract size is 1: sizes are in
 * the base asset. Positions are net and signed; the side is read from the sign.
 */

import { addDecimals } from '$lib/domain/decimal';
import type {
	Balance,
	BookMessage,
	FundingState,
	Instrument,
	Order,
	OrderStatus,
	Position,
	Trade,
	WireLevel
} from '$lib/exchanges/types';
import {
	WireFormatError,
	absDecimal,
	asArray,
	asObject,
	isNegative,
	isObject,
	isZero,
	optDecimal,
	optNumber,
	optString,
	reqDecimal,
	reqNumber,
	reqString,
	type WireObject
} from './fields';

/** One row of `GET /api/pro/v2/futures/contract`. */
export function normalizeContract(raw: unknown): Instrument {
	const c = asObject(raw, 'contract');
	const symbol = reqString(c, 'symbol');
	const price = asObject(c.priceFilter, `${symbol} priceFilter`);
	const lot = asObject(c.lotSizeFilter, `${symbol} lotSizeFilter`);
	const underlying = optString(c, 'underlying') ?? '';
	const [base, quote] = underlying.includes('/')
		? underlying.split('/')
		: [symbol.replace(/-PERP$/, ''), 'USDT'];
	const settle = optString(c, 'settlementAsset') ?? quote;
	return {
		venue: 'ascendex',
		symbol,
		base,
		quote,
		settle,
		contractSize: '1',
		priceTick: reqDecimal(price, 'tickSize'),
		sizeStep: reqDecimal(lot, 'lotSize'),
		minSize: optDecimal(lot, 'minQty') ?? reqDecimal(lot, 'lotSize'),
		maxSize: optDecimal(lot, 'maxQty') ?? '0',
		linear: true,
		trading: (optString(c, 'status') ?? 'Normal') === 'Normal'
	};
}

function levels(value: unknown, what: string): WireLevel[] {
	return asArray(value ?? [], what).map((row, i) => {
		const pair = asArray(row, `${what}[${i}]`);
		const [price, size] = pair.map((v) => (typeof v === 'number' ? String(v) : v));
		if (typeof price !== 'string' || typeof size !== 'string') {
			throw new WireFormatError(`${what}[${i}] is not a [price, size] pair`);
		}
		return { price, size };
	});
}

/** `depth` push (update) or `depth-snapshot` (REST `v1/depth` data, or WS reply). */
export function normalizeDepth(msg: WireObject, kind: 'snapshot' | 'update'): BookMessage {
	const symbol = reqString(msg, 'symbol');
	const data = asObject(msg.data, `${symbol} depth data`);
	return {
		kind,
		symbol,
		version: reqNumber(data, 'seqnum'),
		bids: levels(data.bids, 'bids'),
		asks: levels(data.asks, 'asks'),
		ts: optNumber(data, 'ts') ?? 0
	};
}

export interface Bbo {
	symbol: string;
	bid?: string;
	ask?: string;
	ts: number;
}

export function normalizeBbo(msg: WireObject): Bbo {
	const symbol = reqString(msg, 'symbol');
	const data = asObject(msg.data, 'bbo data');
	const first = (v: unknown) => (Array.isArray(v) && v.length > 0 ? String(v[0]) : undefined);
	return { symbol, bid: first(data.bid), ask: first(data.ask), ts: optNumber(data, 'ts') ?? 0 };
}

export function normalizeTrades(msg: WireObject): Trade[] {
	const symbol = reqString(msg, 'symbol');
	return asArray(msg.data, 'trades').map((row) => {
		const t = asObject(row, 'trade');
		return {
			symbol,
			price: reqDecimal(t, 'p'),
			size: reqDecimal(t, 'q'),
			// bm: the buyer was the maker, so the taker sold.
			side: t.bm === true ? 'sell' : 'buy',
			ts: reqNumber(t, 'ts')
		};
	});
}

export interface PricingRow {
	symbol: string;
	mark: string;
	index: string;
	rate: string;
	openInterest?: string;
	nextFundingTime: number;
	ts: number;
}

/** `futures-pricing-data` (or its `-batch` name): one row per contract in `con`. */
export function normalizePricing(msg: WireObject): PricingRow[] {
	return asArray(msg.con ?? [], 'con').map((row) => {
		const c = asObject(row, 'pricing row');
		return {
			symbol: reqString(c, 's'),
			mark: reqDecimal(c, 'mp'),
			index: reqDecimal(c, 'ip'),
			rate: reqDecimal(c, 'r'),
			openInterest: optDecimal(c, 'oi'),
			nextFundingTime: reqNumber(c, 'f'),
			ts: reqNumber(c, 't')
		};
	});
}

export function fundingOf(row: PricingRow): FundingState {
	// The stream carries one rate: the one the next settlement will use.
	return {
		symbol: row.symbol,
		lastRate: row.rate,
		nextRate: row.rate,
		nextFundingTime: row.nextFundingTime,
		ts: row.ts
	};
}

/**
 * A `pos` entry of the account snapshot or update. A flat position names no side: both sides
 * are reported closed so whichever the app holds is removed.
 */
export function normalizePositions(
	raw: unknown,
	accountId: string,
	now: number
): (Partial<Position> & { symbol: string; side: Position['side']; size: string })[] {
	const p = asObject(raw, 'position');
	const symbol = reqString(p, 's');
	const signed = reqDecimal(p, 'pos');
	if (isZero(signed)) {
		return (['long', 'short'] as const).map((side) => ({ accountId, symbol, side, size: '0' }));
	}
	const isolated = optString(p, 'mt') === 'isolated';
	return [
		{
			accountId,
			symbol,
			side: isNegative(signed) ? 'short' : 'long',
			size: absDecimal(signed),
			entryPrice: optDecimal(p, 'aop') ?? '0',
			// Not on the wire: the notes give the formula, the app shows none rather than a guess.
			liquidationPrice: '',
			// A cross position has no margin of its own on the wire: none shown, not a false 0.
			margin: isolated ? (optDecimal(p, 'iw') ?? '') : '',
			leverage: optDecimal(p, 'lev') ?? '',
			marginMode: isolated ? 'isolated' : 'cross',
			positionMode: 'one-way',
			unrealizedPnl: optDecimal(p, 'up'),
			realizedPnl: optDecimal(p, 'rp'),
			updatedAt: now
		}
	];
}

/**
 * The `col` entries: collateral balances. AscendEX's stream gives the balance only; equity adds
 * the positions' unrealized PnL for the settlement asset.
 */
export function normalizeBalances(
	col: unknown,
	pos: unknown,
	accountId: string,
	now: number
): Balance[] {
	let upnl = '0';
	let margin = '0';
	for (const row of asArray(pos ?? [], 'pos')) {
		if (!isObject(row)) continue;
		upnl = addDecimals(upnl, optDecimal(row, 'up') ?? '0');
		if (optString(row, 'mt') === 'isolated')
			margin = addDecimals(margin, optDecimal(row, 'iw') ?? '0');
	}
	return asArray(col ?? [], 'col').map((row) => {
		const c = asObject(row, 'collateral');
		const asset = reqString(c, 'a');
		const balance = reqDecimal(c, 'b');
		const settle = asset === 'USDT';
		return {
			accountId,
			asset,
			equity: settle ? addDecimals(balance, upnl) : balance,
			available: balance,
			positionMargin: settle ? margin : '0',
			frozen: '0',
			unrealizedPnl: settle ? upnl : '0',
			updatedAt: now
		};
	});
}

const STATUS: Record<string, OrderStatus> = {
	pendingnew: 'pending',
	new: 'open',
	partiallyfilled: 'partially-filled',
	filled: 'filled',
	canceled: 'canceled',
	cancelled: 'canceled',
	rejected: 'rejected'
};

function orderStatus(value: string): OrderStatus {
	const status = STATUS[value.toLowerCase()];
	if (!status) throw new WireFormatError(`unknown order status "${value}"`);
	return status;
}

function orderType(value: string | undefined): Order['type'] {
	const v = (value ?? '').toLowerCase();
	return v === 'market' ? 'market' : v === 'limit' ? 'limit' : 'other';
}

function orderSide(value: string): Order['side'] {
	const v = value.toLowerCase();
	if (v !== 'buy' && v !== 'sell') throw new WireFormatError(`unknown side "${value}"`);
	return v;
}

export function isReduceOnly(execInst: string | undefined): boolean {
	return (execInst ?? '').toLowerCase().includes('reduceonly');
}

/** A `futures-order` push (short keys). */
export function normalizeStreamOrder(msg: WireObject, accountId: string): Order {
	const t = optNumber(msg, 't') ?? 0;
	return {
		accountId,
		orderId: reqString(msg, 'orderId'),
		symbol: reqString(msg, 's'),
		side: orderSide(reqString(msg, 'sd')),
		reduceOnly: isReduceOnly(optString(msg, 'ei')),
		type: orderType(optString(msg, 'ot')),
		price: optDecimal(msg, 'p') ?? '0',
		size: reqDecimal(msg, 'q'),
		filledSize: optDecimal(msg, 'cfq') ?? '0',
		avgFillPrice: optDecimal(msg, 'ap') ?? '0',
		status: orderStatus(reqString(msg, 'st')),
		createdAt: optNumber(msg, 'ct') ?? t,
		updatedAt: t
	};
}

/** An order object of the REST lists and the WS `futures-open-orders` reply (long keys). */
export function normalizeRestOrder(raw: unknown, accountId: string): Order {
	const o = asObject(raw, 'order');
	const time = optNumber(o, 'time') ?? optNumber(o, 'createTime') ?? 0;
	return {
		accountId,
		orderId: reqString(o, 'orderId'),
		symbol: reqString(o, 'symbol'),
		side: orderSide(reqString(o, 'side')),
		reduceOnly: isReduceOnly(optString(o, 'execInst')),
		type: orderType(optString(o, 'orderType')),
		price: optDecimal(o, 'price') ?? '0',
		size: reqDecimal(o, 'orderQty'),
		filledSize: optDecimal(o, 'cumFilledQty') ?? optDecimal(o, 'fillQty') ?? '0',
		avgFillPrice: optDecimal(o, 'avgFilledPx') ?? optDecimal(o, 'avgFillPrice') ?? '0',
		status: orderStatus(reqString(o, 'status')),
		createdAt: time,
		updatedAt: optNumber(o, 'lastExecTime') ?? time
	};
}
