import { formatFloat, parseScaled } from './decimal';
import { ERRORS, SimRestError } from './errors';
import { importHmacKey } from './hmac';
import type { MarketEngine, SymbolMarket } from './market';

/**
 * Account state behind the private endpoints: balances, positions, orders, fills, ledger.
 * Business logic is deliberately small for now (market orders fill at the touch, limit orders
 * rest without matching); the shapes are the venue's so a matching engine can grow here.
 */

export type SimPositionMode = 'hedge' | 'one_way';
export type SimSide = 'long' | 'short';
export type OpenType = 'cross' | 'isolated';

export interface AddAccountOptions {
	apiKey: string;
	secret: string;
	memo: string;
	positionMode?: SimPositionMode;
	/** Starting USDT balance, a decimal string; default "10000". */
	usdt?: string;
}

export interface SimPosition {
	symbol: string;
	side: SimSide;
	size: number;
	entryPrice: number;
	leverage: string;
	openType: OpenType;
	realized: number;
	fees: number;
	closeVol: number;
	closeAvgPrice: number;
	createdAt: number;
	updatedAt: number;
}

export interface SimOrder {
	orderId: string;
	clientOrderId: string;
	symbol: string;
	side: number;
	type: 'limit' | 'market';
	price: string;
	size: number;
	mode: number;
	leverage: string;
	openType: OpenType;
	state: 2 | 4;
	dealSize: number;
	dealAvgPrice: number;
	canceled: boolean;
	createdAt: number;
	updatedAt: number;
}

export interface SimFill {
	orderId: string;
	tradeId: string;
	symbol: string;
	side: number;
	price: string;
	vol: number;
	realised: number;
	fee: number;
	time: number;
}

export type LedgerKind =
	'Transfer' | 'Realized PNL' | 'Funding Fee' | 'Commission Fee' | 'Liquidation Clearance';

export const FLOW_TYPES: Record<LedgerKind, number> = {
	Transfer: 1,
	'Realized PNL': 2,
	'Funding Fee': 3,
	'Commission Fee': 4,
	'Liquidation Clearance': 5
};

export interface SimLedgerEntry {
	tranId: string;
	time: number;
	type: LedgerKind;
	amount: number;
	asset: string;
	symbol: string;
}

/** What changed, for the private socket: order action codes follow the docs' Order Channel. */
export type AccountEvent =
	| { kind: 'order'; action: number; order: SimOrder; fill?: SimFill }
	| { kind: 'position'; position: SimPosition }
	| { kind: 'asset'; currency: string };

export interface SubmitOrderRequest {
	symbol?: unknown;
	client_order_id?: unknown;
	type?: unknown;
	side?: unknown;
	leverage?: unknown;
	open_type?: unknown;
	mode?: unknown;
	price?: unknown;
	size?: unknown;
}

const TAKER_FEE = 0.0006;
const MONEY_PLACES = 8;

export class SimAccount {
	readonly apiKey: string;
	readonly memo: string;
	readonly hmacKey: Promise<CryptoKey>;
	positionMode: SimPositionMode;
	/** Free USDT (and any other currency seeded later). */
	readonly available = new Map<string, number>();
	readonly positions = new Map<string, SimPosition>();
	readonly orders = new Map<string, SimOrder>();
	readonly fills: SimFill[] = [];
	readonly ledger: SimLedgerEntry[] = [];
	readonly #listeners = new Set<(event: AccountEvent) => void>();
	readonly #ids: () => number;

	constructor(options: AddAccountOptions, ids: () => number, now: number) {
		this.apiKey = options.apiKey;
		this.memo = options.memo;
		this.hmacKey = importHmacKey(options.secret);
		this.positionMode = options.positionMode ?? 'hedge';
		this.#ids = ids;
		const usdt = Number(options.usdt ?? '10000');
		this.available.set('USDT', usdt);
		this.addLedger(now, 'Transfer', usdt, '');
	}

	onEvent(listener: (event: AccountEvent) => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	/** Test helper: set the free balance of a currency. */
	setBalance(currency: string, amount: string): void {
		this.available.set(currency, Number(amount));
		this.emit({ kind: 'asset', currency });
	}

	/** Test helper: put a position on the books as if it had been opened earlier. */
	seedPosition(
		p: Pick<SimPosition, 'symbol' | 'side' | 'size' | 'entryPrice'> & Partial<SimPosition>,
		now: number
	): SimPosition {
		const position: SimPosition = {
			leverage: '10',
			openType: 'cross',
			realized: 0,
			fees: 0,
			closeVol: 0,
			closeAvgPrice: 0,
			createdAt: now,
			updatedAt: now,
			...p
		};
		this.positions.set(positionKey(position.symbol, position.side), position);
		this.emit({ kind: 'position', position });
		return position;
	}

	margin(position: SimPosition, market: SymbolMarket): number {
		return (
			(position.size * Number(market.instrument.contractSize) * position.entryPrice) /
			Number(position.leverage)
		);
	}

	unrealized(position: SimPosition, market: SymbolMarket): number {
		const diff = market.priceOf(market.mark) - position.entryPrice;
		const pnl = diff * position.size * Number(market.instrument.contractSize);
		return position.side === 'long' ? pnl : -pnl;
	}

	frozen(currency: string, engine: MarketEngine): number {
		if (currency !== 'USDT') return 0;
		let sum = 0;
		for (const order of this.openOrders()) {
			const market = engine.get(order.symbol);
			if (!market || isClosingSide(order.side)) continue;
			const notional = order.size * Number(market.instrument.contractSize) * Number(order.price);
			sum += notional / Number(order.leverage);
		}
		return sum;
	}

	openOrders(): SimOrder[] {
		return [...this.orders.values()].filter((o) => o.state === 2 && !o.canceled);
	}

	submitOrder(body: SubmitOrderRequest, engine: MarketEngine, now: number): SimOrder {
		const market = typeof body.symbol === 'string' ? engine.get(body.symbol) : undefined;
		if (!market) throw new SimRestError(ERRORS.symbolNotExist);
		const side = body.side;
		if (typeof side !== 'number' || ![1, 2, 3, 4].includes(side)) {
			throw new SimRestError(ERRORS.sideInvalid);
		}
		const type = body.type ?? 'limit';
		if (type !== 'limit' && type !== 'market') throw new SimRestError(ERRORS.typeInvalid);
		const size = body.size;
		if (typeof size !== 'number' || !Number.isInteger(size)) {
			throw new SimRestError(ERRORS.precisionInvalid);
		}
		if (size < 1 || size > market.instrument.maxVolume) throw new SimRestError(ERRORS.rangeInvalid);
		const openType = body.open_type ?? 'cross';
		if (openType !== 'cross' && openType !== 'isolated') {
			throw new SimRestError(ERRORS.openTypeInvalid);
		}
		const leverage = body.leverage ?? '10';
		if (typeof leverage !== 'string' || !/^\d+(\.\d+)?$/.test(leverage) || Number(leverage) < 1) {
			throw new SimRestError(ERRORS.leverageInvalid);
		}
		if (Number(leverage) > market.instrument.maxLeverage) {
			throw new SimRestError(ERRORS.leverageTooLarge);
		}
		const mode = body.mode ?? 1;
		if (typeof mode !== 'number' || ![1, 2, 3, 4].includes(mode)) {
			throw new SimRestError(ERRORS.parseParameter);
		}
		const clientOrderId = this.checkClientOrderId(body.client_order_id);
		let price = 'market price';
		if (type === 'limit') {
			if (typeof body.price !== 'string') throw new SimRestError(ERRORS.parseParameter);
			const ticks = parseScaled(body.price, market.decimals);
			if (ticks === undefined || ticks <= 0n) throw new SimRestError(ERRORS.precisionInvalid);
			price = body.price;
		}
		const closing = this.closingTarget(side, market.instrument.symbol);
		if (closing && closing.size < size) {
			throw new SimRestError(
				closing.size === 0 ? ERRORS.positionNotExist : ERRORS.positionVolumeNotEnough
			);
		}
		const fillTicks = side === 1 || side === 2 ? market.bestAsk[0] : market.bestBid[0];
		if (!closing) {
			const refPrice = type === 'limit' ? Number(price) : market.priceOf(fillTicks);
			const needed = (size * Number(market.instrument.contractSize) * refPrice) / Number(leverage);
			if (needed > (this.available.get('USDT') ?? 0) - this.frozen('USDT', engine)) {
				throw new SimRestError(ERRORS.balanceNotEnough);
			}
		}
		const order: SimOrder = {
			orderId: String(this.#ids()),
			clientOrderId,
			symbol: market.instrument.symbol,
			side,
			type,
			price: type === 'limit' ? price : '0',
			size,
			mode,
			leverage,
			openType,
			state: 2,
			dealSize: 0,
			dealAvgPrice: 0,
			canceled: false,
			createdAt: now,
			updatedAt: now
		};
		this.orders.set(order.orderId, order);
		this.emit({ kind: 'order', action: 2, order });
		if (type === 'market') this.fill(order, market, fillTicks, now);
		return order;
	}

	cancel(
		symbol: string,
		orderId: string | undefined,
		clientOrderId: string | undefined,
		now: number
	): number {
		const matches = this.openOrders().filter(
			(o) =>
				o.symbol === symbol &&
				(orderId === undefined || o.orderId === orderId) &&
				(clientOrderId === undefined || o.clientOrderId === clientOrderId)
		);
		if ((orderId !== undefined || clientOrderId !== undefined) && matches.length === 0) {
			throw new SimRestError(ERRORS.orderNotExist);
		}
		for (const order of matches) {
			order.canceled = true;
			order.state = 4;
			order.updatedAt = now;
			this.emit({ kind: 'order', action: 3, order });
		}
		return matches.length;
	}

	/** Pay or receive funding on every open position of this symbol. */
	applyFunding(market: SymbolMarket, rate: number, now: number): void {
		for (const position of this.positions.values()) {
			if (position.symbol !== market.instrument.symbol || position.size === 0) continue;
			const notional =
				position.size * Number(market.instrument.contractSize) * market.priceOf(market.mark);
			const amount = (position.side === 'long' ? -1 : 1) * notional * rate;
			this.credit('USDT', amount);
			this.addLedger(now, 'Funding Fee', amount, position.symbol);
		}
	}

	wirePositionMode(): 'hedge_mode' | 'one_way_mode' {
		return this.positionMode === 'hedge' ? 'hedge_mode' : 'one_way_mode';
	}

	private checkClientOrderId(value: unknown): string {
		if (value === undefined || value === '') return '';
		if (typeof value !== 'string' || !/^[A-Za-z0-9]+$/.test(value)) {
			throw new SimRestError(ERRORS.clientOrderIdChars);
		}
		if (value.length > 32) throw new SimRestError(ERRORS.clientOrderIdLength);
		for (const order of this.orders.values()) {
			if (order.clientOrderId === value) throw new SimRestError(ERRORS.clientOrderIdDuplicated);
		}
		return value;
	}

	/** The position a side code reduces, or undefined when it opens (per position mode). */
	private closingTarget(side: number, symbol: string): { size: number } | undefined {
		// Hedge: 2 closes the short, 3 the long. One-way: 2/3 are reduce-only buy/sell, which
		// reduce the same single position, so one rule serves both modes.
		if (side === 2) return { size: this.positions.get(positionKey(symbol, 'short'))?.size ?? 0 };
		if (side === 3) return { size: this.positions.get(positionKey(symbol, 'long'))?.size ?? 0 };
		return undefined;
	}

	private fill(order: SimOrder, market: SymbolMarket, ticks: number, now: number): void {
		const price = market.priceOf(ticks);
		const cs = Number(market.instrument.contractSize);
		const fee = order.size * cs * price * TAKER_FEE;
		let realised = 0;
		const buy = order.side === 1 || order.side === 2;
		const reduceSide: SimSide | undefined =
			order.side === 2 ? 'short' : order.side === 3 ? 'long' : undefined;
		if (reduceSide) {
			const key = positionKey(order.symbol, reduceSide);
			const position = this.positions.get(key)!;
			const diff = (price - position.entryPrice) * order.size * cs;
			realised = reduceSide === 'long' ? diff : -diff;
			const released = this.margin({ ...position, size: order.size }, market);
			this.credit('USDT', released + realised);
			position.closeAvgPrice =
				(position.closeAvgPrice * position.closeVol + price * order.size) /
				(position.closeVol + order.size);
			position.closeVol += order.size;
			position.size -= order.size;
			position.realized += realised;
			position.updatedAt = now;
			this.emit({ kind: 'position', position });
			if (position.size === 0) this.positions.delete(key);
			this.addLedger(now, 'Realized PNL', realised, order.symbol);
		} else {
			const side: SimSide = buy ? 'long' : 'short';
			const key = positionKey(order.symbol, side);
			const existing = this.positions.get(key);
			const position: SimPosition = existing ?? {
				symbol: order.symbol,
				side,
				size: 0,
				entryPrice: price,
				leverage: order.leverage,
				openType: order.openType,
				realized: 0,
				fees: 0,
				closeVol: 0,
				closeAvgPrice: 0,
				createdAt: now,
				updatedAt: now
			};
			position.entryPrice =
				(position.entryPrice * position.size + price * order.size) / (position.size + order.size);
			position.size += order.size;
			position.updatedAt = now;
			this.positions.set(key, position);
			this.credit(
				'USDT',
				-this.margin({ ...position, size: order.size, entryPrice: price }, market)
			);
			this.emit({ kind: 'position', position });
		}
		this.credit('USDT', -fee);
		this.addLedger(now, 'Commission Fee', -fee, order.symbol);
		order.dealSize = order.size;
		order.dealAvgPrice = price;
		order.state = 4;
		order.updatedAt = now;
		const fill: SimFill = {
			orderId: order.orderId,
			tradeId: String(this.#ids()),
			symbol: order.symbol,
			side: order.side,
			price: market.price(ticks),
			vol: order.size,
			realised,
			fee,
			time: now
		};
		this.fills.push(fill);
		this.emit({ kind: 'order', action: 1, order, fill });
		this.emit({ kind: 'asset', currency: 'USDT' });
	}

	private credit(currency: string, amount: number): void {
		this.available.set(currency, (this.available.get(currency) ?? 0) + amount);
	}

	private addLedger(time: number, type: LedgerKind, amount: number, symbol: string): void {
		this.ledger.push({ tranId: String(this.#ids()), time, type, amount, asset: 'USDT', symbol });
	}

	private emit(event: AccountEvent): void {
		for (const listener of this.#listeners) listener(event);
	}
}

export function positionKey(symbol: string, side: SimSide): string {
	return `${symbol}|${side}`;
}

/** Side codes 2 and 3 reduce a position in both position modes. */
export function isClosingSide(side: number): boolean {
	return side === 2 || side === 3;
}

export function money(value: number): string {
	return formatFloat(value, MONEY_PLACES);
}
