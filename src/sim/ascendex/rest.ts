import { money } from '../core/accounts';
import type { MarketEngine } from '../core/market';
import { lotsToQty, type AscendexAccount, type PlaceOrderArgs } from './account';
import type { AscendexContract } from './contracts';
import type { DepthBook } from './depth';
import { ASC_ERRORS, fail } from './errors';
import { parseTimestamp, withinWindow } from './signing';
import { COLLATERAL_PRICES, contractRow, orderRow, positionData, pricingRow } from './wire';

/** The REST endpoints' handlers; auth, the account group, logging and faults are the caller's. */

export interface PublicContext {
	engine: MarketEngine;
	contracts: Map<string, AscendexContract>;
	now: number;
	query: URLSearchParams;
	/** The published depth book of a symbol, advanced to the engine's current state. */
	depth(symbol: string): DepthBook;
}

export interface PrivateContext {
	account: AscendexAccount;
	now: number;
	query: URLSearchParams;
	body: Record<string, unknown>;
}

type PublicHandler = (ctx: PublicContext) => unknown;
type PrivateHandler = (ctx: PrivateContext) => unknown;

export interface PrivateRoute {
	method: 'GET' | 'POST' | 'DELETE';
	/** Whether the path starts with `/<account group>`. */
	grouped: boolean;
	handle: PrivateHandler;
	/** A REST order request (for the request log's order filter). */
	order?: boolean;
}

function contractOf(ctx: PublicContext, symbol: string | null): AscendexContract {
	const contract = symbol ? ctx.contracts.get(symbol) : undefined;
	if (!contract) fail(ASC_ERRORS.symbolError);
	return contract;
}

function ticker(ctx: PublicContext, c: AscendexContract) {
	const m = ctx.engine.get(c.symbol)!;
	const [bid, bidSize] = m.bestBid;
	const [ask, askSize] = m.bestAsk;
	return {
		symbol: c.symbol,
		open: m.price(m.open24),
		close: m.price(m.last),
		high: m.price(m.high24),
		low: m.price(m.low24),
		volume: lotsToQty(m.volume24, c),
		baseVol: lotsToQty(m.volume24, c),
		ask: [m.price(ask), lotsToQty(askSize, c)],
		bid: [m.price(bid), lotsToQty(bidSize, c)]
	};
}

/** `symbol=A` → one object, `symbol=A,` or `symbol=A,B` → a list, none → all (notes §3.5). */
function tickers(ctx: PublicContext) {
	const raw = ctx.query.get('symbol');
	if (raw === null || raw === '') return [...ctx.contracts.values()].map((c) => ticker(ctx, c));
	const symbols = raw.split(',');
	const listed = symbols.filter((s) => s !== '').map((s) => ticker(ctx, contractOf(ctx, s)));
	return symbols.length === 1 ? listed[0] : listed;
}

export const PUBLIC_ROUTES: Record<string, PublicHandler> = {
	'/api/pro/v1/exchange-info': (ctx) => {
		const echo = Number(ctx.query.get('requestTime') ?? ctx.now);
		return { requestTimeEcho: echo, requestReceiveAt: ctx.now, latency: ctx.now - echo };
	},
	'/api/pro/v2/futures/contract': (ctx) => [...ctx.contracts.values()].map(contractRow),
	'/api/pro/v2/futures/collateral': () => [
		{
			asset: 'USDT',
			assetName: 'Tether',
			nativeScale: 4,
			numConfirmations: 20,
			withdrawFee: '1',
			minWithdrawalAmt: '10',
			statusCode: 'Normal',
			statusMessage: '',
			discountFactor: '1',
			conversionFactor: '1'
		}
	],
	'/api/pro/v2/futures/pricing-data': (ctx) => ({
		contracts: [...ctx.contracts.values()].map((c) =>
			pricingRow(ctx.engine.get(c.symbol)!, c, ctx.now)
		),
		collaterals: COLLATERAL_PRICES
	}),
	'/api/pro/v2/futures/ticker': tickers,
	'/api/pro/v1/ticker': tickers,
	'/api/pro/v1/depth': (ctx) => {
		const c = contractOf(ctx, ctx.query.get('symbol'));
		const view = ctx.depth(c.symbol).view();
		return {
			m: 'depth-snapshot',
			symbol: c.symbol,
			data: { seqnum: view.seqnum, ts: ctx.now, asks: view.asks, bids: view.bids }
		};
	},
	'/api/pro/v1/trades': (ctx) => {
		const c = contractOf(ctx, ctx.query.get('symbol'));
		const m = ctx.engine.get(c.symbol)!;
		const n = Math.max(1, Math.min(100, Number(ctx.query.get('n') ?? 10) || 10));
		return {
			m: 'trades',
			symbol: c.symbol,
			data: m.trades
				.slice(-n)
				.reverse()
				.map((t) => ({
					seqnum: t.id,
					p: m.price(t.price),
					q: lotsToQty(t.size, c),
					ts: t.time,
					bm: t.buyerMaker
				}))
		};
	},
	// ccxt's loadMarkets also reads the cash listings and the asset list; futures live above.
	'/api/pro/v1/products': () => [],
	'/api/pro/v1/cash/products': () => [],
	'/api/pro/v2/assets': () => [
		{
			assetCode: 'USDT',
			assetName: 'Tether',
			precisionScale: 9,
			nativeScale: 4,
			blockChain: []
		}
	]
};

function accountInfo(ctx: PrivateContext) {
	const a = ctx.account;
	return {
		accountGroup: a.accountGroup,
		email: 'demo@simulator.invalid',
		expireTime: a.expireTime,
		allowedIps: a.allowedIps,
		cashAccount: [`cash${a.accountId.slice(3)}`],
		marginAccount: [`mar${a.accountId.slice(3)}`],
		futuresAccount: [a.accountId],
		userUID: a.userUID,
		tradePermission: a.tradePermission,
		transferPermission: false,
		viewPermission: true,
		limitQuota: 1000
	};
}

function checkTime(value: unknown, now: number): void {
	const time = parseTimestamp(value);
	if (time === undefined || !withinWindow(time, now)) fail(ASC_ERRORS.invalidTimestamp);
}

function placeOrder(ctx: PrivateContext) {
	const args = ctx.body as PlaceOrderArgs;
	const { order, meta } = ctx.account.place(args, 'rest', ctx.now);
	const respInst =
		typeof args.respInst === 'string'
			? args.respInst
			: meta.orderType === 'Market'
				? 'DONE'
				: 'ACK';
	return {
		meta: { action: 'place-order', id: meta.clientId, respInst },
		order: orderRow(ctx.account, order, meta)
	};
}

function cancelOrder(ctx: PrivateContext) {
	checkTime(ctx.body.time, ctx.now);
	const order = ctx.account.cancel(ctx.body.symbol, ctx.body.orderId, ctx.now);
	const meta = ctx.account.meta(order.orderId)!;
	return {
		meta: {
			action: 'cancel-order',
			id: typeof ctx.body.id === 'string' ? ctx.body.id : '',
			respInst: 'ACK'
		},
		order: orderRow(ctx.account, order, meta)
	};
}

function cancelAll(ctx: PrivateContext) {
	const symbol = ctx.body.symbol ?? ctx.query.get('symbol') ?? undefined;
	ctx.account.cancelAll(symbol === '' ? undefined : symbol, ctx.now);
	return {
		meta: { action: 'cancel-all', id: '', respInst: 'ACK' },
		order: { ac: 'FUTURES', accountId: ctx.account.accountId, symbol: symbol ?? '' }
	};
}

function openOrders(ctx: PrivateContext) {
	const symbol = ctx.query.get('symbol');
	return ctx.account
		.orders()
		.filter(
			({ order }) => order.state === 2 && !order.canceled && (!symbol || order.symbol === symbol)
		)
		.map(({ order, meta }) => orderRow(ctx.account, order, meta));
}

/** Recent orders, newest first; `n` rows at most (docs: no pagination). */
function currentHistory(ctx: PrivateContext) {
	const symbol = ctx.query.get('symbol');
	const n = Math.max(1, Math.min(1000, Number(ctx.query.get('n') ?? 100) || 100));
	const executedOnly = ctx.query.get('executedOnly') === 'true';
	return ctx.account
		.orders()
		.filter(({ order }) => !symbol || order.symbol === symbol)
		.filter(({ order }) => !executedOnly || order.dealSize > 0)
		.reverse()
		.slice(0, n)
		.map(({ order, meta }) => orderRow(ctx.account, order, meta));
}

/** `orderId=a` → one object; `orderId=a,b` or `a,` → a list (notes §4). */
function orderStatus(ctx: PrivateContext) {
	const raw = ctx.query.get('orderId');
	if (!raw) fail(ASC_ERRORS.invalidOrderId, 'orderId is required');
	const ids = raw.split(',');
	const rows = ids
		.filter((id) => id !== '')
		.map((id) => {
			const order = ctx.account.orderByServerId(id);
			return order && orderRow(ctx.account, order, ctx.account.meta(order.orderId)!);
		});
	if (ids.length === 1) {
		if (!rows[0]) fail(ASC_ERRORS.invalidOrderId, 'Order not found');
		return rows[0];
	}
	return rows.filter((r) => r !== undefined);
}

function fundingPayments(ctx: PrivateContext) {
	const symbol = ctx.query.get('symbol');
	const page = Math.max(1, Number(ctx.query.get('page') ?? 1) || 1);
	const pageSize = Number(ctx.query.get('pageSize') ?? 20) || 20;
	if (pageSize < 1 || pageSize > 100) fail(ASC_ERRORS.invalidArgument, 'pageSize is 1 to 100');
	const rows = ctx.account.fundingPayments
		.filter((p) => !symbol || p.symbol === symbol)
		.slice()
		.reverse();
	const start = (page - 1) * pageSize;
	return {
		data: rows.slice(start, start + pageSize),
		page,
		pageSize,
		hasNext: start + pageSize < rows.length
	};
}

function freeMargin(ctx: PrivateContext) {
	const available = ctx.account.core.available('USDT');
	return {
		collaterals: [{ asset: 'USDT', availableForTransfer: String(Math.max(0, available)) }],
		crossed: { freeMargin: String(available) },
		isolated: []
	};
}

/** Docs: the balance endpoints keep the last 7 days. */
const BALANCE_KEEP_MS = 7 * 86_400_000;

function balanceSnapshot(ctx: PrivateContext) {
	const date = ctx.query.get('date') ?? '';
	const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
	if (!match) fail(ASC_ERRORS.invalidArgument, 'date is YYYY-mm-dd');
	const balanceTime = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
	if (balanceTime > ctx.now || balanceTime < ctx.now - BALANCE_KEEP_MS - 86_400_000) {
		fail(ASC_ERRORS.invalidArgument, 'date is outside the last 7 days');
	}
	const before = ctx.account.journal.filter((j) => j.transactTime < balanceTime);
	const last = before.at(-1);
	const wallet = before.findLast((j) => j.kind === 'balance');
	return {
		meta: {
			ac: 'FUTURES',
			accountId: ctx.account.accountId,
			sn: last?.sn ?? (ctx.account.journal[0]?.sn ?? 1) - 1,
			balanceTime
		},
		collateralBalance: [
			{ asset: 'USDT', totalBalance: money(wallet?.kind === 'balance' ? wallet.curBalance : 0) }
		],
		contractBalance: []
	};
}

/** Rows from `sn` on, at most `limit` (≤ 500); continue from the largest sn + 1. */
function balanceHistory(ctx: PrivateContext) {
	const sn = Number(ctx.query.get('sn'));
	if (!Number.isSafeInteger(sn)) fail(ASC_ERRORS.invalidArgument, 'sn is required');
	const limit = Number(ctx.query.get('limit') ?? 500);
	if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
		fail(ASC_ERRORS.invalidArgument, 'limit is 1 to 500');
	}
	const rows = ctx.account.journal
		.filter((j) => j.sn >= sn && j.transactTime >= ctx.now - BALANCE_KEEP_MS)
		.slice(0, limit);
	return {
		meta: { ac: 'FUTURES', accountId: ctx.account.accountId },
		balance: rows
			.filter((j) => j.kind === 'balance')
			.map((j) => ({
				eventType: j.eventType,
				sn: j.sn,
				transactTime: j.transactTime,
				data: [{ asset: 'USDT', curBalance: money(j.curBalance), deltaQty: money(j.deltaQty) }]
			})),
		order: rows
			.filter((j) => j.kind === 'order')
			.map((j) => ({
				orderId: j.orderId,
				orderType: j.orderType,
				side: j.side,
				liquidityInd: 'RemovedLiquidity',
				sn: j.sn,
				transactTime: j.transactTime,
				data: [
					{ asset: `${j.base}P`, curBalance: j.position, dataType: 'trade', deltaQty: j.qty },
					{
						asset: `${j.base}PC`,
						curBalance: money(j.refCostAfterTrade),
						dataType: 'trade',
						deltaQty: money(j.cost)
					},
					{
						asset: `${j.base}PC`,
						curBalance: money(j.refCost),
						dataType: 'fee',
						deltaQty: money(j.fee)
					}
				]
			}))
	};
}

export const PRIVATE_ROUTES: Record<string, PrivateRoute[]> = {
	'/api/pro/v1/info': [{ method: 'GET', grouped: false, handle: accountInfo }],
	'/api/pro/v2/account/info': [{ method: 'GET', grouped: false, handle: accountInfo }],
	'/api/pro/v2/futures/position': [
		{ method: 'GET', grouped: true, handle: (ctx) => positionData(ctx.account) }
	],
	'/api/pro/v2/futures/free-margin': [{ method: 'GET', grouped: true, handle: freeMargin }],
	'/api/pro/v2/futures/order': [
		{ method: 'POST', grouped: true, handle: placeOrder, order: true },
		{ method: 'DELETE', grouped: true, handle: cancelOrder, order: true }
	],
	'/api/pro/v2/futures/order/all': [
		{ method: 'DELETE', grouped: true, handle: cancelAll, order: true }
	],
	'/api/pro/v2/futures/order/open': [{ method: 'GET', grouped: true, handle: openOrders }],
	'/api/pro/v2/futures/order/hist/current': [
		{ method: 'GET', grouped: true, handle: currentHistory }
	],
	'/api/pro/v2/futures/order/status': [{ method: 'GET', grouped: true, handle: orderStatus }],
	'/api/pro/v2/futures/funding-payments': [
		{ method: 'GET', grouped: true, handle: fundingPayments }
	],
	// The notes print these without the account group ("GET api/pro/data/v1/...").
	'/api/pro/data/v1/futures/balance/snapshot': [
		{ method: 'GET', grouped: false, handle: balanceSnapshot }
	],
	'/api/pro/data/v1/futures/balance/history': [
		{ method: 'GET', grouped: false, handle: balanceHistory }
	]
};
