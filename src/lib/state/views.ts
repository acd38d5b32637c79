import { nextFundingPayment } from '$lib/domain/funding';
import {
	baseQuantity,
	liquidationDistance,
	marginUsage,
	roe,
	unrealizedPnl
} from '$lib/domain/pnl';
import type { Balance, FundingState, Instrument, Order, Position } from '$lib/exchanges/types';
import { stepDecimals } from '$lib/format';
import type { BalanceView, OrderView, PositionView } from './view-models';

export interface PositionContext {
	accountLabel: string;
	/** What the venue's sizes count (see the registry). */
	sizeUnit: 'contracts' | 'base';
	instrument: Instrument | undefined;
	/** Live mark from the public ticker, with when it arrived. */
	mark: { price: string; at: number } | undefined;
	funding: FundingState | undefined;
	closing: boolean;
	/** Client order ids whose outcome is still being checked with the exchange. */
	checking?: string[];
	now: number;
}

/** Everything the position card shows, computed from the exchange's strings and the live mark. */
export function positionView(p: Position, ctx: PositionContext): PositionView {
	const contractSize = ctx.instrument?.contractSize;
	const markPrice = ctx.mark?.price ?? p.markPrice ?? null;
	const markAgeMs = ctx.mark ? ctx.now - ctx.mark.at : null;
	const canPrice = contractSize !== undefined && markPrice !== null && Number(markPrice) > 0;
	const upnl = canPrice
		? unrealizedPnl({
				side: p.side,
				size: p.size,
				contractSize,
				entry: p.entryPrice,
				mark: markPrice
			})
		: null;
	const liq = p.liquidationPrice && Number(p.liquidationPrice) > 0 ? p.liquidationPrice : null;
	return {
		key: `${p.accountId}:${p.symbol}:${p.side}`,
		accountId: p.accountId,
		accountLabel: ctx.accountLabel,
		symbol: p.symbol,
		side: p.side,
		size: p.size,
		sizeDecimals: stepDecimals(p.size),
		sizeUnit: ctx.sizeUnit === 'base' ? (ctx.instrument?.base ?? '') : 'cont.',
		// A size already in the base coin needs no second line.
		baseQuantity:
			ctx.sizeUnit === 'base'
				? null
				: contractSize
					? `${baseQuantity(p.size, contractSize)} ${ctx.instrument?.base ?? ''}`.trim()
					: '—',
		entryPrice: p.entryPrice,
		markPrice,
		markAgeMs,
		liquidationPrice: liq,
		liquidationDistance:
			markPrice && liq
				? liquidationDistance({ side: p.side, mark: markPrice, liquidation: liq })
				: null,
		unrealizedPnl: upnl,
		roe: upnl !== null ? roe(upnl, p.margin) : null,
		margin: p.margin,
		leverage: p.leverage,
		marginMode: p.marginMode,
		positionMode: p.positionMode,
		nextFunding:
			canPrice && ctx.funding
				? nextFundingPayment({
						side: p.side,
						size: p.size,
						contractSize,
						mark: markPrice,
						rate: ctx.funding.nextRate
					})
				: null,
		settle: ctx.instrument?.settle ?? 'USDT',
		priceDecimals: stepDecimals(ctx.instrument?.priceTick),
		updatedAt: p.updatedAt,
		closing: ctx.closing,
		checking: ctx.checking ?? []
	};
}

export function balanceView(b: Balance): BalanceView {
	return {
		asset: b.asset,
		equity: b.equity,
		available: b.available,
		unrealizedPnl: b.unrealizedPnl,
		marginUsage: marginUsage(b.positionMargin, b.equity)
	};
}

export function orderView(o: Order): OrderView {
	return {
		accountId: o.accountId,
		orderId: o.orderId,
		symbol: o.symbol,
		side: o.side,
		reduceOnly: o.reduceOnly,
		type: o.type,
		price: o.price,
		size: o.size,
		filledSize: o.filledSize,
		status: o.status,
		createdAt: o.createdAt
	};
}
