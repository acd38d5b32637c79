import { money, type SimAccount, type SimOrder, type SimPosition } from './accounts';
import { MAINTENANCE_MARGIN_RATE } from './margin';
import type { SymbolMarket } from './market';

/** The docs' row shapes for the private REST endpoints (and the asset channel, which shares them). */

export function assetRow(account: SimAccount, currency: string) {
	let margin = 0;
	let unrealized = 0;
	if (currency === 'USDT') {
		for (const p of account.positions.values()) {
			margin += account.margin(p);
			unrealized += account.unrealized(p);
		}
	}
	const frozen = account.frozen(currency);
	const free = account.free.get(currency) ?? 0;
	return {
		currency,
		position_deposit: money(margin),
		frozen_balance: money(frozen),
		available_balance: money(free - frozen),
		equity: money(free + margin + unrealized),
		unrealized: money(unrealized)
	};
}

/** One position-v2 row; `side` is the wire's position_side (long | short | both). */
export function positionRow(
	account: SimAccount,
	m: SymbolMarket,
	p: SimPosition,
	side: 'long' | 'short' | 'both',
	now: number
) {
	const cs = Number(m.instrument.contractSize);
	const mark = m.priceOf(m.mark);
	const open = p.size > 0;
	const amount = account.positionMode === 'one_way' && p.side === 'short' ? -p.size : p.size;
	return {
		symbol: p.symbol,
		leverage: p.leverage,
		timestamp: now,
		current_fee: money(p.fees),
		open_timestamp: open ? p.createdAt : 0,
		current_value: money(p.size * cs * m.priceOf(m.last)),
		mark_price: m.price(m.mark),
		position_value: money(p.size * cs * p.entryPrice),
		position_cross: money(open ? account.margin(p) : 0),
		maintenance_margin: money(p.size * cs * mark * MAINTENANCE_MARGIN_RATE),
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
		unrealized_pnl: money(open ? account.unrealized(p) : 0),
		liquidation_price: money(open ? account.liquidation(p) : 0),
		max_notional_value: '500000',
		initial_margin: money(open ? account.margin(p) : 0)
	};
}

export function emptyPosition(symbol: string, side: 'long' | 'short', now: number): SimPosition {
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

/** Order detail and open-order rows. */
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

/** Order history rows carry the plan/trailing fields too, as in the docs' sample. */
export function historyRow(account: SimAccount, o: SimOrder) {
	return {
		...orderRow(account, o),
		trigger_price: '0',
		execution_price: '0',
		activation_price_type: 1,
		activation_price: '0',
		callback_rate: '0',
		preset_take_profit_price_type: 0,
		preset_stop_loss_price_type: 0,
		preset_take_profit_price: '',
		preset_stop_loss_price: ''
	};
}
