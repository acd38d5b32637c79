/**
 * Bitget V2 USDT-M futures simulator (REST + public/private WebSocket) on the shared sim core.
 *
 * Start it
 *   - CLI: `npm run sim -- --venue bitget [--port 8766] [--seed 1] [--one-way] [--demo]` prints
 *     the REST base, both WS URLs (live and demo host) and a fake API key, secret and passphrase.
 *   - Tests: `const server = await startBitgetSimServer({ seed: 7, rateLimits: false })` from
 *     `src/sim/node/bitget-server.ts`; `server.endpoints` = { rest, publicWs, privateWs,
 *     demoPublicWs, demoPrivateWs }; `server.sim` is this class; `await server.close()`.
 *
 * Seed an account and positions (sizes in base coin, as on Bitget's wire)
 *   const acct = server.sim.addAccount({ apiKey, secret, passphrase,
 *     posMode: 'hedge_mode' | 'one_way_mode', demo: false, usdt: '10000' });
 *   acct.seedPosition({ symbol: 'BTCUSDT', holdSide: 'long', size: '0.5', openPriceAvg: '64000',
 *     leverage: 10, marginMode: 'crossed' });
 *   acct.seedOrder({ symbol: 'BTCUSDT', side: 'buy', tradeSide: 'close', price: '70000', size: '0.1' });
 *   acct.trade({ symbol: 'ETHUSDT', side: 'sell', size: '1' }); // a fill made elsewhere
 *   acct.positions(); server.sim.ordersSubmitted(apiKey); server.sim.book('BTCUSDT');
 *   server.sim.setMarkPrice('BTCUSDT', '65000');
 *   A `demo: true` key only works with the `paptrading: 1` header (REST) and on the demo WS
 *   port; a live key with that header, or a demo key without it, answers 40099.
 *
 * Faults (`server.sim.faults`)
 *   corruptNextChecksum(symbol)  the next `books` update of that symbol carries a wrong checksum
 *   holdNext(path, ms)           the next REST request whose path contains `path` waits `ms` first
 *   dropNextResponse(path)       processed, but the answer is lost (socket destroyed)
 *   rejectNext(path, code)       the next such request fails with that Bitget code
 *   failFlashClose(symbol, side?, code?)  close-positions lists that position in failureList
 *   forceDisconnect(kind?)       the server closes sockets cleanly, like the 24-hour reconnect
 *   dropConnections(kind?)       sockets die without a closing handshake
 *   silence(on)                  no pushes and no pong while on
 *   pause() / resume()           freeze the market and the book streams (compare books)
 *   disarm()                     forget armed one-shot faults
 *
 * Quiet by default: private channels push only when the account changes; public channels push
 * when the market moves (books every 200 ms at most, ticker once a second, trades as they happen).
 */
import {
	money,
	SimAccount,
	type AccountEvent,
	type SimOrder,
	type SimPosition
} from '../core/accounts';
import { parseScaled } from '../core/decimal';
import { submitOrder } from '../core/execution';
import { FaultState, type HeldRequest } from '../core/faults';
import { MarketEngine, type SymbolMarket } from '../core/market';
import { Prng } from '../core/prng';
import { verifyLogin, verifyRest, WS_ERRORS, type BitgetKey } from './auth';
import { BooksChannel, topLevels } from './books';
import { BITGET_CONTRACTS, formatSize, parseSize, type BitgetContract } from './contracts';
import { BG, BitgetRestError, bitgetErrorByCode, type BitgetError } from './errors';
import { PRIVATE_ROUTES, PUBLIC_ROUTES, RATE_LIMITS, type PrivateContext } from './rest';
import {
	accountPush,
	contractOf,
	fillRow,
	metaFromCore,
	orderFillFields,
	orderRow,
	positionRow,
	tickerRow,
	type OrderMeta,
	type WireSide
} from './rows';
import { fromCore, type TradeContext } from './trading';
import {
	BitgetSession,
	channelKey,
	type BitgetSessionHost,
	type BitgetSessionLimits,
	type ChannelArg,
	type SocketHandle,
	type SocketKind
} from './ws-session';

export interface BitgetTiming extends BitgetSessionLimits {
	marketTickMs: number;
	/** Ticker pushes at most this often, and only when something in it changed. */
	tickerPushMs: number;
	/** Notes: book pushes come every ~150–200 ms; only when the book changed. */
	booksPushMs: number;
	/** A REST call that moved the account answers only after its pushes went out, plus this. */
	pushLeadMs: number;
}

export interface BitgetSimOptions {
	seed?: number;
	now?: () => number;
	contracts?: readonly BitgetContract[];
	cors?: boolean;
	rateLimits?: boolean;
	timing?: Partial<BitgetTiming>;
}

export interface BitgetAccountOptions {
	apiKey: string;
	secret: string;
	passphrase: string;
	posMode?: 'hedge_mode' | 'one_way_mode';
	/** A demo-trading key (default false). */
	demo?: boolean;
	/** Starting USDT wallet balance (default "10000"). */
	usdt?: string;
}

export interface BitgetSeedPosition {
	symbol: string;
	holdSide: 'long' | 'short';
	/** Base coin, on the contract's size step. */
	size: string;
	openPriceAvg: string | number;
	leverage?: string | number;
	marginMode?: 'crossed' | 'isolated';
}

export interface BitgetSeedOrder {
	symbol: string;
	side: WireSide;
	/** Hedge mode: required. One-way: ignored (use reduceOnly). */
	tradeSide?: 'open' | 'close';
	reduceOnly?: boolean;
	price: string;
	size: string;
	clientOid?: string;
	marginMode?: 'crossed' | 'isolated';
}

export interface BitgetTrade {
	symbol: string;
	side: WireSide;
	tradeSide?: 'open' | 'close';
	reduceOnly?: boolean;
	size: string;
	marginMode?: 'crossed' | 'isolated';
}

export interface BitgetPositionView {
	symbol: string;
	holdSide: 'long' | 'short';
	total: string;
	openPriceAvg: string;
	leverage: string;
	marginMode: 'crossed' | 'isolated';
	unrealizedPL: string;
	achievedProfits: string;
}

export interface BitgetAccountHandle {
	readonly apiKey: string;
	readonly state: SimAccount;
	setBalance(amount: string): void;
	seedPosition(p: BitgetSeedPosition): SimPosition;
	seedOrder(o: BitgetSeedOrder): SimOrder;
	trade(o: BitgetTrade): SimOrder;
	setPositionMode(mode: 'hedge_mode' | 'one_way_mode'): void;
	positions(): BitgetPositionView[];
}

export interface BitgetFaults {
	corruptNextChecksum(symbol: string): void;
	holdNext(pathContains: string, ms: number): void;
	heldRequests(): HeldRequest[];
	dropNextResponse(pathContains: string): void;
	rejectNext(pathContains: string, code: string): void;
	failFlashClose(symbol: string, side?: 'long' | 'short', code?: string): void;
	forceDisconnect(kind?: SocketKind): void;
	dropConnections(kind?: SocketKind): void;
	silence(on: boolean): void;
	pause(): void;
	resume(): void;
	disarm(): void;
}

export interface BitgetRestRequest {
	method: string;
	path: string;
	query: string;
	headers: Record<string, string>;
	body: string;
	ip?: string;
}

export interface BitgetRestResponse {
	status: number;
	headers: Record<string, string>;
	body: string;
	dropped?: boolean;
}

/** A private request as a test may inspect it: never the signature or the passphrase. */
export interface BitgetLoggedRequest {
	time: number;
	method: string;
	path: string;
	query: string;
	body: string;
	apiKey: string | undefined;
	params: Record<string, unknown>;
	headers: Record<string, string>;
	status: number;
	code: string;
}

const DEFAULT_TIMING: BitgetTiming = {
	marketTickMs: 250,
	tickerPushMs: 1000,
	booksPushMs: 200,
	pushLeadMs: 5,
	maxMessagesPerSecond: 10,
	maxSubscribesPerHour: 240,
	maxChannels: 1000,
	maxSubscribeBytes: 4096,
	pingTimeoutMs: 120_000,
	forceCloseMs: 24 * 3600_000
};

const CORS_HEADERS = { 'access-control-allow-origin': '*' };
const ALLOWED_HEADERS =
	'Content-Type, ACCESS-KEY, ACCESS-SIGN, ACCESS-TIMESTAMP, ACCESS-PASSPHRASE, locale, paptrading, X-CHANNEL-API-CODE';
const PUBLIC_CHANNELS = new Set(['ticker', 'books', 'books1', 'books5', 'books15', 'trade']);
const PRIVATE_CHANNELS = new Set(['account', 'positions', 'orders', 'fill']);

export class BitgetSimExchange {
	readonly engine: MarketEngine;
	readonly timing: BitgetTiming;
	readonly requests: BitgetLoggedRequest[] = [];
	readonly faults: BitgetFaults;
	readonly now: () => number;
	readonly #rng: Prng;
	readonly #keys = new Map<string, BitgetKey>();
	readonly #sessions = new Set<BitgetSession>();
	readonly #books = new Map<string, BooksChannel>();
	readonly #topBooks = new Map<string, number>();
	readonly #metas = new Map<string, OrderMeta>();
	readonly #posIds = new WeakMap<SimPosition, string>();
	readonly #fault = new FaultState();
	readonly #rejects: Array<{ pathContains: string; error: BitgetError }> = [];
	readonly #flashFailures: Array<{ symbol: string; side?: 'long' | 'short'; error: BitgetError }> =
		[];
	readonly #hits = new Map<string, number[]>();
	readonly #cors: boolean;
	readonly #rateLimits: boolean;
	#pendingMeta: OrderMeta | undefined;
	#accountPushes = 0;
	#timers: ReturnType<typeof setInterval>[] = [];
	#running = false;
	#nextId: number;
	#lastTicker = new Map<string, string>();

	constructor(opts: BitgetSimOptions = {}) {
		this.now = opts.now ?? (() => Date.now());
		this.timing = { ...DEFAULT_TIMING, ...opts.timing };
		this.#rng = new Prng(opts.seed ?? 1);
		this.#cors = opts.cors ?? true;
		this.#rateLimits = opts.rateLimits ?? true;
		this.engine = new MarketEngine(opts.contracts ?? BITGET_CONTRACTS, this.#rng, this.now());
		this.#nextId = 1_100_000_000_000_000_000 / 1000 + this.#rng.int(0, 99_999_999);
		this.faults = this.createFaults();
	}

	get running(): boolean {
		return this.#running;
	}

	addAccount(options: BitgetAccountOptions): BitgetAccountHandle {
		if (this.#keys.has(options.apiKey)) throw new Error('simulator: API key already added');
		const account = new SimAccount(
			{
				apiKey: options.apiKey,
				secret: options.secret,
				memo: '',
				positionMode: options.posMode === 'one_way_mode' ? 'one_way' : 'hedge',
				usdt: options.usdt
			},
			this.engine,
			() => this.#nextId++,
			this.now()
		);
		account.onEvent((event) => this.pushAccountEvent(account, event));
		this.#keys.set(options.apiKey, {
			apiKey: options.apiKey,
			passphrase: options.passphrase,
			demo: options.demo ?? false,
			account
		});
		const contract = (symbol: string) => {
			const m = this.engine.get(symbol);
			if (!m) throw new Error(`simulator: unknown symbol ${symbol}`);
			return contractOf(m);
		};
		const units = (symbol: string, size: string) => {
			const checked = parseSize(contract(symbol), size);
			if (!checked.ok)
				throw new Error(`simulator: size ${size} is off ${symbol}'s step (${checked.reason})`);
			return checked.units;
		};
		const code = (side: WireSide, tradeSide?: 'open' | 'close', reduceOnly?: boolean) => {
			if (account.positionMode === 'hedge') {
				if (tradeSide === 'close') return side === 'buy' ? 3 : 2;
				return side === 'buy' ? 1 : 4;
			}
			if (reduceOnly) return side === 'buy' ? 2 : 3;
			return side === 'buy' ? 1 : 4;
		};
		return {
			apiKey: options.apiKey,
			state: account,
			setBalance: (amount) => account.setBalance('USDT', amount),
			seedPosition: (p) =>
				account.seedPosition(
					{
						symbol: p.symbol,
						side: p.holdSide,
						size: units(p.symbol, p.size),
						entryPrice: p.openPriceAvg,
						leverage: p.leverage,
						marginMode: p.marginMode === 'isolated' ? 'isolated' : 'cross'
					},
					this.now()
				),
			seedOrder: (o) => {
				const side = code(o.side, o.tradeSide, o.reduceOnly);
				const held = account.position(o.symbol, side === 3 || side === 1 ? 'long' : 'short');
				return fromCore(() =>
					submitOrder(
						account,
						{
							symbol: o.symbol,
							side,
							type: 'limit',
							price: o.price,
							size: units(o.symbol, o.size),
							open_type:
								o.marginMode === undefined
									? (held?.openType ?? 'cross')
									: o.marginMode === 'isolated'
										? 'isolated'
										: 'cross'
						},
						this.now(),
						o.clientOid ?? this.newClientOid()
					)
				);
			},
			trade: (o) => {
				const side = code(o.side, o.tradeSide, o.reduceOnly);
				const held = account.position(o.symbol, 'long') ?? account.position(o.symbol, 'short');
				return fromCore(() =>
					submitOrder(
						account,
						{
							symbol: o.symbol,
							side,
							type: 'market',
							size: units(o.symbol, o.size),
							open_type:
								o.marginMode === undefined
									? (held?.openType ?? 'cross')
									: o.marginMode === 'isolated'
										? 'isolated'
										: 'cross'
						},
						this.now(),
						this.newClientOid()
					)
				);
			},
			setPositionMode: (mode) =>
				account.setPositionMode(mode === 'hedge_mode' ? 'hedge' : 'one_way'),
			positions: () =>
				[...account.positions.values()]
					.filter((p) => p.size > 0)
					.map((p) => ({
						symbol: p.symbol,
						holdSide: p.side,
						total: formatSize(contract(p.symbol), p.size),
						openPriceAvg: money(p.entryPrice),
						leverage: p.leverage,
						marginMode: p.openType === 'cross' ? 'crossed' : 'isolated',
						unrealizedPL: money(account.unrealized(p)),
						achievedProfits: money(p.realized)
					}))
		};
	}

	/** The parsed place-order bodies received (of one API key, or all), oldest first. */
	ordersSubmitted(apiKey?: string): Record<string, unknown>[] {
		return this.bodiesSent('/api/v2/mix/order/place-order', apiKey);
	}

	/** The parsed bodies (POST) or query parameters (GET) sent to one private path. */
	bodiesSent(path: string, apiKey?: string): Record<string, unknown>[] {
		return this.requests
			.filter((r) => r.path === path && (apiKey === undefined || r.apiKey === apiKey))
			.map((r) => r.params);
	}

	/** What a `books` subscriber of this symbol holds now (best first, wire strings). */
	book(symbol: string): { bids: [string, string][]; asks: [string, string][]; seq: number } {
		const view = this.booksChannel(this.market(symbol)).view();
		return {
			bids: view.bids.map(([p, s]) => [p, s]),
			asks: view.asks.map(([p, s]) => [p, s]),
			seq: view.seq
		};
	}

	/** Pin last, mark and index at `price` (on the tick) and push a ticker at once. */
	setMarkPrice(symbol: string, price: string): void {
		const market = this.market(symbol);
		const ticks = parseScaled(price, market.decimals);
		if (ticks === undefined || ticks <= 0n) {
			throw new Error(`simulator: "${price}" is not a positive price on ${symbol}'s tick`);
		}
		market.pin(Number(ticks), this.#rng);
		this.pushTicker(market, true);
	}

	unpinPrice(symbol: string): void {
		this.market(symbol).pinned = false;
	}

	openSocket(
		kind: SocketKind,
		demoHost: boolean,
		send: (text: string) => void,
		close: (code: number, reason: string) => void
	): SocketHandle {
		const session = new BitgetSession(kind, demoHost, this.sessionHost(), send, close);
		this.#sessions.add(session);
		return session;
	}

	connections(): { public: number; private: number; total: number } {
		let pub = 0;
		for (const s of this.#sessions) if (s.kind === 'public') pub++;
		return { public: pub, private: this.#sessions.size - pub, total: this.#sessions.size };
	}

	start(): void {
		if (this.#running) return;
		this.#running = true;
		const t = this.timing;
		this.#timers = [
			setInterval(() => this.marketTick(), t.marketTickMs),
			setInterval(() => this.pushTickers(), t.tickerPushMs),
			setInterval(() => this.pushBooks(), t.booksPushMs)
		];
	}

	stop(): void {
		this.#running = false;
		for (const timer of this.#timers) clearInterval(timer);
		this.#timers = [];
		for (const session of [...this.#sessions]) session.terminate(1001, 'simulator stopped');
	}

	/** One market step; tests that drive time themselves may call it directly. */
	marketTick(): void {
		if (this.#fault.paused) return;
		const now = this.now();
		for (const market of this.engine.markets.values()) {
			const trades = market.step(this.#rng, now);
			if (trades.length > 0) {
				const c = contractOf(market);
				this.broadcast('trade', market.instrument.symbol, 'update', () =>
					trades.map((t) => ({
						ts: String(t.time),
						price: market.price(t.price),
						size: formatSize(c, t.size),
						side: t.buyerMaker ? 'sell' : 'buy',
						tradeId: String(t.id)
					}))
				);
			}
			const settled = market.settleFunding(now);
			if (settled) {
				for (const key of this.#keys.values()) key.account.applyFunding(market, settled.rate, now);
			}
		}
	}

	async handleRest(req: BitgetRestRequest): Promise<BitgetRestResponse> {
		const method = req.method.toUpperCase();
		if (method === 'OPTIONS') return this.preflight();
		const drop = this.#fault.takeDrop(req.path);
		const holdMs = this.#fault.takeHold(req.path);
		if (holdMs > 0) {
			const held: HeldRequest = {
				method,
				path: req.path,
				query: req.query,
				params: requestParams(method, req)
			};
			this.#fault.held.add(held);
			try {
				await sleep(holdMs);
			} finally {
				this.#fault.held.delete(held);
			}
		}
		const pushesBefore = this.#accountPushes;
		const response = await this.route(method, req);
		if (this.#accountPushes !== pushesBefore) {
			await Promise.all([...this.#sessions].map((s) => s.flushed()));
			if (this.timing.pushLeadMs > 0) await sleep(this.timing.pushLeadMs);
		}
		return drop ? { ...response, dropped: true } : response;
	}

	private preflight(): BitgetRestResponse {
		if (!this.#cors) return { status: 403, headers: {}, body: '' };
		return {
			status: 204,
			headers: {
				...CORS_HEADERS,
				'access-control-allow-methods': 'GET, POST, OPTIONS',
				'access-control-allow-headers': ALLOWED_HEADERS,
				'access-control-max-age': '600'
			},
			body: ''
		};
	}

	private async route(method: string, req: BitgetRestRequest): Promise<BitgetRestResponse> {
		const now = this.now();
		const query = new URLSearchParams(req.query);
		const isPrivate = req.path in PRIVATE_ROUTES;
		let status = 200;
		let body: string;
		let code = '00000';
		let apiKey: string | undefined;
		try {
			let data: unknown;
			const publicRoute = PUBLIC_ROUTES[req.path];
			if (publicRoute && method === 'GET') {
				this.limit(req.path, `ip:${req.ip ?? 'local'}`);
				this.intercept(req.path);
				data = publicRoute({ engine: this.engine, now, query, body: {} });
			} else {
				const route = PRIVATE_ROUTES[req.path];
				if (!route || route.method !== method) throw new BitgetRestError(BG.notFound);
				if (method === 'POST' && !/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
					throw new BitgetRestError(BG.contentType);
				}
				const key = await verifyRest(req, (k) => this.#keys.get(k), now);
				apiKey = key.apiKey;
				this.limit(req.path, `uid:${key.apiKey}`);
				this.intercept(req.path);
				const parsed = method === 'POST' ? parseBody(req.body) : {};
				data = route.handle(this.privateContext(key, now, query, parsed));
			}
			body = JSON.stringify({ code, msg: 'success', requestTime: now, data });
		} catch (error) {
			const e: BitgetError = error instanceof BitgetRestError ? error.error : BG.bodyNotJson;
			if (!(error instanceof BitgetRestError))
				console.error('simulator: bitget handler failed', error);
			status = e.status;
			code = e.code;
			body = JSON.stringify({ code: e.code, msg: e.msg, requestTime: now, data: null });
		}
		if (isPrivate) this.log(method, req, apiKey ?? req.headers['access-key'], status, code);
		return {
			status,
			headers: { 'content-type': 'application/json', ...(this.#cors ? CORS_HEADERS : {}) },
			body
		};
	}

	private privateContext(
		key: BitgetKey,
		now: number,
		query: URLSearchParams,
		body: Record<string, unknown>
	): PrivateContext {
		const trade: TradeContext = {
			account: key.account,
			now,
			withMeta: (meta, fn) => {
				this.#pendingMeta = meta;
				try {
					return fn();
				} finally {
					this.#pendingMeta = undefined;
				}
			},
			newClientOid: () => this.newClientOid()
		};
		return {
			engine: this.engine,
			now,
			query,
			body,
			account: key.account,
			trade,
			meta: (order) => this.metaOf(key.account, order as SimOrder),
			posId: (account, symbol, side) => this.posId(account, symbol, side),
			flashCloseFailure: (symbol, side) => {
				const i = this.#flashFailures.findIndex(
					(f) => f.symbol === symbol && (f.side === undefined || f.side === side)
				);
				return i < 0 ? undefined : this.#flashFailures.splice(i, 1)[0].error;
			},
			setPositionMode: (account, mode) => account.setPositionMode(mode)
		};
	}

	private limit(path: string, target: string): void {
		if (!this.#rateLimits) return;
		const rule = RATE_LIMITS[path];
		if (!rule) return;
		// Monotonic: the window must not jump with the simulator's (test-settable) clock.
		const now = performance.now();
		const key = `${path}|${target}`;
		const recent = (this.#hits.get(key) ?? []).filter((t) => now - t < 1000);
		if (recent.length >= rule.perSecond) {
			this.#hits.set(key, recent);
			throw new BitgetRestError(BG.tooMany);
		}
		recent.push(now);
		this.#hits.set(key, recent);
	}

	private intercept(path: string): void {
		const i = this.#rejects.findIndex((r) => path.includes(r.pathContains));
		if (i >= 0) throw new BitgetRestError(this.#rejects.splice(i, 1)[0].error);
	}

	private log(
		method: string,
		req: BitgetRestRequest,
		apiKey: string | undefined,
		status: number,
		code: string
	): void {
		const headers: Record<string, string> = {};
		for (const [name, value] of Object.entries(req.headers)) {
			if (name !== 'access-sign' && name !== 'access-passphrase') headers[name] = value;
		}
		this.requests.push({
			time: this.now(),
			method,
			path: req.path,
			query: req.query,
			body: req.body,
			apiKey,
			params: requestParams(method, req),
			headers,
			status,
			code
		});
		if (this.requests.length > 1000) this.requests.shift();
	}

	private newClientOid(): string {
		return String(this.#nextId++);
	}

	private metaOf(account: SimAccount, order: SimOrder): OrderMeta {
		let meta = this.#metas.get(order.orderId);
		if (!meta) {
			meta = this.#pendingMeta ?? metaFromCore(account, order);
			this.#metas.set(order.orderId, meta);
		}
		return meta;
	}

	private posId(account: SimAccount, symbol: string, side: 'long' | 'short'): string {
		const p = account.positions.get(`${symbol}|${side}`);
		if (!p) return '';
		let id = this.#posIds.get(p);
		if (!id) {
			id = String(this.#nextId++);
			this.#posIds.set(p, id);
		}
		return id;
	}

	private market(symbol: string): SymbolMarket {
		const m = this.engine.get(symbol);
		if (!m) throw new Error(`simulator: unknown symbol ${symbol}`);
		return m;
	}

	private booksChannel(market: SymbolMarket): BooksChannel {
		let channel = this.#books.get(market.instrument.symbol);
		if (!channel) {
			channel = new BooksChannel(market, this.#rng.int(1_000_000, 9_000_000));
			this.#books.set(market.instrument.symbol, channel);
		}
		return channel;
	}

	/** Push to every session subscribed to (channel, instId); `data` is built once, lazily. */
	private broadcast(
		channel: string,
		instId: string,
		action: 'snapshot' | 'update',
		data: () => unknown[]
	): void {
		let rows: unknown[] | undefined;
		for (const session of this.#sessions) {
			if (session.kind !== 'public') continue;
			const arg = session.channels.get(channelKey({ instType: 'USDT-FUTURES', channel, instId }));
			if (!arg) continue;
			rows ??= data();
			session.push({ action, arg, data: rows, ts: this.now() });
		}
	}

	private listened(channel: string, instId: string): boolean {
		const key = channelKey({ instType: 'USDT-FUTURES', channel, instId });
		for (const s of this.#sessions) if (s.channels.has(key)) return true;
		return false;
	}

	private pushTickers(): void {
		if (this.#fault.paused) return;
		for (const market of this.engine.markets.values()) this.pushTicker(market, false);
	}

	private pushTicker(market: SymbolMarket, force: boolean): void {
		const symbol = market.instrument.symbol;
		if (!this.listened('ticker', symbol)) return;
		const row = tickerRow(market, true, this.now());
		const fingerprint = JSON.stringify({ ...row, ts: '' });
		if (!force && this.#lastTicker.get(symbol) === fingerprint) return;
		this.#lastTicker.set(symbol, fingerprint);
		this.broadcast('ticker', symbol, 'snapshot', () => [row]);
	}

	private pushBooks(): void {
		if (this.#fault.paused) return;
		const now = this.now();
		for (const market of this.engine.markets.values()) {
			const symbol = market.instrument.symbol;
			if (this.listened('books', symbol)) {
				const update = this.booksChannel(market).update(now);
				if (update) this.broadcast('books', symbol, 'update', () => [update]);
			} else {
				// Nobody holds this book: the next subscriber starts from a fresh snapshot.
				this.#books.delete(symbol);
			}
			for (const depth of [1, 5, 15]) {
				const channel = `books${depth}`;
				if (!this.listened(channel, symbol)) continue;
				const frame = topLevels(market, depth, now);
				const key = `${channel}|${symbol}`;
				if (this.#topBooks.get(key) === frame.checksum) continue;
				this.#topBooks.set(key, frame.checksum);
				this.broadcast(channel, symbol, 'snapshot', () => [frame]);
			}
		}
	}

	private privatePush(session: BitgetSession, channel: string, rows: unknown[]): void {
		for (const arg of session.channels.values()) {
			if (arg.channel !== channel) continue;
			session.push({ action: 'update', arg, data: rows, ts: this.now() });
			this.#accountPushes++;
		}
	}

	private pushAccountEvent(account: SimAccount, event: AccountEvent): void {
		if (event.kind === 'order') this.metaOf(account, event.order);
		for (const session of this.#sessions) {
			if (session.key?.account !== account) continue;
			if (event.kind === 'order') {
				const meta = this.metaOf(account, event.order);
				const row = {
					...orderRow(account, event.order, meta, true),
					...(event.fill ? orderFillFields(account, event.fill) : {})
				};
				for (const arg of session.channels.values()) {
					if (arg.channel !== 'orders') continue;
					if (arg.instId !== 'default' && arg.instId !== event.order.symbol) continue;
					session.push({ action: 'update', arg, data: [row], ts: this.now() });
					this.#accountPushes++;
				}
				if (event.fill) {
					this.privatePush(session, 'fill', [
						fillRow(account, event.fill, event.order, meta, true)
					]);
				}
			} else if (event.kind === 'position') {
				const p = event.position;
				this.privatePush(session, 'positions', [
					positionRow(account, p, this.posId(account, p.symbol, p.side), true, this.now())
				]);
			} else if (event.currency === 'USDT') {
				this.privatePush(session, 'account', [accountPush(account)]);
			}
		}
	}

	private subscribe(
		session: BitgetSession,
		arg: ChannelArg
	): { code: number; msg: string } | { after?: () => void } {
		const notExist = {
			code: WS_ERRORS.channelNotExist,
			msg: `instType:${arg.instType},channel:${arg.channel},instId:${arg.instId ?? arg.coin ?? ''} doesn't exist`
		};
		if (arg.instType.toUpperCase() !== 'USDT-FUTURES') return notExist;
		if (session.kind === 'private') {
			if (!PRIVATE_CHANNELS.has(arg.channel)) return notExist;
			const scope = arg.channel === 'account' ? arg.coin : arg.instId;
			const scopeOk =
				scope === 'default' ||
				(arg.channel === 'orders' && scope !== undefined && this.engine.get(scope) !== undefined);
			if (!scopeOk) return notExist;
			const key = session.key;
			if (!key) return { code: WS_ERRORS.loginRequired, msg: 'User not logged in' };
			const account = key.account;
			return {
				after: () => {
					let rows: unknown[] = [];
					if (arg.channel === 'account') rows = [accountPush(account)];
					else if (arg.channel === 'positions') {
						rows = [...account.positions.values()]
							.filter((p) => p.size > 0)
							.map((p) =>
								positionRow(account, p, this.posId(account, p.symbol, p.side), true, this.now())
							);
					} else if (arg.channel === 'orders') {
						rows = account
							.openOrders()
							.filter((o) => arg.instId === 'default' || o.symbol === arg.instId)
							.map((o) => orderRow(account, o, this.metaOf(account, o), true));
					}
					session.push({ action: 'snapshot', arg, data: rows, ts: this.now() });
				}
			};
		}
		if (!PUBLIC_CHANNELS.has(arg.channel)) return notExist;
		const market = arg.instId === undefined ? undefined : this.engine.get(arg.instId);
		if (!market) return notExist;
		return {
			after: () => {
				const now = this.now();
				let data: unknown[];
				if (arg.channel === 'ticker') data = [tickerRow(market, true, now)];
				else if (arg.channel === 'books') data = [this.booksChannel(market).snapshot(now)];
				else if (arg.channel === 'trade') {
					const c = contractOf(market);
					data = market.trades
						.slice(-50)
						.reverse()
						.map((t) => ({
							ts: String(t.time),
							price: market.price(t.price),
							size: formatSize(c, t.size),
							side: t.buyerMaker ? 'sell' : 'buy',
							tradeId: String(t.id)
						}));
				} else data = [topLevels(market, Number(arg.channel.slice(5)), now)];
				session.push({ action: 'snapshot', arg, data, ts: now });
			}
		};
	}

	private sessionHost(): BitgetSessionHost {
		return {
			limits: this.timing,
			subscribe: (session, arg) => this.subscribe(session, arg),
			unsubscribe: () => undefined,
			login: (session, args) =>
				verifyLogin(args, (k) => this.#keys.get(k), this.now(), session.demoHost),
			outgoing: () => (this.#fault.silenced ? undefined : { delayMs: this.#fault.delayMs }),
			detach: (session) => {
				this.#sessions.delete(session);
			}
		};
	}

	private createFaults(): BitgetFaults {
		const fault = this.#fault;
		return {
			corruptNextChecksum: (symbol) => {
				this.booksChannel(this.market(symbol)).corruptNext = true;
			},
			holdNext: (pathContains, ms) => fault.holdNext(pathContains, ms),
			heldRequests: () => [...fault.held].map((r) => ({ ...r, params: { ...r.params } })),
			dropNextResponse: (pathContains) => fault.dropNext(pathContains),
			rejectNext: (pathContains, code) => {
				this.#rejects.push({ pathContains, error: bitgetErrorByCode(code) });
			},
			failFlashClose: (symbol, side, code) => {
				const error =
					code === undefined
						? { status: 400, code: '40015', msg: 'System is abnormal, please try again later' }
						: bitgetErrorByCode(code);
				this.#flashFailures.push({ symbol, side, error });
			},
			forceDisconnect: (kind) => {
				for (const s of [...this.#sessions])
					if (!kind || s.kind === kind) s.terminate(1000, 'forced reconnect');
			},
			dropConnections: (kind) => {
				for (const s of [...this.#sessions]) if (!kind || s.kind === kind) s.terminate(1006, '');
			},
			silence: (on) => {
				fault.silenced = on;
			},
			pause: () => {
				fault.paused = true;
			},
			resume: () => {
				fault.paused = false;
			},
			disarm: () => {
				fault.disarm();
				this.#rejects.length = 0;
				this.#flashFailures.length = 0;
			}
		};
	}
}

function parseBody(text: string): Record<string, unknown> {
	if (text === '') return {};
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		throw new BitgetRestError(BG.bodyNotJson);
	}
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
		throw new BitgetRestError(BG.bodyNotJson);
	}
	return parsed as Record<string, unknown>;
}

function requestParams(
	method: string,
	req: { query: string; body: string }
): Record<string, unknown> {
	if (method !== 'POST') return Object.fromEntries(new URLSearchParams(req.query));
	try {
		return parseBody(req.body);
	} catch {
		return {};
	}
}

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}
