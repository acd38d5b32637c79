import { FLOW_TYPES, money, positionKey, type SimAccount, type SimPosition } from './accounts';
import { ERRORS, SimRestError } from './errors';
import { submitOrder } from './execution';
import { MAKER_FEE_RATE, TAKER_FEE_RATE } from './margin';
import type { MarketEngine, SymbolMarket } from './market';
import { assetRow, emptyPosition, historyRow, orderRow, positionRow } from './private-rows';
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

const DAY_MS = 86_400_000;
/** Docs (order-history, trades): at most 200 records per answer. */
const HISTORY_LIMIT = 200;

export const PRIVATE_ROUTES: Record<string, Route> = {
	'/contract/private/assets-detail': { method: 'GET', handle: assets },
	'/contract/private/position-v2': { method: 'GET', handle: positionsV2 },
	'/contract/private/get-open-orders': { method: 'GET', handle: openOrders },
	'/contract/private/get-position-mode': {
		method: 'GET',
		handle: ({ account }) => ({ position_mode: account.wirePositionMode() })
	},
	'/contract/private/trade-fee-rate': { method: 'GET', handle: tradeFeeRate },
	'/contract/private/transaction-history': { method: 'GET', handle: transactionHistory },
	'/contract/private/trades': { method: 'GET', handle: trades },
	'/contract/private/order': { method: 'GET', handle: orderDetail },
	'/contract/private/order-history': { method: 'GET', handle: orderHistory },
	'/contract/private/submit-order': { method: 'POST', handle: submit },
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

function assets({ account }: PrivateContext) {
	const currencies = new Set(['USDT', 'BTC', 'ETH', ...account.free.keys()]);
	return [...currencies].map((c) => assetRow(account, c));
}

function tradeFeeRate(ctx: PrivateContext) {
	const m = market(ctx, ctx.query.get('symbol'))!;
	return {
		symbol: m.instrument.symbol,
		taker_fee_rate: String(TAKER_FEE_RATE),
		maker_fee_rate: String(MAKER_FEE_RATE)
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

function openOrders(ctx: PrivateContext) {
	const one = market(ctx, ctx.query.get('symbol'), true);
	const type = ctx.query.get('type');
	const state = ctx.query.get('order_state') ?? 'all';
	if (state !== 'all' && state !== 'partially_filled') {
		throw new SimRestError(ERRORS.parseParameter);
	}
	const limit = boundedInt(ctx.query.get('limit'), 100, 1, 100);
	return ctx.account
		.openOrders()
		.filter(
			(o) =>
				(!one || o.symbol === one.instrument.symbol) &&
				(!type || o.type === type) &&
				(state === 'all' || o.dealSize > 0)
		)
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

/**
 * [start, end] in ms from the query; `unit` is what the endpoint takes (seconds for orders and
 * trades, ms for transactions). Docs: no range means the last 7 days; end must be after start.
 */
function timeRange(ctx: PrivateContext, unit: 1 | 1000, maxDays?: number): [number, number] {
	const start = ctx.query.get('start_time');
	const end = ctx.query.get('end_time');
	if (!start && !end) return [ctx.now - 7 * DAY_MS, ctx.now];
	const from = Number(start ?? 0) * unit;
	// An end in seconds covers that whole second.
	const to = end ? Number(end) * unit + (unit - 1) : ctx.now;
	if (
		!Number.isFinite(from) ||
		!Number.isFinite(to) ||
		(end && start && Number(end) <= Number(start))
	) {
		throw new SimRestError(ERRORS.timestampInvalid);
	}
	if (maxDays !== undefined && to - from > maxDays * DAY_MS) {
		throw new SimRestError(ERRORS.timestampInvalid);
	}
	return [from, to];
}

function orderHistory(ctx: PrivateContext) {
	const m = market(ctx, ctx.query.get('symbol'))!;
	const orderId = ctx.query.get('order_id') || undefined;
	const clientOrderId = ctx.query.get('client_order_id') || undefined;
	const [from, to] = timeRange(ctx, 1000, 90);
	return [...ctx.account.orders.values()]
		.filter(
			(o) =>
				o.symbol === m.instrument.symbol &&
				o.createdAt >= from &&
				o.createdAt <= to &&
				(orderId === undefined || o.orderId === orderId) &&
				(clientOrderId === undefined || o.clientOrderId === clientOrderId)
		)
		.sort((a, b) => b.createdAt - a.createdAt)
		.slice(0, HISTORY_LIMIT)
		.map((o) => historyRow(ctx.account, o));
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
			flow_type: FLOW_TYPES[e.type],
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
	const [from, to] = timeRange(ctx, 1000, 90);
	return ctx.account.fills
		.filter((f) => f.time >= from && f.time <= to && (!one || f.symbol === one.instrument.symbol))
		.sort((a, b) => b.time - a.time)
		.slice(0, HISTORY_LIMIT)
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

function submit(ctx: PrivateContext) {
	const order = submitOrder(ctx.account, ctx.body, ctx.now);
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

/** Docs: without order_id and client_order_id, every order of the symbol is canceled. */
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
