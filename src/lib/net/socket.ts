import type { ConnectionStatus } from '$lib/exchanges/types';
import { backoffDelay, DEFAULT_RECONNECT_POLICY } from './backoff';
import { knownOffline, watchEnvironment } from './environment';
import { inflateRawFrame, isBinaryFrame } from './inflate';
import type {
	ReconnectPolicy,
	SocketFactory,
	SocketLike,
	SocketProtocol,
	SocketUrl
} from './types';

const OPEN = 1;
/** How long a connection may take to open, and then to acknowledge the login, before we retry. */
const HANDSHAKE_TIMEOUT_MS = 10_000;
/** A connection live this long proves the server healthy again: the next drop starts backoff afresh. */
const STABLE_AFTER_MS = 10_000;
/** Health checks must be frequent enough to honour the shortest protocol interval, but cheap. */
const MAX_CHECK_INTERVAL_MS = 500;
const MIN_CHECK_INTERVAL_MS = 20;
const PREVIEW_CHARS = 80;
/** probe(): a frame this recent proves the connection without a round trip. */
const PROBE_MAX_SILENCE_MS = 2000;
/** probe(): how long to wait for the keepalive's reply. */
const PROBE_TIMEOUT_MS = 1500;
/** request(): how long to wait for the reply by default. */
const REQUEST_TIMEOUT_MS = 10_000;

export interface RequestOptions {
	/** Reject when no reply arrived within this long (default 10 s). */
	timeoutMs?: number;
	/**
	 * Also take a message as the reply when this says so: some replies carry no id (one venue's
	 * cash `depth-snapshot`). Checked only for messages whose id answers no other request.
	 */
	match?(msg: unknown): boolean;
}

/** A request waiting for its reply on one connection. */
interface PendingRequest {
	readonly id: string;
	readonly match?: (msg: unknown) => boolean;
	settle(error: Error | null, reply?: unknown): void;
}

export interface ReconnectingSocketOptions {
	/** A fixed URL, or a function resolved afresh on every (re)connect. */
	url: SocketUrl;
	protocol: SocketProtocol;
	factory?: SocketFactory;
	policy?: Partial<ReconnectPolicy>;
	/** The wall clock, Unix ms (default Date.now): only for display fields like `lastMessageAt`. */
	now?: () => number;
	/**
	 * The clock every health check, timeout and latency is measured on (default performance.now):
	 * a device clock stepped by NTP or the user must not make a dead connection look live.
	 */
	monotonicNow?: () => number;
	/** How often health checks run, ms; derived from the protocol by default. Tests shorten it. */
	checkIntervalMs?: number;
	/** Names this stream in the reasons `probe()` gives, e.g. "The private stream". */
	label?: string;
	/** Names this socket in console warnings (a listener that throws). */
	name?: string;
	/** Follow the browser's online/offline and visibility events (default true; ignored outside a browser). */
	watchEnvironment?: boolean;
}

/** One physical connection attempt. Every callback checks it is still the current one. */
interface Connection {
	// Times are on the monotonic clock unless named otherwise.
	readonly generation: number;
	readonly ws: SocketLike;
	readonly startedAt: number;
	openedAt?: number;
	loggedIn: boolean;
	/** Subscriptions sent: topic changes go straight to the wire. */
	live: boolean;
	liveSince?: number;
	lastReceivedAt: number;
	/** Wall-clock twin of lastReceivedAt: a sleeping device may stop the monotonic clock. */
	lastReceivedWallAt: number;
	/** When we last sent anything: some servers drop a client that only listens. */
	lastSentAt: number;
	/** When the unanswered keepalive went out; cleared by the pong, used for latency. */
	pingSentAt?: number;
	/** When we started waiting for any sign of life; cleared by any frame. */
	awaitingReplySince?: number;
	/** probe() calls waiting for this connection to answer. */
	readonly probes: Set<(reason: string | null) => void>;
	/** request() calls waiting for their reply, by request id. */
	readonly requests: Map<string, PendingRequest>;
	/** Binary frames inflate asynchronously; later frames queue behind them to keep the order. */
	pendingDecodes: number;
	decodeChain: Promise<void>;
}

const defaultFactory: SocketFactory = (url) => new WebSocket(url) as SocketLike;

/**
 * The one resilient WebSocket every venue uses: keepalive, login, subscriptions that survive
 * reconnects, capped backoff, and a status the UI can trust. Venue details come in through
 * `SocketProtocol`.
 *
 * `status.reconnects` counts reconnect *attempts*: every connection opened after the first one,
 * whether or not it succeeded. Status listeners are called when state, error, latency or the
 * reconnect count change, not for every message; read `status` for the current `lastMessageAt`.
 */
export class ReconnectingSocket {
	readonly #url: SocketUrl;
	readonly #protocol: SocketProtocol;
	readonly #factory: SocketFactory;
	readonly #policy: ReconnectPolicy;
	readonly #wallNow: () => number;
	readonly #now: () => number;
	readonly #name: string;
	readonly #label: string;
	readonly #watchEnvironment: boolean;
	readonly #checkIntervalMs: number;

	readonly #topics = new Set<string>();
	readonly #messageListeners = new Set<(msg: unknown) => void>();
	readonly #errorListeners = new Set<(message: string) => void>();
	readonly #statusListeners = new Set<(s: ConnectionStatus) => void>();
	readonly #reconnectedListeners = new Set<() => void>();

	#conn: Connection | null = null;
	#generation = 0;
	#started = false;
	#closed = false;
	#offline = false;
	#everLive = false;
	#failuresInRow = 0;
	#backoffAttempt = 0;
	#lastMessageAt = 0;
	#status: ConnectionStatus = { state: 'idle', lastMessageAt: 0, reconnects: 0 };
	#reconnectTimer: ReturnType<typeof setTimeout> | undefined;
	#checkTimer: ReturnType<typeof setInterval> | undefined;
	#stopWatching: (() => void) | null = null;
	/** The generation whose URL is being resolved, before its socket exists. */
	#resolving: number | null = null;
	#resolveTimer: ReturnType<typeof setTimeout> | undefined;

	constructor(opts: ReconnectingSocketOptions) {
		this.#url = opts.url;
		this.#protocol = opts.protocol;
		this.#factory = opts.factory ?? defaultFactory;
		this.#policy = { ...DEFAULT_RECONNECT_POLICY };
		for (const [key, value] of Object.entries(opts.policy ?? {})) {
			if (value !== undefined) this.#policy[key as keyof ReconnectPolicy] = value;
		}
		this.#wallNow = opts.now ?? (() => Date.now());
		this.#now = opts.monotonicNow ?? (() => performance.now());
		this.#name = opts.name ?? 'socket';
		this.#label = opts.label ?? 'The connection';
		this.#watchEnvironment = opts.watchEnvironment !== false;
		const p = opts.protocol;
		const shortest = Math.min(p.keepaliveMs, p.pongTimeoutMs, p.staleAfterMs);
		this.#checkIntervalMs =
			opts.checkIntervalMs ??
			Math.min(MAX_CHECK_INTERVAL_MS, Math.max(MIN_CHECK_INTERVAL_MS, shortest / 4));
	}

	get status(): ConnectionStatus {
		return this.#snapshot();
	}

	connect(): void {
		if (this.#started || this.#closed) return;
		this.#started = true;
		if (this.#watchEnvironment) {
			this.#stopWatching = watchEnvironment({
				online: () => this.#handleOnline(),
				offline: () => this.#handleOffline(),
				visible: () => this.#handleVisible()
			});
		}
		if (this.#stopWatching && knownOffline()) {
			this.#handleOffline();
			return;
		}
		this.#setStatus({ state: 'connecting', error: undefined });
		this.#open();
	}

	addTopics(topics: string[]): void {
		const added = topics.filter((t) => !this.#topics.has(t));
		for (const topic of added) this.#topics.add(topic);
		const conn = this.#conn;
		if (conn?.live && added.length > 0)
			this.#sendFrames(conn, this.#protocol.subscribeFrames(added));
	}

	removeTopics(topics: string[]): void {
		const removed = topics.filter((t) => this.#topics.has(t));
		for (const topic of removed) this.#topics.delete(topic);
		const conn = this.#conn;
		if (conn?.live && removed.length > 0) {
			this.#sendFrames(conn, this.#protocol.unsubscribeFrames(removed));
		}
	}

	send(frame: string): boolean {
		return this.#conn !== null && this.#sendOn(this.#conn, frame);
	}

	/**
	 * Sends `frame` and resolves with the message that answers it: the one whose `replyId` (from
	 * the protocol) is `id`, or that `options.match` accepts. The reply goes to this caller only,
	 * not to `onMessage` listeners. Rejects when the socket is not live, and when the reply does not
	 * come in time, the connection drops or the socket closes first: the caller decides whether to
	 * ask again.
	 */
	request(frame: string, id: string, options: RequestOptions = {}): Promise<unknown> {
		const conn = this.#conn;
		if (this.#closed) return Promise.reject(new Error(`${this.#label} is closed`));
		if (!conn?.live) return Promise.reject(new Error(`${this.#label} is not connected`));
		if (conn.requests.has(id)) {
			return Promise.reject(new Error(`A request with id ${id} is already waiting`));
		}
		const timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
		return new Promise((resolve, reject) => {
			const timer = setTimeout(
				() =>
					pending.settle(
						new Error(`${this.#label} did not answer request ${id} within ${seconds(timeoutMs)}`)
					),
				timeoutMs
			);
			const pending: PendingRequest = {
				id,
				match: options.match,
				settle: (error, reply) => {
					clearTimeout(timer);
					if (conn.requests.get(id) !== pending) return;
					conn.requests.delete(id);
					if (error) reject(error);
					else resolve(reply);
				}
			};
			conn.requests.set(id, pending);
			if (!this.#sendOn(conn, frame)) {
				pending.settle(new Error(`${this.#label} could not send request ${id}`));
			}
		});
	}

	onMessage(listener: (msg: unknown) => void): () => void {
		return subscribe(this.#messageListeners, listener);
	}

	onError(listener: (message: string) => void): () => void {
		return subscribe(this.#errorListeners, listener);
	}

	onStatus(listener: (s: ConnectionStatus) => void): () => void {
		return subscribe(this.#statusListeners, listener);
	}

	onReconnected(listener: () => void): () => void {
		return subscribe(this.#reconnectedListeners, listener);
	}

	/** Drop the current connection (if any) and open a fresh one now; also retries after 'failed'. */
	reconnectNow(reason: string): void {
		if (this.#closed) return;
		if (!this.#started) {
			this.connect();
			return;
		}
		this.#offline = false;
		this.#failuresInRow = 0;
		this.#backoffAttempt = 0;
		this.#teardown(reason);
		this.#setStatus({ state: 'reconnecting', error: reason });
		this.#open();
	}

	/**
	 * Proves the connection answers right now. Resolves null at once when it is live and a frame
	 * arrived within `maxSilenceMs`; otherwise sends a keepalive (unless one is already out) and
	 * waits up to `timeoutMs` for its reply or any other frame. Resolves null when live, or the
	 * reason it is not, in plain words. Never rejects.
	 */
	probe(options: { maxSilenceMs?: number; timeoutMs?: number } = {}): Promise<string | null> {
		const maxSilenceMs = options.maxSilenceMs ?? PROBE_MAX_SILENCE_MS;
		const timeoutMs = options.timeoutMs ?? PROBE_TIMEOUT_MS;
		if (this.#closed) return Promise.resolve(`${this.#label} is closed`);
		const conn = this.#conn;
		if (!conn?.live) {
			const state = this.#offline ? 'offline' : this.#status.state;
			return Promise.resolve(`${this.#label} is not connected (${state})`);
		}
		const now = this.#now();
		if (now - conn.lastReceivedAt <= maxSilenceMs) return Promise.resolve(null);
		if (conn.awaitingReplySince === undefined) this.#ping(conn, now);
		if (conn.awaitingReplySince === undefined) {
			return Promise.resolve(`${this.#label} could not send a keepalive`);
		}
		return new Promise((resolve) => {
			const settle = (reason: string | null) => {
				clearTimeout(timer);
				conn.probes.delete(settle);
				resolve(reason);
			};
			const timer = setTimeout(
				() => settle(`${this.#label} did not answer a keepalive within ${seconds(timeoutMs)}`),
				timeoutMs
			);
			conn.probes.add(settle);
		});
	}

	/** Final: closes the connection, stops every timer and listener. */
	close(): void {
		if (this.#closed) return;
		this.#closed = true;
		this.#clearReconnectTimer();
		this.#stopResolving();
		this.#settleProbes(this.#conn, `${this.#label} is closed`);
		this.#settleRequests(this.#conn, `${this.#label} is closed`);
		this.#teardown('closed', 1000);
		this.#stopWatching?.();
		this.#stopWatching = null;
		this.#setStatus({ state: 'idle', error: undefined });
		this.#messageListeners.clear();
		this.#errorListeners.clear();
		this.#statusListeners.clear();
		this.#reconnectedListeners.clear();
	}

	#open(): void {
		this.#clearReconnectTimer();
		this.#stopResolving();
		const generation = ++this.#generation;
		if (generation > 1) this.#setStatus({ reconnects: this.#status.reconnects + 1 });
		const url = this.#url;
		if (typeof url === 'string') {
			this.#openSocket(generation, url);
			return;
		}
		let resolved: string | Promise<string>;
		try {
			resolved = url();
		} catch (err) {
			this.#attemptFailed(`Could not work out where to connect: ${describe(err)}`);
			return;
		}
		if (typeof resolved === 'string') {
			this.#openSocket(generation, resolved);
			return;
		}
		// A URL that needs a round trip (a REST call) first; a hung one must not stall the retries.
		this.#resolving = generation;
		this.#resolveTimer = setTimeout(() => {
			if (this.#resolving !== generation) return;
			this.#stopResolving();
			this.#attemptFailed('Could not work out where to connect in time');
		}, HANDSHAKE_TIMEOUT_MS);
		resolved.then(
			(resolvedUrl) => {
				if (!this.#stillResolving(generation)) return;
				this.#stopResolving();
				this.#openSocket(generation, resolvedUrl);
			},
			(err: unknown) => {
				if (!this.#stillResolving(generation)) return;
				this.#stopResolving();
				this.#attemptFailed(`Could not work out where to connect: ${describe(err)}`);
			}
		);
	}

	#stillResolving(generation: number): boolean {
		return (
			this.#resolving === generation &&
			generation === this.#generation &&
			!this.#closed &&
			!this.#offline
		);
	}

	#stopResolving(): void {
		this.#resolving = null;
		clearTimeout(this.#resolveTimer);
		this.#resolveTimer = undefined;
	}

	#openSocket(generation: number, url: string): void {
		let ws: SocketLike;
		try {
			ws = this.#factory(url);
		} catch (err) {
			// Browsers only throw here for a malformed or forbidden URL: retrying cannot help.
			this.#fail(`Cannot open the connection: ${describe(err)}`);
			return;
		}
		const now = this.#now();
		const conn: Connection = {
			generation,
			ws,
			startedAt: now,
			loggedIn: false,
			live: false,
			lastReceivedAt: now,
			lastReceivedWallAt: this.#wallNow(),
			lastSentAt: now,
			probes: new Set(),
			requests: new Map(),
			pendingDecodes: 0,
			decodeChain: Promise.resolve()
		};
		this.#conn = conn;
		try {
			ws.binaryType = 'arraybuffer';
		} catch {
			// Some socket implementations fix their binary type; inflate handles Blob and Buffer too.
		}
		ws.onopen = () => this.#handleOpen(conn);
		ws.onmessage = (ev) => this.#handleFrame(conn, ev.data);
		ws.onclose = (ev) => this.#drop(conn, closeReason(ev));
		ws.onerror = (ev) => this.#drop(conn, errorReason(ev));
		this.#checkTimer = setInterval(() => this.#checkHealth(), this.#checkIntervalMs);
	}

	#handleOpen(conn: Connection): void {
		if (!this.#isCurrent(conn)) return;
		conn.openedAt = this.#now();
		conn.lastReceivedAt = conn.openedAt;
		conn.lastReceivedWallAt = this.#wallNow();
		if (this.#protocol.loginFrame) void this.#login(conn, this.#protocol.loginFrame);
		else this.#goLive(conn);
	}

	async #login(conn: Connection, buildLogin: () => Promise<string>): Promise<void> {
		let frame: string;
		try {
			frame = await buildLogin.call(this.#protocol);
		} catch (err) {
			if (this.#isCurrent(conn)) this.#fail(`Could not build the login: ${describe(err)}`);
			return;
		}
		if (this.#isCurrent(conn) && !this.#sendOn(conn, frame)) {
			this.#drop(conn, 'Could not send the login');
		}
	}

	#handleFrame(conn: Connection, data: unknown): void {
		if (!this.#isCurrent(conn)) return;
		conn.lastReceivedAt = this.#now();
		conn.lastReceivedWallAt = this.#wallNow();
		conn.awaitingReplySince = undefined;
		this.#lastMessageAt = conn.lastReceivedWallAt;
		if (conn.live && this.#status.state === 'stale') this.#setStatus({ state: 'live' });
		// Any frame proves the connection answers: a probe waiting for the pong need not wait on.
		this.#settleProbes(conn, null);
		if (typeof data === 'string' && conn.pendingDecodes === 0) {
			this.#handleText(conn, data);
			return;
		}
		conn.pendingDecodes++;
		conn.decodeChain = conn.decodeChain.then(async () => {
			try {
				const text = await this.#decode(data);
				if (text !== null && this.#isCurrent(conn)) this.#handleText(conn, text);
			} catch (err) {
				if (this.#isCurrent(conn))
					this.#emitError(`Could not inflate a binary frame: ${describe(err)}`);
			} finally {
				conn.pendingDecodes--;
			}
		});
	}

	async #decode(data: unknown): Promise<string | null> {
		if (typeof data === 'string') return data;
		if (isBinaryFrame(data)) return inflateRawFrame(data);
		this.#emitError(`Unsupported frame type: ${typeof data}`);
		return null;
	}

	#handleText(conn: Connection, text: string): void {
		const protocol = this.#protocol;
		// Before JSON.parse: a plain-text pong is not JSON and not a malformed frame.
		if (protocol.isPongText?.(text)) {
			this.#gotPong(conn);
			return;
		}
		let msg: unknown;
		try {
			msg = JSON.parse(text);
		} catch {
			this.#emitError(`Malformed frame (not JSON): ${preview(text)}`);
			return;
		}
		if (protocol.isPong?.(msg)) {
			this.#gotPong(conn);
			return;
		}
		const pingReply = protocol.serverPing?.(msg);
		if (typeof pingReply === 'string') {
			// Answered at once: the venue counts missed answers and drops the session.
			if (!this.#sendOn(conn, pingReply)) this.#drop(conn, 'Could not answer the server ping');
			return;
		}
		if (conn.requests.size > 0 && this.#answerRequest(conn, msg)) return;
		if (!conn.loggedIn && protocol.loginResult) {
			const result = protocol.loginResult(msg);
			if (result === 'ok') {
				this.#goLive(conn);
				return;
			}
			if (result !== null) {
				this.#fail(`Login failed: ${result}`);
				return;
			}
		}
		this.#emit(this.#messageListeners, msg);
	}

	#gotPong(conn: Connection): void {
		if (conn.pingSentAt === undefined) return;
		const latencyMs = this.#now() - conn.pingSentAt;
		conn.pingSentAt = undefined;
		this.#setStatus({ latencyMs });
	}

	/** True when `msg` was the reply to a waiting request (and has been handed to it). */
	#answerRequest(conn: Connection, msg: unknown): boolean {
		const id = this.#protocol.replyId?.(msg);
		const byId = id === undefined ? undefined : conn.requests.get(id);
		if (byId) {
			byId.settle(null, msg);
			return true;
		}
		for (const pending of conn.requests.values()) {
			if (pending.match?.(msg)) {
				pending.settle(null, msg);
				return true;
			}
		}
		return false;
	}

	#goLive(conn: Connection): void {
		conn.loggedIn = true;
		if (this.#topics.size > 0) {
			const sent = this.#sendFrames(conn, this.#protocol.subscribeFrames([...this.#topics]));
			if (!sent) return;
		}
		conn.live = true;
		conn.liveSince = this.#now();
		this.#failuresInRow = 0;
		const isReconnect = this.#everLive;
		this.#everLive = true;
		this.#setStatus({ state: 'live', error: undefined });
		if (isReconnect) this.#emit(this.#reconnectedListeners, undefined);
	}

	#checkHealth(): void {
		const conn = this.#conn;
		if (!conn) return;
		const now = this.#now();
		const p = this.#protocol;
		if (conn.openedAt === undefined) {
			if (now - conn.startedAt >= HANDSHAKE_TIMEOUT_MS)
				this.#drop(conn, 'Connection attempt timed out');
			return;
		}
		if (!conn.loggedIn && now - conn.openedAt >= HANDSHAKE_TIMEOUT_MS) {
			this.#drop(conn, 'No reply to the login');
			return;
		}
		if (conn.awaitingReplySince !== undefined) {
			if (now - conn.awaitingReplySince >= p.pongTimeoutMs) {
				this.#drop(conn, `No reply to keepalive within ${p.pongTimeoutMs} ms`);
				return;
			}
		} else if (
			now - conn.lastReceivedAt >= p.keepaliveMs ||
			(conn.live && now - conn.lastSentAt >= p.keepaliveMs)
		) {
			// Ping after silence, and also on a busy stream when we have said nothing for as long:
			// Some venues keep a connection only while messages flow both ways.
			this.#ping(conn, now);
		}
		if (conn.live && this.#status.state === 'live' && this.#replyOverdue(conn, now)) {
			this.#setStatus({ state: 'stale' });
		}
		if (conn.liveSince !== undefined && now - conn.liveSince >= STABLE_AFTER_MS) {
			this.#backoffAttempt = 0;
		}
	}

	/**
	 * Stale means the connection stopped answering, not that the data stopped: a quiet account
	 * hears nothing but pongs for long stretches, and that is healthy.
	 */
	#replyOverdue(conn: Connection, now: number): boolean {
		const p = this.#protocol;
		if (conn.awaitingReplySince !== undefined && now - conn.awaitingReplySince >= p.staleAfterMs)
			return true;
		// Covers a keepalive that could not be sent, or health checks that did not run for a while.
		return now - conn.lastReceivedAt >= p.keepaliveMs + p.staleAfterMs;
	}

	#ping(conn: Connection, now: number): void {
		if (this.#sendOn(conn, this.#protocol.pingFrame())) {
			conn.pingSentAt = now;
			conn.awaitingReplySince = now;
		}
	}

	/** The current connection failed: count it, tell listeners, and retry after a backoff. */
	#drop(conn: Connection, reason: string): void {
		if (!this.#isCurrent(conn)) return;
		this.#teardown(reason);
		this.#retryAfter(reason, !conn.live);
	}

	/** An attempt failed before it had a connection (its URL could not be worked out). */
	#attemptFailed(reason: string): void {
		if (this.#closed) return;
		this.#retryAfter(reason, true);
	}

	#retryAfter(reason: string, failedAttempt: boolean): void {
		if (failedAttempt) this.#failuresInRow++;
		if (this.#failuresInRow >= this.#policy.maxAttempts) {
			this.#fail(`Gave up after ${this.#failuresInRow} failed attempts: ${reason}`);
			return;
		}
		this.#emitError(reason);
		this.#setStatus({ state: 'reconnecting', error: reason });
		this.#scheduleReconnect();
	}

	/** Stop retrying: only reconnectNow() (or online, after offline) starts again. */
	#fail(message: string): void {
		this.#stopResolving();
		this.#teardown(message);
		this.#clearReconnectTimer();
		this.#emitError(message);
		this.#setStatus({ state: 'failed', error: message });
	}

	#scheduleReconnect(): void {
		if (this.#closed || this.#offline) return;
		this.#clearReconnectTimer();
		const delay = backoffDelay(this.#backoffAttempt++, this.#policy);
		this.#reconnectTimer = setTimeout(() => {
			this.#reconnectTimer = undefined;
			this.#open();
		}, delay);
	}

	#handleOffline(): void {
		if (this.#closed || this.#status.state === 'failed') return;
		this.#offline = true;
		this.#clearReconnectTimer();
		this.#stopResolving();
		this.#teardown('offline');
		this.#setStatus({ state: 'reconnecting', error: 'offline' });
	}

	#handleOnline(): void {
		// The network is back: an offline pause or a pending backoff should not wait any longer.
		if (this.#closed || (!this.#offline && this.#reconnectTimer === undefined)) return;
		this.#offline = false;
		this.#failuresInRow = 0;
		this.#backoffAttempt = 0;
		this.#open();
	}

	/** A woken tab must not show frozen numbers as live: mark stale and probe the connection. */
	#handleVisible(): void {
		if (this.#closed || this.#offline) return;
		const conn = this.#conn;
		if (!conn) {
			// Background tabs throttle timers; a waiting reconnect should not wait any longer.
			if (this.#reconnectTimer !== undefined) this.#open();
			return;
		}
		if (!conn.live) return;
		const now = this.#now();
		// Some devices stop the monotonic clock while asleep; the wall clock shows that sleep.
		const silentFor = Math.max(
			now - conn.lastReceivedAt,
			this.#wallNow() - conn.lastReceivedWallAt
		);
		// Had timers run, a keepalive would have gone out by now: the numbers may be frozen.
		if (silentFor < this.#protocol.keepaliveMs) return;
		this.#setStatus({ state: 'stale' });
		if (conn.awaitingReplySince === undefined) this.#ping(conn, now);
	}

	/** Forget the current connection; its late events are ignored from here on. */
	#teardown(reason: string, code = 4000): void {
		const conn = this.#conn;
		if (!conn) return;
		this.#settleProbes(conn, `${this.#label} dropped: ${reason}`);
		this.#settleRequests(conn, `${this.#label} dropped: ${reason}`);
		this.#conn = null;
		clearInterval(this.#checkTimer);
		this.#checkTimer = undefined;
		if (conn.ws.readyState > OPEN) return;
		try {
			conn.ws.close(code, reason.slice(0, 60));
		} catch {
			// Already closing or closed: nothing more to release.
		}
	}

	#settleProbes(conn: Connection | null, reason: string | null): void {
		if (!conn || conn.probes.size === 0) return;
		for (const settle of [...conn.probes]) settle(reason);
	}

	#settleRequests(conn: Connection | null, reason: string): void {
		if (!conn || conn.requests.size === 0) return;
		for (const pending of [...conn.requests.values()]) pending.settle(new Error(reason));
	}

	#clearReconnectTimer(): void {
		clearTimeout(this.#reconnectTimer);
		this.#reconnectTimer = undefined;
	}

	#isCurrent(conn: Connection): boolean {
		return conn === this.#conn && conn.generation === this.#generation && !this.#closed;
	}

	#sendOn(conn: Connection, frame: string): boolean {
		if (!this.#isCurrent(conn) || conn.ws.readyState !== OPEN) return false;
		try {
			conn.ws.send(frame);
			conn.lastSentAt = this.#now();
			return true;
		} catch {
			return false;
		}
	}

	#sendFrames(conn: Connection, frames: string[]): boolean {
		for (const frame of frames) {
			if (!this.#sendOn(conn, frame)) {
				this.#drop(conn, 'Could not send a subscription');
				return false;
			}
		}
		return true;
	}

	#setStatus(patch: Partial<ConnectionStatus>): void {
		const prev = this.#status;
		const next: ConnectionStatus = { ...prev, ...patch };
		this.#status = next;
		const changed =
			next.state !== prev.state ||
			next.error !== prev.error ||
			next.latencyMs !== prev.latencyMs ||
			next.reconnects !== prev.reconnects;
		if (changed) this.#emit(this.#statusListeners, this.#snapshot());
	}

	#snapshot(): ConnectionStatus {
		const { state, reconnects, latencyMs, error } = this.#status;
		const snapshot: ConnectionStatus = { state, lastMessageAt: this.#lastMessageAt, reconnects };
		if (latencyMs !== undefined) snapshot.latencyMs = latencyMs;
		if (error !== undefined) snapshot.error = error;
		return snapshot;
	}

	#emitError(message: string): void {
		this.#emit(this.#errorListeners, message);
	}

	#emit<T>(listeners: Set<(value: T) => void>, value: T): void {
		for (const listener of [...listeners]) {
			try {
				listener(value);
			} catch (err) {
				// One broken consumer must not take the connection down for the others.
				console.error(`[${this.#name}] listener failed:`, err);
			}
		}
	}
}

function subscribe<T>(set: Set<T>, listener: T): () => void {
	set.add(listener);
	return () => {
		set.delete(listener);
	};
}

function preview(text: string): string {
	const flat = text.replace(/\s+/g, ' ');
	return flat.length > PREVIEW_CHARS ? `${flat.slice(0, PREVIEW_CHARS)}…` : flat;
}

/** 1500 → "1.5 s", 50 → "50 ms". */
function seconds(ms: number): string {
	return ms >= 1000 ? `${Number((ms / 1000).toFixed(1))} s` : `${Math.round(ms)} ms`;
}

function describe(err: unknown): string {
	return err instanceof Error ? err.message : String(err);
}

function closeReason(ev: { code: number; reason: string }): string {
	return ev.reason
		? `Connection closed (${ev.code}: ${ev.reason})`
		: `Connection closed (${ev.code})`;
}

function errorReason(ev: unknown): string {
	const message = (ev as { message?: unknown } | null)?.message;
	return typeof message === 'string' && message
		? `Connection error: ${message}`
		: 'Connection error';
}
