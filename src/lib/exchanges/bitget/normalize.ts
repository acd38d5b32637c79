/**
 * Bitget V2 wire objects → the normalized model. Field names, side words and modes stop here.
 * Every function throws `WireFormatError` on a malformed object; callers decide how to report it.
 */

import {
	addDecimals,
	compareScaled,
	isDecimalString,
	parseDecimal,
	toDecimalString,
	type ScaledDecimal
} from '$lib/domain/decimal';
import type {
	Balance,
	FundingRatePoint,
	FundingState,
	Instrument,
	MarginMode,
	Order,
	OrderStatus,
	Position,
	PositionMode,
	PositionSide,
	Ticker,
	Trade,
	WireLevel
} from '$lib/exchanges/types';
import {
	WireFormatError,
	asArray,
	asObject,
	optDecimal,
	optNumber,
	optString,
	reqDecimal,
	reqNumber,
	reqString,
	type WireObject
} from '../bitmart/fields';

/** The one product line Perch trades: USDT-margined futures (notes §2). */
export const PRODUCT_TYPE = 'USDT-FUTURES';
export const DEFAULT_MARGIN_COIN = 'USDT';

/** `priceEndStep × 10^-pricePlace` (notes §2.1): pricePlace 1, priceEndStep 5 → "0.5". */
export function priceTickOf(pricePlace: string, priceEndStep: string): string {
	const places = wholeNumber(pricePlace, 'pricePlace');
	const step = wholeNumber(priceEndStep || '1', 'priceEndStep');
	return toDecimalString({ int: BigInt(step), scale: places });
}

/**
 * The order size step: `sizeMultiplier` ("order size must be a multiple"), never finer than the
 * `volumePlace` decimals the size may have.
 */
export function sizeStepOf(volumePlace: string, sizeMultiplier: string | undefined): string {
	const finest: ScaledDecimal = { int: 1n, scale: wholeNumber(volumePlace, 'volumePlace') };
	if (sizeMultiplier === undefined || !isDecimalString(sizeMultiplier)) {
		return toDecimalString(finest);
	}
	const multiplier = parseDecimal(sizeMultiplier);
	if (compareScaled(multiplier, finest) <= 0) return toDecimalString(finest);
	return toDecimalString(multiplier);
}

/** `GET /api/v2/mix/market/contracts` → one row. */
export function normalizeContract(wire: unknown): Instrument {
	const c = asObject(wire, 'contract');
	const base = reqString(c, 'baseCoin');
	const quote = reqString(c, 'quoteCoin');
	const sizeStep = sizeStepOf(reqString(c, 'volumePlace'), optString(c, 'sizeMultiplier'));
	const minTrade = optDecimal(c, 'minTradeNum');
	// The planner needs a minimum that is itself a whole number of steps.
	const minSize =
		minTrade !== undefined && compareScaled(parseDecimal(minTrade), parseDecimal(sizeStep)) > 0
			? toDecimalString(parseDecimal(minTrade))
			: sizeStep;
	const coins = Array.isArray(c.supportMarginCoins) ? c.supportMarginCoins : [];
	const settle = typeof coins[0] === 'string' ? coins[0] : quote;
	const status = optString(c, 'symbolStatus');
	const fundInterval = optNumber(c, 'fundInterval');
	return {
		venue: 'bitget',
		symbol: reqString(c, 'symbol'),
		base,
		quote,
		settle,
		// "size … Amount (base coin)": one contract is one unit of the base coin.
		contractSize: '1',
		priceTick: priceTickOf(reqString(c, 'pricePlace'), optString(c, 'priceEndStep') ?? '1'),
		sizeStep,
		minSize,
		maxSize: optDecimal(c, 'maxMarketOrderQty') ?? '',
		linear: true,
		fundingIntervalHours: fundInterval && fundInterval > 0 ? fundInterval : undefined,
		trading: status === 'normal' || status === 'online'
	};
}

/** WS `ticker` data: last, mark, index and the funding the ticker carries (notes §3.5). */
export function normalizeTicker(wire: unknown): { ticker: Ticker; funding?: FundingState } {
	const t = asObject(wire, 'ticker');
	const symbol = optString(t, 'instId') ?? reqString(t, 'symbol');
	const ts = optNumber(t, 'ts') ?? Date.now();
	const last = optString(t, 'lastPr') ?? reqString(t, 'last');
	const ticker: Ticker = {
		symbol,
		last,
		mark: optString(t, 'markPrice') ?? last,
		index: optString(t, 'indexPrice') ?? last,
		change24h: optString(t, 'change24h') ?? optString(t, 'priceChangePercent') ?? '0',
		high24h: optString(t, 'high24h'),
		low24h: optString(t, 'low24h'),
		volume24h: optString(t, 'baseVolume'),
		bid: optString(t, 'bidPr'),
		ask: optString(t, 'askPr'),
		ts
	};
	const rate = optString(t, 'fundingRate');
	const next = optNumber(t, 'nextFundingTime');
	if (rate === undefined || next === undefined) return { ticker };
	// The ticker's rate is the one for the period ending at nextFundingTime; Bitget sends no
	// separate settled rate on this channel, so both fields carry it.
	return { ticker, funding: { symbol, lastRate: rate, nextRate: rate, nextFundingTime: next, ts } };
}

/** `[price, size]` string pairs, kept as written: the checksum is computed over these strings. */
export function normalizeLevels(wire: unknown, what: string): WireLevel[] {
	return asArray(wire, what).map((row) => {
		const pair = asArray(row, `${what} level`);
		const price = pair[0];
		const size = pair[1];
		if (typeof price !== 'string' || typeof size !== 'string') {
			throw new WireFormatError(`${what} level is not a pair of strings`);
		}
		return { price, size };
	});
}

export function normalizeTrade(wire: unknown, symbol: string): Trade {
	const t = asObject(wire, 'trade');
	const side = reqString(t, 'side').toLowerCase();
	if (side !== 'buy' && side !== 'sell') throw new WireFormatError(`unknown trade side "${side}"`);
	return {
		symbol,
		price: reqString(t, 'price'),
		size: reqString(t, 'size'),
		side,
		ts: reqNumber(t, 'ts')
	};
}

/** `history-fund-rate` row. */
export function normalizeFundingPoint(wire: unknown): FundingRatePoint {
	const p = asObject(wire, 'funding rate');
	return { time: reqNumber(p, 'fundingTime'), rate: reqString(p, 'fundingRate') };
}

export function positionModeOf(posMode: string | undefined): PositionMode | undefined {
	if (posMode === 'hedge_mode') return 'hedge';
	if (posMode === 'one_way_mode') return 'one-way';
	return undefined;
}

export function marginModeOf(value: string | undefined): MarginMode | undefined {
	if (value === 'crossed' || value === 'cross') return 'cross';
	if (value === 'isolated' || value === 'fixed') return 'isolated';
	return undefined;
}

/** What the close body needs to know of a position besides the normalized row. */
export interface PositionExtras {
	marginCoin: string;
}

/**
 * A REST `all-position` row or a `positions` push row. In one-way mode `holdSide` still names
 * the direction held (long/short).
 */
export function normalizePosition(
	wire: unknown,
	accountId: string,
	fallbackMode: PositionMode,
	receivedAt: number
): { position: Position; extras: PositionExtras } {
	const p = asObject(wire, 'position');
	const side = holdSideOf(p);
	const mode = positionModeOf(optString(p, 'posMode')) ?? fallbackMode;
	const marginMode = marginModeOf(optString(p, 'marginMode'));
	if (!marginMode) throw new WireFormatError(`unknown marginMode "${optString(p, 'marginMode')}"`);
	const position: Position = {
		accountId,
		symbol: optString(p, 'symbol') ?? reqString(p, 'instId'),
		side,
		size: reqDecimal(p, 'total'),
		entryPrice: optDecimal(p, 'openPriceAvg') ?? '0',
		markPrice: optDecimal(p, 'markPrice'),
		liquidationPrice: optDecimal(p, 'liquidationPrice') ?? '0',
		margin: optDecimal(p, 'marginSize') ?? '0',
		leverage: optString(p, 'leverage') ?? '',
		marginMode,
		positionMode: mode,
		unrealizedPnl: optDecimal(p, 'unrealizedPL'),
		realizedPnl: optDecimal(p, 'achievedProfits'),
		updatedAt: optNumber(p, 'uTime') ?? optNumber(p, 'cTime') ?? receivedAt
	};
	return { position, extras: { marginCoin: optString(p, 'marginCoin') ?? DEFAULT_MARGIN_COIN } };
}

function holdSideOf(p: WireObject): PositionSide {
	const side = reqString(p, 'holdSide');
	if (side !== 'long' && side !== 'short') throw new WireFormatError(`unknown holdSide "${side}"`);
	return side;
}

/**
 * `accounts` row (REST). `positionMargin` is undefined when the row does not say it (only newer
 * revisions carry crossedMargin/isolatedMargin): the caller fills it from the positions.
 */
export function normalizeBalance(
	wire: unknown,
	accountId: string,
	receivedAt: number
): Omit<Balance, 'positionMargin'> & { positionMargin: string | undefined } {
	const a = asObject(wire, 'account');
	const crossed = optDecimal(a, 'crossedMargin');
	const isolated = optDecimal(a, 'isolatedMargin');
	return {
		accountId,
		asset: reqString(a, 'marginCoin'),
		equity: optDecimal(a, 'accountEquity') ?? reqDecimal(a, 'equity'),
		available: reqDecimal(a, 'available'),
		positionMargin:
			crossed !== undefined || isolated !== undefined
				? addDecimals(crossed ?? '0', isolated ?? '0')
				: undefined,
		frozen: optDecimal(a, 'locked') ?? optDecimal(a, 'frozen') ?? '0',
		unrealizedPnl: optDecimal(a, 'unrealizedPL') ?? '0',
		updatedAt: receivedAt
	};
}

/** The balance fields a push carries; absent ones stay as the snapshot had them. */
export function normalizeBalancePush(wire: unknown): Partial<Balance> & { asset: string } {
	const a = asObject(wire, 'account');
	const out: Partial<Balance> & { asset: string } = { asset: reqString(a, 'marginCoin') };
	const equity = optDecimal(a, 'equity') ?? optDecimal(a, 'accountEquity');
	if (equity !== undefined) out.equity = equity;
	const available = optDecimal(a, 'available');
	if (available !== undefined) out.available = available;
	const frozen = optDecimal(a, 'frozen') ?? optDecimal(a, 'locked');
	if (frozen !== undefined) out.frozen = frozen;
	const upl = optDecimal(a, 'unrealizedPL');
	if (upl !== undefined) out.unrealizedPnl = upl;
	return out;
}

const ORDER_STATUS: Record<string, OrderStatus> = {
	init: 'pending',
	new: 'open',
	live: 'open',
	partially_filled: 'partially-filled',
	filled: 'filled',
	canceled: 'canceled',
	cancelled: 'canceled'
};

/**
 * An order row: REST (`orders-pending`, `detail`) or an `orders` push. In hedge mode a close
 * names the position's side (closing a long is buy + close), so the neutral side is flipped back
 * to the trade's direction, as ccxt does.
 */
export function normalizeOrder(wire: unknown, accountId: string): Order {
	const o = asObject(wire, 'order');
	const rawSide = reqString(o, 'side');
	if (rawSide !== 'buy' && rawSide !== 'sell') {
		throw new WireFormatError(`unknown order side "${rawSide}"`);
	}
	const tradeSide = optString(o, 'tradeSide');
	const hedge = optString(o, 'posMode') === 'hedge_mode';
	const closing = tradeSide === 'close' || /^yes$/i.test(optString(o, 'reduceOnly') ?? '');
	const hedgeClose = hedge && tradeSide === 'close';
	const side = hedgeClose ? (rawSide === 'buy' ? 'sell' : 'buy') : rawSide;
	const statusText = reqString(o, 'status');
	const status = ORDER_STATUS[statusText];
	if (!status) throw new WireFormatError(`unknown order status "${statusText}"`);
	const typeText = optString(o, 'orderType');
	const created = optNumber(o, 'cTime') ?? 0;
	const clientOrderId = optString(o, 'clientOid') ?? optString(o, 'clientOId');
	const order: Order = {
		accountId,
		orderId: reqString(o, 'orderId'),
		symbol: optString(o, 'symbol') ?? reqString(o, 'instId'),
		side,
		reduceOnly: closing,
		type: typeText === 'market' ? 'market' : typeText === 'limit' ? 'limit' : 'other',
		price: optDecimal(o, 'price') ?? '0',
		size: reqDecimal(o, 'size'),
		filledSize: optDecimal(o, 'accBaseVolume') ?? optDecimal(o, 'baseVolume') ?? '0',
		avgFillPrice: optDecimal(o, 'priceAvg') ?? '0',
		status,
		createdAt: created,
		updatedAt: optNumber(o, 'uTime') ?? created
	};
	if (clientOrderId) order.clientOrderId = clientOrderId;
	const pnl = optDecimal(o, 'totalProfits');
	if (pnl !== undefined) order.realizedPnl = pnl;
	return order;
}

function wholeNumber(text: string, what: string): number {
	if (!/^\d{1,2}$/.test(text))
		throw new WireFormatError(`${what} "${text}" is not a small whole number`);
	return Number(text);
}
