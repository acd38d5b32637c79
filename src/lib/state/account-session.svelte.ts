import { compareDecimals, isDecimalString } from '$lib/domain/decimal';
import { marketStreams, type MarketStreamPool } from '$lib/exchanges/market-stream-pool';
import { createAdapter, sizeRulesOf } from '$lib/exchanges/registry';
import type {
	AccountCredentials,
	AccountEvent,
	AccountStream,
	Balance,
	ConnectionStatus,
	Endpoints,
	ExchangeAdapter,
	FundingState,
	Instrument,
	MarketStream,
	Order,
	Position,
	PositionMode,
	PositionSide,
	VenueId
} from '$lib/exchanges/types';
import { describeClose, planClose, sizeText, type ClosePlan } from '$lib/domain/close-planner';
import type { LastKnownState } from '$lib/vault/last-known';
import { staleReason } from './last-known-text';
import type { CloseResult, CloseTarget, OrderGate } from './order-gate';

export interface AccountIdentity {
	id: string;
	label: string;
	venue: VenueId;
	/** The endpoint preset (see the registry): its headers are sent with every request. */
	presetId: string;
	endpoints: Endpoints;
	/** When the venue said the key expires, Unix ms. */
	keyExpiresAt?: number;
}

export interface Mark {
	price: string;
	at: number;
}

const IDLE: ConnectionStatus = { state: 'idle', lastMessageAt: 0, reconnects: 0 };

/** After an order is final, wait this long for its pushes before re-reading the snapshot. */
const SETTLED_REFRESH_MS = 300;

export type AdapterFactory = typeof createAdapter;

/** What the account showed live last time, and where to keep what it shows live now. */
export interface SessionCache {
	lastKnown?: LastKnownState;
	save(state: LastKnownState): void;
}

/** When the snapshot of a standing connection failed, ask again after this long. */
const SNAPSHOT_RETRY_MS = 5000;
/**
 * At start the snapshot waits for the private stream's first connection (a snapshot read before
 * it cannot be live), but no longer than this: a stream slow to connect must not leave an account
 * blank. Longer than the venues' 2 s rate windows, so the live snapshot after it never competes
 * with it for the tightest budget (one venue's position-mode read: 2 per 2 s).
 */
const FIRST_CONNECT_WAIT_MS = 3000;

/** Saves at most this often while numbers change: a cache, not a log. */
const SAVE_AFTER_MS = 1000;
/** The stream states in which the connection still stands (stale = a reply is overdue). */
const CONNECTED = new Set(['live', 'stale']);
/** The stream states before its first connection attempt has succeeded or failed. */
const STARTING = new Set(['idle', 'connecting']);

/** What a close would send, planned from the live position. */
export type ClosePreview =
	| {
			ok: true;
			plan: ClosePlan;
			sentence: string;
			position: Position;
			/** The position's size in the venue's unit: "12 contracts", "0.5 BTC". */
			positionSize: string;
	  }
	| { ok: false; reason: string };

/**
 * One unlocked account: a REST snapshot merged with its private stream, live marks and funding
 * from the public ticker, and the actions (close, cancel) that go through the order gate.
 * Re-fetches the snapshot after every reconnect so nothing missed offline stays wrong.
 */
export class AccountSession {
	readonly identity: AccountIdentity;

	#status = $state.raw<ConnectionStatus>(IDLE);
	#snapshot = $state.raw<'loading' | 'ready' | 'error'>('loading');
	#error = $state.raw<string | null>(null);
	#balances = $state.raw<Balance[]>([]);
	#positions = $state.raw<Position[]>([]);
	#orders = $state.raw<Order[]>([]);
	#positionMode = $state.raw<PositionMode | null>(null);
	#snapshotAt = $state.raw(0);
	#marks = $state.raw<Record<string, Mark>>({});
	#funding = $state.raw<Record<string, FundingState>>({});
	#instruments = $state.raw<Record<string, Instrument>>({});
	/** serverTime − deviceTime, ms; signed requests are corrected by it. */
	#clockSkewMs = $state.raw<number | null>(null);
	/**
	 * The numbers come from a REST snapshot fetched since the private stream last connected:
	 * false while last-known state is shown, and from the moment the stream drops until the
	 * snapshot after its reconnect has arrived.
	 */
	#fresh = $state.raw(false);
	/** Device time (Unix ms) when the numbers shown were last known live; 0 if never. */
	#asOf = $state.raw(0);

	get status() {
		return this.#status;
	}
	get snapshot() {
		return this.#snapshot;
	}
	get error() {
		return this.#error;
	}
	get balances() {
		return this.#balances;
	}
	get positions() {
		return this.#positions;
	}
	get orders() {
		return this.#orders;
	}
	get positionMode() {
		return this.#positionMode;
	}
	get snapshotAt() {
		return this.#snapshotAt;
	}
	get marks() {
		return this.#marks;
	}
	get funding() {
		return this.#funding;
	}
	get instruments() {
		return this.#instruments;
	}
	get clockSkewMs() {
		return this.#clockSkewMs;
	}
	/** The numbers are live: re-fetched since the private stream (re)connected. */
	get dataLive(): boolean {
		return this.#fresh;
	}
	/** When the numbers shown were last known live, while they are not; null when live or unknown. */
	get lastKnownAt(): number | null {
		return this.#fresh || this.#asOf === 0 ? null : this.#asOf;
	}

	#creds: AccountCredentials | null;
	#gate: OrderGate;
	#createAdapter: AdapterFactory;
	#markets: MarketStreamPool;
	#detachGate: (() => void) | null = null;
	#refreshTimer: ReturnType<typeof setTimeout> | null = null;
	#adapter: ExchangeAdapter | null = null;
	#stream: AccountStream | null = null;
	#market: MarketStream | null = null;
	#watched = new Map<string, () => void>();
	#stops: (() => void)[] = [];
	#statusTimer: ReturnType<typeof setInterval> | null = null;
	#clockTimer: ReturnType<typeof setInterval> | null = null;
	#stopped = false;
	/** The snapshot fetch under way, and the connection it was asked for on (null: none stood). */
	#refreshing: { promise: Promise<void>; connection: number | null } | null = null;
	/**
	 * Counts private-stream connections: one more each time the stream goes live after not being
	 * connected. A snapshot is live only if the connection it was asked on still stands.
	 */
	#connection = 0;
	/** Snapshot fetches in the order they were asked for; an older answer never replaces a newer. */
	#fetches = 0;
	#appliedFetch = 0;
	#retryTimer: ReturnType<typeof setTimeout> | null = null;
	/** Ends start()'s wait for the stream's first connection. */
	#firstAttemptOver: (() => void) | null = null;
	#cache: SessionCache | null = null;
	#saveTimer: ReturnType<typeof setTimeout> | null = null;

	constructor(
		identity: AccountIdentity,
		creds: AccountCredentials,
		gate: OrderGate,
		adapterFactory: AdapterFactory = createAdapter,
		markets: MarketStreamPool = marketStreams
	) {
		this.identity = identity;
		this.#creds = creds;
		this.#gate = gate;
		this.#createAdapter = adapterFactory;
		this.#markets = markets;
	}

	get streamLive(): boolean {
		return this.#status.state === 'live';
	}

	/**
	 * Before start(): shows what was last known live at once, marked not live, and keeps what is
	 * live from now on through `cache.save`.
	 */
	remember(cache: SessionCache): void {
		this.#cache = cache;
		const known = cache.lastKnown;
		if (!known || this.#snapshot !== 'loading') return;
		this.#balances = known.balances;
		this.#positions = known.positions;
		this.#orders = known.orders;
		this.#positionMode = known.positionMode;
		this.#snapshotAt = known.savedAt;
		this.#asOf = known.savedAt;
	}

	/**
	 * Connects: adapter, exchange clock, private stream, snapshot. Every await re-checks whether
	 * the session was stopped meanwhile (a Lock during start-up), so a stopped session never opens
	 * a socket or keeps a timer.
	 */
	async start(): Promise<void> {
		let adapter: ExchangeAdapter;
		try {
			adapter = await this.#createAdapter({
				venue: this.identity.venue,
				presetId: this.identity.presetId,
				endpoints: this.identity.endpoints
			});
		} catch (e) {
			this.#fail(e);
			return;
		}
		if (this.#stopped) return;
		this.#adapter = adapter;
		// Every private request and login is signed with the exchange's time, not the device's:
		// measure it before the first one and keep the sample fresh (a phone's clock may jump).
		await this.#measureClock(adapter);
		const creds = this.#creds;
		if (this.#stopped || !creds) return;
		this.#clockTimer = setInterval(() => void this.#measureClock(adapter), 60_000);
		void this.#loadInstruments(adapter);
		const stream = adapter.openAccountStream(creds);
		this.#stream = stream;
		this.#stops.push(
			stream.onEvent((e) => this.#apply(e)),
			stream.onStatus((s) => this.#setStatus(s)),
			stream.onReconnected(() => {
				void this.refresh();
				this.#gate.reconcile(this.identity.id);
			})
		);
		this.#setStatus(stream.status);
		this.#statusTimer = setInterval(() => {
			if (this.#stream) this.#setStatus(this.#stream.status);
		}, 500);
		// One public socket per venue endpoint, shared with the market screen and other accounts.
		this.#market = this.#markets.acquire(adapter);
		this.#detachGate = this.#gate.attach(this.#target(adapter, creds));
		await this.#firstAttempt();
		if (this.#stopped) return;
		// Connected: the snapshot the connection asked for is under way and this joins it.
		// Otherwise (offline, refused, slow) one not live, to show until the stream connects.
		await this.refresh();
	}

	/** Resolves once the stream's first connection attempt is over, or after a bounded wait. */
	#firstAttempt(): Promise<void> {
		if (!STARTING.has(this.#status.state)) return Promise.resolve();
		return new Promise((resolve) => {
			const over = () => {
				clearTimeout(timer);
				if (this.#firstAttemptOver === over) this.#firstAttemptOver = null;
				resolve();
			};
			const timer = setTimeout(over, FIRST_CONNECT_WAIT_MS);
			this.#firstAttemptOver = over;
		});
	}

	/** What the ledger sync reads this account with; null until connected and after stop. */
	ledgerAccess(): { adapter: ExchangeAdapter; creds: AccountCredentials } | null {
		const adapter = this.#adapter;
		const creds = this.#creds;
		return adapter && creds && !this.#stopped ? { adapter, creds } : null;
	}

	/**
	 * Re-fetches the REST snapshot; concurrent calls on the same connection share one request. A
	 * fetch asked for before the stream dropped or (re)connected is not shared: it cannot make the
	 * numbers live, so the new connection gets its own.
	 */
	refresh(): Promise<void> {
		const connection = this.#standingConnection();
		const running = this.#refreshing;
		if (running && running.connection === connection) return running.promise;
		const entry = {
			connection,
			promise: this.#fetchSnapshot(connection).finally(() => {
				if (this.#refreshing === entry) this.#refreshing = null;
			})
		};
		this.#refreshing = entry;
		return entry.promise;
	}

	/** The private-stream connection that stands now, or null while none does. */
	#standingConnection(): number | null {
		return CONNECTED.has(this.#status.state) ? this.#connection : null;
	}

	/** Ends everything: no socket, no timer, no reference to the keys stays behind. */
	stop(): void {
		this.#stopped = true;
		this.#detachGate?.();
		this.#detachGate = null;
		for (const stop of this.#stops.splice(0)) stop();
		for (const unwatch of this.#watched.values()) unwatch();
		this.#watched.clear();
		if (this.#statusTimer) clearInterval(this.#statusTimer);
		if (this.#clockTimer) clearInterval(this.#clockTimer);
		if (this.#refreshTimer) clearTimeout(this.#refreshTimer);
		if (this.#saveTimer) clearTimeout(this.#saveTimer);
		if (this.#retryTimer) clearTimeout(this.#retryTimer);
		this.#statusTimer = this.#clockTimer = this.#refreshTimer = this.#saveTimer = null;
		this.#retryTimer = null;
		this.#cache = null;
		this.#stream?.close();
		this.#market?.close();
		this.#stream = null;
		this.#market = null;
		this.#firstAttemptOver?.();
		this.#adapter = null;
		this.#creds = null;
		this.#status = IDLE;
	}

	get stopped(): boolean {
		return this.#stopped;
	}

	/** The exact order a close of this share of the live position would send, or why not. */
	previewClose(symbol: string, side: PositionSide, fraction: number): ClosePreview {
		if (!this.#fresh) return { ok: false, reason: this.#staleReason() };
		const position = this.#positions.find((p) => p.symbol === symbol && p.side === side);
		if (!position)
			return { ok: false, reason: `The ${symbol} ${side} position is no longer open.` };
		const instrument = this.#instruments[symbol];
		if (!instrument)
			return { ok: false, reason: `Contract details for ${symbol} are not loaded yet.` };
		const rules = sizeRulesOf(this.identity.venue);
		const planned = planClose({ position, instrument, fraction, rules });
		if (!planned.ok) return planned;
		const sentence = describeClose(planned.order, {
			accountLabel: this.identity.label,
			rules,
			base: instrument.base
		});
		const positionSize = sizeText(position.size, rules, instrument.base);
		return { ok: true, plan: planned.order, sentence, position, positionSize };
	}

	/** Sends exactly the confirmed order through the gate, which re-checks it against live state. */
	closePosition(plan: ClosePlan, fraction: number, override = false): Promise<CloseResult> {
		const adapter = this.#adapter;
		const creds = this.#creds;
		if (!adapter || !creds) return Promise.resolve({ status: 'refused', reason: 'Not connected.' });
		return this.#gate.close(this.#target(adapter, creds), { plan, fraction, override });
	}

	async cancelOrder(order: Pick<Order, 'symbol' | 'orderId'>): Promise<void> {
		if (!this.#adapter || !this.#creds) throw new Error('Not connected.');
		await this.#adapter.cancelOrder(this.#creds, order.symbol, order.orderId);
		this.#orders = this.#orders.filter((o) => o.orderId !== order.orderId);
	}

	async cancelAll(): Promise<void> {
		const adapter = this.#adapter;
		const creds = this.#creds;
		if (!adapter || !creds) throw new Error('Not connected.');
		const symbols = [...new Set(this.#orders.map((o) => o.symbol))];
		for (const symbol of symbols) await adapter.cancelAllOrders(creds, symbol);
		await this.refresh();
	}

	#target(adapter: ExchangeAdapter, creds: AccountCredentials): CloseTarget {
		return {
			accountId: this.identity.id,
			accountLabel: this.identity.label,
			adapter,
			creds,
			livePosition: (symbol, side) =>
				this.#positions.find((p) => p.symbol === symbol && p.side === side),
			instrument: (symbol) => this.#instruments[symbol],
			sizeRules: sizeRulesOf(this.identity.venue),
			// Last-known numbers are never closed from: the gate refuses until they are re-fetched.
			probe: () =>
				!this.#fresh
					? Promise.resolve(this.#staleReason())
					: this.#stream
						? this.#stream.probe()
						: Promise.resolve('the account is not connected'),
			settled: () => this.#refreshSoon()
		};
	}

	/** An order of this account is final: positions, margin and balances moved; re-read them. */
	#refreshSoon(): void {
		if (this.#stopped || this.#refreshTimer) return;
		this.#refreshTimer = setTimeout(() => {
			this.#refreshTimer = null;
			void this.refresh();
		}, SETTLED_REFRESH_MS);
	}

	async #fetchSnapshot(connection: number | null): Promise<void> {
		const adapter = this.#adapter;
		const creds = this.#creds;
		if (!adapter || !creds || this.#stopped) return;
		const fetch = ++this.#fetches;
		try {
			const snap = await adapter.accountSnapshot(creds);
			if (this.#stopped || fetch < this.#appliedFetch) return;
			this.#appliedFetch = fetch;
			this.#balances = snap.balances;
			this.#positions = snap.positions;
			this.#orders = snap.orders;
			this.#positionMode = snap.positionMode;
			this.#snapshotAt = snap.fetchedAt;
			this.#snapshot = 'ready';
			this.#error = null;
			// Live only if asked for on the connection that still stands: read before the stream was
			// subscribed, or across a drop, it may miss what the lost pushes said. Either way it is
			// right as of now, and the snapshot of the new connection is on its way.
			this.#fresh = connection !== null && connection === this.#standingConnection();
			this.#asOf = Date.now();
			// Started offline: what could not be read then is read now.
			if (Object.keys(this.#instruments).length === 0) void this.#loadInstruments(adapter);
			if (this.#clockSkewMs === null) void this.#measureClock(adapter);
			this.#syncWatches();
			this.#saveSoon();
		} catch (e) {
			// A newer snapshot already answered: this failure says nothing about what is shown.
			if (fetch < this.#appliedFetch) return;
			this.#fail(e);
			this.#retrySoon(connection);
		}
	}

	/**
	 * A snapshot asked for on the standing connection failed (a timeout, a 429): without another,
	 * the numbers would stay not live, or miss what only a snapshot shows (a closed position a
	 * push left out), until the next reconnect. Asks again a little later while it stands.
	 */
	#retrySoon(connection: number | null): void {
		if (this.#stopped || this.#retryTimer || connection === null) return;
		this.#retryTimer = setTimeout(() => {
			this.#retryTimer = null;
			if (connection === this.#standingConnection()) void this.refresh();
		}, SNAPSHOT_RETRY_MS);
	}

	async #measureClock(adapter: ExchangeAdapter): Promise<void> {
		try {
			const t = await adapter.serverTime();
			this.#clockSkewMs = t.offsetMs;
		} catch (e) {
			this.#error = `Could not read the exchange clock: ${e instanceof Error ? e.message : String(e)}`;
		}
	}

	async #loadInstruments(adapter: ExchangeAdapter): Promise<void> {
		try {
			const list = await adapter.instruments();
			const map: Record<string, Instrument> = {};
			for (const i of list) map[i.symbol] = i;
			this.#instruments = map;
		} catch (e) {
			this.#fail(e);
		}
	}

	#apply(e: AccountEvent): void {
		switch (e.type) {
			case 'balance': {
				const i = this.#balances.findIndex((b) => b.asset === e.balance.asset);
				const base: Balance =
					i >= 0
						? this.#balances[i]
						: {
								accountId: this.identity.id,
								asset: e.balance.asset,
								equity: '0',
								available: '0',
								positionMargin: '0',
								frozen: '0',
								unrealizedPnl: '0',
								updatedAt: 0
							};
				const merged = { ...base, ...defined(e.balance), updatedAt: Date.now() };
				this.#balances = i >= 0 ? this.#balances.with(i, merged) : [...this.#balances, merged];
				this.#saveSoon();
				return;
			}
			case 'position': {
				const p = e.position;
				// A size that is not a number must never read as zero (that removes the position).
				if (!isDecimalString(p.size)) {
					this.#error = `Ignored a ${p.symbol} ${p.side} update with an unreadable size.`;
					return;
				}
				const i = this.#positions.findIndex((x) => x.symbol === p.symbol && x.side === p.side);
				// Exchange times on both sides: a row that arrives late never undoes a newer one.
				const at = p.updatedAt ?? Date.now();
				if (i >= 0 && at < this.#positions[i].updatedAt) return;
				if (isZero(p.size)) {
					if (i >= 0) this.#positions = this.#positions.toSpliced(i, 1);
				} else if (i >= 0) {
					this.#positions = this.#positions.with(i, {
						...this.#positions[i],
						...defined(p),
						updatedAt: at
					});
				} else {
					// A position the snapshot did not have: fetch the full row rather than guess.
					void this.refresh();
				}
				this.#syncWatches();
				this.#saveSoon();
				return;
			}
			case 'order': {
				this.#gate.observeOrder(e.order);
				const o = e.order;
				if (o.status === 'filled' || o.status === 'canceled' || o.status === 'rejected') {
					// Pushes are not full views (a closed position may simply be left out): the REST
					// snapshot after a final order is what removes it and updates the margin.
					this.#refreshSoon();
				}
				const i = this.#orders.findIndex((x) => x.orderId === o.orderId);
				const open = o.status === 'open' || o.status === 'partially-filled';
				// Market closes are reported here too; only resting orders belong in the list.
				if (!open || o.type === 'market') {
					if (i >= 0) this.#orders = this.#orders.toSpliced(i, 1);
				} else {
					this.#orders = i >= 0 ? this.#orders.with(i, o) : [o, ...this.#orders];
				}
				this.#saveSoon();
				return;
			}
			case 'error':
				this.#error = e.message;
				return;
		}
	}

	/** Watches the public ticker of every symbol with a position, for live marks and funding. */
	#syncWatches(): void {
		const market = this.#market;
		if (!market) return;
		const wanted = new Set(this.#positions.map((p) => p.symbol));
		for (const [symbol, unwatch] of this.#watched) {
			if (!wanted.has(symbol)) {
				unwatch();
				this.#watched.delete(symbol);
			}
		}
		for (const symbol of wanted) {
			if (this.#watched.has(symbol)) continue;
			this.#watched.set(
				symbol,
				market.watch(
					symbol,
					{
						ticker: (t) =>
							(this.#marks = { ...this.#marks, [symbol]: { price: t.mark, at: Date.now() } }),
						funding: (f) => (this.#funding = { ...this.#funding, [symbol]: f })
					},
					{ depth: 5, speed: 'normal' }
				)
			);
		}
	}

	#fail(e: unknown): void {
		this.#error = e instanceof Error ? e.message : String(e);
		// Last-known numbers stay on screen, marked not live, rather than an error in their place.
		if (this.#snapshot === 'loading' && this.#asOf === 0) this.#snapshot = 'error';
	}

	/**
	 * A drop ends "live": from here the numbers are last-known until a snapshot is re-fetched. Each
	 * new connection (the first one too, which the stream does not report as a reconnect) asks
	 * for its own snapshot: only that one can make the numbers live.
	 */
	#setStatus(next: ConnectionStatus): void {
		const wasConnected = CONNECTED.has(this.#status.state);
		const connected = CONNECTED.has(next.state);
		if (!connected && this.#fresh) {
			this.#fresh = false;
			this.#asOf = Date.now();
		}
		this.#status = next;
		if (!STARTING.has(next.state)) this.#firstAttemptOver?.();
		if (connected && !wasConnected) {
			this.#connection++;
			if (this.#adapter && !this.#stopped) void this.refresh();
		}
	}

	#staleReason(): string {
		return staleReason(this.#asOf);
	}

	/** Keeps what is live for the next unlock, a little after the numbers stop changing. */
	#saveSoon(): void {
		if (!this.#cache || this.#stopped || this.#saveTimer) return;
		this.#saveTimer = setTimeout(() => {
			this.#saveTimer = null;
			if (!this.#fresh || !this.#cache) return;
			this.#cache.save({
				positions: this.#positions,
				balances: this.#balances,
				orders: this.#orders,
				positionMode: this.#positionMode,
				savedAt: Date.now()
			});
		}, SAVE_AFTER_MS);
	}
}

function isZero(size: string): boolean {
	return isDecimalString(size) && compareDecimals(size, '0') === 0;
}

/** Drops undefined fields so a partial frame never blanks what the snapshot knew. */
function defined<T extends object>(value: T): Partial<T> {
	const out: Partial<T> = {};
	for (const [k, v] of Object.entries(value)) {
		if (v !== undefined) (out as Record<string, unknown>)[k] = v;
	}
	return out;
}
