import { money, type SimAccount, type SimFill, type SimOrder, type SimPosition } from './accounts';
import { formatFloat } from './decimal';
import type { SimTrade, SymbolMarket } from './market';
import { assetRow } from './private-rows';

/** Push frames in the docs' formats: `{"group": topic, "data": ...}`. */

export function tickerFrame(m: SymbolMarket) {
	const [bidPrice, bidVol] = m.bestBid;
	const [askPrice, askVol] = m.bestAsk;
	return {
		data: {
			symbol: m.instrument.symbol,
			last_price: m.price(m.last),
			volume_24: String(m.volume24),
			range: formatFloat((m.last - m.open24) / m.open24, 16),
			mark_price: m.price(m.mark),
			index_price: m.price(m.index),
			ask_price: m.price(askPrice),
			ask_vol: String(askVol),
			bid_price: m.price(bidPrice),
			bid_vol: String(bidVol)
		},
		group: `futures/ticker:${m.instrument.symbol}`
	};
}

export function fundingFrame(m: SymbolMarket, now: number) {
	return {
		data: {
			symbol: m.instrument.symbol,
			fundingRate: m.formatRate(m.lastFundingRate),
			// As in the docs' sample: "now" to the second, while nextFundingTime is the settlement.
			fundingTime: Math.floor(now / 1000) * 1000,
			nextFundingRate: m.formatRate(m.nextFundingRate),
			nextFundingTime: m.nextFundingTime,
			funding_upper_limit: '0.0375',
			funding_lower_limit: '-0.0375',
			ts: now
		},
		group: `futures/fundingRate:${m.instrument.symbol}`
	};
}

export function tradeFrame(m: SymbolMarket, trades: SimTrade[]) {
	return {
		group: `futures/trade:${m.instrument.symbol}`,
		data: trades.map((t) => ({
			trade_id: t.id,
			symbol: m.instrument.symbol,
			deal_price: m.price(t.price),
			deal_vol: String(t.size),
			// Taker buy against a resting sell opening a short, or the reverse (docs' `way` table).
			way: t.buyerMaker ? 5 : 1,
			m: t.buyerMaker,
			created_at: new Date(t.time).toISOString()
		}))
	};
}

export function assetFrame(account: SimAccount, currency: string) {
	const row = assetRow(account, currency);
	return {
		group: `futures/asset:${currency}`,
		data: {
			currency,
			available_balance: row.available_balance,
			position_deposit: row.position_deposit,
			frozen_balance: row.frozen_balance
		}
	};
}

export function positionData(account: SimAccount, p: SimPosition) {
	return {
		symbol: p.symbol,
		hold_volume: String(p.size),
		position_type: p.side === 'long' ? 1 : 2,
		open_type: p.openType === 'isolated' ? 1 : 2,
		frozen_volume: '0',
		close_volume: String(p.closeVol),
		hold_avg_price: money(p.entryPrice),
		close_avg_price: money(p.closeAvgPrice),
		open_avg_price: money(p.entryPrice),
		liquidate_price: money(p.size > 0 ? account.liquidation(p) : 0),
		create_time: p.createdAt,
		update_time: p.updatedAt,
		position_mode: account.wirePositionMode()
	};
}

export function orderFrame(account: SimAccount, action: number, o: SimOrder, fill?: SimFill) {
	return {
		group: 'futures/order',
		data: [
			{
				action,
				order: {
					order_id: o.orderId,
					client_order_id: o.clientOrderId,
					price: o.price,
					size: String(o.size),
					symbol: o.symbol,
					state: o.state,
					side: o.side,
					type: o.type,
					leverage: o.leverage,
					open_type: o.openType,
					deal_avg_price: money(o.dealAvgPrice),
					deal_size: String(o.dealSize),
					create_time: o.createdAt,
					update_time: o.updatedAt,
					plan_order_id: '',
					last_trade: fill
						? {
								lastTradeID: Number(fill.tradeId),
								fillQty: String(fill.vol),
								fillPrice: fill.price,
								fee: money(-fill.fee),
								feeCcy: 'USDT'
							}
						: null,
					trigger_price: '-',
					trigger_price_type: '-',
					execution_price: '-',
					activation_price_type: '-',
					activation_price: '-',
					callback_rate: '-',
					position_mode: account.wirePositionMode()
				}
			}
		]
	};
}
