import { money, type SimAccount } from '../core/accounts';
import { formatScaled } from '../core/decimal';
import type { MarketEngine, SymbolMarket } from '../core/market';
import { FUNDING_INTERVAL_MS } from '../core/market';
import { BG, BitgetRestError } from './errors';
import {
	accountRow,
	contractOf,
	contractRow,
	fillRow,
	orderRow,
	posModeOf,
	positionRow,
	tickerRow,
	type OrderMeta
} from './rows';
import { formatSize, trimZeros } from './contracts';
import { billList, fillHistory } from './ledger';
import {
	checkMarginCoin,
	checkProductType,
	contractFor,
	findOrder,
	flashClose,
	fromCore,
	placeOrder,
	str,
	type TradeContext
} from './trading';
import type { BitgetError } from './errors';

/** What a route needs from the exchange. */
export interface RouteContext {
	engine: MarketEngine;
	now: number;
	query: URLSearchParams;
	body: Record<string, unknown>;
}

export interface PrivateContext extends RouteContext {
	account: SimAccount;
	trade: TradeContext;
	meta(order: { orderId: string }): OrderMeta;
	posId(account: SimAccount, symbol: string, side: 'long' | 'short'): string;
	flashCloseFailure(symbol: string, side: 'long' | 'short'): BitgetError | undefined;
	setPositionMode(account: SimAccount, mode: 'hedge' | 'one_way'): void;
}

type PublicRoute = (ctx: RouteContext) => unknown;
type PrivateRoute = { method: 'GET' | 'POST'; handle: (ctx: PrivateContext) => unknown };

function q(ctx: RouteContext, name: string, required = false): string | undefined {
	const value = ctx.query.get(name);
	if (value === null || value === '') {
		if (required) throw new BitgetRestError(BG.empty(name));
		return undefined;
	}
	return value;
}

function market(ctx: RouteContext, symbol: string | undefined): SymbolMarket {
	if (symbol === undefined) throw new BitgetRestError(BG.empty('symbol'));
	const m = ctx.engine.get(symbol);
	if (!m) throw new BitgetRestError(BG.symbolUnknown);
	return m;
}

function limitOf(text: string | undefined, fallback: number, max: number): number {
	if (text === undefined) return fallback;
	const n = Number(text);
	if (!Number.isInteger(n) || n < 1) throw new BitgetRestError(BG.invalid('limit', text));
	return Math.min(n, max);
}

/** Public market endpoints take productType; the simulated product lines simply list nothing. */
function publicProduct(ctx: RouteContext): boolean {
	const value = q(ctx, 'productType', true)!;
	if (value.toUpperCase() === 'USDT-FUTURES') return true;
	if (/^(S?USDT|S?COIN|S?USDC)-FUTURES$/i.test(value)) return false;
	throw new BitgetRestError(BG.invalid('productType', value));
}

const GRANULARITY: Record<string, number> = {
	'1m': 1,
	'3m': 3,
	'5m': 5,
	'15m': 15,
	'30m': 30,
	'1H': 60,
	'4H': 240,
	'6H': 360,
	'12H': 720,
	'1D': 1440,
	'3D': 4320,
	'1W': 10080,
	'6Hutc': 360,
	'12Hutc': 720,
	'1Dutc': 1440,
	'3Dutc': 4320,
	'1Wutc': 10080
};

export const PUBLIC_ROUTES: Record<string, PublicRoute> = {
	'/api/v2/public/time': (ctx) => ({ serverTime: String(ctx.now) }),
	'/api/v2/mix/market/contracts': (ctx) => {
		if (!publicProduct(ctx)) return [];
		const symbol = q(ctx, 'symbol');
		if (symbol !== undefined) return [contractRow(contractOf(market(ctx, symbol)))];
		return [...ctx.engine.markets.values()].map((m) => contractRow(contractOf(m)));
	},
	'/api/v2/mix/market/tickers': (ctx) => {
		if (!publicProduct(ctx)) return [];
		return [...ctx.engine.markets.values()].map((m) => tickerRow(m, false, ctx.now));
	},
	'/api/v2/mix/market/ticker': (ctx) => {
		const m = market(ctx, q(ctx, 'symbol', true));
		if (!publicProduct(ctx)) return [];
		return [tickerRow(m, false, ctx.now)];
	},
	'/api/v2/mix/market/merge-depth': (ctx) => {
		const m = market(ctx, q(ctx, 'symbol', true));
		publicProduct(ctx);
		const limitText = q(ctx, 'limit') ?? '100';
		const limits: Record<string, number> = {
			'1': 1,
			'5': 5,
			'15': 15,
			'50': 50,
			'100': 100,
			max: 200
		};
		const limit = limits[limitText];
		if (limit === undefined) throw new BitgetRestError(BG.invalid('limit', limitText));
		const precision = q(ctx, 'precision') ?? 'scale0';
		if (precision !== 'scale0') throw new BitgetRestError(BG.invalid('precision', precision));
		const c = contractOf(m);
		// The notes: merge-depth answers numbers, not strings.
		const side = (levels: readonly [number, number][]) =>
			levels.slice(0, limit).map(([t, s]) => [m.priceOf(t), Number(formatSize(c, s))]);
		return {
			asks: side(m.sortedAsks()),
			bids: side(m.sortedBids()),
			ts: String(ctx.now),
			scale: formatScaled(1, c.pricePlace),
			precision: 'scale0',
			isMaxPrecision: 'YES'
		};
	},
	'/api/v2/mix/market/history-fund-rate': (ctx) => {
		const m = market(ctx, q(ctx, 'symbol', true));
		if (!publicProduct(ctx)) return [];
		const pageSize = limitOf(q(ctx, 'pageSize'), 20, 100);
		const pageNo = limitOf(q(ctx, 'pageNo'), 1, 100_000);
		return [...m.fundingHistory]
			.reverse()
			.slice((pageNo - 1) * pageSize, pageNo * pageSize)
			.map((p) => ({
				symbol: m.instrument.symbol,
				fundingRate: m.formatRate(p.rate),
				fundingTime: String(p.time)
			}));
	},
	'/api/v2/mix/market/current-fund-rate': (ctx) => {
		if (!publicProduct(ctx)) return [];
		const symbol = q(ctx, 'symbol');
		const markets = symbol === undefined ? [...ctx.engine.markets.values()] : [market(ctx, symbol)];
		return markets.map((m) => ({
			symbol: m.instrument.symbol,
			fundingRate: m.formatRate(m.nextFundingRate),
			fundingRateInterval: String(FUNDING_INTERVAL_MS / 3_600_000),
			nextUpdate: String(m.nextFundingTime),
			minFundingRate: '-0.0375',
			maxFundingRate: '0.0375'
		}));
	},
	'/api/v2/mix/market/funding-time': (ctx) => {
		const m = market(ctx, q(ctx, 'symbol', true));
		publicProduct(ctx);
		return [
			{
				symbol: m.instrument.symbol,
				nextFundingTime: String(m.nextFundingTime),
				ratePeriod: String(FUNDING_INTERVAL_MS / 3_600_000)
			}
		];
	},
	'/api/v2/mix/market/candles': (ctx) => {
		const m = market(ctx, q(ctx, 'symbol', true));
		if (!publicProduct(ctx)) return [];
		const granularity = q(ctx, 'granularity', true)!;
		const minutes = GRANULARITY[granularity];
		if (minutes === undefined) throw new BitgetRestError(BG.invalid('granularity', granularity));
		const limit = limitOf(q(ctx, 'limit'), 100, 1000);
		const stepMs = minutes * 60_000;
		const endText = q(ctx, 'endTime');
		const end = endText === undefined ? ctx.now : Number(endText);
		if (!Number.isFinite(end)) throw new BitgetRestError(BG.invalid('endTime', endText));
		const startText = q(ctx, 'startTime');
		const start = startText === undefined ? -Infinity : Number(startText);
		const last = Math.floor(Math.min(end, ctx.now) / stepMs) * stepMs;
		const out: string[][] = [];
		for (let t = last; t >= start && out.length < limit; t -= stepMs)
			out.push(candle(m, t, stepMs));
		return out.reverse();
	},
	'/api/v2/mix/market/fills': (ctx) => {
		const m = market(ctx, q(ctx, 'symbol', true));
		if (!publicProduct(ctx)) return [];
		const limit = limitOf(q(ctx, 'limit'), 100, 100);
		const c = contractOf(m);
		return m.trades
			.slice(-limit)
			.reverse()
			.map((t) => ({
				tradeId: String(t.id),
				price: m.price(t.price),
				size: formatSize(c, t.size),
				side: t.buyerMaker ? 'sell' : 'buy',
				ts: String(t.time),
				symbol: m.instrument.symbol
			}));
	}
};

/** [ts, open, high, low, close, base volume, quote volume] (Bitget's candle array). */
function candle(m: SymbolMarket, startMs: number, lengthMs: number): string[] {
	const live = [];
	for (let t = startMs; t < startMs + lengthMs; t += 60_000) {
		const minute = m.liveMinute(t);
		if (minute) live.push(minute);
	}
	const c = contractOf(m);
	const fmt = (price: number) =>
		trimZeros(formatScaled(Math.round(price * 10 ** m.decimals), m.decimals));
	let open: number, high: number, low: number, close: number, volume: number;
	if (live.length > 0) {
		open = m.priceOf(live[0].open);
		close = m.priceOf(live[live.length - 1].close);
		high = m.priceOf(Math.max(...live.map((x) => x.high)));
		low = m.priceOf(Math.min(...live.map((x) => x.low)));
		volume = live.reduce((s, x) => s + x.volume, 0);
	} else {
		open = m.historicPrice(startMs);
		close = m.historicPrice(startMs + lengthMs);
		const wiggle = 0.0008 * Math.sqrt(lengthMs / 60_000);
		high = Math.max(open, close) * (1 + wiggle);
		low = Math.min(open, close) * (1 - wiggle);
		volume = Math.round(m.instrument.levelSize * 20 * (lengthMs / 60_000));
	}
	const base = formatSize(c, volume);
	return [
		String(startMs),
		fmt(open),
		fmt(high),
		fmt(low),
		fmt(close),
		base,
		money(Number(base) * close)
	];
}

function requireProduct(ctx: RouteContext, fromBody: boolean): void {
	checkProductType(fromBody ? str(ctx.body, 'productType', true) : q(ctx, 'productType', true));
}

function openPositions(account: SimAccount) {
	return [...account.positions.values()].filter((p) => p.size > 0);
}

function btcPrice(ctx: RouteContext): number {
	const m = ctx.engine.get('BTCUSDT');
	return m ? m.priceOf(m.mark) : 0;
}

function orderList(ctx: PrivateContext, finished: boolean) {
	requireProduct(ctx, false);
	const symbol = q(ctx, 'symbol');
	if (symbol !== undefined) contractFor(ctx.account, symbol);
	const orderId = q(ctx, 'orderId');
	const clientOid = q(ctx, 'clientOid');
	const status = q(ctx, 'status');
	const limit = limitOf(q(ctx, 'limit'), 100, 100);
	const idLessThan = q(ctx, 'idLessThan');
	const rows = [...ctx.account.orders.values()]
		.filter((o) => (finished ? o.state === 4 : o.state === 2 && !o.canceled))
		.filter((o) => symbol === undefined || o.symbol === symbol)
		.filter((o) => orderId === undefined || o.orderId === orderId)
		.filter((o) => clientOid === undefined || o.clientOrderId === clientOid)
		.filter((o) => idLessThan === undefined || BigInt(o.orderId) < BigInt(idLessThan))
		.sort((a, b) => (BigInt(b.orderId) > BigInt(a.orderId) ? 1 : -1))
		.map((o) => orderRow(ctx.account, o, ctx.meta(o), false))
		.filter((row) => status === undefined || row.status === status)
		.slice(0, limit);
	return { entrustedList: rows, endId: rows.length > 0 ? rows[rows.length - 1].orderId : null };
}

function fillList(ctx: PrivateContext) {
	requireProduct(ctx, false);
	const symbol = q(ctx, 'symbol');
	if (symbol !== undefined) contractFor(ctx.account, symbol);
	const orderId = q(ctx, 'orderId');
	const limit = limitOf(q(ctx, 'limit'), 100, 100);
	const idLessThan = q(ctx, 'idLessThan');
	const rows = ctx.account.fills
		.filter((f) => symbol === undefined || f.symbol === symbol)
		.filter((f) => orderId === undefined || f.orderId === orderId)
		.filter((f) => idLessThan === undefined || BigInt(f.tradeId) < BigInt(idLessThan))
		.slice()
		.reverse()
		.slice(0, limit)
		.map((f) => {
			const order = ctx.account.orders.get(f.orderId);
			return fillRow(ctx.account, f, order, order && ctx.meta(order), false);
		});
	return { fillList: rows, endId: rows.length > 0 ? rows[rows.length - 1].tradeId : null };
}

function positionRows(ctx: PrivateContext, symbol?: string) {
	return openPositions(ctx.account)
		.filter((p) => symbol === undefined || p.symbol === symbol)
		.map((p) =>
			positionRow(ctx.account, p, ctx.posId(ctx.account, p.symbol, p.side), false, ctx.now)
		);
}

export const PRIVATE_ROUTES: Record<string, PrivateRoute> = {
	'/api/v2/mix/account/accounts': {
		method: 'GET',
		handle: (ctx) => {
			requireProduct(ctx, false);
			return [accountRow(ctx.account, btcPrice(ctx))];
		}
	},
	'/api/v2/mix/account/account': {
		method: 'GET',
		handle: (ctx) => {
			const c = contractFor(ctx.account, q(ctx, 'symbol', true));
			requireProduct(ctx, false);
			checkMarginCoin(q(ctx, 'marginCoin', true));
			const held = openPositions(ctx.account).find((p) => p.symbol === c.symbol);
			const lever = held?.leverage ?? '10';
			return {
				...accountRow(ctx.account, btcPrice(ctx)),
				marginMode: held?.openType === 'isolated' ? 'isolated' : 'crossed',
				posMode: posModeOf(ctx.account),
				crossedMarginLeverage: Number(lever),
				isolatedLongLever: Number(lever),
				isolatedShortLever: Number(lever),
				crossedMaxAvailable: accountRow(ctx.account, btcPrice(ctx)).crossedMaxAvailable
			};
		}
	},
	'/api/v2/mix/account/set-position-mode': {
		method: 'POST',
		handle: (ctx) => {
			requireProduct(ctx, true);
			const posMode = str(ctx.body, 'posMode', true);
			if (posMode !== 'hedge_mode' && posMode !== 'one_way_mode') {
				throw new BitgetRestError(BG.invalid('posMode', posMode));
			}
			if (openPositions(ctx.account).length > 0 || ctx.account.openOrders().length > 0) {
				throw new BitgetRestError(BG.modeLocked);
			}
			ctx.setPositionMode(ctx.account, posMode === 'hedge_mode' ? 'hedge' : 'one_way');
			return { posMode };
		}
	},
	'/api/v2/mix/position/all-position': {
		method: 'GET',
		handle: (ctx) => {
			requireProduct(ctx, false);
			checkMarginCoin(q(ctx, 'marginCoin'));
			return positionRows(ctx);
		}
	},
	'/api/v2/mix/position/single-position': {
		method: 'GET',
		handle: (ctx) => {
			const c = contractFor(ctx.account, q(ctx, 'symbol', true));
			requireProduct(ctx, false);
			checkMarginCoin(q(ctx, 'marginCoin', true));
			return positionRows(ctx, c.symbol);
		}
	},
	'/api/v2/mix/order/place-order': {
		method: 'POST',
		handle: (ctx) => placeOrder(ctx.trade, ctx.body)
	},
	'/api/v2/mix/order/detail': {
		method: 'GET',
		handle: (ctx) => {
			const c = contractFor(ctx.account, q(ctx, 'symbol', true));
			requireProduct(ctx, false);
			const orderId = q(ctx, 'orderId');
			const clientOid = q(ctx, 'clientOid');
			if (orderId === undefined && clientOid === undefined) {
				throw new BitgetRestError(BG.empty('orderId'));
			}
			const order = findOrder(ctx.account, c.symbol, orderId, clientOid);
			if (!order) throw new BitgetRestError(BG.orderNotFound);
			return orderRow(ctx.account, order, ctx.meta(order), false);
		}
	},
	'/api/v2/mix/order/orders-pending': { method: 'GET', handle: (ctx) => orderList(ctx, false) },
	'/api/v2/mix/order/orders-history': { method: 'GET', handle: (ctx) => orderList(ctx, true) },
	'/api/v2/mix/order/fills': { method: 'GET', handle: fillList },
	'/api/v2/mix/order/fill-history': {
		method: 'GET',
		handle: (ctx) => {
			requireProduct(ctx, false);
			const symbol = q(ctx, 'symbol');
			if (symbol !== undefined) contractFor(ctx.account, symbol);
			return fillHistory(ctx.account, ctx.query, ctx.now, (f) => {
				const order = ctx.account.orders.get(f.orderId);
				return fillRow(ctx.account, f, order, order && ctx.meta(order), false);
			});
		}
	},
	'/api/v2/mix/account/bill': {
		method: 'GET',
		handle: (ctx) => {
			requireProduct(ctx, false);
			const symbol = q(ctx, 'symbol');
			if (symbol !== undefined) contractFor(ctx.account, symbol);
			return billList(ctx.account, ctx.query, ctx.now);
		}
	},
	'/api/v2/mix/order/cancel-order': {
		method: 'POST',
		handle: (ctx) => {
			const c = contractFor(ctx.account, str(ctx.body, 'symbol', true));
			requireProduct(ctx, true);
			checkMarginCoin(str(ctx.body, 'marginCoin', false));
			const orderId = str(ctx.body, 'orderId', false);
			const clientOid = str(ctx.body, 'clientOid', false);
			if (orderId === undefined && clientOid === undefined) {
				throw new BitgetRestError(BG.empty('orderId'));
			}
			const order = findOrder(ctx.account, c.symbol, orderId, clientOid);
			if (!order || order.state !== 2) throw new BitgetRestError(BG.cancelNotFound);
			fromCore(() => ctx.account.cancel(c.symbol, order.orderId, undefined, ctx.now));
			return { orderId: order.orderId, clientOid: order.clientOrderId };
		}
	},
	'/api/v2/mix/order/cancel-all-orders': {
		method: 'POST',
		handle: (ctx) => {
			requireProduct(ctx, true);
			checkMarginCoin(str(ctx.body, 'marginCoin', false));
			const symbol = str(ctx.body, 'symbol', false);
			if (symbol !== undefined) contractFor(ctx.account, symbol);
			const open = ctx.account
				.openOrders()
				.filter((o) => symbol === undefined || o.symbol === symbol);
			if (open.length === 0) throw new BitgetRestError(BG.noOrderToCancel);
			for (const o of open) ctx.account.cancel(o.symbol, o.orderId, undefined, ctx.now);
			return {
				successList: open.map((o) => ({ orderId: o.orderId, clientOid: o.clientOrderId })),
				failureList: []
			};
		}
	},
	'/api/v2/mix/order/close-positions': {
		method: 'POST',
		handle: (ctx) => flashClose(ctx.trade, ctx.body, ctx.flashCloseFailure)
	}
};

/** Requests per second (notes §7 and the endpoint pages; the rest: Bitget's usual 10/s/UID). */
export const RATE_LIMITS: Record<string, { perSecond: number; by: 'ip' | 'uid' }> = {
	'/api/v2/public/time': { perSecond: 20, by: 'ip' },
	...Object.fromEntries(
		Object.keys(PUBLIC_ROUTES)
			.filter((p) => p.startsWith('/api/v2/mix/market/'))
			.map((p) => [p, { perSecond: 20, by: 'ip' as const }])
	),
	...Object.fromEntries(
		Object.keys(PRIVATE_ROUTES).map((p) => [p, { perSecond: 10, by: 'uid' as const }])
	),
	'/api/v2/mix/position/all-position': { perSecond: 5, by: 'uid' },
	'/api/v2/mix/account/set-position-mode': { perSecond: 5, by: 'uid' },
	'/api/v2/mix/order/close-positions': { perSecond: 1, by: 'uid' }
};
