/**
 * AscendEX Futures Pro v2 simulator (loopback only), on the shared engine in `src/sim/core`.
 *
 * Start (Node):
 *   const server = await startAscendexSimServer({ seed: 1 });   // src/sim/node/ascendex-server.ts
 *   server.endpoints.rest          http://127.0.0.1:<port>
 *   server.endpoints.publicWs      ws://127.0.0.1:<port>/api/pro/v2/stream
 *   server.endpoints.privateWs(6)  ws://127.0.0.1:<port>/6/api/pro/v2/stream
 *   server.endpoints.privateWsBase the same without the group, as Perch's presets hold it
 *   await server.close();
 *   Or by hand: `npm run sim -- --venue ascendex`. In a page (Demo):
 *   createAscendexInPageTransport(sim) in src/sim/browser/ascendex-transport.ts.
 *
 * Seed an account (any 64-char alphanumeric secret works; the HMAC key is its raw text):
 *   const acc = server.sim.addAccount({ apiKey, secret, accountGroup: 6,
 *     expireTime: Date.UTC(2027, 0, 1), secretForm: 'raw' | 'decoded' | 'either', usdt: '10000' });
 *   acc.seedPosition({ symbol: 'BTC-PERP', position: '0.25', avgOpenPrice: '64000' }); // "-0.25" = short
 *   acc.seedOrder({ symbol: 'BTC-PERP', side: 'buy', price: '60000.0', orderQty: '0.01' });
 *   acc.seedFundingPayment({ symbol: 'BTC-PERP', time, fundingRate: 0.0001, paymentInUSDT: -1.6 });
 *   acc.positions(); acc.account (live state); sim.setMarkPrice('BTC-PERP', '65000.0');
 *
 * Keepalive: a session starts with hp 2; each server ping left unanswered costs 1; at 0 it gets
 * m:"disconnected" and is closed (two missed pings, as the docs say). See stream.ts.
 *
 * Faults (`sim.faults`): dropNextDepth(symbol) (seqnum gap), ignorePongs(on) (client pongs are
 * lost: hp drains, then m:"disconnected"), answerPings(on=false) (client pings unanswered),
 * pingNow() (a server ping cycle at once, instead of waiting pingIdleMs), dropNextAck() (a WS
 * place-order executes but its ACK is never sent), holdNext(pathOrAction, ms), rejectNext(
 * pathOrAction, code), dropNextResponse(path), dropConnections(), silence(on), pause()/resume(),
 * disarm().
 *
 * Request log (`sim.requests`, never a signature or secret): every private REST request and
 * every WS `auth`/`req` message, tagged `transport: 'rest' | 'ws'`. `sim.restOrderRequests()`
 * lists REST place/cancel requests; `sim.wsOrderMessages()` lists WS place-order/cancel-order/
 * cancel-all messages. A close that must go over the WebSocket asserts the first is empty.
 *
 * Quiet by default: depth pushes every 300 ms only when a subscribed book changed (docs: 300 ms
 * aggregation), bbo/trades only when they happen, `futures-pricing-data` once on subscribe and
 * then only when `timing.pricingPushMs` > 0 (the docs give no interval), server pings only
 * after `pingIdleMs` (15 s) of client silence.
 */
import type { RestRequest, RestResponse, SocketHandle } from '../core';
import { MarketEngine } from '../core/market';
import { parseScaled } from '../core/decimal';
import { Prng } from '../core/prng';
import {
	AscendexAccount,
	lotsToQty,
	type AddAscendexAccountOptions,
	type AccountChange,
	type PlaceOrderArgs,
	type SeedAscendexPosition
} from './account';
import { ASCENDEX_CONTRACTS, type AscendexContract } from './contracts';
import { DepthBook, type AscendexBookView } from './depth';
import { ASC_ERRORS, AscendexFailure, errorByCode, type AscendexError } from './errors';
import { PRIVATE_ROUTES, PUBLIC_ROUTES, type PrivateRoute } from './rest';
import { parseTimestamp, prehashPath, signatureMatches, withinWindow } from './signing';
import { StreamSession, type StreamHost } from './stream';
import { accountFrame, orderFrame, orderRow, positionShort, pricingFrameRow } from './wire';

export interface AscendexTiming {
	/** One market step (price walk, book churn, trades). */
	marketTickMs: number;
	/** Docs: the depth channel aggregates 300 ms. */
	depthPushMs: number;
	/** A server ping goes out after this much client silence. */
	pingIdleMs: number;
	/** How often sessions are checked for a due ping. */
	pingCheckMs: number;
	/** Timed futures-pricing-data pushes; 0 (default) = only on subscribe. */
	pricingPushMs: number;
}

export interface AscendexSimOptions {
	seed?: number;
	now?: () => number;
	/** Answer CORS preflights and send Access-Control-Allow-Origin (default true). */
	cors?: boolean;
	/**
	 * The balance snapshot and history's documented 8 requests a minute per key (default on).
	 * The docs name no error code: excess answers HTTP 429 with a plain-text body.
	 */
	rateLimits?: boolean;
	timing?: Partial<AscendexTiming>;
}

export interface AscendexLogEntry {
	time: number;
	transport: 'rest' | 'ws';
	/** HTTP method, or the WS `op`. */
	method: string;
	/** URL path (with the group), or the WS stream path. */
	path: string;
	/** The WS `action` of an `op:"req"`. */
	action?: string;
	apiKey: string | undefined;
	/** REST: the JSON body (POST/DELETE) or the query; WS: `args` (auth: `{ t }` only). */
	params: Record<string, unknown>;
	/** The WS request `id`. */
	id?: string;
	/** 0 or the documented error code answered (-1: not answered, e.g. a dropped ACK). */
	code: number;
}

export interface AscendexFaults {
	dropNextDepth(symbol: string): void;
	ignorePongs(on: boolean): void;
	answerPings(on: boolean): void;
	pingNow(): void;
	dropNextAck(): void;
	holdNext(pathOrAction: string, ms: number): void;
	rejectNext(pathOrAction: string, code: number): void;
	dropNextResponse(pathContains: string): void;
	dropConnections(): void;
	silence(on: boolean): void;
	pause(): void;
	resume(): void;
	disarm(): void;
}

export interface AscendexAccountHandle {
	readonly apiKey: string;
	readonly accountGroup: number;
	readonly userUID: string;
	readonly account: AscendexAccount;
	seedPosition(p: SeedAscendexPosition): void;
	/** A resting limit order placed elsewhere (not in the request log). */
	seedOrder(o: {
		symbol: string;
		side: 'buy' | 'sell';
		price: string;
		orderQty: string;
		id?: string;
		reduceOnly?: boolean;
	}): string;
	/** A market order placed elsewhere (the website): executes and pushes, not in the request log. */
	trade(o: {
		symbol: string;
		side: 'buy' | 'sell';
		orderQty: string;
		reduceOnly?: boolean;
	}): string;
	setBalance(usdt: string): void;
	setExpireTime(ms: number): void;
	seedFundingPayment(p: {
		symbol: string;
		time: number;
		fundingRate: number;
		paymentInUSDT: number;
	}): void;
	/** Open positions as the REST position call reports them (signed quantity strings). */
	positions(): Array<{ symbol: string; position: string; avgOpenPrice: string }>;
}

const DEFAULT_TIMING: AscendexTiming = {
	marketTickMs: 250,
	depthPushMs: 300,
	pingIdleMs: 15_000,
	pingCheckMs: 1000,
	pricingPushMs: 0
};

const STREAM_PATH = /^(?:\/(\d+))?\/api\/pro\/v2\/stream$/;
const GROUPED_PATH = /^\/(\d+)(\/api\/pro\/.*)$/;
const PRIVATE_CHANNELS = new Set(['futures-order', 'futures-account-update']);
const PRICING_CHANNELS = new Set(['futures-pricing-data', 'futures-pricing-data-batch']);
const SYMBOL_CHANNELS = new Set(['depth', 'bbo', 'trades']);

const CORS_HEADERS = { 'access-control-allow-origin': '*' };
const BALANCE_PATHS = new Set([
	'/api/pro/data/v1/futures/balance/snapshot',
	'/api/pro/data/v1/futures/balance/history'
]);

class Faults {
	paused = false;
	silenced = false;
	ignorePongs = false;
	answerPings = true;
	dropAcks = 0;
	readonly depthDrops = new Set<string>();
	readonly holds: Array<{ match: string; ms: number }> = [];
	readonly rejects: Array<{ match: string; error: AscendexError }> = [];
	readonly drops: string[] = [];

	take<T extends { match: string }>(list: T[], target: string): T | undefined {
		const i = list.findIndex((x) => target === x.match || target.includes(x.match));
		return i < 0 ? undefined : list.splice(i, 1)[0];
	}
}

export class AscendexSim {
	readonly engine: MarketEngine;
	readonly timing: AscendexTiming;
	readonly now: () => number;
	readonly requests: AscendexLogEntry[] = [];
	readonly faults: AscendexFaults;
	readonly contracts = new Map<string, AscendexContract>();
	readonly #rng: Prng;
	readonly #cors: boolean;
	readonly #rateLimits: boolean;
	readonly #balanceHits = new Map<string, number[]>();
	readonly #accounts = new Map<string, AscendexAccount>();
	readonly #sessions = new Set<StreamSession>();
	readonly #books = new Map<string, DepthBook>();
	readonly #lastBbo = new Map<string, string>();
	readonly #fault = new Faults();
	#deferred: Array<() => void> | undefined;
	#timers: ReturnType<typeof setInterval>[] = [];
	#running = false;
	#nextId: number;

	constructor(opts: AscendexSimOptions = {}) {
		this.now = opts.now ?? (() => Date.now());
		this.timing = { ...DEFAULT_TIMING, ...opts.timing };
		this.#rng = new Prng(opts.seed ?? 1);
		this.#cors = opts.cors ?? true;
		this.#rateLimits = opts.rateLimits ?? true;
		for (const c of ASCENDEX_CONTRACTS) this.contracts.set(c.symbol, c);
		this.engine = new MarketEngine(
			ASCENDEX_CONTRACTS.map((c) => c.instrument),
			this.#rng,
			this.now()
		);
		this.#nextId = 1_000_000 + this.#rng.int(0, 999_999);
		this.faults = this.createFaults();
	}

	get running(): boolean {
		return this.#running;
	}

	addAccount(options: AddAscendexAccountOptions): AscendexAccountHandle {
		if (this.#accounts.has(options.apiKey)) throw new Error('simulator: API key already added');
		const account = new AscendexAccount(
			options,
			this.engine,
			this.contracts,
			() => this.#nextId++,
			() => this.#rng.next(),
			this.now()
		);
		account.onChange((change) => this.pushAccountChange(account, change));
		this.#accounts.set(options.apiKey, account);
		const order = (
			o: {
				symbol: string;
				side: 'buy' | 'sell';
				orderQty: string;
				id?: string;
				reduceOnly?: boolean;
			},
			type: 'limit' | 'market',
			price?: string
		) =>
			account.place(
				{
					time: this.now(),
					symbol: o.symbol,
					side: o.side,
					orderType: type,
					orderQty: o.orderQty,
					orderPrice: price,
					id: o.id,
					execInst: o.reduceOnly ? 'ReduceOnly' : undefined
				},
				'rest',
				this.now()
			).meta.orderId;
		return {
			apiKey: account.apiKey,
			accountGroup: account.accountGroup,
			userUID: account.userUID,
			account,
			seedPosition: (p) => void account.seedPosition(p, this.now()),
			seedOrder: (o) => order(o, 'limit', o.price),
			trade: (o) => order(o, 'market'),
			setBalance: (usdt) => account.setBalance(usdt, this.now()),
			setExpireTime: (ms) => {
				account.expireTime = ms;
			},
			seedFundingPayment: (p) =>
				account.recordFunding(p.symbol, p.fundingRate, p.paymentInUSDT, p.time),
			positions: () =>
				[...account.core.positions.values()]
					.filter((p) => p.size > 0)
					.map((p) => {
						const row = positionShort(account, p.symbol);
						return { symbol: p.symbol, position: row.pos, avgOpenPrice: row.aop };
					})
		};
	}

	/** REST place/cancel requests received (all accounts or one key), oldest first. */
	restOrderRequests(apiKey?: string): AscendexLogEntry[] {
		return this.requests.filter(
			(r) =>
				r.transport === 'rest' &&
				/\/api\/pro\/v2\/futures\/order(\/all|\/batch)?$/.test(r.path) &&
				r.method !== 'GET' &&
				(apiKey === undefined || r.apiKey === apiKey)
		);
	}

	/** WS place-order / cancel-order / cancel-all messages received, oldest first. */
	wsOrderMessages(apiKey?: string): AscendexLogEntry[] {
		return this.requests.filter(
			(r) =>
				r.transport === 'ws' &&
				(r.action === 'place-order' || r.action === 'cancel-order' || r.action === 'cancel-all') &&
				(apiKey === undefined || r.apiKey === apiKey)
		);
	}

	/** The depth book as a subscriber holds it after applying every pushed update. */
	book(symbol: string): AscendexBookView {
		return this.depthBook(symbol).view();
	}

	setMarkPrice(symbol: string, price: string): void {
		const market = this.engine.get(symbol);
		if (!market) throw new Error(`simulator: unknown symbol ${symbol}`);
		const ticks = parseScaled(price, market.decimals);
		if (ticks === undefined || ticks <= 0n) {
			throw new Error(`simulator: "${price}" is not a positive price on ${symbol}'s tick`);
		}
		market.pin(Number(ticks), this.#rng);
		this.pushPricing([symbol]);
	}

	unpinPrice(symbol: string): void {
		const market = this.engine.get(symbol);
		if (market) market.pinned = false;
	}

	connections(): { total: number; authenticated: number } {
		let authenticated = 0;
		for (const s of this.#sessions) if (s.account) authenticated++;
		return { total: this.#sessions.size, authenticated };
	}

	start(): void {
		if (this.#running) return;
		this.#running = true;
		const t = this.timing;
		this.#timers = [
			setInterval(() => this.marketTick(), t.marketTickMs),
			setInterval(() => this.pushDepth(), t.depthPushMs),
			setInterval(() => this.keepalive(false), t.pingCheckMs)
		];
		if (t.pricingPushMs > 0) {
			this.#timers.push(setInterval(() => this.pushPricing(), t.pricingPushMs));
		}
	}

	stop(): void {
		this.#running = false;
		for (const timer of this.#timers) clearInterval(timer);
		this.#timers = [];
		for (const session of [...this.#sessions]) session.terminate(1001, 'simulator stopped');
	}

	/** One market step: prices, book, trades, bbo, funding settlement. */
	marketTick(): void {
		if (this.#fault.paused) return;
		const now = this.now();
		for (const market of this.engine.markets.values()) {
			const symbol = market.instrument.symbol;
			const contract = this.contracts.get(symbol)!;
			const trades = market.step(this.#rng, now);
			if (trades.length > 0) {
				this.broadcast(`trades:${symbol}`, {
					m: 'trades',
					symbol,
					data: trades.map((t) => ({
						p: market.price(t.price),
						q: lotsToQty(t.size, contract),
						ts: t.time,
						bm: t.buyerMaker,
						seqnum: t.id
					}))
				});
			}
			this.pushBbo(symbol);
			const settled = market.settleFunding(now);
			if (settled) {
				for (const account of this.#accounts.values()) {
					const lots = account.positionLots(symbol);
					if (lots === 0) continue;
					const notional =
						Math.abs(lots) * Number(market.instrument.contractSize) * market.priceOf(market.mark);
					const amount = (lots > 0 ? -1 : 1) * notional * settled.rate;
					account.recordFunding(symbol, settled.rate, amount, settled.time);
				}
			}
		}
	}

	/** One depth cycle: every subscribed book that changed gets its next seqnum and a push. */
	pushDepth(): void {
		if (this.#fault.paused) return;
		const listened = new Set<string>();
		for (const s of this.#sessions) {
			for (const key of s.subscriptions) if (key.startsWith('depth:')) listened.add(key.slice(6));
		}
		for (const symbol of listened) this.advanceDepth(symbol);
	}

	/** A keepalive pass over every session (forced: ping now, whatever the idle time). */
	keepalive(force: boolean): void {
		for (const session of [...this.#sessions]) session.keepalive(force);
	}

	async handleRest(req: RestRequest): Promise<RestResponse> {
		const method = req.method.toUpperCase();
		if (method === 'OPTIONS') return this.preflight();
		const hold = this.#fault.take(this.#fault.holds, req.path);
		if (hold) await sleep(hold.ms);
		const drop = this.#fault.take(
			this.#fault.drops.map((match) => ({ match })),
			req.path
		);
		if (drop) this.#fault.drops.splice(this.#fault.drops.indexOf(drop.match), 1);
		let status = 200;
		let body: unknown;
		let code = 0;
		let logged: Omit<AscendexLogEntry, 'code'> | undefined;
		try {
			const grouped = GROUPED_PATH.exec(req.path);
			const apiPath = grouped ? grouped[2] : req.path;
			const group = grouped ? Number(grouped[1]) : undefined;
			const query = new URLSearchParams(req.query);
			const publicRoute = PUBLIC_ROUTES[apiPath];
			const privateRoute = PRIVATE_ROUTES[apiPath]?.find((r) => r.method === method);
			if (publicRoute && method === 'GET' && group === undefined) {
				this.intercept(req.path);
				body = {
					code: 0,
					data: publicRoute({
						engine: this.engine,
						contracts: this.contracts,
						now: this.now(),
						query,
						depth: (symbol) => this.advanceDepth(symbol)
					})
				};
			} else if (privateRoute && privateRoute.grouped === (group !== undefined)) {
				const params = method === 'GET' ? Object.fromEntries(query) : parseBody(req.body);
				logged = {
					time: this.now(),
					transport: 'rest',
					method,
					path: req.path,
					apiKey: req.headers['x-auth-key'],
					params: params ?? {}
				};
				const account = await this.authenticate(req, apiPath, privateRoute, group);
				if (BALANCE_PATHS.has(apiPath) && !this.admitBalanceRead(account.apiKey)) {
					this.log({ ...logged, code: 429 });
					return {
						status: 429,
						headers: { 'content-type': 'text/plain', ...(this.#cors ? CORS_HEADERS : {}) },
						body: 'Too Many Requests'
					};
				}
				this.intercept(req.path);
				if (params === undefined) throw new AscendexFailure(ASC_ERRORS.invalidJson);
				const data = privateRoute.handle({ account, now: this.now(), query, body: params });
				body = { code: 0, data };
			} else {
				status = 404;
				code = ASC_ERRORS.invalidHttpInput.code;
				body = {
					code,
					reason: ASC_ERRORS.invalidHttpInput.reason,
					message: `No ${method} ${req.path}`
				};
			}
		} catch (error) {
			if (!(error instanceof AscendexFailure)) throw error;
			code = error.error.code;
			body = {
				code,
				reason: error.error.reason,
				message: error.detail ?? error.error.message
			};
		}
		if (logged) this.log({ ...logged, code });
		return {
			status,
			headers: { 'content-type': 'application/json', ...(this.#cors ? CORS_HEADERS : {}) },
			body: JSON.stringify(body),
			...(drop ? { dropped: true } : {})
		};
	}

	/** Docs: "we enforce rate limit 8 / minute" on the balance snapshot and history, together. */
	private admitBalanceRead(apiKey: string): boolean {
		if (!this.#rateLimits) return true;
		// Monotonic: the window must not move with the simulator's (test-settable) clock.
		const now = performance.now();
		const recent = (this.#balanceHits.get(apiKey) ?? []).filter((t) => now - t < 60_000);
		const admitted = recent.length < 8;
		if (admitted) recent.push(now);
		this.#balanceHits.set(apiKey, recent);
		return admitted;
	}

	/** A socket on `path`; undefined when the path is not a stream URL (the transport answers 404). */
	openStream(
		path: string,
		send: (text: string) => void,
		close: (code: number, reason: string) => void
	): SocketHandle | undefined {
		const match = STREAM_PATH.exec(path);
		if (!match) return undefined;
		const session = new StreamSession(
			match[1] === undefined ? undefined : Number(match[1]),
			this.streamHost(),
			send,
			close
		);
		this.#sessions.add(session);
		return session;
	}

	private async authenticate(
		req: RestRequest,
		apiPath: string,
		route: PrivateRoute,
		group: number | undefined
	): Promise<AscendexAccount> {
		const key = req.headers['x-auth-key'];
		const timestamp = req.headers['x-auth-timestamp'];
		const signature = req.headers['x-auth-signature'];
		if (!key || !timestamp || !signature) throw new AscendexFailure(ASC_ERRORS.authorizationNeeded);
		const account = this.#accounts.get(key);
		if (!account) throw new AscendexFailure(ASC_ERRORS.accountError);
		const t = parseTimestamp(timestamp);
		if (t === undefined || !withinWindow(t, this.now())) {
			throw new AscendexFailure(
				ASC_ERRORS.invalidTimestamp,
				'x-auth-timestamp is more than 30s from server time'
			);
		}
		const prehash = prehashPath(apiPath);
		if (
			!prehash ||
			!(await signatureMatches(
				account.secret,
				account.secretForm,
				`${timestamp}+${prehash}`,
				signature
			))
		) {
			throw new AscendexFailure(ASC_ERRORS.authenticationFailed);
		}
		if (account.expireTime !== -1 && account.expireTime < this.now()) {
			throw new AscendexFailure(ASC_ERRORS.authenticationFailed, 'API key expired');
		}
		if (route.grouped && group !== account.accountGroup) {
			throw new AscendexFailure(ASC_ERRORS.accountError);
		}
		return account;
	}

	private intercept(target: string): void {
		const forced = this.#fault.take(this.#fault.rejects, target);
		if (forced) throw new AscendexFailure(forced.error);
	}

	private preflight(): RestResponse {
		if (!this.#cors) return { status: 403, headers: {}, body: '' };
		return {
			status: 204,
			headers: {
				...CORS_HEADERS,
				'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
				'access-control-allow-headers':
					'Content-Type, x-auth-key, x-auth-timestamp, x-auth-signature',
				'access-control-max-age': '600'
			},
			body: ''
		};
	}

	private log(entry: AscendexLogEntry): void {
		this.requests.push(entry);
		if (this.requests.length > 2000) this.requests.shift();
	}

	private depthBook(symbol: string): DepthBook {
		let book = this.#books.get(symbol);
		if (!book) {
			const market = this.engine.get(symbol);
			const contract = this.contracts.get(symbol);
			if (!market || !contract) throw new Error(`simulator: unknown symbol ${symbol}`);
			book = new DepthBook(market, contract, this.#rng.int(1_000_000, 9_000_000));
			this.#books.set(symbol, book);
		}
		return book;
	}

	/** Publish a symbol's book if it changed (push to subscribers unless the drop fault eats it). */
	private advanceDepth(symbol: string): DepthBook {
		const book = this.depthBook(symbol);
		if (this.#fault.paused) return book;
		const update = book.advance();
		if (update) {
			if (this.#fault.depthDrops.delete(symbol)) return book;
			this.broadcast(`depth:${symbol}`, {
				m: 'depth',
				symbol,
				data: { ts: this.now(), seqnum: update.seqnum, asks: update.asks, bids: update.bids }
			});
		}
		return book;
	}

	private pushBbo(symbol: string, only?: StreamSession): void {
		const market = this.engine.get(symbol)!;
		const contract = this.contracts.get(symbol)!;
		const [bid, bidSize] = market.bestBid;
		const [ask, askSize] = market.bestAsk;
		const data = {
			ts: this.now(),
			bid: [market.price(bid), lotsToQty(bidSize, contract)],
			ask: [market.price(ask), lotsToQty(askSize, contract)]
		};
		const key = JSON.stringify([data.bid, data.ask]);
		if (only) {
			only.push({ m: 'bbo', symbol, data });
			return;
		}
		if (this.#lastBbo.get(symbol) === key) return;
		this.#lastBbo.set(symbol, key);
		this.broadcast(`bbo:${symbol}`, { m: 'bbo', symbol, data });
	}

	private pushPricing(symbols?: string[], only?: StreamSession): void {
		const now = this.now();
		const con = [...this.contracts.values()]
			.filter((c) => !symbols || symbols.includes(c.symbol))
			.map((c) => pricingFrameRow(this.engine.get(c.symbol)!, c, now));
		const col = [{ a: 'USDT', p: '1' }];
		for (const session of only ? [only] : this.#sessions) {
			for (const name of PRICING_CHANNELS) {
				if (session.subscriptions.has(name)) session.push({ m: name, con, col });
			}
		}
	}

	private broadcast(key: string, message: unknown): void {
		let text: string | undefined;
		for (const session of this.#sessions) {
			if (!session.subscriptions.has(key)) continue;
			text ??= JSON.stringify(message);
			session.pushText(text);
		}
	}

	private pushAccountChange(account: AscendexAccount, change: AccountChange): void {
		const now = this.now();
		const send = () => {
			for (const session of this.#sessions) {
				if (session.account !== account) continue;
				if (change.kind === 'order' && session.subscriptions.has('futures-order')) {
					session.push(orderFrame(account, change.order, change.meta, change.sn, now));
				} else if (
					change.kind === 'account' &&
					session.subscriptions.has('futures-account-update')
				) {
					session.push(
						accountFrame(
							account,
							'futures-account-update',
							change.symbols,
							change.sn,
							now,
							`r${now.toString(16)}`
						)
					);
				}
			}
		};
		if (this.#deferred) this.#deferred.push(send);
		else send();
	}

	private streamHost(): StreamHost {
		return {
			now: () => this.now(),
			pingIdleMs: this.timing.pingIdleMs,
			answerPings: () => this.#fault.answerPings,
			countPongs: () => !this.#fault.ignorePongs,
			silenced: () => this.#fault.silenced,
			detach: (session) => {
				this.#sessions.delete(session);
			},
			handle: async (session, msg) => {
				const op = typeof msg.op === 'string' ? msg.op : '';
				const action = typeof msg.action === 'string' ? msg.action : undefined;
				const target = action ?? op;
				const hold = this.#fault.take(this.#fault.holds, target);
				if (hold) {
					// Held apart from the session's queue: later frames (pongs) still get through.
					setTimeout(() => void this.handleStream(session, msg, op, action), hold.ms);
					return;
				}
				await this.handleStream(session, msg, op, action);
			}
		};
	}

	private async handleStream(
		session: StreamSession,
		msg: Record<string, unknown>,
		op: string,
		action: string | undefined
	): Promise<void> {
		if (!session.open) return;
		const id =
			typeof msg.id === 'string' || typeof msg.id === 'number' ? String(msg.id) : undefined;
		if (op === 'auth') {
			await this.streamAuth(session, msg, id);
			return;
		}
		if (op === 'sub' || op === 'unsub') {
			this.streamSub(session, op, msg.ch, id);
			return;
		}
		if (op === 'req' && action) {
			await this.streamRequest(session, action, msg, id);
			return;
		}
		session.push({
			m: 'error',
			id,
			code: ASC_ERRORS.invalidWsRequestData.code,
			reason: ASC_ERRORS.invalidWsRequestData.reason,
			info: `Unknown op ${JSON.stringify(msg.op)}`
		});
	}

	private async streamAuth(
		session: StreamSession,
		msg: Record<string, unknown>,
		id: string | undefined
	): Promise<void> {
		const key = typeof msg.key === 'string' ? msg.key : undefined;
		const entry = {
			time: this.now(),
			transport: 'ws' as const,
			method: 'auth',
			path:
				session.group === undefined ? '/api/pro/v2/stream' : `/${session.group}/api/pro/v2/stream`,
			apiKey: key,
			params: { t: msg.t },
			id
		};
		const error = await this.checkStreamAuth(session, msg, key);
		this.log({ ...entry, code: error ? error.code : 0 });
		if (error) {
			session.push({ m: 'auth', id, code: error.code, err: error.message });
			return;
		}
		session.account = this.#accounts.get(key!);
		session.push({ m: 'auth', id, code: 0 });
	}

	private async checkStreamAuth(
		session: StreamSession,
		msg: Record<string, unknown>,
		key: string | undefined
	): Promise<AscendexError | undefined> {
		const forced = this.#fault.take(this.#fault.rejects, 'auth');
		if (forced) return forced.error;
		if (session.account) return ASC_ERRORS.invalidWsRequestData;
		const account = key ? this.#accounts.get(key) : undefined;
		// Docs: only the `/<grp>/` stream URL can authenticate.
		if (!account || session.group === undefined) return ASC_ERRORS.accountError;
		const t = parseTimestamp(msg.t);
		if (t === undefined || !withinWindow(t, this.now())) return ASC_ERRORS.invalidTimestamp;
		const sig = typeof msg.sig === 'string' ? msg.sig : '';
		if (!(await signatureMatches(account.secret, account.secretForm, `${t}+v2/stream`, sig))) {
			return ASC_ERRORS.authenticationFailed;
		}
		if (account.expireTime !== -1 && account.expireTime < this.now()) {
			return ASC_ERRORS.authenticationFailed;
		}
		if (session.group !== account.accountGroup) return ASC_ERRORS.accountError;
		return undefined;
	}

	private streamSub(
		session: StreamSession,
		op: 'sub' | 'unsub',
		ch: unknown,
		id: string | undefined
	): void {
		const error = (e: AscendexError, info: string) =>
			session.push({ m: 'error', id, code: e.code, reason: e.reason, info });
		if (typeof ch !== 'string' || ch === '') {
			error(ASC_ERRORS.invalidWsRequestData, 'ch is required');
			return;
		}
		const colon = ch.indexOf(':');
		const name = colon < 0 ? ch : ch.slice(0, colon);
		const symbols =
			colon < 0
				? []
				: ch
						.slice(colon + 1)
						.split(',')
						.filter((s) => s !== '');
		if (op === 'unsub') {
			const all = symbols.length === 0 || symbols.includes('*');
			for (const key of [...session.subscriptions]) {
				const [keyName, keySymbol] = key.split(':');
				if (keyName === name && (all || symbols.includes(keySymbol)))
					session.subscriptions.delete(key);
			}
			session.push({ m: 'unsub', id, ch, code: 0 });
			return;
		}
		if (PRIVATE_CHANNELS.has(name) || PRICING_CHANNELS.has(name)) {
			if (PRIVATE_CHANNELS.has(name) && !session.account) {
				error(ASC_ERRORS.authorizationNeeded, `${name} needs an authenticated session`);
				return;
			}
			session.subscriptions.add(name);
			session.push({ m: 'sub', id, ch, code: 0 });
			if (PRICING_CHANNELS.has(name)) this.pushPricing(undefined, session);
			return;
		}
		if (!SYMBOL_CHANNELS.has(name)) {
			error(ASC_ERRORS.invalidWsRequestData, `Unknown channel ${name}`);
			return;
		}
		if (symbols.length === 0 || symbols.length > 10) {
			error(ASC_ERRORS.invalidWsRequestData, 'One to ten symbols');
			return;
		}
		const unknown = symbols.find((s) => !this.contracts.has(s));
		if (unknown) {
			error(ASC_ERRORS.symbolError, `Unknown symbol ${unknown}`);
			return;
		}
		for (const symbol of symbols) {
			session.subscriptions.add(`${name}:${symbol}`);
			if (name === 'depth') this.depthBook(symbol);
		}
		session.push({ m: 'sub', id, ch, code: 0 });
		if (name === 'bbo') for (const symbol of symbols) this.pushBbo(symbol, session);
	}

	private async streamRequest(
		session: StreamSession,
		action: string,
		msg: Record<string, unknown>,
		id: string | undefined
	): Promise<void> {
		const args =
			typeof msg.args === 'object' && msg.args !== null && !Array.isArray(msg.args)
				? (msg.args as Record<string, unknown>)
				: undefined;
		const entry: Omit<AscendexLogEntry, 'code'> = {
			time: this.now(),
			transport: 'ws',
			method: 'req',
			path:
				session.group === undefined ? '/api/pro/v2/stream' : `/${session.group}/api/pro/v2/stream`,
			action,
			apiKey: session.account?.apiKey,
			params: args ? { ...args } : {},
			id
		};
		const ordering =
			action === 'place-order' || action === 'cancel-order' || action === 'cancel-all';
		const fail = (e: AscendexError, detail?: string) => {
			this.log({ ...entry, code: e.code });
			if (ordering) {
				session.push({
					m: 'order',
					code: e.code,
					id,
					action,
					ac: 'FUTURES',
					info: {
						symbol: typeof args?.symbol === 'string' ? args.symbol : '',
						reason: e.reason,
						errorMsg: detail ?? e.message
					}
				});
			} else {
				session.push({ m: 'error', id, code: e.code, reason: e.reason, info: detail ?? e.message });
			}
		};
		if (action === 'depth-snapshot') {
			const symbol = typeof args?.symbol === 'string' ? args.symbol : '';
			if (!this.contracts.has(symbol)) return fail(ASC_ERRORS.symbolError);
			const view = this.advanceDepth(symbol).view();
			this.log({ ...entry, code: 0 });
			session.push({
				m: 'depth-snapshot',
				symbol,
				data: { seqnum: view.seqnum, ts: this.now(), asks: view.asks, bids: view.bids }
			});
			return;
		}
		const account = session.account;
		if (!account) return fail(ASC_ERRORS.authorizationNeeded, 'Authenticate first');
		const forced = this.#fault.take(this.#fault.rejects, action);
		if (forced) return fail(forced.error);
		if (ordering && String(msg.ac ?? '').toLowerCase() !== 'futures') {
			return fail(ASC_ERRORS.invalidWsRequestData, 'ac must be "futures" on this stream');
		}
		try {
			if (action === 'futures-account-snapshot') {
				this.log({ ...entry, code: 0 });
				session.push(
					accountFrame(
						account,
						'futures-account-snapshot',
						activeOrAll(account),
						account.sn,
						this.now(),
						id ?? ''
					)
				);
				return;
			}
			if (action === 'futures-open-orders') {
				if (!args) return fail(ASC_ERRORS.invalidWsRequestData, 'args is required');
				const symbol =
					typeof args.symbol === 'string' && args.symbol !== '' ? args.symbol : undefined;
				this.log({ ...entry, code: 0 });
				session.push({
					m: 'futures-open-orders',
					code: 0,
					id,
					ac: 'FUTURES',
					data: account
						.orders()
						.filter(
							({ order }) =>
								order.state === 2 && !order.canceled && (!symbol || order.symbol === symbol)
						)
						.map(({ order, meta }) => orderRow(account, order, meta))
				});
				return;
			}
			if (!ordering) return fail(ASC_ERRORS.invalidWsRequestData, `Unknown action ${action}`);
			if (!args) return fail(ASC_ERRORS.invalidWsRequestData, 'args is required');
			// ACK first, then the order and account frames the request caused.
			const deferred: Array<() => void> = [];
			this.#deferred = deferred;
			let ack: Record<string, unknown>;
			try {
				if (action === 'place-order') {
					// Docs: the request's top-level `id` is the order's client id (the REST field
					// inside `args` is accepted when there is none).
					const { meta } = account.place(
						{ ...(args as PlaceOrderArgs), id: msg.id ?? args.id },
						'ws',
						this.now()
					);
					ack = { orderId: meta.orderId, symbol: args.symbol };
				} else if (action === 'cancel-order') {
					const time = parseTimestamp(args.time);
					if (time === undefined || !withinWindow(time, this.now())) {
						throw new AscendexFailure(ASC_ERRORS.invalidTimestamp);
					}
					const order = account.cancel(args.symbol, args.orderId, this.now());
					ack = { orderId: account.meta(order.orderId)!.orderId, symbol: order.symbol };
				} else {
					account.cancelAll(args.symbol === '' ? undefined : args.symbol, this.now());
					ack = { symbol: typeof args.symbol === 'string' ? args.symbol : '' };
				}
			} finally {
				this.#deferred = undefined;
			}
			const dropAck = action === 'place-order' && this.#fault.dropAcks > 0;
			if (dropAck) this.#fault.dropAcks--;
			this.log({ ...entry, code: dropAck ? -1 : 0 });
			if (!dropAck) session.push({ m: 'order', code: 0, id, action, ac: 'FUTURES', info: ack });
			for (const send of deferred) send();
		} catch (error) {
			if (error instanceof AscendexFailure) return fail(error.error, error.detail);
			throw error;
		}
	}

	private createFaults(): AscendexFaults {
		const f = this.#fault;
		return {
			dropNextDepth: (symbol) => void f.depthDrops.add(symbol),
			ignorePongs: (on) => {
				f.ignorePongs = on;
			},
			answerPings: (on) => {
				f.answerPings = on;
			},
			pingNow: () => this.keepalive(true),
			dropNextAck: () => {
				f.dropAcks++;
			},
			holdNext: (match, ms) => void f.holds.push({ match, ms: Math.max(0, ms) }),
			rejectNext: (match, code) => void f.rejects.push({ match, error: errorByCode(code) }),
			dropNextResponse: (match) => void f.drops.push(match),
			dropConnections: () => {
				for (const s of [...this.#sessions]) s.terminate(1006, '');
			},
			silence: (on) => {
				f.silenced = on;
			},
			pause: () => {
				f.paused = true;
			},
			resume: () => {
				f.paused = false;
			},
			disarm: () => {
				f.holds.length = 0;
				f.rejects.length = 0;
				f.drops.length = 0;
				f.depthDrops.clear();
				f.dropAcks = 0;
			}
		};
	}
}

/** Every symbol with a position or resting order (the snapshot lists those). */
function activeOrAll(account: AscendexAccount): string[] {
	const set = new Set<string>();
	for (const p of account.core.positions.values()) if (p.size > 0) set.add(p.symbol);
	for (const o of account.core.openOrders()) set.add(o.symbol);
	return [...set].sort();
}

function parseBody(text: string): Record<string, unknown> | undefined {
	if (text.trim() === '') return {};
	try {
		const parsed: unknown = JSON.parse(text);
		return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
			? (parsed as Record<string, unknown>)
			: undefined;
	} catch {
		return undefined;
	}
}

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}
