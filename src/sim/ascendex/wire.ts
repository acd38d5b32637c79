import { money, type SimOrder, type SimPosition } from '../core/accounts';
import { formatFloat } from '../core/decimal';
import type { SymbolMarket } from '../core/market';
import { lotsToQty, type AscendexAccount, type OrderMeta } from './account';
import { MARGIN_REQUIREMENTS, type AscendexContract } from './contracts';

/** AscendEX's wire objects, field names and samples as in the docs (notes §2–§4). */

export function contractRow(c: AscendexContract) {
	return {
		symbol: c.symbol,
		status: 'Normal',
		displayName: c.displayName,
		settlementAsset: 'USDT',
		underlying: c.underlying,
		tradingStartTime: c.tradingStartTime,
		priceFilter: { minPrice: c.minPrice, maxPrice: c.maxPrice, tickSize: c.tickSize },
		lotSizeFilter: { minQty: c.minQty, maxQty: c.maxQty, lotSize: c.lotSize },
		commissionType: 'Quote',
		commissionReserveRate: '0.001',
		marketOrderPriceMarkup: '0.03',
		marginRequirements: MARGIN_REQUIREMENTS
	};
}

export function openInterest(m: SymbolMarket, c: AscendexContract): string {
	return lotsToQty(Math.round(m.volume24 / 40), c);
}

export function pricingRow(m: SymbolMarket, c: AscendexContract, now: number) {
	return {
		time: now,
		symbol: c.symbol,
		markPrice: m.price(m.mark),
		indexPrice: m.price(m.index),
		openInterest: openInterest(m, c),
		fundingRate: m.formatRate(m.nextFundingRate),
		nextFundingTime: m.nextFundingTime
	};
}

export function pricingFrameRow(m: SymbolMarket, c: AscendexContract, now: number) {
	return {
		s: c.symbol,
		t: now,
		ip: m.price(m.index),
		mp: m.price(m.mark),
		r: m.formatRate(m.nextFundingRate),
		oi: openInterest(m, c),
		f: m.nextFundingTime
	};
}

export const COLLATERAL_PRICES = [{ asset: 'USDT', referencePrice: '1' }];

export function walletBalance(account: AscendexAccount): number {
	return (account.core.free.get('USDT') ?? 0) + account.core.positionMarginTotal();
}

function openNotional(account: AscendexAccount, symbol: string, buy: boolean): number {
	let sum = 0;
	for (const o of account.core.openOrders()) {
		if (o.symbol !== symbol || (o.side === 1 || o.side === 2) !== buy) continue;
		sum += o.size * Number(account.core.market(symbol).instrument.contractSize) * Number(o.price);
	}
	return sum;
}

interface PositionFigures {
	symbol: string;
	side: 'LONG' | 'SHORT' | 'NULL_VAL';
	position: string;
	referenceCost: string;
	unrealizedPnl: string;
	realizedPnl: string;
	avgOpenPrice: string;
	marginType: 'cross' | 'isolated';
	isolatedMargin: string;
	leverage: string;
	buyOpen: string;
	sellOpen: string;
}

/** One symbol's position (flat if none): reference cost = −avgOpenPrice × position (docs' uPnL rule). */
function figures(account: AscendexAccount, symbol: string): PositionFigures {
	const c = account.contract(symbol)!;
	const p: SimPosition | undefined =
		account.core.position(symbol, 'long') ?? account.core.position(symbol, 'short');
	const signedLots = p ? (p.side === 'long' ? p.size : -p.size) : 0;
	const qty = Number(lotsToQty(Math.abs(signedLots), c)) * Math.sign(signedLots);
	return {
		symbol,
		side: !p ? 'NULL_VAL' : p.side === 'long' ? 'LONG' : 'SHORT',
		position: p ? (signedLots < 0 ? '-' : '') + lotsToQty(Math.abs(signedLots), c) : '0',
		referenceCost: p ? money(-qty * p.entryPrice) : '0',
		unrealizedPnl: p ? money(account.core.unrealized(p)) : '0',
		realizedPnl: p ? money(p.realized) : '0',
		avgOpenPrice: p ? formatFloat(p.entryPrice, 10) : '0',
		marginType: p?.openType === 'isolated' ? 'isolated' : 'cross',
		isolatedMargin: p?.openType === 'isolated' ? money(account.core.margin(p)) : '0',
		leverage: p?.leverage ?? '10',
		buyOpen: money(openNotional(account, symbol, true)),
		sellOpen: money(openNotional(account, symbol, false))
	};
}

/** Symbols with an open position or resting orders. */
export function activeSymbols(account: AscendexAccount): string[] {
	const set = new Set<string>();
	for (const p of account.core.positions.values()) if (p.size > 0) set.add(p.symbol);
	for (const o of account.core.openOrders()) set.add(o.symbol);
	return [...set].sort();
}

/** GET /<grp>/api/pro/v2/futures/position `data`. */
export function positionData(account: AscendexAccount) {
	return {
		ac: 'FUTURES',
		accountId: account.accountId,
		collaterals: [
			{
				asset: 'USDT',
				balance: money(walletBalance(account)),
				discountFactor: '1',
				referencePrice: '1'
			}
		],
		contracts: activeSymbols(account).map((symbol) => {
			const f = figures(account, symbol);
			const m = account.core.market(symbol);
			return {
				symbol,
				side: f.side,
				position: f.position,
				referenceCost: f.referenceCost,
				unrealizedPnl: f.unrealizedPnl,
				realizedPnl: f.realizedPnl,
				avgOpenPrice: f.avgOpenPrice,
				marginType: f.marginType,
				isolatedMargin: f.isolatedMargin,
				leverage: f.leverage,
				takeProfitPrice: '0',
				takeProfitTrigger: 'market',
				stopLossPrice: '0',
				stopLossTrigger: 'market',
				buyOpenOrderNotional: f.buyOpen,
				sellOpenOrderNotional: f.sellOpen,
				indexPrice: m.price(m.index),
				markPrice: m.price(m.mark)
			};
		})
	};
}

/** The short-key position row of futures-account-update / -snapshot (`mt` is "crossed" there). */
export function positionShort(account: AscendexAccount, symbol: string) {
	const f = figures(account, symbol);
	return {
		s: symbol,
		sd: f.side,
		pos: f.position,
		rc: f.referenceCost,
		up: f.unrealizedPnl,
		rp: f.realizedPnl,
		aop: f.avgOpenPrice,
		boon: f.buyOpen,
		soon: f.sellOpen,
		mt: f.marginType === 'isolated' ? 'isolated' : 'crossed',
		iw: f.isolatedMargin,
		lev: f.leverage,
		tp: '0',
		tpt: 'market',
		sl: '0',
		slt: 'market'
	};
}

export function collateralShort(account: AscendexAccount) {
	return [{ a: 'USDT', b: money(walletBalance(account)), f: '1' }];
}

export function accountFrame(
	account: AscendexAccount,
	kind: 'futures-account-update' | 'futures-account-snapshot',
	symbols: Iterable<string>,
	sn: number,
	now: number,
	id: string
) {
	return {
		m: kind,
		...(kind === 'futures-account-snapshot' ? { id } : {}),
		e: kind === 'futures-account-snapshot' ? 'ClientRequest' : 'ExecutionReport',
		t: now,
		acc: account.accountId,
		...(kind === 'futures-account-snapshot' ? { ac: 'FUTURES' } : { at: 'FUTURES' }),
		sn,
		...(kind === 'futures-account-update' ? { id } : {}),
		col: collateralShort(account),
		pos: [...symbols].map((s) => positionShort(account, s))
	};
}

/** The REST order object (open orders, history, status, place-order `data.order`). */
export function orderRow(account: AscendexAccount, order: SimOrder, meta: OrderMeta) {
	const c = account.contract(order.symbol)!;
	const m = account.core.market(order.symbol);
	return {
		ac: 'FUTURES',
		accountId: account.accountId,
		seqNum: meta.seqNum,
		time: order.createdAt,
		orderId: meta.orderId,
		orderType: meta.orderType,
		side: meta.side,
		symbol: order.symbol,
		price: order.type === 'limit' ? order.price : '0',
		orderQty: lotsToQty(order.size, c),
		stopPrice: '0',
		stopBy: 'market',
		status: meta.status,
		lastExecTime: order.updatedAt,
		lastPx: meta.lastPx,
		lastQty: meta.lastQty,
		avgFilledPx: order.dealSize > 0 ? formatFloat(order.dealAvgPrice, m.decimals + 4) : '0',
		cumFilledQty: lotsToQty(order.dealSize, c),
		fee: money(meta.lastFee),
		cumFee: money(order.fee),
		feeAsset: 'USDT',
		errorCode: '',
		execInst: meta.execInst,
		posStopLossPrice: '0',
		posTakeProfitPrice: '0'
	};
}

/** A `futures-order` push. */
export function orderFrame(
	account: AscendexAccount,
	order: SimOrder,
	meta: OrderMeta,
	sn: number,
	now: number
) {
	const row = orderRow(account, order, meta);
	return {
		m: 'futures-order',
		sn,
		e: 'ExecutionReport',
		a: account.accountId,
		ac: 'FUTURES',
		t: now,
		ct: order.createdAt,
		orderId: meta.orderId,
		sd: meta.side,
		ot: meta.orderType,
		q: row.orderQty,
		p: row.price,
		sp: '0',
		spb: '',
		s: order.symbol,
		st: meta.status,
		lp: meta.lastPx,
		lq: meta.lastQty,
		ap: row.avgFilledPx,
		cfq: row.cumFilledQty,
		f: row.fee,
		cf: row.cumFee,
		fa: 'USDT',
		ei: meta.execInst,
		err: ''
	};
}
