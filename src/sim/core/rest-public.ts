import { formatFloat, formatScaled } from './decimal';
import { ERRORS, SimRestError } from './errors';
import type { MarketEngine, SymbolMarket } from './market';

/** Public market-data endpoints: JSON `data` in the docs' shapes and field names. */

export interface PublicContext {
	engine: MarketEngine;
	now: number;
	query: URLSearchParams;
}

const KLINE_STEPS = [1, 3, 5, 15, 30, 60, 120, 240, 360, 720, 1440, 4320, 10080];

export const PUBLIC_ROUTES: Record<string, (ctx: PublicContext) => unknown> = {
	'/system/time': ({ now }) => ({ server_time: now }),
	'/contract/public/details': details,
	'/contract/public/depth': depth,
	'/contract/public/funding-rate': fundingRate,
	'/contract/public/funding-rate-history': fundingRateHistory,
	'/contract/public/kline': (ctx) => kline(ctx, 'last'),
	'/contract/public/markprice-kline': (ctx) => kline(ctx, 'mark'),
	'/contract/public/market-trade': marketTrade
};

export function requireMarket(ctx: PublicContext, optional = false): SymbolMarket | undefined {
	const symbol = ctx.query.get('symbol');
	if (!symbol) {
		if (optional) return undefined;
		throw new SimRestError(ERRORS.parseParameter);
	}
	const market = ctx.engine.get(symbol);
	if (!market) throw new SimRestError(ERRORS.symbolNotExist);
	return market;
}

function details(ctx: PublicContext) {
	const one = requireMarket(ctx, true);
	const markets = one ? [one] : [...ctx.engine.markets.values()];
	return {
		symbols: markets.map((m) => {
			const i = m.instrument;
			const change = (m.last - m.open24) / m.open24;
			return {
				symbol: i.symbol,
				product_type: 1,
				open_timestamp: 1594080000123,
				expire_timestamp: 0,
				settle_timestamp: 0,
				base_currency: i.base,
				quote_currency: i.quote,
				last_price: m.price(m.last),
				volume_24h: String(m.volume24),
				turnover_24h: formatFloat(m.turnover24, 4),
				index_price: m.price(m.index),
				index_name: i.symbol,
				contract_size: i.contractSize,
				min_leverage: '1',
				max_leverage: String(i.maxLeverage),
				price_precision: i.priceTick,
				vol_precision: '1',
				max_volume: String(i.maxVolume),
				market_max_volume: String(i.maxVolume),
				min_volume: '1',
				funding_rate: m.formatRate(m.lastFundingRate),
				expected_funding_rate: m.formatRate(m.nextFundingRate),
				open_interest: String(m.volume24 * 3),
				open_interest_value: formatFloat(m.turnover24 * 3, 4),
				high_24h: m.price(m.high24),
				low_24h: m.price(m.low24),
				change_24h: formatFloat(change, 6),
				funding_interval_hours: 8,
				status: 'Trading',
				delist_time: 0
			};
		})
	};
}

function depth(ctx: PublicContext) {
	const m = requireMarket(ctx)!;
	const side = (levels: [number, number][]) => {
		let total = 0;
		return levels.map(([price, size]) => {
			total += size;
			return [m.price(price), String(size), String(total)];
		});
	};
	return {
		asks: side(m.sortedAsks()),
		bids: side(m.sortedBids()),
		timestamp: ctx.now,
		symbol: m.instrument.symbol
	};
}

function fundingRate(ctx: PublicContext) {
	const m = requireMarket(ctx)!;
	return {
		timestamp: ctx.now,
		symbol: m.instrument.symbol,
		rate_value: m.formatRate(m.lastFundingRate),
		expected_rate: m.formatRate(m.nextFundingRate),
		funding_time: m.nextFundingTime,
		funding_upper_limit: '0.0375',
		funding_lower_limit: '-0.0375'
	};
}

function fundingRateHistory(ctx: PublicContext) {
	const m = requireMarket(ctx)!;
	const limit = boundedInt(ctx.query.get('limit'), 100, 1, 100);
	return {
		list: m.fundingHistory
			.slice(-limit)
			.reverse()
			.map((p) => ({
				symbol: m.instrument.symbol,
				funding_rate: m.formatRate(p.rate),
				funding_time: String(p.time)
			}))
	};
}

function kline(ctx: PublicContext, source: 'last' | 'mark') {
	const m = requireMarket(ctx)!;
	const step = ctx.query.has('step') ? Number(ctx.query.get('step')) : 1;
	if (!KLINE_STEPS.includes(step)) throw new SimRestError(ERRORS.klineStep);
	const start = Number(ctx.query.get('start_time'));
	const end = Number(ctx.query.get('end_time'));
	if (!ctx.query.get('start_time') || !ctx.query.get('end_time')) {
		throw new SimRestError(ERRORS.parseParameter);
	}
	if (!Number.isInteger(start) || !Number.isInteger(end) || end < start) {
		throw new SimRestError(ERRORS.timestampInvalid);
	}
	const stepSec = step * 60;
	const nowSec = Math.floor(ctx.now / 1000);
	const first = Math.ceil(start / stepSec) * stepSec;
	const last = Math.min(end, nowSec);
	const out = [];
	for (let t = first; t <= last && out.length < 500; t += stepSec) {
		out.push(candle(m, t * 1000, stepSec * 1000, source));
	}
	return out;
}

function candle(m: SymbolMarket, startMs: number, lengthMs: number, source: 'last' | 'mark') {
	// Live minutes come from the engine; older time from a smooth deterministic curve.
	const live = [];
	for (let t = startMs; t < startMs + lengthMs; t += 60_000) {
		const minute = m.liveMinute(t);
		if (minute) live.push(minute);
	}
	const places = m.decimals;
	const round = (price: number) => formatScaled(Math.round(price * 10 ** places), places);
	if (live.length > 0) {
		const scale = source === 'mark' ? m.mark / Math.max(1, m.last) : 1;
		return {
			timestamp: startMs / 1000,
			open_price: m.price(Math.round(live[0].open * scale)),
			close_price: m.price(Math.round(live[live.length - 1].close * scale)),
			high_price: m.price(Math.round(Math.max(...live.map((c) => c.high)) * scale)),
			low_price: m.price(Math.round(Math.min(...live.map((c) => c.low)) * scale)),
			volume: String(live.reduce((s, c) => s + c.volume, 0))
		};
	}
	const open = m.historicPrice(startMs);
	const close = m.historicPrice(startMs + lengthMs);
	const wiggle = 0.0008 * Math.sqrt(lengthMs / 60_000);
	return {
		timestamp: startMs / 1000,
		open_price: round(open),
		close_price: round(close),
		high_price: round(Math.max(open, close) * (1 + wiggle)),
		low_price: round(Math.min(open, close) * (1 - wiggle)),
		volume: String(Math.round(m.instrument.levelSize * 20 * (lengthMs / 60_000)))
	};
}

function marketTrade(ctx: PublicContext) {
	const m = requireMarket(ctx)!;
	const limit = boundedInt(ctx.query.get('limit'), 50, 1, 100);
	const cs = Number(m.instrument.contractSize);
	return m.trades
		.slice(-limit)
		.reverse()
		.map((t) => ({
			symbol: m.instrument.symbol,
			price: m.price(t.price),
			qty: formatFloat(t.size * cs, 8),
			quote_qty: formatFloat(t.size * cs * m.priceOf(t.price), 8),
			time: Math.floor(t.time / 1000),
			is_buyer_maker: t.buyerMaker
		}));
}

export function boundedInt(
	text: string | null,
	fallback: number,
	min: number,
	max: number
): number {
	if (text === null || text === '') return fallback;
	const value = Number(text);
	if (!Number.isInteger(value) || value < min) throw new SimRestError(ERRORS.parseParameter);
	return Math.min(value, max);
}
