import {
	money,
	SimAccount,
	type AccountEvent,
	type SimFill,
	type SimOrder,
	type SimPosition
} from '../core/accounts';
import { formatScaled, parseScaled } from '../core/decimal';
import { SimRestError } from '../core/errors';
import { submitOrder } from '../core/execution';
import type { MarketEngine } from '../core/market';
import type { AscendexContract } from './contracts';
import { ASC_ERRORS, fail } from './errors';
import { parseTimestamp, withinWindow, type SecretForm } from './signing';

export interface AddAscendexAccountOptions {
	apiKey: string;
	secret: string;
	/** The account group in every private path; default 6. */
	accountGroup?: number;
	/** Default: a fixed "U" + 10 digits derived from the key. */
	userUID?: string;
	/** Key expiry in ms (UTC); -1 = never. Default: 90 days after the account was added (docs: keys without an IP binding expire after 90 days). */
	expireTime?: number;
	allowedIps?: string[];
	/** Which HMAC key form the server accepts for this key; default 'raw' (see signing.ts). */
	secretForm?: SecretForm;
	/** Starting USDT collateral; default "10000". */
	usdt?: string;
	tradePermission?: boolean;
}

/** A position to put on the books, in AscendEX terms (signed base-asset quantity). */
export interface SeedAscendexPosition {
	symbol: string;
	/** Signed quantity in base units, on the lot size: "0.25" long, "-0.25" short. */
	position: string;
	avgOpenPrice: string | number;
	leverage?: string | number;
	marginType?: 'crossed' | 'isolated';
}

export interface OrderMeta {
	orderId: string;
	/** The request's `id` (client id), "" if none. */
	clientId: string;
	via: 'rest' | 'ws';
	execInst: 'ReduceOnly' | 'Post' | 'NULL_VAL';
	orderType: 'Market' | 'Limit';
	side: 'Buy' | 'Sell';
	seqNum: number;
	lastPx: string;
	lastQty: string;
	lastFee: number;
	status: 'New' | 'PartiallyFilled' | 'Filled' | 'Canceled' | 'Rejected';
}

export interface FundingPayment {
	timestamp: number;
	symbol: string;
	fundingRate: string;
	paymentInUSDT: string;
}

/**
 * One row of the balance history (data/v1/futures/balance/history). Shaped as the docs' sample:
 * an order fill moves the contract's position asset (`<base>P`) and reference cost (`<base>PC`)
 * as `trade` lines and books its fee to the reference cost; realized PnL reaches USDT as a
 * `Futuressettlement` balance event. The simulated wallet pays fees at once (the shared core's
 * accounting), so here a settlement carries the realized PnL alone.
 */
export type JournalEntry =
	| {
			kind: 'balance';
			sn: number;
			transactTime: number;
			eventType: 'deposit' | 'withdrawal' | 'Fundingpayment' | 'Futuressettlement';
			deltaQty: number;
			curBalance: number;
	  }
	| {
			kind: 'order';
			sn: number;
			transactTime: number;
			orderId: string;
			orderType: 'Market' | 'Limit';
			side: 'Buy' | 'Sell';
			/** The contract's base asset (BTC for BTC-PERP). */
			base: string;
			/** Signed quantity and reference-cost change of the fill. */
			qty: string;
			cost: number;
			fee: number;
			/** The position after the fill, and the reference cost after the trade and the fee. */
			position: string;
			refCostAfterTrade: number;
			refCost: number;
	  };

export type JournalDraft = JournalEntry extends infer E
	? E extends JournalEntry
		? Omit<E, 'sn'>
		: never
	: never;

export interface PlaceOrderArgs {
	id?: unknown;
	time?: unknown;
	symbol?: unknown;
	orderPrice?: unknown;
	price?: unknown;
	orderQty?: unknown;
	orderType?: unknown;
	side?: unknown;
	execInst?: unknown;
	timeInForce?: unknown;
	postOnly?: unknown;
	respInst?: unknown;
	stopPrice?: unknown;
}

export type AccountChange =
	| { kind: 'order'; meta: OrderMeta; order: SimOrder; sn: number }
	| { kind: 'account'; symbols: Set<string>; sn: number };

const CLIENT_ID = /^\w[\w-]*\w$/;
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * One AscendEX futures account on top of the shared SimAccount (one-way positions, integer lots).
 * Adds what this venue has and the core has not: account group, key expiry, server order ids,
 * the per-account `sn` sequence, execInst, funding payments.
 */
export class AscendexAccount {
	readonly core: SimAccount;
	readonly apiKey: string;
	readonly secret: string;
	readonly secretForm: SecretForm;
	readonly accountGroup: number;
	readonly userUID: string;
	readonly accountId: string;
	expireTime: number;
	readonly allowedIps: string[];
	readonly tradePermission: boolean;
	readonly fundingPayments: FundingPayment[] = [];
	readonly journal: JournalEntry[] = [];
	readonly #contracts: Map<string, AscendexContract>;
	readonly #meta = new Map<string, OrderMeta>();
	readonly #byServerId = new Map<string, string>();
	readonly #listeners = new Set<(change: AccountChange) => void>();
	readonly #random: () => number;
	#sn: number;
	#seqNum = 1;
	#journalSn: number;
	/** Each contract's reference cost as the balance history reports it. */
	readonly #refCosts = new Map<string, number>();
	#placing: OrderMeta | undefined;
	#touched: Set<string> | undefined;
	/** Whether the core reported any change inside the current `batch`. */
	#changed = false;

	constructor(
		options: AddAscendexAccountOptions,
		engine: MarketEngine,
		contracts: Map<string, AscendexContract>,
		ids: () => number,
		random: () => number,
		now: number
	) {
		this.apiKey = options.apiKey;
		this.secret = options.secret;
		this.secretForm = options.secretForm ?? 'raw';
		this.accountGroup = options.accountGroup ?? 6;
		this.userUID = options.userUID ?? `U${digitsOf(options.apiKey, 10)}`;
		this.accountId = `fut${digitsOf(options.apiKey + 'acc', 12)}`;
		this.expireTime = options.expireTime ?? now + 90 * 86_400_000;
		this.allowedIps = options.allowedIps ?? [];
		this.tradePermission = options.tradePermission ?? true;
		this.#contracts = contracts;
		this.#random = random;
		this.#sn = 1000 + Math.floor(random() * 100_000);
		this.#journalSn = 100_000 + Math.floor(random() * 100_000);
		// The core account signs nothing here (AscendEX verification lives in signing.ts); its
		// memo and HMAC key are unused.
		this.core = new SimAccount(
			{
				apiKey: options.apiKey,
				secret: options.secret,
				memo: '',
				positionMode: 'one_way',
				usdt: options.usdt
			},
			engine,
			ids,
			now
		);
		this.core.onEvent((event) => this.onCoreEvent(event));
		this.journalBalance(now, 'deposit', this.wallet());
	}

	get sn(): number {
		return this.#sn;
	}

	onChange(listener: (change: AccountChange) => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	contract(symbol: string): AscendexContract | undefined {
		return this.#contracts.get(symbol);
	}

	meta(coreOrderId: string): OrderMeta | undefined {
		return this.#meta.get(coreOrderId);
	}

	/** The core order behind a server order id. */
	orderByServerId(orderId: string): SimOrder | undefined {
		const coreId = this.#byServerId.get(orderId);
		return coreId === undefined ? undefined : this.core.orders.get(coreId);
	}

	/** Every order with its metadata, oldest first. */
	orders(): Array<{ order: SimOrder; meta: OrderMeta }> {
		const out: Array<{ order: SimOrder; meta: OrderMeta }> = [];
		for (const order of this.core.orders.values()) {
			const meta = this.#meta.get(order.orderId);
			if (meta) out.push({ order, meta });
		}
		return out;
	}

	seedPosition(p: SeedAscendexPosition, now: number): SimPosition {
		const contract = this.requireContract(p.symbol);
		const lots = toLots(p.position, contract);
		if (lots === undefined || lots === 0) {
			throw new Error(
				`simulator: ${p.position} is not a non-zero quantity on ${p.symbol}'s lot size`
			);
		}
		return this.batch(() =>
			this.core.seedPosition(
				{
					symbol: p.symbol,
					side: lots > 0 ? 'long' : 'short',
					size: Math.abs(lots),
					entryPrice: p.avgOpenPrice,
					leverage: p.leverage,
					marginMode: p.marginType === 'isolated' ? 'isolated' : 'cross'
				},
				now
			)
		);
	}

	setBalance(amount: string, now: number): void {
		const before = this.wallet();
		this.batch(() => this.core.setBalance('USDT', amount));
		const delta = this.wallet() - before;
		if (delta !== 0) this.journalBalance(now, delta > 0 ? 'deposit' : 'withdrawal', delta);
	}

	/** Collateral balance: the core's free USDT plus the margin its positions hold. */
	wallet(): number {
		return (this.core.free.get('USDT') ?? 0) + this.core.positionMarginTotal();
	}

	/** The signed position of a symbol in lots (0 if flat). */
	positionLots(symbol: string): number {
		const long = this.core.position(symbol, 'long');
		if (long) return long.size;
		const short = this.core.position(symbol, 'short');
		return short ? -short.size : 0;
	}

	/**
	 * Validate and execute a new order the way the docs describe the request fields; returns
	 * the order and its metadata. Throws AscendexFailure with a documented code when refused.
	 */
	place(
		args: PlaceOrderArgs,
		via: 'rest' | 'ws',
		now: number
	): { order: SimOrder; meta: OrderMeta } {
		if (!this.tradePermission) fail(ASC_ERRORS.permissionDenied);
		const time = parseTimestamp(args.time);
		if (time === undefined) fail(ASC_ERRORS.invalidTimestamp, 'time is required (ms)');
		// Docs: "We do not process request placed more than 30 seconds ago."
		if (!withinWindow(time, now)) fail(ASC_ERRORS.invalidTimestamp, 'time is outside 30s');
		if (typeof args.symbol !== 'string') fail(ASC_ERRORS.symbolError);
		const contract = this.#contracts.get(args.symbol);
		if (!contract) fail(ASC_ERRORS.invalidProduct, `${args.symbol} is not a futures contract`);
		const clientId = this.clientId(args.id);
		const side = enumOf(args.side, { buy: 'Buy', sell: 'Sell' } as const);
		if (!side) fail(ASC_ERRORS.invalidSide);
		const type = enumOf(args.orderType, {
			market: 'Market',
			limit: 'Limit',
			stopmarket: 'StopMarket',
			stop_market: 'StopMarket',
			stoplimit: 'StopLimit',
			stop_limit: 'StopLimit'
		} as const);
		if (!type) fail(ASC_ERRORS.invalidType);
		if (type === 'StopMarket' || type === 'StopLimit') {
			fail(ASC_ERRORS.invalidType, 'stop orders are not simulated');
		}
		if (
			args.timeInForce !== undefined &&
			!['GTC', 'IOC', 'FOK'].includes(String(args.timeInForce))
		) {
			fail(ASC_ERRORS.invalidTimeInForce);
		}
		const execInst =
			args.execInst === undefined || args.execInst === '' || args.execInst === 'NULL_VAL'
				? args.postOnly === true
					? 'Post'
					: 'NULL_VAL'
				: enumOf(args.execInst, { reduceonly: 'ReduceOnly', post: 'Post' } as const);
		if (!execInst) fail(ASC_ERRORS.invalidOrderParameter, 'execInst');
		if (typeof args.orderQty !== 'string') fail(ASC_ERRORS.invalidQty, 'orderQty is a string');
		const lots = toLots(args.orderQty, contract);
		if (lots === undefined || lots <= 0) {
			fail(
				ASC_ERRORS.invalidQty,
				`Order size doesn't conform to the lot size: ${contract.lotSize}`
			);
		}
		const qty = Number(args.orderQty);
		if (qty < Number(contract.minQty) || qty > Number(contract.maxQty)) {
			fail(ASC_ERRORS.invalidQty, 'Order size is out of range');
		}
		let price = '0';
		if (type === 'Limit') {
			const raw = args.orderPrice ?? args.price;
			if (typeof raw !== 'string') fail(ASC_ERRORS.invalidPrice, 'orderPrice is required');
			const ticks = parseScaled(raw, this.core.market(contract.symbol).decimals);
			if (ticks === undefined) {
				fail(
					ASC_ERRORS.tickSizeViolation,
					`Order price doesn't conform to the required tick size: ${contract.tickSize}`
				);
			}
			if (ticks <= 0n) fail(ASC_ERRORS.invalidPrice);
			price = raw;
		}
		const held = this.positionLots(contract.symbol);
		const reduceOnly = execInst === 'ReduceOnly';
		if (reduceOnly) {
			const reduces = (side === 'Sell' && held > 0) || (side === 'Buy' && held < 0);
			if (!reduces)
				fail(ASC_ERRORS.invalidOrderParameter, 'Reduce-only order has no position to reduce');
			if (lots > Math.abs(held)) {
				fail(ASC_ERRORS.invalidOrderParameter, 'Reduce-only order quantity exceeds the position');
			}
		}
		const position = this.core.position(contract.symbol, held >= 0 ? 'long' : 'short');
		const coreSide = reduceOnly ? (side === 'Buy' ? 2 : 3) : side === 'Buy' ? 1 : 4;
		const meta: OrderMeta = {
			orderId: this.serverOrderId(via, clientId, now),
			clientId,
			via,
			execInst,
			orderType: type,
			side,
			seqNum: this.#seqNum++,
			lastPx: '0',
			lastQty: '0',
			lastFee: 0,
			status: 'New'
		};
		this.#placing = meta;
		try {
			const order = this.batch(() =>
				submitOrder(
					this.core,
					{
						symbol: contract.symbol,
						side: coreSide,
						type: type === 'Market' ? 'market' : 'limit',
						price: type === 'Limit' ? price : undefined,
						size: lots,
						open_type: position?.openType ?? 'cross'
					},
					now
				)
			);
			return { order, meta };
		} catch (error) {
			if (error instanceof SimRestError) {
				if (error.error.code === 40027) fail(ASC_ERRORS.invalidBalance);
				fail(ASC_ERRORS.invalidOrderParameter, error.error.message);
			}
			throw error;
		} finally {
			this.#placing = undefined;
		}
	}

	/** Cancel one resting order by server id; throws a documented error if it cannot. */
	cancel(symbol: unknown, orderId: unknown, now: number): SimOrder {
		if (typeof symbol !== 'string' || !this.#contracts.has(symbol)) fail(ASC_ERRORS.symbolError);
		if (typeof orderId !== 'string' || orderId === '') fail(ASC_ERRORS.invalidOrderId);
		const order = this.orderByServerId(orderId);
		if (!order || order.symbol !== symbol || order.state !== 2) {
			fail(ASC_ERRORS.invalidOrderId, 'Order not found or no longer open');
		}
		this.batch(() => this.core.cancel(symbol, order.orderId, undefined, now));
		return order;
	}

	/** Cancel every resting order (of one symbol, or all); returns how many. */
	cancelAll(symbol: unknown, now: number): number {
		if (symbol !== undefined && (typeof symbol !== 'string' || !this.#contracts.has(symbol))) {
			fail(ASC_ERRORS.symbolError);
		}
		const symbols = new Set(
			this.core
				.openOrders()
				.filter((o) => symbol === undefined || o.symbol === symbol)
				.map((o) => o.symbol)
		);
		let count = 0;
		this.batch(() => {
			for (const s of symbols) count += this.core.cancel(s, undefined, undefined, now);
		});
		return count;
	}

	/** Book a funding payment (pay or receive) on the wallet and in the payments list. */
	recordFunding(symbol: string, rate: number, amount: number, time: number): void {
		this.batch(() => {
			this.fundingPayments.push({
				timestamp: time,
				symbol,
				fundingRate: formatRate(rate),
				paymentInUSDT: money(amount)
			});
			this.core.credit('USDT', amount);
			this.core.addLedger(time, 'Funding Fee', amount, symbol);
			this.#touched?.add(symbol);
			this.#changed = true;
		});
		this.journalBalance(time, 'Fundingpayment', amount);
	}

	nextSn(): number {
		return ++this.#sn;
	}

	/**
	 * Run a change to the core account and send at most one account update for it afterwards,
	 * carrying every symbol touched; order frames go out as they happen.
	 */
	batch<T>(work: () => T): T {
		const outer = this.#touched === undefined;
		if (outer) {
			this.#touched = new Set();
			this.#changed = false;
		}
		try {
			return work();
		} finally {
			if (outer) {
				const symbols = this.#touched ?? new Set<string>();
				this.#touched = undefined;
				// A refused request changed nothing: no update, no sn spent.
				if (this.#changed) this.emit({ kind: 'account', symbols, sn: this.nextSn() });
			}
		}
	}

	private onCoreEvent(event: AccountEvent): void {
		this.#changed = true;
		if (event.kind === 'order') {
			let meta = this.#meta.get(event.order.orderId);
			if (!meta) {
				meta = this.#placing;
				if (!meta) return;
				this.#meta.set(event.order.orderId, meta);
				this.#byServerId.set(meta.orderId, event.order.orderId);
			}
			if (event.fill) {
				this.noteFill(meta, event.fill);
				this.journalFill(meta, event.fill);
			}
			meta.status = statusOf(event.action, event.order);
			this.#touched?.add(event.order.symbol);
			this.emit({ kind: 'order', meta, order: event.order, sn: this.nextSn() });
			return;
		}
		if (event.kind === 'position') this.#touched?.add(event.position.symbol);
		if (!this.#touched) {
			// A change outside `batch` (none today): still tell the sockets.
			this.emit({ kind: 'account', symbols: new Set(), sn: this.nextSn() });
		}
	}

	/**
	 * Months of history from before the account was added (tests, the Demo): journal rows and
	 * funding payments, oldest first, numbered below every `sn` already handed out.
	 */
	prependHistory(entries: JournalDraft[], payments: FundingPayment[]): void {
		const first = this.journal[0]?.sn ?? this.#journalSn + 1;
		const numbered = entries.map(
			(e, i) => ({ ...e, sn: first - entries.length + i }) as JournalEntry
		);
		this.journal.unshift(...numbered);
		this.fundingPayments.unshift(...payments);
	}

	private journalBalance(
		time: number,
		eventType: 'deposit' | 'withdrawal' | 'Fundingpayment' | 'Futuressettlement',
		deltaQty: number
	): void {
		this.journal.push({
			kind: 'balance',
			sn: ++this.#journalSn,
			transactTime: time,
			eventType,
			deltaQty,
			curBalance: this.wallet()
		});
	}

	/** A fill's position, cost and fee lines, then its realized PnL settled into USDT. */
	private journalFill(meta: OrderMeta, fill: SimFill): void {
		const contract = this.requireContract(fill.symbol);
		const entry = fillJournal(
			fill,
			contract,
			this.#refCosts,
			lotsToQty(this.positionLots(fill.symbol), contract)
		);
		this.journal.push({
			...entry,
			sn: ++this.#journalSn,
			orderId: meta.orderId,
			orderType: meta.orderType,
			side: meta.side
		});
		if (fill.realised !== 0) this.journalBalance(fill.time, 'Futuressettlement', fill.realised);
	}

	private noteFill(meta: OrderMeta, fill: SimFill): void {
		const contract = this.requireContract(fill.symbol);
		meta.lastPx = fill.price;
		meta.lastQty = lotsToQty(fill.vol, contract);
		meta.lastFee = fill.fee;
	}

	private emit(change: AccountChange): void {
		for (const listener of this.#listeners) listener(change);
	}

	private requireContract(symbol: string): AscendexContract {
		const contract = this.#contracts.get(symbol);
		if (!contract) throw new Error(`simulator: unknown symbol ${symbol}`);
		return contract;
	}

	private clientId(value: unknown): string {
		if (value === undefined || value === null || value === '') return '';
		if (typeof value !== 'string' || value.length > 32 || !CLIENT_ID.test(value)) {
			fail(ASC_ERRORS.invalidOrderId, 'id: at most 32 of letters, digits, _ and -');
		}
		return value;
	}

	/**
	 * Docs ("Generate Order Id"): 'a' (REST) or 's' (WebSocket) + hex(ms timestamp) + userUID +
	 * the right-most 9 characters of the request `id` (random when it is shorter than 9).
	 */
	private serverOrderId(via: 'rest' | 'ws', clientId: string, now: number): string {
		let tail = clientId.length >= 9 ? clientId.slice(-9) : '';
		while (tail.length < 9) tail += ALNUM[Math.floor(this.#random() * ALNUM.length)];
		return `${via === 'rest' ? 'a' : 's'}${now.toString(16)}${this.userUID}${tail}`;
	}
}

export function toLots(qty: string, contract: AscendexContract): number | undefined {
	const decimals = decimalsIn(contract.lotSize);
	const units = parseScaled(qty, decimals);
	const lotUnits = parseScaled(contract.lotSize, decimals);
	if (units === undefined || lotUnits === undefined || units % lotUnits !== 0n) return undefined;
	const lots = units / lotUnits;
	return Number(lots);
}

export function lotsToQty(lots: number, contract: AscendexContract): string {
	const decimals = decimalsIn(contract.lotSize);
	const lotUnits = parseScaled(contract.lotSize, decimals) ?? 1n;
	const text = formatScaled(BigInt(lots) * lotUnits, decimals);
	return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

function decimalsIn(step: string): number {
	const dot = step.indexOf('.');
	return dot < 0 ? 0 : step.length - dot - 1;
}

function enumOf<T extends Record<string, string>>(
	value: unknown,
	table: T
): T[keyof T] | undefined {
	if (typeof value !== 'string') return undefined;
	return table[value.toLowerCase() as keyof T];
}

function statusOf(action: number, order: SimOrder): OrderMeta['status'] {
	if (action === 3) return 'Canceled';
	if (action === 1) return order.dealSize >= order.size ? 'Filled' : 'PartiallyFilled';
	return order.dealSize > 0 ? 'PartiallyFilled' : 'New';
}

function formatRate(rate: number): string {
	return String(Number(rate.toPrecision(9)));
}

/** A stable digit string from text, so the same key always gets the same UID. */
function digitsOf(text: string, length: number): string {
	let h = 2166136261;
	let out = '';
	while (out.length < length) {
		for (const ch of text + out.length) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
		out += String(h % 10);
	}
	return out;
}

/** The balance-history order row of one fill (sn and order fields left to the caller). */
export function fillJournal(
	fill: SimFill,
	contract: AscendexContract,
	refCosts: Map<string, number>,
	positionAfter: string
) {
	const buy = fill.side === 1 || fill.side === 2;
	const qty = lotsToQty(fill.vol, contract);
	const cost = (buy ? -1 : 1) * fill.vol * Number(contract.lotSize) * Number(fill.price);
	const before = refCosts.get(fill.symbol) ?? 0;
	const refCostAfterTrade = before + cost;
	const refCost = refCostAfterTrade - fill.fee;
	refCosts.set(fill.symbol, refCost);
	return {
		kind: 'order' as const,
		transactTime: fill.time,
		base: contract.symbol.replace(/-PERP$/, ''),
		qty: buy ? qty : `-${qty}`,
		cost,
		fee: -fill.fee,
		position: positionAfter,
		refCostAfterTrade,
		refCost
	};
}
