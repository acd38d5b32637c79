import {
	FLOW_TYPES,
	money,
	positionKey,
	type SimAccount,
	type SimOrder,
	type SimPosition
} from './accounts';
import { ERRORS, SimRestError } from './errors';
import type { MarketEngine, SymbolMarket } from './market';
import { boundedInt } from './rest-public';

/** Private endpoints: which are SIGNED (POST) and which KEYED (GET), and their `data` shapes. */

export interface PrivateContext {
	engine: MarketEngine;
	account: SimAccount;
	now: number;
	query: URLSearchParams;
	/** Parsed JSON body for POST. */
	body: Record<string, unknown>;
}

interface Route {
	method: 'GET' | 'POST';
	handle(ctx: PrivateContext): unknown;
}

const WEEK_MS = 7 * 86_400_000;

export const PRIVATE_ROUTES: Record<string, Route> = {
	'/contract/private/assets-detail': { method: 'GET', handle: assets },
	'/contract/private/position-v2': { method: 'GET', handle: positionsV2 },
	'/contract/private/get-open-orders': { method: 'GET', handle: openOrders },
	'/contract/private/get-position-mode': {
		method: 'GET',
		handle: ({ account }) => ({ position_mode: account.wirePositionMode() })
	},
	'/contract/private/transaction-history': { method: 'GET', handle: transactionHistory },
	'/contract/private/trades': { method: 'GET', handle: trades },
	'/contract/private/order': { method: 'GET', handle: orderDetail },
	'/contract/private/submit-order': { method: 'POST', handle: submitOrder },
	'/contract/private/cancel-order': { method: 'POST', handle: cancelOrder },
	'/contract/private/cancel-orders': { method: 'POST', handle: cancelOrders }
};

function market(ctx: PrivateContext, symbol: unknown, optional = false): SymbolMarket | undefined {
	if (symbol === undefined || symbol === null || symbol === '') {
		if (optional) return undefined;
		throw new SimRestError(ERRORS.parseParameter);
	}
	const found = typeof symbol === 'string' ? ctx.engine.get(symbol) : undefined;
	if (!found) throw new SimRestError(ERRORS.symbolNotExist);
	return found;
}

export function assetRow(account: SimAccount, engine: MarketEngine, currency: string) {
	let margin = 0;
	let unrealized = 0;
	if (currency === 'USDT') {
		for (const p of account.positions.values()) {
			const m = engine.get(p.symbol);
			if (!m) continue;
			margin += account.margin(p, m);
			unrealized += account.unrealized(p, m);
		}
	}
	const frozen = account.frozen(currency, engine);
	const free = account.available.get(currency) ?? 0;
	return {
		currency,
		position_deposit: money(margin),
		frozen_balance: money(frozen),
		available_balance: money(free - frozen),
		equity: money(free + margin + unrealized),
		unrealized: money(unrealized)
	};
}

function assets({ account, engine }: PrivateContext) {
	const currencies = new Set(['USDT', 'BTC', 'ETH', ...account.available.keys()]);
	return [...currencies].map((c) => assetRow(account, engine, c));
}

function positionRow(
	account: SimAccount,
	m: SymbolMarket,
	p: SimPosition,
	side: string,
	now: number
) {
	const cs = Number(m.instrument.contractSize);
	const mark = m.priceOf(m.mark);
	const liquidation =
		p.size === 0
			? 0
			: p.side === 'long'
				? p.entryPrice * (1 - 1 / Number(p.leverage) + 0.005)
				: p.entryPrice * (1 + 1 / Number(p.leverage) - 0.005);
	const amount = account.positionMode === 'one_way' && p.side === 'short' ? -p.size : p.size;
	return {
		symbol: p.symbol,
		leverage: p.leverage,
		timestamp: now,
		current_fee: money(p.fees),
		open_timestamp: p.size === 0 ? 0 : p.createdAt,
		current_value: money(p.size * cs * m.priceOf(m.last)),
		mark_price: m.price(m.mark),
		position_value: money(p.size * cs * p.entryPrice),
		position_cross: money(p.size === 0 ? 0 : account.margin(p, m)),
		maintenance_margin: money(p.size * cs * mark * 0.005),
		close_vol: String(p.closeVol),
		close_avg_price: money(p.closeAvgPrice),
		open_avg_price: money(p.entryPrice),
		entry_price: money(p.entryPrice),
		current_amount: String(p.size),
		position_amount: String(amount),
		realized_value: money(p.realized),
		mark_value: money(p.size * cs * mark),
		account: 'futures',
		open_type: p.openType,
		position_side: side,
		unrealized_pnl: money(p.size === 0 ? 0 : account.unrealized(p, m)),
		liquidation_price: money(Math.max(0, liquidation)),
		max_notional_value: '500000',
		initial_margin: money(p.size === 0 ? 0 : account.margin(p, m))
	};
}

function emptyPosition(symbol: string, side: 'long' | 'short', now: number): SimPosition {
	return {
		symbol,
		side,
		size: 0,
		entryPrice: 0,
		leverage: '10',
		openType: 'cross',
		realized: 0,
		fees: 0,
		closeVol: 0,
		closeAvgPrice: 0,
		createdAt: now,
		updatedAt: now
	};
}

function positionsV2(ctx: PrivateContext) {
	const { account, engine, now } = ctx;
	const one = market(ctx, ctx.query.get('symbol'), true);
	const hedge = account.positionMode === 'hedge';
	const wireSide = (p: SimPosition) => (hedge ? p.side : 'both');
	if (!one) {
		return [...account.positions.values()]
			.filter((p) => p.size > 0)
			.map((p) => positionRow(account, engine.get(p.symbol)!, p, wireSide(p), now));
	}
	const symbol = one.instrument.symbol;
	const long = account.positions.get(positionKey(symbol, 'long'));
	const short = account.positions.get(positionKey(symbol, 'short'));
	// Docs: with a symbol, rows come back even without a position, zero-filled.
	if (hedge) {
		return [
			positionRow(account, one, long ?? emptyPosition(symbol, 'long', now), 'long', now),
			positionRow(account, one, short ?? emptyPosition(symbol, 'short', now), 'short', now)
		];
	}
	const p = long ?? short ?? emptyPosition(symbol, 'long', now);
	return [positionRow(account, one, p, 'both', now)];
}

export function orderRow(account: SimAccount, o: SimOrder) {
	return {
		order_id: o.orderId,
		client_order_id: o.clientOrderId,
		price: o.price,
		size: String(o.size),
		symbol: o.symbol,
		state: o.state,
		side: o.side,
		type: o.type,
		position_mode: account.wirePositionMode(),
		account: 'futures',
		leverage: o.leverage,
		open_type: o.openType,
		deal_avg_price: money(o.dealAvgPrice),
		deal_size: String(o.dealSize),
		create_time: o.createdAt,
		update_time: o.updatedAt
	};
}

function openOrders(ctx: PrivateContext) {
	const one = market(ctx, ctx.query.get('symbol'), true);
	const type = ctx.query.get('type');
	const limit = boundedInt(ctx.query.get('limit'), 100, 1, 100);
	return ctx.account
		.openOrders()
		.filter((o) => (!one || o.symbol === one.instrument.symbol) && (!type || o.type === type))
		.slice(0, limit)
		.map((o) => orderRow(ctx.account, o));
}

function orderDetail(ctx: PrivateContext) {
	const m = market(ctx, ctx.query.get('symbol'))!;
	const id = ctx.query.get('order_id');
	if (!id) throw new SimRestError(ERRORS.parseParameter);
	const order = ctx.account.orders.get(id);
	if (!order || order.symbol !== m.instrument.symbol) throw new SimRestError(ERRORS.orderNotExist);
	return orderRow(ctx.account, order);
}

/** [start, end] from the query, in ms; `unit` is what the endpoint takes (docs differ per endpoint). */
function timeRange(ctx: PrivateContext, unit: 1 | 1000): [number, number] {
	const start = ctx.query.get('start_time');
	const end = ctx.query.get('end_time');
	if (!start && !end) return [ctx.now - WEEK_MS, ctx.now];
	const from = Number(start ?? 0) * unit;
	const to = end ? Number(end) * unit : ctx.now;
	if (!Number.isFinite(from) || !Number.isFinite(to) || to <= from) {
		throw new SimRestError(ERRORS.timestampInvalid);
	}
	if (to - from > 90 * 86_400_000) throw new SimRestError(ERRORS.timestampInvalid);
	return [from, to];
}

function transactionHistory(ctx: PrivateContext) {
	const one = market(ctx, ctx.query.get('symbol'), true);
	const flow = ctx.query.has('flow_type') ? Number(ctx.query.get('flow_type')) : 0;
	if (![0, 1, 2, 3, 4, 5].includes(flow)) throw new SimRestError(ERRORS.parseParameter);
	const pageSize = boundedInt(ctx.query.get('page_size'), 100, 1, 1000);
	const [from, to] = timeRange(ctx, 1);
	return ctx.account.ledger
		.filter(
			(e) =>
				e.time >= from &&
				e.time <= to &&
				(!one || e.symbol === one.instrument.symbol) &&
				(flow === 0 || FLOW_TYPES[e.type] === flow)
		)
		.sort((a, b) => b.time - a.time)
		.slice(0, pageSize)
		.map((e) => ({
			symbol: e.symbol,
			type: e.type,
			amount: money(e.amount),
			asset: e.asset,
			account: 'futures',
			time: String(e.time),
			tran_id: e.tranId
		}));
}

function trades(ctx: PrivateContext) {
	const one = market(ctx, ctx.query.get('symbol'), true);
	const [from, to] = timeRange(ctx, 1000);
	return ctx.account.fills
		.filter((f) => f.time >= from && f.time <= to && (!one || f.symbol === one.instrument.symbol))
		.sort((a, b) => b.time - a.time)
		.slice(0, 200)
		.map((f) => ({
			order_id: f.orderId,
			trade_id: f.tradeId,
			symbol: f.symbol,
			side: f.side,
			price: f.price,
			vol: String(f.vol),
			exec_type: 'Taker',
			profit: f.realised > 0,
			realised_profit: money(f.realised),
			paid_fees: money(f.fee),
			account: 'futures',
			create_time: f.time
		}));
}

function submitOrder(ctx: PrivateContext) {
	const order = ctx.account.submitOrder(ctx.body, ctx.engine, ctx.now);
	return {
		order_id: Number(order.orderId),
		price: order.type === 'market' ? 'market price' : order.price
	};
}

function optionalId(value: unknown): string | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	if (typeof value === 'string' || typeof value === 'number') return String(value);
	throw new SimRestError(ERRORS.parseParameter);
}

function cancelOrder(ctx: PrivateContext) {
	const m = market(ctx, ctx.body.symbol)!;
	ctx.account.cancel(
		m.instrument.symbol,
		optionalId(ctx.body.order_id),
		optionalId(ctx.body.client_order_id),
		ctx.now
	);
	return {};
}

function cancelOrders(ctx: PrivateContext) {
	const m = market(ctx, ctx.body.symbol)!;
	ctx.account.cancel(m.instrument.symbol, undefined, undefined, ctx.now);
	return {};
}
