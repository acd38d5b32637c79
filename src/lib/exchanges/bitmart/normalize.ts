/**
 * BitMart wire objects → the normalized model. Field names, side codes and time units stop here.
 * Every function throws `WireFormatError` on a malformed object; callers decide how to report it.
 */

import type {
	BookSnapshot,
	BookUpdate,
	Candle,
	FundingRatePoint,
	FundingState,
	Instrument,
	Ticker,
	Trade,
	VenueId,
	WireLevel
} from '$lib/exchanges/types';
import { divideDecimal } from './decimal';
import {
	WireFormatError,
	asArray,
	asObject,
	optNumber,
	optString,
	reqNumber,
	reqString,
	toMillis
} from './fields';

/** `GET /contract/public/details` → one row of `data.symbols`. */
export function normalizeContract(wire: unknown, venue: VenueId = 'bitmart'): Instrument {
	const c = asObject(wire, 'contract');
	const base = reqString(c, 'base_currency');
	const quote = reqString(c, 'quote_currency');
	// ccxt labels every contract linear/USDT; BitMart also lists coin-margined (…USD) and USDC ones.
	const coinMargined = quote === 'USD';
	return {
		venue,
		symbol: reqString(c, 'symbol'),
		base,
		quote,
		settle: coinMargined ? base : quote,
		contractSize: reqString(c, 'contract_size'),
		priceTick: reqString(c, 'price_precision'),
		// The docs' example says vol_precision, their field table volume_precision.
		sizeStep: optString(c, 'vol_precision') ?? reqString(c, 'volume_precision'),
		minSize: reqString(c, 'min_volume'),
		maxSize: reqString(c, 'max_volume'),
		linear: quote === 'USDT',
		fundingIntervalHours: optNumber(c, 'funding_interval_hours'),
		trading: optString(c, 'status') === 'Trading',
		turnover24h: optString(c, 'turnover_24h'),
		lastPrice: optString(c, 'last_price')
	};
}

/** WS `futures/ticker:<symbol>` data. The frame has no timestamp, so the receive time is used. */
export function normalizeTicker(wire: unknown, receivedAt: number): Ticker {
	const t = asObject(wire, 'ticker');
	return {
		symbol: reqString(t, 'symbol'),
		last: reqString(t, 'last_price'),
		mark: reqString(t, 'mark_price'),
		index: reqString(t, 'index_price'),
		// "range" is the fractional 24h change: 0.00166 while the price moved about 0.17 %.
		change24h: optString(t, 'range') ?? '0',
		volume24h: optString(t, 'volume_24'),
		bid: optString(t, 'bid_price'),
		ask: optString(t, 'ask_price'),
		ts: receivedAt
	};
}

/**
 * WS `futures/fundingRate:<symbol>` data. `fundingTime` is close to "now" in captures (and in the
 * docs' own example, 600 ms before `ts`), so the next settlement is `nextFundingTime`;
 * `fundingRate` is the last settled rate and `nextFundingRate` the prediction.
 */
export function normalizeStreamFunding(wire: unknown): FundingState {
	const f = asObject(wire, 'funding');
	return {
		symbol: reqString(f, 'symbol'),
		lastRate: reqString(f, 'fundingRate'),
		nextRate: optString(f, 'nextFundingRate') ?? reqString(f, 'fundingRate'),
		nextFundingTime: toMillis(reqNumber(f, 'nextFundingTime')),
		ts: toMillis(optNumber(f, 'ts') ?? reqNumber(f, 'fundingTime'))
	};
}

/** `GET /contract/public/funding-rate`: rate_value is the previous period's, expected_rate the next. */
export function normalizeRestFunding(wire: unknown): FundingState {
	const f = asObject(wire, 'funding rate');
	return {
		symbol: reqString(f, 'symbol'),
		lastRate: reqString(f, 'rate_value'),
		nextRate: optString(f, 'expected_rate') ?? reqString(f, 'rate_value'),
		nextFundingTime: toMillis(reqNumber(f, 'funding_time')),
		ts: toMillis(reqNumber(f, 'timestamp'))
	};
}

/** One row of `GET /contract/public/funding-rate-history` `data.list` (funding_time is a ms string). */
export function normalizeFundingPoint(wire: unknown): FundingRatePoint {
	const p = asObject(wire, 'funding history row');
	return { time: toMillis(reqNumber(p, 'funding_time')), rate: reqString(p, 'funding_rate') };
}

/** One `GET /contract/public/kline` row; its timestamp is in seconds. */
export function normalizeCandle(wire: unknown): Candle {
	const k = asObject(wire, 'kline');
	return {
		time: toMillis(reqNumber(k, 'timestamp')),
		open: reqString(k, 'open_price'),
		high: reqString(k, 'high_price'),
		low: reqString(k, 'low_price'),
		close: reqString(k, 'close_price'),
		volume: reqString(k, 'volume')
	};
}

/** Book levels of the depth channels: `{price, vol}` objects, vol absolute and in contracts. */
export function normalizeStreamLevels(wire: unknown, what: string): WireLevel[] {
	if (wire === undefined || wire === null) return [];
	return asArray(wire, what).map((level) => {
		const l = asObject(level, `${what} level`);
		return { price: reqString(l, 'price'), size: reqString(l, 'vol') };
	});
}

/** WS `futures/depthIncrease<N>:<symbol>@<speed>` data: a snapshot, or absolute-size updates. */
export function normalizeDepthIncrease(wire: unknown): BookSnapshot | BookUpdate {
	const d = asObject(wire, 'depth');
	const type = reqString(d, 'type');
	if (type !== 'snapshot' && type !== 'update') {
		throw new WireFormatError(`unknown depth type "${type}"`);
	}
	return {
		kind: type,
		symbol: reqString(d, 'symbol'),
		version: reqNumber(d, 'version'),
		bids: normalizeStreamLevels(d.bids, 'bids'),
		asks: normalizeStreamLevels(d.asks, 'asks'),
		ts: toMillis(reqNumber(d, 'ms_t'))
	};
}

/**
 * `GET /contract/public/depth` data: levels are `[price, size, cumulative size]`. The endpoint has
 * no version, so the snapshot carries version 0 and cannot anchor a stream's version sequence.
 */
export function normalizeRestDepth(wire: unknown): BookSnapshot {
	const d = asObject(wire, 'depth');
	const levels = (side: string): WireLevel[] =>
		asArray(d[side], side).map((level) => {
			const [price, size] = asArray(level, `${side} level`);
			if (typeof price !== 'string' || typeof size !== 'string') {
				throw new WireFormatError(`${side} level is not [price, size, …]`);
			}
			return { price, size };
		});
	return {
		kind: 'snapshot',
		symbol: reqString(d, 'symbol'),
		version: 0,
		bids: levels('bids'),
		asks: levels('asks'),
		ts: toMillis(reqNumber(d, 'timestamp'))
	};
}

/**
 * One WS `futures/trade:<symbol>` row. `m` true means the buyer was the maker, so the taker sold.
 * Without `m`, the `way` code's first-named side is taken as the taker (1–4 buy, 5–8 sell).
 */
export function normalizeStreamTrade(wire: unknown): Trade {
	const t = asObject(wire, 'trade');
	return {
		symbol: reqString(t, 'symbol'),
		price: reqString(t, 'deal_price'),
		size: reqString(t, 'deal_vol'),
		side: takerSide(t.m, optNumber(t, 'way')),
		ts: tradeTime(t.created_at)
	};
}

function takerSide(buyerIsMaker: unknown, way: number | undefined): 'buy' | 'sell' {
	if (typeof buyerIsMaker === 'boolean') return buyerIsMaker ? 'sell' : 'buy';
	if (way !== undefined && way >= 1 && way <= 4) return 'buy';
	if (way !== undefined && way >= 5 && way <= 8) return 'sell';
	throw new WireFormatError('trade has neither "m" nor a known "way"');
}

/** The docs' example is an ISO string with nanoseconds; the field table says "(ms)". Take both. */
function tradeTime(value: unknown): number {
	if (typeof value === 'number' && Number.isFinite(value)) return toMillis(value);
	if (typeof value === 'string') {
		const asNumber = Number(value);
		if (value.trim() !== '' && Number.isFinite(asNumber)) return toMillis(asNumber);
		const parsed = Date.parse(value);
		if (Number.isFinite(parsed)) return parsed;
	}
	throw new WireFormatError('field "created_at" is not a time');
}

/**
 * One `GET /contract/public/market-trade` row. Its `qty` is in coin and `quote_qty` in quote
 * currency, while every other size in Perch is in contracts: the size is converted with the
 * instrument's contract size (base per contract for linear, quote per contract otherwise).
 */
export function normalizeRestTrade(wire: unknown, instrument: Instrument): Trade {
	const t = asObject(wire, 'trade');
	const amount = instrument.linear || instrument.quote !== 'USD' ? 'qty' : 'quote_qty';
	const size = divideDecimal(reqString(t, amount), instrument.contractSize);
	if (size === undefined) throw new WireFormatError(`field "${amount}" is not a decimal`);
	if (typeof t.is_buyer_maker !== 'boolean') {
		throw new WireFormatError('field "is_buyer_maker" is missing');
	}
	return {
		symbol: reqString(t, 'symbol'),
		price: reqString(t, 'price'),
		size,
		side: t.is_buyer_maker ? 'sell' : 'buy',
		ts: toMillis(reqNumber(t, 'time'))
	};
}
