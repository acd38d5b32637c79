import { formatFloat } from './decimal';
import { ERRORS, SimRestError } from './errors';
import { importHmacKey } from './hmac';
import { liquidationPrice, positionMargin, unrealizedPnl } from './margin';
import type { MarketEngine, SymbolMarket } from './market';

/**
 * Account state behind the private endpoints: balances, positions, orders, fills, ledger.
 * Order validation and matching live in `execution.ts`; the money rules in `margin.ts`.
 *
 * Balances: `free` is the wallet balance minus the margin held by positions. So
 * equity = free + position margin + unrealized PnL, and available = free − frozen.
 */

export type SimPositionMode = 'hedge' | 'one_way';
export type SimSide = 'long' | 'short';
export type OpenType = 'cross' | 'isolated';

export interface AddAccountOptions {
	apiKey: string;
	secret: string;
	memo: string;
	positionMode?: SimPositionMode;
	/** Starting USDT wallet balance, a decimal string; default "10000". */
	usdt?: string;
}

export interface SimPosition {
	symbol: string;
	side: SimSide;
	/** Contracts, a positive integer while the position is open. */
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
	/** 2 = resting (status_check), 4 = finished (filled or canceled). */
	state: 2 | 4;
	dealSize: number;
	dealAvgPrice: number;
	realized: number;
	fee: number;
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

/** The test helper's view of a position to put on the books. */
export interface SeedPositionOptions {
	symbol: string;
	side: SimSide;
	/** Contracts, a positive integer. */
	size: number;
	entryPrice: string | number;
	/** Default "10". */
	leverage?: string | number;
	/** Default "cross". */
	marginMode?: OpenType;
}

const MONEY_PLACES = 8;

export class SimAccount {
	readonly apiKey: string;
	readonly memo: string;
	readonly hmacKey: Promise<CryptoKey>;
	readonly engine: MarketEngine;
	positionMode: SimPositionMode;
	/** Wallet balance minus position margin, per currency. */
	readonly free = new Map<string, number>();
	readonly positions = new Map<string, SimPosition>();
	readonly orders = new Map<string, SimOrder>();
	readonly fills: SimFill[] = [];
	readonly ledger: SimLedgerEntry[] = [];
	readonly #listeners = new Set<(event: AccountEvent) => void>();
	readonly nextId: () => string;

	constructor(options: AddAccountOptions, engine: MarketEngine, ids: () => number, now: number) {
		this.apiKey = options.apiKey;
		this.memo = options.memo;
		this.hmacKey = importHmacKey(options.secret);
		this.engine = engine;
		this.positionMode = options.positionMode ?? 'hedge';
		this.nextId = () => String(ids());
		const usdt = Number(options.usdt ?? '10000');
		this.free.set('USDT', usdt);
		this.addLedger(now, 'Transfer', usdt, '');
	}

	onEvent(listener: (event: AccountEvent) => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	/** Test helper: the wallet balance (equity at zero unrealized PnL) of a currency. */
	setBalance(currency: string, amount: string): void {
		const wallet = Number(amount);
		if (!Number.isFinite(wallet)) throw new Error(`simulator: bad balance "${amount}"`);
		const held = currency === 'USDT' ? this.positionMarginTotal() : 0;
		this.free.set(currency, wallet - held);
		this.emit({ kind: 'asset', currency });
	}

	setPositionMode(mode: SimPositionMode): void {
		if (mode === 'one_way') {
			for (const p of this.positions.values()) {
				const other = p.side === 'long' ? 'short' : 'long';
				if (this.positions.has(positionKey(p.symbol, other))) {
					throw new Error(`simulator: ${p.symbol} holds both sides; close one before one-way`);
				}
			}
		}
		this.positionMode = mode;
	}

	/**
	 * Test helper: a position as if opened earlier at `entryPrice`. Its margin moves out of the
	 * free balance (the wallet balance is unchanged); funds are not checked.
	 */
	seedPosition(opts: SeedPositionOptions, now: number): SimPosition {
		const market = this.engine.get(opts.symbol);
		if (!market) throw new Error(`simulator: unknown symbol ${opts.symbol}`);
		if (!Number.isSafeInteger(opts.size) || opts.size < 1) {
			throw new Error('simulator: a seeded size is a positive whole number of contracts');
		}
		const entryPrice = Number(opts.entryPrice);
		const leverage = String(opts.leverage ?? '10');
		if (!(entryPrice > 0) || !(Number(leverage) >= 1)) {
			throw new Error('simulator: a seeded position needs a positive entry and leverage ≥ 1');
		}
		const other = opts.side === 'long' ? 'short' : 'long';
		if (this.positions.has(positionKey(opts.symbol, opts.side))) {
			throw new Error(`simulator: ${opts.symbol} ${opts.side} is already seeded`);
		}
		if (this.positionMode === 'one_way' && this.positions.has(positionKey(opts.symbol, other))) {
			throw new Error(`simulator: one-way mode holds one position per symbol (${opts.symbol})`);
		}
		const position: SimPosition = {
			symbol: opts.symbol,
			side: opts.side,
			size: opts.size,
			entryPrice,
			leverage,
			openType: opts.marginMode ?? 'cross',
			realized: 0,
			fees: 0,
			closeVol: 0,
			closeAvgPrice: 0,
			createdAt: now,
			updatedAt: now
		};
		this.positions.set(positionKey(position.symbol, position.side), position);
		this.credit('USDT', -this.margin(position));
		this.emit({ kind: 'position', position });
		this.emit({ kind: 'asset', currency: 'USDT' });
		return position;
	}

	market(symbol: string): SymbolMarket {
		const market = this.engine.get(symbol);
		if (!market) throw new Error(`simulator: unknown symbol ${symbol}`);
		return market;
	}

	contractSize(symbol: string): number {
		return Number(this.market(symbol).instrument.contractSize);
	}

	margin(p: SimPosition): number {
		return positionMargin(p, this.contractSize(p.symbol));
	}

	unrealized(p: SimPosition): number {
		const m = this.market(p.symbol);
		return unrealizedPnl(p, Number(m.instrument.contractSize), m.priceOf(m.mark));
	}

	liquidation(p: SimPosition): number {
		return liquidationPrice(p, this.contractSize(p.symbol), this.available('USDT'));
	}

	positionMarginTotal(): number {
		let sum = 0;
		for (const p of this.positions.values()) sum += this.margin(p);
		return sum;
	}

	/** Margin set aside for resting orders that would open (closing orders freeze nothing). */
	frozen(currency: string): number {
		if (currency !== 'USDT') return 0;
		let sum = 0;
		for (const order of this.openOrders()) {
			if (isClosingSide(order.side)) continue;
			const cs = this.contractSize(order.symbol);
			sum += (order.size * cs * Number(order.price)) / Number(order.leverage);
		}
		return sum;
	}

	available(currency: string): number {
		return (this.free.get(currency) ?? 0) - this.frozen(currency);
	}

	openOrders(): SimOrder[] {
		return [...this.orders.values()].filter((o) => o.state === 2 && !o.canceled);
	}

	position(symbol: string, side: SimSide): SimPosition | undefined {
		const p = this.positions.get(positionKey(symbol, side));
		return p && p.size > 0 ? p : undefined;
	}

	/** Cancel resting orders of a symbol: one by id or client id, or all of them. */
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
			const known = [...this.orders.values()].some(
				(o) =>
					o.symbol === symbol &&
					(orderId === undefined || o.orderId === orderId) &&
					(clientOrderId === undefined || o.clientOrderId === clientOrderId)
			);
			// A finished order can no longer be canceled; an unknown one does not exist.
			throw new SimRestError(known ? ERRORS.orderStatusInvalid : ERRORS.orderNotExist);
		}
		for (const order of matches) {
			order.canceled = true;
			order.state = 4;
			order.updatedAt = now;
			this.emit({ kind: 'order', action: 3, order });
		}
		if (matches.length > 0) this.emit({ kind: 'asset', currency: 'USDT' });
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

	credit(currency: string, amount: number): void {
		this.free.set(currency, (this.free.get(currency) ?? 0) + amount);
	}

	addLedger(time: number, type: LedgerKind, amount: number, symbol: string): void {
		this.ledger.push({ tranId: this.nextId(), time, type, amount, asset: 'USDT', symbol });
	}

	/** For the execution module: tell the private sockets what changed. */
	emit(event: AccountEvent): void {
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
