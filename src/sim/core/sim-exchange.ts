import {
	money,
	SimAccount,
	type AccountEvent,
	type AddAccountOptions,
	type OpenType,
	type SeedPositionOptions,
	type SimOrder,
	type SimPosition
} from './accounts';
import { verifySocketLogin } from './auth';
import { parseScaled } from './decimal';
import { DepthChannel, parseDepthTopic, type BookView } from './depth-channel';
import { submitOrder } from './execution';
import { FaultState, type SimFaults } from './faults';
import { DEFAULT_INSTRUMENTS, type SimInstrument } from './instruments';
import { MarketEngine, type SymbolMarket } from './market';
import { Prng } from './prng';
import { RestRouter, type LoggedRequest, type RestRequest, type RestResponse } from './rest';
import {
	assetFrame,
	fundingFrame,
	orderFrame,
	positionData,
	tickerFrame,
	tradeFrame
} from './ws-frames';
import {
	SimSocketSession,
	type SessionHost,
	type SocketHandle,
	type SocketKind
} from './ws-session';

export interface SimTiming {
	/** One market step (price walk, book churn, trades). */
	marketTickMs: number;
	/** Docs: the ticker channel pushes once a second. */
	tickerPushMs: number;
	/** Docs: the funding channel pushes every minute. */
	fundingPushMs: number;
	/** Book channel push interval; default: the subscribed speed (100/200 ms). */
	depthPushMs?: number;
	/** Docs: the position channel also pushes every 10 s. */
	positionPushMs: number;
	/** Docs: a connection quiet for 20 s is dropped. */
	idleCloseMs: number;
	/** Docs: a connection that subscribes to nothing within 5 s is dropped; 0 disables. */
	lifelessMs: number;
	/** Docs: subscribe frames are limited to 4096 bytes; larger frames close with 1009. */
	maxFrameBytes: number;
	/**
	 * A REST call that changed an account answers only after its pushes went out, plus this many
	 * ms: order frames reach a client before the HTTP answer, the tricky case for a client.
	 */
	pushLeadMs: number;
}

export interface SimExchangeOptions {
	seed?: number;
	now?: () => number;
	instruments?: readonly SimInstrument[];
	/** Answer CORS preflights and send Access-Control-Allow-Origin (default true). */
	cors?: boolean;
	/** Send pushes as raw-deflate binary frames (default false). */
	binaryFrames?: boolean;
	/** Enforce the documented per-endpoint rate limits (default true). */
	rateLimits?: boolean;
	timing?: Partial<SimTiming>;
}

/** A resting limit order for a test (limit orders never match in the simulator). */
export interface SeedOrderOptions {
	symbol: string;
	/** The wire side code: 1 buy/open long, 2 buy close short, 3 sell close long, 4 sell/open short. */
	side: 1 | 2 | 3 | 4;
	price: string;
	size: number;
	clientOrderId?: string;
	leverage?: string | number;
	marginMode?: OpenType;
}

export interface TradeOptions {
	symbol: string;
	/** The wire side code: 1 buy/open long, 2 buy close short, 3 sell close long, 4 sell/open short. */
	side: 1 | 2 | 3 | 4;
	size: number;
	leverage?: string | number;
	/** Default: the margin mode of the position it adds to or reduces, else cross. */
	marginMode?: OpenType;
}

export interface SimAccountHandle {
	readonly apiKey: string;
	readonly memo: string;
	/** The live account state, for assertions. */
	readonly state: SimAccount;
	/** The wallet balance (equity at zero unrealized PnL); available = wallet − margin − frozen. */
	setBalance(currency: string, amount: string): void;
	/** Margin and liquidation follow the formulas in `margin.ts`. */
	seedPosition(p: SeedPositionOptions): SimPosition;
	/** Validated like a submit-order (so a closing side needs a position); pushes action 2. */
	seedOrder(o: SeedOrderOptions): SimOrder;
	/**
	 * A market order placed elsewhere (the exchange's website, another device): validated and
	 * executed like a submit-order and pushed like one, but not in the REST request log.
	 */
	trade(o: TradeOptions): SimOrder;
	setPositionMode(mode: 'hedge' | 'one-way' | 'one_way'): void;
	/** The open positions as position-v2 reports them, numbers as decimal strings. */
	positions(): SimPositionView[];
}

export interface SimPositionView {
	symbol: string;
	side: 'long' | 'short';
	size: string;
	entryPrice: string;
	leverage: string;
	marginMode: OpenType;
	margin: string;
	liquidationPrice: string;
	unrealizedPnl: string;
	realizedPnl: string;
}

const DEFAULT_TIMING: SimTiming = {
	marketTickMs: 250,
	tickerPushMs: 1000,
	fundingPushMs: 60_000,
	positionPushMs: 10_000,
	idleCloseMs: 20_000,
	lifelessMs: 5_000,
	maxFrameBytes: 4096,
	pushLeadMs: 5
};

const SYMBOL_TOPIC = /^futures\/(ticker|fundingRate|trade):([A-Z0-9]+)$/;
const PRIVATE_TOPIC = /^futures\/(asset:(USDT|BTC|ETH)|position|order)$/;

/**
 * A BitMart Futures V2 stand-in with no I/O of its own: a market engine, accounts, the REST
 * router and WebSocket sessions. Transports (Node server, in-page fetch/socket) mount it.
 */
export class SimExchange {
	readonly engine: MarketEngine;
	readonly timing: SimTiming;
	readonly requests: LoggedRequest[] = [];
	readonly faults: SimFaults;
	readonly now: () => number;
	readonly #rng: Prng;
	readonly #protocolRng: Prng;
	readonly #router: RestRouter;
	readonly #accounts = new Map<string, SimAccount>();
	readonly #sessions = new Set<SimSocketSession>();
	readonly #depth = new Map<string, DepthChannel>();
	readonly #depthTimers = new Map<string, ReturnType<typeof setInterval>>();
	readonly #fault = new FaultState();
	/** Account frames pushed so far: a REST call that moved it waits for its frames to go out. */
	#accountPushes = 0;
	readonly #binaryFrames: boolean;
	#timers: ReturnType<typeof setInterval>[] = [];
	#running = false;
	#nextId: number;

	constructor(opts: SimExchangeOptions = {}) {
		this.now = opts.now ?? (() => Date.now());
		this.timing = { ...DEFAULT_TIMING, ...opts.timing };
		this.#rng = new Prng(opts.seed ?? 1);
		this.#protocolRng = new Prng((opts.seed ?? 1) ^ 0x5eed);
		this.#binaryFrames = opts.binaryFrames ?? false;
		this.engine = new MarketEngine(opts.instruments ?? DEFAULT_INSTRUMENTS, this.#rng, this.now());
		this.#nextId = 2_300_000_000_000 + this.#rng.int(0, 99_999_999);
		this.#router = new RestRouter({
			engine: this.engine,
			now: this.now,
			findAccount: (key) => this.#accounts.get(key),
			traceId: () => this.#protocolRng.uuid(),
			cors: opts.cors ?? true,
			rateLimits: opts.rateLimits ?? true,
			log: (entry) => {
				this.requests.push(entry);
				if (this.requests.length > 1000) this.requests.shift();
			},
			intercept: (path) => this.#fault.takeReject(path)
		});
		this.faults = this.createFaults();
	}

	get running(): boolean {
		return this.#running;
	}

	addAccount(options: AddAccountOptions): SimAccountHandle {
		if (this.#accounts.has(options.apiKey)) throw new Error('simulator: API key already added');
		const account = new SimAccount(options, this.engine, () => this.#nextId++, this.now());
		account.onEvent((event) => this.pushAccountEvent(account, event));
		this.#accounts.set(options.apiKey, account);
		return {
			apiKey: account.apiKey,
			memo: account.memo,
			state: account,
			setBalance: (currency, amount) => account.setBalance(currency, amount),
			seedPosition: (p) => account.seedPosition(p, this.now()),
			seedOrder: (o) => {
				const held = account.position(o.symbol, o.side === 2 ? 'short' : 'long');
				return submitOrder(
					account,
					{
						symbol: o.symbol,
						side: o.side,
						type: 'limit',
						price: o.price,
						size: o.size,
						client_order_id: o.clientOrderId,
						leverage: o.leverage === undefined ? undefined : String(o.leverage),
						open_type: o.marginMode ?? held?.openType ?? 'cross'
					},
					this.now()
				);
			},
			trade: (o) => {
				const held =
					account.position(o.symbol, o.side === 1 || o.side === 3 ? 'long' : 'short') ??
					account.position(o.symbol, o.side === 1 || o.side === 3 ? 'short' : 'long');
				return submitOrder(
					account,
					{
						symbol: o.symbol,
						side: o.side,
						type: 'market',
						size: o.size,
						leverage: o.leverage === undefined ? undefined : String(o.leverage),
						open_type: o.marginMode ?? held?.openType ?? 'cross'
					},
					this.now()
				);
			},
			setPositionMode: (mode) => account.setPositionMode(mode === 'hedge' ? 'hedge' : 'one_way'),
			positions: () =>
				[...account.positions.values()]
					.filter((p) => p.size > 0)
					.map((p) => ({
						symbol: p.symbol,
						side: p.side,
						size: String(p.size),
						entryPrice: money(p.entryPrice),
						leverage: p.leverage,
						marginMode: p.openType,
						margin: money(account.margin(p)),
						liquidationPrice: money(account.liquidation(p)),
						unrealizedPnl: money(account.unrealized(p)),
						realizedPnl: money(p.realized)
					}))
		};
	}

	async handleRest(req: RestRequest): Promise<RestResponse> {
		const method = req.method.toUpperCase();
		// A CORS preflight is the browser's, not the request a test aimed a fault at.
		const drop = method !== 'OPTIONS' && this.#fault.takeDrop(req.path);
		const holdMs = method === 'OPTIONS' ? 0 : this.#fault.takeHold(req.path);
		if (holdMs > 0) {
			const held = { method, path: req.path, query: req.query, params: requestParams(req) };
			this.#fault.held.add(held);
			try {
				await sleep(holdMs);
			} finally {
				this.#fault.held.delete(held);
			}
		}
		const pushesBefore = this.#accountPushes;
		const response = await this.#router.handle(req);
		if (this.#accountPushes !== pushesBefore && this.#fault.privatePushDelayMs === 0) {
			await Promise.all([...this.#sessions].map((s) => s.flushed()));
			if (this.timing.pushLeadMs > 0) await sleep(this.timing.pushLeadMs);
		}
		const delayMs = this.#fault.delayMs + this.#fault.responseDelayMs;
		if (delayMs > 0) await sleep(delayMs);
		return drop ? { ...response, dropped: true } : response;
	}

	/** The parsed submit-order bodies received (of one API key, or all), oldest first. */
	ordersSubmitted(apiKey?: string): Record<string, unknown>[] {
		return this.requests
			.filter(
				(r) =>
					r.path === '/contract/private/submit-order' &&
					(apiKey === undefined || r.apiKey === apiKey)
			)
			.map((r) => r.params);
	}

	/**
	 * Pin last, mark and index of a symbol at exactly `price` (on its tick) and rebuild the book
	 * around it (best bid = price, best ask one tick up); pushes a ticker at once. The random walk
	 * leaves the symbol alone until `unpinPrice`.
	 */
	setMarkPrice(symbol: string, price: string): void {
		const market = this.market(symbol);
		const ticks = parseScaled(price, market.decimals);
		if (ticks === undefined || ticks <= 0n) {
			throw new Error(`simulator: "${price}" is not a positive price on ${symbol}'s tick`);
		}
		market.pin(Number(ticks), this.#rng);
		this.broadcast(`futures/ticker:${symbol}`, tickerFrame(market));
	}

	unpinPrice(symbol: string): void {
		this.market(symbol).pinned = false;
	}

	openSocket(
		kind: SocketKind,
		send: (frame: string | Uint8Array) => void,
		close: (code: number, reason: string) => void
	): SocketHandle {
		const session = new SimSocketSession(kind, this.sessionHost(), send, close);
		this.#sessions.add(session);
		return session;
	}

	/** The top-N book as a subscriber of that depth channel holds it, with its version. */
	book(symbol: string, depth: 5 | 20 | 50, speedMs?: 100 | 200): BookView {
		const channels = [...this.#depth.values()].filter(
			(c) => c.market.instrument.symbol === symbol && c.depth === depth
		);
		const channel =
			channels.find(
				(c) => speedMs === undefined || parseDepthTopic(c.topic)?.speedMs === speedMs
			) ?? channels[0];
		if (channel) return channel.view();
		const market = this.market(symbol);
		return new DepthChannel('', market, depth, 0, 0).view();
	}

	connections(): { public: number; private: number; total: number } {
		let publicCount = 0;
		for (const s of this.#sessions) if (s.kind === 'public') publicCount++;
		return {
			public: publicCount,
			private: this.#sessions.size - publicCount,
			total: this.#sessions.size
		};
	}

	start(): void {
		if (this.#running) return;
		this.#running = true;
		const t = this.timing;
		this.#timers = [
			setInterval(() => this.marketTick(), t.marketTickMs),
			setInterval(() => this.pushTickers(), t.tickerPushMs),
			setInterval(() => this.pushFunding(), t.fundingPushMs),
			setInterval(() => this.pushPositions(), t.positionPushMs)
		];
		for (const topic of this.#depth.keys()) this.syncDepthTimer(topic);
	}

	/** Stop every timer and close every socket. */
	stop(): void {
		this.#running = false;
		for (const timer of this.#timers) clearInterval(timer);
		this.#timers = [];
		for (const timer of this.#depthTimers.values()) clearInterval(timer);
		this.#depthTimers.clear();
		for (const session of [...this.#sessions]) session.terminate(1001, 'simulator stopped');
	}

	/** One market step, usable directly by tests that drive time themselves. */
	marketTick(): void {
		if (this.#fault.paused) return;
		const now = this.now();
		for (const market of this.engine.markets.values()) {
			const trades = market.step(this.#rng, now);
			if (trades.length > 0)
				this.broadcast(`futures/trade:${market.instrument.symbol}`, tradeFrame(market, trades));
			const settled = market.settleFunding(now);
			if (settled)
				for (const account of this.#accounts.values())
					account.applyFunding(market, settled.rate, now);
		}
	}

	private market(symbol: string): SymbolMarket {
		const market = this.engine.get(symbol);
		if (!market) throw new Error(`simulator: unknown symbol ${symbol}`);
		return market;
	}

	private broadcast(topic: string, message: unknown): void {
		let text: string | undefined;
		for (const session of this.#sessions) {
			if (!session.topics.has(topic)) continue;
			text ??= JSON.stringify(message);
			session.pushText(text);
		}
	}

	private pushTickers(): void {
		for (const market of this.engine.markets.values()) {
			this.broadcast(`futures/ticker:${market.instrument.symbol}`, tickerFrame(market));
		}
	}

	private pushFunding(): void {
		const now = this.now();
		for (const market of this.engine.markets.values()) {
			this.broadcast(`futures/fundingRate:${market.instrument.symbol}`, fundingFrame(market, now));
		}
	}

	private pushPositions(): void {
		for (const session of this.#sessions) {
			const account = session.account;
			if (!account || !session.topics.has('futures/position') || account.positions.size === 0)
				continue;
			const frame = {
				group: 'futures/position',
				data: [...account.positions.values()].map((p) => positionData(account, p))
			};
			session.push(frame);
			if (this.#fault.duplicatePositionPushes) session.push(frame);
		}
	}

	private pushAccountEvent(account: SimAccount, event: AccountEvent): void {
		const later = this.#fault.privatePushDelayMs;
		for (const session of this.#sessions) {
			if (session.account !== account) continue;
			let frame: unknown;
			if (event.kind === 'order' && session.topics.has('futures/order')) {
				frame = orderFrame(account, event.action, event.order, event.fill);
			} else if (event.kind === 'position' && session.topics.has('futures/position')) {
				const closed = event.position.size === 0 && this.#fault.omitClosedPositions;
				const rows = closed
					? [...account.positions.values()].filter((p) => p.size > 0)
					: [event.position];
				frame = { group: 'futures/position', data: rows.map((p) => positionData(account, p)) };
			} else if (event.kind === 'asset' && session.topics.has(`futures/asset:${event.currency}`)) {
				frame = assetFrame(account, event.currency);
			}
			if (frame === undefined) continue;
			this.#accountPushes++;
			session.push(frame, later);
			if (event.kind === 'position' && this.#fault.duplicatePositionPushes) {
				this.#accountPushes++;
				session.push(frame, later);
			}
		}
	}

	private depthChannel(topic: string): DepthChannel | undefined {
		const existing = this.#depth.get(topic);
		if (existing) return existing;
		const parsed = parseDepthTopic(topic);
		const market = parsed && this.engine.get(parsed.symbol);
		if (!parsed || !market) return undefined;
		const interval = this.timing.depthPushMs ?? parsed.speedMs;
		const channel = new DepthChannel(
			topic,
			market,
			parsed.depth,
			interval,
			this.#rng.int(100_000, 9_000_000)
		);
		this.#depth.set(topic, channel);
		return channel;
	}

	/** Run a channel's push timer exactly while the simulator runs and someone listens. */
	private syncDepthTimer(topic: string): void {
		const channel = this.#depth.get(topic);
		const listened = [...this.#sessions].some((s) => s.topics.has(topic));
		const timer = this.#depthTimers.get(topic);
		if (channel && listened && this.#running && !timer) {
			this.#depthTimers.set(
				topic,
				setInterval(() => {
					// Paused means frozen: no new versions either, so a test can compare books.
					if (this.#fault.paused) return;
					this.broadcast(topic, { data: channel.nextUpdateData(this.now()), group: topic });
				}, channel.intervalMs)
			);
		} else if ((!listened || !this.#running) && timer) {
			clearInterval(timer);
			this.#depthTimers.delete(topic);
		}
	}

	private sessionHost(): SessionHost {
		const notExist = (topic: string) => `group [${topic}] not exist`;
		return {
			idleCloseMs: this.timing.idleCloseMs,
			lifelessMs: this.timing.lifelessMs,
			maxFrameBytes: this.timing.maxFrameBytes,
			subscribe: (session, topic) => {
				if (session.kind === 'private') {
					if (!PRIVATE_TOPIC.test(topic)) return { error: notExist(topic) };
					if (!session.account) return { error: `${topic} need authenication` };
					return {};
				}
				const depth = this.depthChannel(topic);
				if (depth) {
					return {
						after: () => {
							session.push({ data: depth.snapshotData(this.now()), group: topic });
							this.syncDepthTimer(topic);
						}
					};
				}
				const match = SYMBOL_TOPIC.exec(topic);
				const market = match && this.engine.get(match[2]);
				if (!match || !market) return { error: notExist(topic) };
				if (match[1] === 'ticker') return { after: () => session.push(tickerFrame(market)) };
				if (match[1] === 'fundingRate') {
					return { after: () => session.push(fundingFrame(market, this.now())) };
				}
				return {};
			},
			unsubscribe: (session, topic) => {
				session.topics.delete(topic);
				this.syncDepthTimer(topic);
			},
			request: (session, topic) => {
				const depth = session.kind === 'public' ? this.depthChannel(topic) : undefined;
				if (depth) {
					session.push({ data: depth.snapshotData(this.now()), group: topic });
					return undefined;
				}
				const match = SYMBOL_TOPIC.exec(topic);
				const market = match && match[1] === 'fundingRate' ? this.engine.get(match[2]) : undefined;
				if (!market || session.kind !== 'public') return notExist(topic);
				session.push(fundingFrame(market, this.now()));
				return undefined;
			},
			login: (args) => verifySocketLogin(args, (key) => this.#accounts.get(key), this.now()),
			pongId: () => this.#protocolRng.uuid(),
			outgoing: () => {
				if (this.#fault.silenced) return undefined;
				return {
					delayMs: this.#fault.delayMs,
					encode: this.#binaryFrames ? deflateRaw : async (text: string) => text
				};
			},
			detach: (session) => {
				this.#sessions.delete(session);
				for (const topic of session.topics) this.syncDepthTimer(topic);
			}
		};
	}

	private createFaults(): SimFaults {
		const fault = this.#fault;
		return {
			dropConnections: (kind) => {
				for (const s of [...this.#sessions]) if (!kind || s.kind === kind) s.terminate(1006, '');
			},
			silence: (on) => {
				fault.silenced = on;
			},
			skipVersion: (symbol) => {
				for (const c of this.#depth.values())
					if (c.market.instrument.symbol === symbol) c.skipNext = true;
			},
			sendMalformed: () => {
				for (const s of this.#sessions) if (s.kind === 'public') s.pushText('}{ not json');
			},
			delay: (ms) => {
				fault.delayMs = Math.max(0, ms);
			},
			delayResponses: (ms) => {
				fault.responseDelayMs = Math.max(0, ms);
			},
			delayPrivatePushes: (ms) => {
				fault.privatePushDelayMs = Math.max(0, ms);
			},
			dropNextResponse: (pathContains) => fault.dropNext(pathContains),
			rejectNext: (pathContains, code) => fault.rejectNext(pathContains, code),
			holdNext: (pathContains, ms) => fault.holdNext(pathContains, ms),
			heldRequests: () => [...fault.held].map((r) => ({ ...r, params: { ...r.params } })),
			omitClosedPositions: (on) => {
				fault.omitClosedPositions = on;
			},
			duplicatePositionPushes: (on) => {
				fault.duplicatePositionPushes = on;
			},
			disarm: () => fault.disarm(),
			pause: () => {
				fault.paused = true;
			},
			resume: () => {
				fault.paused = false;
			}
		};
	}
}

function requestParams(req: RestRequest): Record<string, unknown> {
	if (req.method.toUpperCase() !== 'POST')
		return Object.fromEntries(new URLSearchParams(req.query));
	try {
		const parsed: unknown = JSON.parse(req.body);
		return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
			? { ...(parsed as Record<string, unknown>) }
			: {};
	} catch {
		return {};
	}
}

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

async function deflateRaw(text: string): Promise<Uint8Array> {
	const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('deflate-raw'));
	return new Uint8Array(await new Response(stream).arrayBuffer());
}
