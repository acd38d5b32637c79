import {
	money,
	type SimAccount,
	type SimFill,
	type SimOrder,
	type SimPosition
} from '../core/accounts';
import { MAINTENANCE_MARGIN_RATE, TAKER_FEE_RATE, MAKER_FEE_RATE } from '../core/margin';
import { FUNDING_INTERVAL_MS, type SymbolMarket } from '../core/market';
import { formatSize, type BitgetContract } from './contracts';

/**
 * Bitget's row shapes (notes §2.1, §3.5, §3.6, §4), shared by REST and the WS channels. Numbers
 * are decimal strings except where the notes show numbers (WS `leverage`, timestamps in pushes).
 */

export type WireSide = 'buy' | 'sell';

/** What the simulator keeps about an order beyond the core's fields: how it was asked for. */
export interface OrderMeta {
	side: WireSide;
	tradeSide: 'open' | 'close';
	reduceOnly: boolean;
	force: string;
	presetStopSurplusPrice: string;
	presetStopLossPrice: string;
}

export function contractOf(m: SymbolMarket): BitgetContract {
	return m.instrument as BitgetContract;
}

export function wireMarginMode(openType: 'cross' | 'isolated'): 'crossed' | 'isolated' {
	return openType === 'cross' ? 'crossed' : 'isolated';
}

export function posModeOf(account: SimAccount): 'hedge_mode' | 'one_way_mode' {
	return account.positionMode === 'hedge' ? 'hedge_mode' : 'one_way_mode';
}

/** The wire meaning of a core order side code under the account's position mode. */
export function metaFromCore(account: SimAccount, order: SimOrder): OrderMeta {
	const hedge = account.positionMode === 'hedge';
	const closing = order.side === 2 || order.side === 3;
	// Hedge mode names the POSITION side: closing a long (code 3) is buy + close.
	const side: WireSide = hedge
		? order.side === 1 || order.side === 3
			? 'buy'
			: 'sell'
		: order.side === 1 || order.side === 2
			? 'buy'
			: 'sell';
	return {
		side,
		tradeSide: closing ? 'close' : 'open',
		reduceOnly: !hedge && closing,
		force: 'gtc',
		presetStopSurplusPrice: '',
		presetStopLossPrice: ''
	};
}

function posSide(account: SimAccount, order: SimOrder): 'long' | 'short' | 'net' {
	if (account.positionMode !== 'hedge') return 'net';
	return order.side === 1 || order.side === 3 ? 'long' : 'short';
}

/** Size reserved by resting closing orders of this position. */
export function frozenSize(account: SimAccount, p: SimPosition): number {
	let sum = 0;
	for (const o of account.openOrders()) {
		if (o.symbol !== p.symbol) continue;
		if ((p.side === 'long' && o.side === 3) || (p.side === 'short' && o.side === 2)) {
			sum += o.size - o.dealSize;
		}
	}
	return Math.min(sum, p.size);
}

export function orderStatus(order: SimOrder, ws: boolean): string {
	if (order.canceled) return ws ? 'cancelled' : 'canceled';
	if (order.state === 4) return 'filled';
	return order.dealSize > 0 ? 'partially_filled' : 'live';
}

export function orderRow(account: SimAccount, order: SimOrder, meta: OrderMeta, ws: boolean) {
	const m = account.market(order.symbol);
	const c = contractOf(m);
	const cs = Number(c.contractSize);
	const common = {
		orderId: order.orderId,
		clientOid: order.clientOrderId,
		side: meta.side,
		tradeSide: meta.tradeSide,
		posSide: posSide(account, order),
		posMode: posModeOf(account),
		orderType: order.type,
		force: meta.force,
		price: order.type === 'market' ? '0' : order.price,
		size: formatSize(c, order.size),
		status: orderStatus(order, ws),
		marginMode: wireMarginMode(order.openType),
		marginCoin: 'USDT',
		reduceOnly: meta.reduceOnly ? 'YES' : 'NO',
		presetStopSurplusPrice: meta.presetStopSurplusPrice,
		presetStopLossPrice: meta.presetStopLossPrice,
		enterPointSource: 'API',
		cTime: String(order.createdAt),
		uTime: String(order.updatedAt)
	};
	const avg = order.dealSize > 0 ? money(order.dealAvgPrice) : '0';
	if (ws) {
		return {
			...common,
			instId: order.symbol,
			leverage: order.leverage,
			accBaseVolume: formatSize(c, order.dealSize),
			priceAvg: avg,
			notionalUsd: money(order.size * cs * (order.dealAvgPrice || Number(order.price) || 0)),
			feeDetail: [{ feeCoin: 'USDT', fee: money(-order.fee) }],
			totalProfits: money(order.realized),
			cancelReason: '',
			stpMode: 'none',
			reduceOnly: meta.reduceOnly ? 'yes' : 'no'
		};
	}
	return {
		...common,
		symbol: order.symbol,
		leverage: order.leverage,
		baseVolume: formatSize(c, order.dealSize),
		quoteVolume: money(order.dealSize * cs * order.dealAvgPrice),
		priceAvg: avg,
		fee: money(-order.fee),
		totalProfits: money(order.realized),
		orderSource: order.type === 'market' ? 'market' : 'normal',
		cancelReason: '',
		stpMode: 'none'
	};
}

/** The extra fields an `orders` push carries when it reports a fill. */
export function orderFillFields(account: SimAccount, fill: SimFill) {
	const c = contractOf(account.market(fill.symbol));
	const cs = Number(c.contractSize);
	return {
		tradeId: fill.tradeId,
		fillPrice: fill.price,
		baseVolume: formatSize(c, fill.vol),
		fillFee: money(-fill.fee),
		fillFeeCoin: 'USDT',
		fillNotionalUsd: money(fill.vol * cs * Number(fill.price)),
		fillTime: String(fill.time),
		pnl: money(fill.realised),
		tradeScope: 'taker'
	};
}

export function fillRow(
	account: SimAccount,
	fill: SimFill,
	order: SimOrder | undefined,
	meta: OrderMeta | undefined,
	ws: boolean
) {
	const c = contractOf(account.market(fill.symbol));
	const cs = Number(c.contractSize);
	const base = {
		orderId: fill.orderId,
		tradeId: fill.tradeId,
		symbol: fill.symbol,
		side: meta?.side ?? fillSide(account, fill),
		orderType: order?.type ?? 'market',
		posMode: posModeOf(account),
		price: fill.price,
		baseVolume: formatSize(c, fill.vol),
		quoteVolume: money(fill.vol * cs * Number(fill.price)),
		profit: money(fill.realised),
		tradeSide: meta?.tradeSide ?? (fill.side === 2 || fill.side === 3 ? 'close' : 'open'),
		tradeScope: 'taker',
		feeDetail: [
			{ feeCoin: 'USDT', deduction: 'no', totalDeductionFee: '0', totalFee: money(-fill.fee) }
		],
		cTime: String(fill.time)
	};
	return ws
		? { ...base, clientOid: order?.clientOrderId ?? '', uTime: String(fill.time) }
		: { ...base, enterPointSource: 'API' };
}

/** A fill without an order here (seeded history): its wire side from the core's side code. */
function fillSide(account: SimAccount, fill: SimFill): WireSide {
	if (account.positionMode === 'hedge') return fill.side === 1 || fill.side === 3 ? 'buy' : 'sell';
	return fill.side === 1 || fill.side === 2 ? 'buy' : 'sell';
}

export function positionRow(
	account: SimAccount,
	p: SimPosition,
	posId: string,
	ws: boolean,
	now: number
) {
	const m = account.market(p.symbol);
	const c = contractOf(m);
	const cs = Number(c.contractSize);
	const margin = p.size > 0 ? account.margin(p) : 0;
	const upl = p.size > 0 ? account.unrealized(p) : 0;
	const frozen = p.size > 0 ? frozenSize(account, p) : 0;
	const mark = m.priceOf(m.mark);
	const row = {
		marginCoin: 'USDT',
		symbol: p.symbol,
		holdSide: p.side,
		openDelegateSize: '0',
		marginSize: money(margin),
		available: formatSize(c, p.size - frozen),
		locked: formatSize(c, frozen),
		total: formatSize(c, p.size),
		leverage: p.leverage,
		achievedProfits: money(p.realized),
		openPriceAvg: money(p.entryPrice),
		marginMode: wireMarginMode(p.openType),
		posMode: posModeOf(account),
		unrealizedPL: money(upl),
		liquidationPrice: p.size > 0 ? money(account.liquidation(p)) : '0',
		keepMarginRate: String(MAINTENANCE_MARGIN_RATE),
		markPrice: m.price(m.mark),
		marginRatio: margin > 0 ? money((p.size * cs * mark * MAINTENANCE_MARGIN_RATE) / margin) : '0',
		breakEvenPrice: money(
			p.entryPrice * (p.side === 'long' ? 1 + 2 * TAKER_FEE_RATE : 1 - 2 * TAKER_FEE_RATE)
		),
		totalFee: money(-p.fees),
		deductedFee: money(p.fees),
		cTime: String(p.createdAt),
		uTime: String(Math.max(p.updatedAt, p.createdAt))
	};
	if (!ws)
		return {
			...row,
			assetMode: 'single',
			autoMargin: 'off',
			grant: '',
			takeProfit: '',
			stopLoss: ''
		};
	return {
		posId,
		instId: p.symbol,
		marginCoin: 'USDT',
		marginSize: row.marginSize,
		marginMode: row.marginMode,
		holdSide: p.side,
		posMode: row.posMode,
		total: row.total,
		available: row.available,
		frozen: row.locked,
		openPriceAvg: row.openPriceAvg,
		leverage: Number(p.leverage),
		achievedProfits: row.achievedProfits,
		unrealizedPL: row.unrealizedPL,
		unrealizedPLR: margin > 0 ? money(upl / margin) : '0',
		liquidationPrice: row.liquidationPrice,
		keepMarginRate: row.keepMarginRate,
		marginRate: row.marginRatio,
		breakEvenPrice: row.breakEvenPrice,
		totalFee: row.totalFee,
		deductedFee: row.deductedFee,
		markPrice: row.markPrice,
		autoMargin: 'off',
		cTime: row.cTime,
		uTime: String(now)
	};
}

function accountNumbers(account: SimAccount) {
	let margin = 0;
	let upl = 0;
	let crossedUpl = 0;
	let isolatedUpl = 0;
	for (const p of account.positions.values()) {
		if (p.size === 0) continue;
		margin += account.margin(p);
		const u = account.unrealized(p);
		upl += u;
		if (p.openType === 'cross') crossedUpl += u;
		else isolatedUpl += u;
	}
	const frozen = account.frozen('USDT');
	const free = account.free.get('USDT') ?? 0;
	const available = free - frozen;
	const equity = free + margin + upl;
	return { margin, upl, crossedUpl, isolatedUpl, frozen, available, equity };
}

/** `/api/v2/mix/account/accounts` row (notes §4). */
export function accountRow(account: SimAccount, btcPrice: number) {
	const n = accountNumbers(account);
	return {
		marginCoin: 'USDT',
		locked: money(n.frozen),
		available: money(n.available),
		crossedMaxAvailable: money(Math.max(0, n.available + Math.min(0, n.crossedUpl))),
		isolatedMaxAvailable: money(Math.max(0, n.available)),
		maxTransferOut: money(Math.max(0, n.available + Math.min(0, n.upl))),
		accountEquity: money(n.equity),
		usdtEquity: money(n.equity),
		btcEquity: money(btcPrice > 0 ? n.equity / btcPrice : 0),
		crossedRiskRate:
			n.equity > 0 ? money((n.margin * MAINTENANCE_MARGIN_RATE * 10) / n.equity) : '0',
		unrealizedPL: money(n.upl),
		coupon: '0',
		crossedUnrealizedPL: money(n.crossedUpl),
		isolatedUnrealizedPL: money(n.isolatedUpl),
		assetMode: 'single'
	};
}

/** `account` channel row (notes §3.6). */
export function accountPush(account: SimAccount) {
	const n = accountNumbers(account);
	return {
		marginCoin: 'USDT',
		frozen: money(n.frozen),
		available: money(n.available),
		maxOpenPosAvailable: money(Math.max(0, n.available)),
		maxTransferOut: money(Math.max(0, n.available + Math.min(0, n.upl))),
		equity: money(n.equity),
		usdtEquity: money(n.equity),
		crossedRiskRate:
			n.equity > 0 ? money((n.margin * MAINTENANCE_MARGIN_RATE * 10) / n.equity) : '0',
		unrealizedPL: money(n.upl)
	};
}

export function contractRow(c: BitgetContract) {
	return {
		symbol: c.symbol,
		baseCoin: c.base,
		quoteCoin: c.quote,
		buyLimitPriceRatio: '0.05',
		sellLimitPriceRatio: '0.05',
		feeRateUpRatio: '0.005',
		makerFeeRate: String(MAKER_FEE_RATE),
		takerFeeRate: String(TAKER_FEE_RATE),
		openCostUpRatio: '0.01',
		supportMarginCoins: ['USDT'],
		minTradeNum: c.minTradeNum,
		priceEndStep: c.priceEndStep,
		volumePlace: String(c.volumePlace),
		pricePlace: String(c.pricePlace),
		sizeMultiplier: c.sizeMultiplier,
		symbolType: 'perpetual',
		minTradeUSDT: c.minTradeUSDT,
		maxSymbolOrderNum: '200',
		maxProductOrderNum: '400',
		maxPositionNum: '150',
		symbolStatus: 'normal',
		offTime: '-1',
		limitOpenTime: '-1',
		deliveryTime: '',
		deliveryStartTime: '',
		launchTime: '',
		fundInterval: String(FUNDING_INTERVAL_MS / 3_600_000),
		minLever: '1',
		maxLever: String(c.maxLeverage),
		posLimit: '0.1',
		maintainTime: ''
	};
}

export function tickerRow(m: SymbolMarket, ws: boolean, now: number) {
	const c = contractOf(m);
	const bid = m.bestBid;
	const ask = m.bestAsk;
	const change = m.open24 > 0 ? (m.last - m.open24) / m.open24 : 0;
	const base = {
		lastPr: m.price(m.last),
		askPr: m.price(ask[0]),
		bidPr: m.price(bid[0]),
		bidSz: formatSize(c, bid[1]),
		askSz: formatSize(c, ask[1]),
		high24h: m.price(m.high24),
		low24h: m.price(m.low24),
		change24h: change.toFixed(5),
		baseVolume: formatSize(c, m.volume24),
		quoteVolume: money(m.turnover24),
		fundingRate: m.formatRate(m.nextFundingRate),
		holdingAmount: formatSize(c, m.instrument.levelSize * 400),
		indexPrice: m.price(m.index),
		markPrice: m.price(m.mark),
		open24h: m.price(m.open24),
		openUtc: m.price(m.open24),
		deliveryPrice: '0',
		symbolType: 1,
		ts: String(now)
	};
	if (ws) {
		return {
			instId: c.symbol,
			...base,
			nextFundingTime: String(m.nextFundingTime),
			symbol: c.symbol
		};
	}
	return {
		symbol: c.symbol,
		...base,
		usdtVolume: money(m.turnover24),
		deliveryStartTime: null,
		deliveryStatus: '',
		changeUtc24h: change.toFixed(5)
	};
}
