import { createServer, type AddressInfo, type Socket } from 'node:net';
import { deflateRawSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import type { ConnectionStatus } from '$lib/exchanges/types';
import { ReconnectingSocket } from './socket';
import type { ReconnectPolicy, SocketLike, SocketProtocol, SocketUrl } from './types';

// A scripted venue on loopback: answers pings, records every frame each connection received.
interface ServerConn {
	ws: WebSocket;
	/** The path the client connected to. */
	path: string;
	received: string[];
	/** Frames the server sent on this connection. */
	sent: number;
}

class TestServer {
	readonly conns: ServerConn[] = [];
	answerPings = true;
	onFrame: (conn: ServerConn, frame: Record<string, unknown>) => void = () => {};

	private constructor(private readonly wss: WebSocketServer) {
		wss.on('connection', (ws, req) => {
			const conn: ServerConn = { ws, path: req.url ?? '', received: [], sent: 0 };
			const send = ws.send.bind(ws) as (data: unknown) => void;
			ws.send = ((data: unknown) => {
				conn.sent++;
				send(data);
			}) as typeof ws.send;
			this.conns.push(conn);
			ws.on('message', (data) => {
				const text = String(data);
				conn.received.push(text);
				// A venue whose keepalive is plain text both ways.
				if (text === 'ping') {
					if (this.answerPings) ws.send('pong');
					return;
				}
				const frame = JSON.parse(text) as Record<string, unknown>;
				if (frame.op === 'ping' && this.answerPings) ws.send(JSON.stringify({ op: 'pong' }));
				this.onFrame(conn, frame);
			});
		});
	}

	static async start(): Promise<TestServer> {
		const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
		await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
		const server = new TestServer(wss);
		servers.push(server);
		return server;
	}

	get url(): string {
		return `ws://127.0.0.1:${(this.wss.address() as AddressInfo).port}`;
	}

	sendJson(index: number, value: unknown): void {
		this.conns[index].ws.send(JSON.stringify(value));
	}

	async close(): Promise<void> {
		for (const conn of this.conns) conn.ws.terminate();
		await new Promise<void>((resolve) => this.wss.close(() => resolve()));
	}
}

const servers: TestServer[] = [];
const sockets: ReconnectingSocket[] = [];

afterEach(async () => {
	vi.restoreAllMocks();
	for (const socket of sockets.splice(0)) socket.close();
	await Promise.all(servers.splice(0).map((s) => s.close()));
	vi.unstubAllGlobals();
});

function field(msg: unknown, key: string): unknown {
	return typeof msg === 'object' && msg !== null
		? (msg as Record<string, unknown>)[key]
		: undefined;
}

function testProtocol(overrides: Partial<SocketProtocol> = {}): SocketProtocol {
	return {
		keepaliveMs: 5000,
		pongTimeoutMs: 5000,
		staleAfterMs: 5000,
		pingFrame: () => JSON.stringify({ op: 'ping' }),
		isPong: (msg) => field(msg, 'op') === 'pong',
		// Two topics per frame, so the tests see that the protocol's own chunking goes on the wire.
		subscribeFrames: (topics) => {
			const frames: string[] = [];
			for (let i = 0; i < topics.length; i += 2) {
				frames.push(JSON.stringify({ op: 'subscribe', args: topics.slice(i, i + 2) }));
			}
			return frames;
		},
		unsubscribeFrames: (topics) => [JSON.stringify({ op: 'unsubscribe', args: topics })],
		...overrides
	};
}

/** A protocol with a login; the server below acknowledges it unless told to reject. */
function loginProtocol(overrides: Partial<SocketProtocol> = {}): SocketProtocol {
	let logins = 0;
	return testProtocol({
		loginFrame: async () => JSON.stringify({ op: 'login', n: ++logins }),
		loginResult: (msg) => {
			if (field(msg, 'op') !== 'login-ack') return null;
			const error = field(msg, 'error');
			return typeof error === 'string' ? error : 'ok';
		},
		...overrides
	});
}

function ackLogins(server: TestServer, error?: string): void {
	server.onFrame = (conn, frame) => {
		if (frame.op === 'login') conn.ws.send(JSON.stringify({ op: 'login-ack', error }));
	};
}

interface Harness {
	socket: ReconnectingSocket;
	messages: unknown[];
	errors: string[];
	states: string[];
	reconnected: ConnectionStatus[];
	clientSockets: SocketLike[];
	/** Frames the client sent and received, over all its connections. */
	sent: number;
	received: number;
}

interface OpenOptions {
	policy?: Partial<ReconnectPolicy>;
	/** The wall clock (display only). */
	now?: () => number;
	monotonicNow?: () => number;
	/** Simulated time: drives both clocks. */
	clock?: () => number;
	checkIntervalMs?: number;
	label?: string;
	watchEnvironment?: boolean;
	/** Where to connect instead of the server's own URL (a function is resolved per connect). */
	url?: SocketUrl;
}

function open(server: TestServer, protocol: SocketProtocol, extra: OpenOptions = {}): Harness {
	const clientSockets: SocketLike[] = [];
	const socket = new ReconnectingSocket({
		url: extra.url ?? server.url,
		protocol,
		factory: (url) => {
			const ws = new WebSocket(url);
			const send = ws.send.bind(ws) as (data: unknown) => void;
			ws.send = ((data: unknown) => {
				h.sent++;
				send(data);
			}) as typeof ws.send;
			ws.addEventListener('message', () => h.received++);
			clientSockets.push(ws as unknown as SocketLike);
			return ws as unknown as SocketLike;
		},
		policy: { initialDelayMs: 20, maxDelayMs: 100, ...extra.policy },
		now: extra.now ?? extra.clock,
		monotonicNow: extra.monotonicNow ?? extra.clock,
		checkIntervalMs: extra.checkIntervalMs,
		label: extra.label,
		name: 'test',
		watchEnvironment: extra.watchEnvironment ?? false
	});
	sockets.push(socket);
	const h: Harness = {
		socket,
		messages: [],
		errors: [],
		states: [],
		reconnected: [],
		clientSockets,
		sent: 0,
		received: 0
	};
	socket.onMessage((m) => h.messages.push(m));
	socket.onError((e) => h.errors.push(e));
	socket.onStatus((s) => {
		if (h.states.at(-1) !== s.state) h.states.push(s.state);
	});
	socket.onReconnected(() => h.reconnected.push(socket.status));
	return h;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// performance.now, not Date.now: some tests step the wall clock.
async function waitFor(what: string, condition: () => boolean, timeoutMs = 2000): Promise<void> {
	const start = performance.now();
	while (!condition()) {
		if (performance.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
		await sleep(5);
	}
}

/**
 * Simulated time for the socket: the test moves `t`; `step` then lets the health checks run and
 * every frame in flight either way arrive, so the clock never moves while a reply is on the wire.
 */
function simulatedClock(h: () => Harness, server: TestServer, checkIntervalMs: number) {
	const clock = {
		t: 1_000_000,
		now: () => clock.t,
		async step(ms: number): Promise<void> {
			clock.t += ms;
			await sleep(checkIntervalMs * 2);
			await waitFor('frames in flight', () => {
				const serverReceived = server.conns.reduce((n, c) => n + c.received.length, 0);
				const serverSent = server.conns.reduce((n, c) => n + c.sent, 0);
				return h().sent === serverReceived && h().received === serverSent;
			});
		}
	};
	return clock;
}

function pings(conn: ServerConn): number {
	return conn.received.filter((t) => t.includes('"ping"')).length;
}

const HOUR = 3_600_000;

function subscribedTopics(conn: ServerConn, op = 'subscribe'): string[] {
	return conn.received
		.map((text) => JSON.parse(text) as { op: string; args?: string[] })
		.filter((frame) => frame.op === op)
		.flatMap((frame) => frame.args ?? []);
}

describe('ReconnectingSocket', () => {
	it('connects, sends the subscription frames the protocol built, and goes live', async () => {
		const server = await TestServer.start();
		const h = open(server, testProtocol());
		h.socket.addTopics(['a', 'b', 'c']);
		expect(h.socket.status.state).toBe('idle');
		h.socket.connect();
		expect(h.socket.status.state).toBe('connecting');
		await waitFor('live', () => h.socket.status.state === 'live');
		await waitFor('subscriptions', () => server.conns[0]?.received.length === 2);
		expect(server.conns[0].received).toEqual([
			JSON.stringify({ op: 'subscribe', args: ['a', 'b'] }),
			JSON.stringify({ op: 'subscribe', args: ['c'] })
		]);

		h.socket.addTopics(['c', 'd']);
		h.socket.removeTopics(['a', 'never-added']);
		expect(h.socket.send(JSON.stringify({ op: 'request', args: ['b'] }))).toBe(true);
		await waitFor('topic changes', () => server.conns[0].received.length === 5);
		expect(subscribedTopics(server.conns[0])).toEqual(['a', 'b', 'c', 'd']);
		expect(subscribedTopics(server.conns[0], 'unsubscribe')).toEqual(['a']);
		expect(subscribedTopics(server.conns[0], 'request')).toEqual(['b']);

		server.sendJson(0, { price: '42000.5' });
		await waitFor('message', () => h.messages.length === 1);
		expect(h.messages).toEqual([{ price: '42000.5' }]);
		expect(h.socket.status.lastMessageAt).toBeGreaterThan(0);
		expect(h.states).toEqual(['connecting', 'live']);
		expect(h.errors).toEqual([]);
		expect(h.reconnected).toEqual([]);
	});

	it('logs in first and subscribes only after the ack, which it does not forward', async () => {
		const server = await TestServer.start();
		const h = open(server, loginProtocol());
		h.socket.addTopics(['private/position']);
		h.socket.connect();
		await waitFor('login frame', () => server.conns[0]?.received.length === 1);
		await sleep(100);
		expect(server.conns[0].received).toEqual([JSON.stringify({ op: 'login', n: 1 })]);
		expect(h.socket.status.state).toBe('connecting');

		server.sendJson(0, { op: 'login-ack' });
		await waitFor('live', () => h.socket.status.state === 'live');
		await waitFor('subscription', () => server.conns[0].received.length === 2);
		expect(subscribedTopics(server.conns[0])).toEqual(['private/position']);
		server.sendJson(0, { position: 'after' });
		await waitFor('message', () => h.messages.length === 1);
		expect(h.messages).toEqual([{ position: 'after' }]);
	});

	it('stops with the message when the login is rejected, until reconnectNow', async () => {
		const server = await TestServer.start();
		ackLogins(server, 'invalid signature');
		const h = open(server, loginProtocol());
		h.socket.addTopics(['private/order']);
		h.socket.connect();
		await waitFor('failed', () => h.socket.status.state === 'failed');
		expect(h.socket.status.error).toBe('Login failed: invalid signature');
		expect(h.errors).toContain('Login failed: invalid signature');
		await sleep(200);
		expect(server.conns).toHaveLength(1);
		expect(subscribedTopics(server.conns[0])).toEqual([]);

		ackLogins(server);
		h.socket.reconnectNow('retry after fixing the key');
		await waitFor('live', () => h.socket.status.state === 'live');
		expect(server.conns).toHaveLength(2);
		expect(server.conns[1].received[0]).toBe(JSON.stringify({ op: 'login', n: 2 }));
		await waitFor('resubscribed', () => subscribedTopics(server.conns[1]).length === 1);
	});

	it('reconnects after a drop, logs in again with a fresh frame and resubscribes every topic', async () => {
		const server = await TestServer.start();
		ackLogins(server);
		const h = open(server, loginProtocol());
		h.socket.addTopics(['a', 'b', 'c']);
		h.socket.connect();
		await waitFor('live', () => h.socket.status.state === 'live');
		h.socket.addTopics(['d']);
		h.socket.removeTopics(['b']);
		await waitFor('topic changes', () => server.conns[0].received.length === 5);

		server.conns[0].ws.close(1012, 'service restart');
		await waitFor('reconnected', () => h.reconnected.length === 1);
		expect(h.states).toEqual(['connecting', 'live', 'reconnecting', 'live']);
		expect(h.errors).toEqual(['Connection closed (1012: service restart)']);
		expect(h.reconnected[0]).toMatchObject({ state: 'live', reconnects: 1 });
		expect(h.reconnected[0].error).toBeUndefined();
		const second = server.conns[1];
		// The client has sent the frames; wait for them to arrive on the server side.
		await waitFor('resubscribed', () => subscribedTopics(second).length === 3);
		expect(second.received[0]).toBe(JSON.stringify({ op: 'login', n: 2 }));
		expect(subscribedTopics(second).sort()).toEqual(['a', 'c', 'd']);
		expect(server.conns).toHaveLength(2);
	});

	it('reconnects when the server stops answering keepalives, and measures latency meanwhile', async () => {
		const server = await TestServer.start();
		const protocol = testProtocol({ keepaliveMs: 100, pongTimeoutMs: 150 });
		const h = open(server, protocol);
		h.socket.connect();
		await waitFor('latency', () => h.socket.status.latencyMs !== undefined);
		expect(h.socket.status.latencyMs).toBeGreaterThanOrEqual(0);
		expect(h.socket.status.latencyMs).toBeLessThan(1000);
		expect(h.messages).toEqual([]);

		server.answerPings = false;
		// Wall-clock bounds flake on a loaded machine; the error names the cause of the reconnect.
		await waitFor('second connection', () => server.conns.length === 2, 5000);
		expect(h.errors).toEqual(['No reply to keepalive within 150 ms']);
		expect(server.conns[0].received.filter((f) => f.includes('ping')).length).toBeGreaterThan(1);
		await waitFor('live again', () => h.socket.status.state === 'live');
	});

	it('keeps pinging on a busy stream so the server hears from us', async () => {
		const server = await TestServer.start();
		const h = open(server, testProtocol({ keepaliveMs: 150, pongTimeoutMs: 1000 }));
		h.socket.addTopics(['a']);
		h.socket.connect();
		await waitFor('live', () => h.socket.status.state === 'live');
		// The server pushes every 20 ms, so the client never sees a silence of keepaliveMs.
		const pump = setInterval(() => server.sendJson(0, { tick: Date.now() }), 20);
		try {
			await sleep(700);
		} finally {
			clearInterval(pump);
		}
		const pings = server.conns[0].received.filter((t) => t.includes('"ping"')).length;
		expect(pings).toBeGreaterThanOrEqual(2);
		expect(h.socket.status.latencyMs).toBeTypeOf('number');
		expect(server.conns).toHaveLength(1);
	});

	it('shows stale when a keepalive goes unanswered, and live again on the next message', async () => {
		const server = await TestServer.start();
		server.answerPings = false;
		const protocol = testProtocol({ keepaliveMs: 100, staleAfterMs: 100, pongTimeoutMs: 60_000 });
		const h = open(server, protocol);
		h.socket.connect();
		await waitFor('live', () => h.socket.status.state === 'live');
		await waitFor('stale', () => h.socket.status.state === 'stale', 2000);
		expect(pings(server.conns[0])).toBeGreaterThan(0);
		server.sendJson(0, { tick: 1 });
		await waitFor('live again', () => h.socket.status.state === 'live');
		expect(h.states).toEqual(['connecting', 'live', 'stale', 'live']);
		expect(server.conns).toHaveLength(1);
	});

	/** Keepalive settings of the first venue: ping after 5 s, stale 3 s after an unanswered ping, drop after 5 s. */
	const QUIET = { keepaliveMs: 5_000, pongTimeoutMs: 5_000, staleAfterMs: 3_000 };
	const CHECK_MS = 5;

	it('keeps a quiet connection that answers its keepalives live through minutes of silence', async () => {
		const server = await TestServer.start();
		const clock = simulatedClock(() => h, server, CHECK_MS);
		const h = open(server, loginProtocol(QUIET), { clock: clock.now, checkIntervalMs: CHECK_MS });
		ackLogins(server);
		h.socket.addTopics(['private/position']);
		h.socket.connect();
		await waitFor('live', () => h.socket.status.state === 'live');
		for (let step = 1; step <= 240; step++) {
			// Two simulated minutes; the venue pushes positions every 10 s when nothing changes.
			if (step % 20 === 0) server.sendJson(0, { position: step });
			await clock.step(500);
		}
		expect(h.states).toEqual(['connecting', 'live']);
		expect(h.socket.status.state).toBe('live');
		expect(h.messages).toHaveLength(12);
		// It was kept alive by keepalives (every 5 s of silence), not by the pushes.
		expect(pings(server.conns[0])).toBeGreaterThanOrEqual(12);
		expect(h.socket.status.latencyMs).toBe(0);
		expect(server.conns).toHaveLength(1);
		expect(h.errors).toEqual([]);
	});

	it('goes stale once a keepalive is overdue, then reconnects when its reply never comes', async () => {
		const server = await TestServer.start();
		server.answerPings = false;
		const clock = simulatedClock(() => h, server, CHECK_MS);
		const h = open(server, testProtocol(QUIET), { clock: clock.now, checkIntervalMs: CHECK_MS });
		const pingAt: number[] = [];
		server.onFrame = (_, frame) => {
			if (frame.op === 'ping') pingAt.push(clock.t);
		};
		const seen: Record<string, number> = {};
		h.socket.onStatus((s) => (seen[s.state] ??= clock.t));
		h.socket.connect();
		await waitFor('live', () => h.socket.status.state === 'live');
		const liveAt = clock.t;
		for (let i = 0; i < 60 && server.conns.length < 2; i++) await clock.step(250);

		expect(pingAt[0] - liveAt).toBeGreaterThanOrEqual(QUIET.keepaliveMs);
		expect(pingAt[0] - liveAt).toBeLessThan(QUIET.keepaliveMs + 500);
		// Live all through the silence before the keepalive, stale only once its reply is late.
		expect(seen.stale - pingAt[0]).toBeGreaterThanOrEqual(QUIET.staleAfterMs);
		expect(seen.stale - pingAt[0]).toBeLessThan(QUIET.staleAfterMs + 500);
		expect(seen.reconnecting - pingAt[0]).toBeGreaterThanOrEqual(QUIET.pongTimeoutMs);
		expect(seen.reconnecting - pingAt[0]).toBeLessThan(QUIET.pongTimeoutMs + 500);
		expect(h.states.slice(0, 4)).toEqual(['connecting', 'live', 'stale', 'reconnecting']);
		expect(h.errors).toEqual(['No reply to keepalive within 5000 ms']);
		await waitFor('live again', () => h.socket.status.state === 'live');
		expect(server.conns).toHaveLength(2);
	});

	it('notices a silent connection on time although the wall clock stepped back an hour', async () => {
		const wallNow = Date.now.bind(Date);
		let step = 0;
		vi.spyOn(Date, 'now').mockImplementation(() => wallNow() - step);
		const server = await TestServer.start();
		server.answerPings = false;
		const h = open(
			server,
			testProtocol({ keepaliveMs: 100, pongTimeoutMs: 400, staleAfterMs: 150 })
		);
		h.socket.connect();
		await waitFor('live', () => h.socket.status.state === 'live');
		step = HOUR;
		await waitFor('stale', () => h.states.includes('stale'), 5000);
		await waitFor('second connection', () => server.conns.length === 2, 5000);
		expect(h.errors).toEqual(['No reply to keepalive within 400 ms']);
		expect(h.states.slice(0, 4)).toEqual(['connecting', 'live', 'stale', 'reconnecting']);
		expect(pings(server.conns[0])).toBeGreaterThan(0);
	});

	describe('probe', () => {
		async function liveSocket(extra: OpenOptions = {}, protocol = testProtocol(QUIET)) {
			const server = await TestServer.start();
			const clock = simulatedClock(() => h, server, CHECK_MS);
			const h = open(server, protocol, {
				clock: clock.now,
				checkIntervalMs: CHECK_MS,
				label: 'The private stream',
				...extra
			});
			h.socket.addTopics(['a']);
			h.socket.connect();
			await waitFor('live', () => h.socket.status.state === 'live');
			server.sendJson(0, { tick: 1 });
			await waitFor('message', () => h.messages.length === 1);
			return { server, clock, h };
		}

		it('answers at once, without a keepalive, when a frame arrived within maxSilenceMs', async () => {
			const { server, clock, h } = await liveSocket();
			await clock.step(1_500);
			expect(await h.socket.probe()).toBeNull();
			await clock.step(1_000);
			expect(await h.socket.probe({ maxSilenceMs: 3_000 })).toBeNull();
			await clock.step(0);
			expect(pings(server.conns[0])).toBe(0);
		});

		it('sends one keepalive after a longer silence and resolves on its reply', async () => {
			const { server, clock, h } = await liveSocket();
			await clock.step(2_500);
			const first = h.socket.probe();
			const second = h.socket.probe();
			expect(await first).toBeNull();
			expect(await second).toBeNull();
			await clock.step(0);
			expect(pings(server.conns[0])).toBe(1);
			expect(h.socket.status).toMatchObject({ state: 'live', latencyMs: 0 });
		});

		it('counts any frame as the answer', async () => {
			const { server, clock, h } = await liveSocket();
			server.answerPings = false;
			await clock.step(2_500);
			const answer = h.socket.probe({ timeoutMs: 10_000 });
			await waitFor('ping', () => pings(server.conns[0]) === 1);
			server.sendJson(0, { tick: 2 });
			expect(await answer).toBeNull();
		});

		it('gives the reason in plain words when the keepalive is not answered in time', async () => {
			const { server, clock, h } = await liveSocket();
			server.answerPings = false;
			await clock.step(2_500);
			expect(await h.socket.probe()).toBe(
				'The private stream did not answer a keepalive within 1.5 s'
			);
			expect(await h.socket.probe({ timeoutMs: 50 })).toBe(
				'The private stream did not answer a keepalive within 50 ms'
			);
			// The unanswered keepalive is still out: the second probe waited on it, sent no other.
			expect(pings(server.conns[0])).toBe(1);
			expect(server.conns).toHaveLength(1);
		});

		it('clears its timer however it ends', async () => {
			const timers = new Set<unknown>();
			const cleared = new Set<unknown>();
			const realSetTimeout = globalThis.setTimeout;
			const realClearTimeout = globalThis.clearTimeout;
			vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
				const id = realSetTimeout(fn, ms);
				if (ms === 7_777) timers.add(id);
				return id;
			}) as typeof setTimeout);
			vi.spyOn(globalThis, 'clearTimeout').mockImplementation(((id: unknown) => {
				cleared.add(id);
				realClearTimeout(id as ReturnType<typeof setTimeout>);
			}) as typeof clearTimeout);
			const { server, clock, h } = await liveSocket();
			await clock.step(2_500);
			expect(await h.socket.probe({ timeoutMs: 7_777 })).toBeNull(); // answered
			server.answerPings = false;
			await clock.step(2_500);
			const dropped = h.socket.probe({ timeoutMs: 7_777 });
			await waitFor('ping', () => pings(server.conns[0]) === 2);
			h.socket.reconnectNow('test');
			expect(await dropped).toBe('The private stream dropped: test');
			await waitFor('live', () => h.socket.status.state === 'live');
			await clock.step(2_500);
			const closed = h.socket.probe({ timeoutMs: 7_777 });
			await waitFor('ping', () => pings(server.conns[1]) === 1);
			h.socket.close();
			expect(await closed).toBe('The private stream is closed');
			expect(timers.size).toBe(3);
			expect([...timers].every((id) => cleared.has(id))).toBe(true);
		});

		it('resolves at once when the socket is closed, or not connected', async () => {
			const idle = new ReconnectingSocket({
				url: 'ws://127.0.0.1:9',
				protocol: testProtocol(),
				label: 'The private stream',
				watchEnvironment: false
			});
			expect(await idle.probe()).toBe('The private stream is not connected (idle)');
			idle.close();
			expect(await idle.probe()).toBe('The private stream is closed');

			const { server, h } = await liveSocket({ policy: { initialDelayMs: 60_000 } });
			server.conns[0].ws.close(1012, 'service restart');
			await waitFor('reconnecting', () => h.socket.status.state === 'reconnecting');
			expect(await h.socket.probe()).toBe('The private stream is not connected (reconnecting)');
		});

		it('resolves when the connection drops or the socket closes while it waits', async () => {
			const { server, clock, h } = await liveSocket();
			server.answerPings = false;
			await clock.step(2_500);
			const dropped = h.socket.probe({ timeoutMs: 60_000 });
			await waitFor('ping', () => pings(server.conns[0]) === 1);
			server.conns[0].ws.close(1012, 'service restart');
			expect(await dropped).toBe(
				'The private stream dropped: Connection closed (1012: service restart)'
			);

			await waitFor('live again', () => h.socket.status.state === 'live');
			await clock.step(2_500);
			const closed = h.socket.probe({ timeoutMs: 60_000 });
			await waitFor('ping', () => pings(server.conns[1]) === 1);
			h.socket.close();
			expect(await closed).toBe('The private stream is closed');
		});
	});

	it('reports a malformed frame with a short preview and keeps delivering', async () => {
		const server = await TestServer.start();
		const h = open(server, testProtocol());
		h.socket.connect();
		await waitFor('live', () => h.socket.status.state === 'live');
		server.conns[0].ws.send('not json at all ' + 'x'.repeat(1000));
		server.sendJson(0, { n: 2 });
		await waitFor('message', () => h.messages.length === 1);
		expect(h.messages).toEqual([{ n: 2 }]);
		expect(h.errors).toHaveLength(1);
		expect(h.errors[0]).toMatch(/^Malformed frame \(not JSON\): not json at all x+…$/);
		expect(h.errors[0].length).toBeLessThan(140);
		expect(h.socket.status.state).toBe('live');
	});

	it('inflates deflate-raw binary frames, in order with text frames', async () => {
		const server = await TestServer.start();
		const h = open(server, testProtocol());
		h.socket.connect();
		await waitFor('live', () => h.socket.status.state === 'live');
		const ws = server.conns[0].ws;
		const binary = (value: unknown) => deflateRawSync(Buffer.from(JSON.stringify(value)));
		ws.send(JSON.stringify({ seq: 1 }));
		ws.send(binary({ seq: 2, padding: 'p'.repeat(200_000) }));
		ws.send(JSON.stringify({ seq: 3 }));
		ws.send(binary({ seq: 4 }));
		ws.send(Buffer.from('this is not deflate data'));
		ws.send(JSON.stringify({ seq: 5 }));
		ws.send(binary({ op: 'pong' }));
		// Inflating 200 KB on a loaded 2-core CI machine can take longer than the default wait.
		await waitFor('all messages', () => h.messages.length === 5, 10_000);
		expect(h.messages.map((m) => field(m, 'seq'))).toEqual([1, 2, 3, 4, 5]);
		expect(h.errors).toHaveLength(1);
		expect(h.errors[0]).toMatch(/^Could not inflate a binary frame/);
		expect(h.socket.status.state).toBe('live');
	});

	it('ignores events and pending frames from a connection it has left', async () => {
		const server = await TestServer.start();
		const h = open(server, testProtocol());
		h.socket.connect();
		await waitFor('live', () => h.socket.status.state === 'live');
		const first = h.clientSockets[0];

		h.socket.reconnectNow('book gap');
		await waitFor('reconnected', () => h.reconnected.length === 1);
		const errorsBefore = h.errors.length;
		const statusBefore = h.socket.status;
		first.onmessage?.({ data: JSON.stringify({ from: 'old text' }) });
		first.onmessage?.({
			data: deflateRawSync(Buffer.from(JSON.stringify({ from: 'old binary' })))
		});
		first.onclose?.({ code: 1006, reason: 'old' });
		first.onerror?.({ message: 'old' });
		first.onopen?.({});

		// A binary frame still inflating when the connection is replaced must be dropped too.
		const second = h.clientSockets[1];
		second.onmessage?.({
			data: deflateRawSync(Buffer.from(JSON.stringify({ from: 'in flight' })))
		});
		h.socket.reconnectNow('again');
		await waitFor('reconnected twice', () => h.reconnected.length === 2);
		server.sendJson(2, { from: 'current' });
		await waitFor('current message', () => h.messages.length > 0);
		await sleep(50);

		expect(h.messages).toEqual([{ from: 'current' }]);
		expect(h.errors.length).toBe(errorsBefore);
		expect(statusBefore).toMatchObject({ state: 'live', reconnects: 1 });
		expect(h.socket.status).toMatchObject({ state: 'live', reconnects: 2 });
		expect(server.conns).toHaveLength(3);
	});

	it('retries when the login is never acknowledged or the handshake never completes', async () => {
		const server = await TestServer.start();
		let skew = 0;
		// A short pong timeout only makes the health checks tick faster.
		const h = open(server, loginProtocol({ pongTimeoutMs: 400 }), {
			monotonicNow: () => performance.now() + skew
		});
		h.socket.connect();
		await waitFor('login frame', () => server.conns[0]?.received.length === 1);
		skew = 11_000; // the ack never comes; jump past the 10 s handshake allowance
		await waitFor('second connection', () => server.conns.length === 2, 1000);
		expect(h.errors).toEqual(['No reply to the login']);
		expect(h.states).toEqual(['connecting', 'reconnecting']);

		// A server that accepts TCP but never answers the WebSocket upgrade.
		const mute = createServer(() => {});
		await new Promise<void>((resolve) => mute.listen(0, '127.0.0.1', resolve));
		const port = (mute.address() as AddressInfo).port;
		const accepted: Socket[] = [];
		mute.on('connection', (s) => accepted.push(s));
		skew = 0;
		const stuck = new ReconnectingSocket({
			url: `ws://127.0.0.1:${port}`,
			protocol: testProtocol({ pongTimeoutMs: 400 }),
			factory: (u) => new WebSocket(u) as unknown as SocketLike,
			policy: { initialDelayMs: 10, maxDelayMs: 10 },
			monotonicNow: () => performance.now() + skew,
			watchEnvironment: false
		});
		sockets.push(stuck);
		try {
			stuck.connect();
			await waitFor('tcp accepted', () => accepted.length === 1);
			skew = 11_000;
			await waitFor('retry', () => accepted.length === 2, 1000);
			expect(stuck.status).toMatchObject({
				state: 'reconnecting',
				error: 'Connection attempt timed out'
			});
		} finally {
			stuck.close();
			for (const s of accepted) s.destroy();
			await new Promise((resolve) => mute.close(resolve));
		}
	});

	it('gives up after maxAttempts failed connections in a row', async () => {
		const closed = await TestServer.start();
		const url = closed.url;
		await closed.close();
		servers.splice(servers.indexOf(closed), 1);
		let attempts = 0;
		const socket = new ReconnectingSocket({
			url,
			protocol: testProtocol(),
			factory: (u) => {
				attempts++;
				return new WebSocket(u) as unknown as SocketLike;
			},
			policy: { initialDelayMs: 10, maxDelayMs: 40, maxAttempts: 3 },
			watchEnvironment: false
		});
		sockets.push(socket);
		socket.connect();
		await waitFor('failed', () => socket.status.state === 'failed');
		expect(socket.status.error).toMatch(/^Gave up after 3 failed attempts: Connection error/);
		await sleep(150);
		expect(attempts).toBe(3);
		expect(socket.status.reconnects).toBe(2);
	});

	it('close() is final: no reconnects, no sends, status idle', async () => {
		const server = await TestServer.start();
		const h = open(server, testProtocol({ keepaliveMs: 50, pongTimeoutMs: 50 }));
		h.socket.addTopics(['a']);
		h.socket.connect();
		await waitFor('live', () => h.socket.status.state === 'live');
		h.socket.close();
		expect(h.socket.status.state).toBe('idle');
		await waitFor('server side closed', () => server.conns[0].ws.readyState === WebSocket.CLOSED);
		const framesAtClose = server.conns[0].received.length;
		h.socket.addTopics(['b']);
		expect(h.socket.send('{}')).toBe(false);
		h.socket.reconnectNow('after close');
		await sleep(200);
		expect(server.conns).toHaveLength(1);
		expect(server.conns[0].received).toHaveLength(framesAtClose);
		expect(h.errors).toEqual([]);
	});
});

describe('ReconnectingSocket across venues', () => {
	it('takes a plain-text pong as the keepalive reply, before any JSON parsing', async () => {
		const server = await TestServer.start();
		// Some venues' `ping` and `pong` are bare text, not JSON.
		const protocol = testProtocol({
			keepaliveMs: 100,
			pongTimeoutMs: 1000,
			pingFrame: () => 'ping',
			isPong: undefined,
			isPongText: (text) => text === 'pong'
		});
		const h = open(server, protocol);
		h.socket.connect();
		await waitFor('latency', () => h.socket.status.latencyMs !== undefined);
		await waitFor(
			'three pings',
			() => server.conns[0].received.filter((t) => t === 'ping').length >= 3
		);
		server.sendJson(0, { data: 1 });
		await waitFor('message', () => h.messages.length === 1);
		expect(h.messages).toEqual([{ data: 1 }]);
		expect(h.errors).toEqual([]);
		expect(h.socket.status.state).toBe('live');
		expect(server.conns).toHaveLength(1);
	});

	it("answers the server's own pings at once and keeps them from listeners", async () => {
		const server = await TestServer.start();
		// A venue that pings: {"m":"ping","hp":3} must be answered with {"op":"pong"}.
		const protocol = testProtocol({
			serverPing: (msg) => (field(msg, 'm') === 'ping' ? JSON.stringify({ op: 'pong' }) : null)
		});
		const h = open(server, protocol);
		h.socket.connect();
		await waitFor('live', () => h.socket.status.state === 'live');
		server.sendJson(0, { m: 'ping', hp: 3 });
		server.sendJson(0, { m: 'depth', seqnum: 1 });
		server.sendJson(0, { m: 'ping', hp: 2 });
		await waitFor('pongs', () => server.conns[0].received.length === 2);
		expect(server.conns[0].received).toEqual([
			JSON.stringify({ op: 'pong' }),
			JSON.stringify({ op: 'pong' })
		]);
		await waitFor('message', () => h.messages.length === 1);
		await sleep(30);
		expect(h.messages).toEqual([{ m: 'depth', seqnum: 1 }]);
		expect(h.errors).toEqual([]);
	});

	it('resolves a URL function afresh on every (re)connect, and retries when it fails', async () => {
		const server = await TestServer.start();
		let calls = 0;
		let failNext = false;
		// A venue may put something learned by a REST call (an account group) in the path.
		const url = async (): Promise<string> => {
			calls++;
			await sleep(5);
			if (failNext) {
				failNext = false;
				throw new Error('account info: HTTP 503');
			}
			return `${server.url}/${calls}/api/pro/v2/stream`;
		};
		const h = open(server, testProtocol(), { url });
		h.socket.addTopics(['a']);
		h.socket.connect();
		await waitFor('live', () => h.socket.status.state === 'live');
		expect(server.conns.map((c) => c.path)).toEqual(['/1/api/pro/v2/stream']);

		failNext = true;
		server.conns[0].ws.close(1012, 'restart');
		await waitFor('reconnected', () => h.reconnected.length === 1, 5000);
		expect(h.errors).toEqual([
			'Connection closed (1012: restart)',
			'Could not work out where to connect: account info: HTTP 503'
		]);
		expect(server.conns.map((c) => c.path)).toEqual([
			'/1/api/pro/v2/stream',
			'/3/api/pro/v2/stream'
		]);
		await waitFor('resubscribed', () => subscribedTopics(server.conns[1]).length === 1);
		expect(calls).toBe(3);
	});

	it('a URL still being worked out when the socket closes opens nothing', async () => {
		const server = await TestServer.start();
		let release: (url: string) => void = () => {};
		const url = () => new Promise<string>((resolve) => (release = resolve));
		const h = open(server, testProtocol(), { url });
		h.socket.connect();
		expect(h.socket.status.state).toBe('connecting');
		h.socket.close();
		release(server.url);
		await sleep(100);
		expect(server.conns).toHaveLength(0);
		expect(h.clientSockets).toHaveLength(0);
	});

	describe('request', () => {
		// Replies echo the request's id.
		const requestProtocol = (overrides: Partial<SocketProtocol> = {}) =>
			testProtocol({
				replyId: (msg) => {
					const id = field(msg, 'id');
					return typeof id === 'string' ? id : undefined;
				},
				...overrides
			});

		function answerRequests(server: TestServer, answer = true): void {
			server.onFrame = (conn, frame) => {
				if (frame.op !== 'req' || !answer) return;
				// Out of order, with an unrelated push in between, to show matching is by id.
				conn.ws.send(JSON.stringify({ m: 'depth', seqnum: 7 }));
				conn.ws.send(JSON.stringify({ m: frame.action, id: frame.id, code: 0 }));
			};
		}

		const req = (id: string, action = 'futures-account-snapshot') =>
			JSON.stringify({ op: 'req', id, action });

		it('resolves with the message that carries its id; others still reach the listeners', async () => {
			const server = await TestServer.start();
			answerRequests(server);
			const h = open(server, requestProtocol());
			h.socket.connect();
			await waitFor('live', () => h.socket.status.state === 'live');
			const [a, b] = await Promise.all([
				h.socket.request(req('a1'), 'a1'),
				h.socket.request(req('b2', 'futures-open-orders'), 'b2')
			]);
			expect(a).toEqual({ m: 'futures-account-snapshot', id: 'a1', code: 0 });
			expect(b).toEqual({ m: 'futures-open-orders', id: 'b2', code: 0 });
			expect(h.messages).toEqual([
				{ m: 'depth', seqnum: 7 },
				{ m: 'depth', seqnum: 7 }
			]);
		});

		it('takes a reply without an id when `match` accepts it', async () => {
			const server = await TestServer.start();
			server.onFrame = (conn, frame) => {
				if (frame.op === 'req') conn.ws.send(JSON.stringify({ m: 'depth-snapshot', seqnum: 9 }));
			};
			const h = open(server, requestProtocol());
			h.socket.connect();
			await waitFor('live', () => h.socket.status.state === 'live');
			const reply = await h.socket.request(req('s1', 'depth-snapshot'), 's1', {
				match: (msg) => field(msg, 'm') === 'depth-snapshot'
			});
			expect(reply).toEqual({ m: 'depth-snapshot', seqnum: 9 });
			expect(h.messages).toEqual([]);
		});

		it('rejects on timeout, and a late reply then goes to the listeners', async () => {
			const server = await TestServer.start();
			answerRequests(server, false);
			const h = open(server, requestProtocol());
			h.socket.connect();
			await waitFor('live', () => h.socket.status.state === 'live');
			await expect(h.socket.request(req('t1'), 't1', { timeoutMs: 50 })).rejects.toThrow(
				'The connection did not answer request t1 within 50 ms'
			);
			server.sendJson(0, { m: 'futures-account-snapshot', id: 't1' });
			await waitFor('late reply', () => h.messages.length === 1);
			expect(h.socket.status.state).toBe('live');
		});

		it('rejects when the connection drops or the socket closes while it waits', async () => {
			const server = await TestServer.start();
			answerRequests(server, false);
			const h = open(server, requestProtocol(), { label: 'The private stream' });
			h.socket.connect();
			await waitFor('live', () => h.socket.status.state === 'live');
			const dropped = h.socket.request(req('d1'), 'd1');
			await waitFor('request sent', () => server.conns[0].received.length === 1);
			server.conns[0].ws.close(1012, 'restart');
			await expect(dropped).rejects.toThrow(
				'The private stream dropped: Connection closed (1012: restart)'
			);

			await waitFor('live again', () => h.reconnected.length === 1);
			const closed = h.socket.request(req('c1'), 'c1');
			h.socket.close();
			await expect(closed).rejects.toThrow('The private stream is closed');
			await expect(h.socket.request(req('c2'), 'c2')).rejects.toThrow(
				'The private stream is closed'
			);
		});

		it('rejects at once when not connected, or when the id is already waiting', async () => {
			const server = await TestServer.start();
			answerRequests(server, false);
			const h = open(server, requestProtocol());
			await expect(h.socket.request(req('n1'), 'n1')).rejects.toThrow(
				'The connection is not connected'
			);
			h.socket.connect();
			await waitFor('live', () => h.socket.status.state === 'live');
			const first = h.socket.request(req('x'), 'x', { timeoutMs: 100 });
			await expect(h.socket.request(req('x'), 'x')).rejects.toThrow(
				'A request with id x is already waiting'
			);
			await expect(first).rejects.toThrow(/did not answer/);
		});
	});
});

describe('ReconnectingSocket in a browser environment', () => {
	function stubBrowser() {
		const win = new EventTarget();
		const doc = Object.assign(new EventTarget(), { visibilityState: 'visible' });
		vi.stubGlobal('window', win);
		vi.stubGlobal('document', doc);
		return { win, doc };
	}

	it('closes while offline without retrying, and reconnects at once when online', async () => {
		const { win } = stubBrowser();
		const server = await TestServer.start();
		const h = open(server, testProtocol(), {
			watchEnvironment: true,
			policy: { initialDelayMs: 10 }
		});
		h.socket.connect();
		await waitFor('live', () => h.socket.status.state === 'live');

		win.dispatchEvent(new Event('offline'));
		expect(h.socket.status).toMatchObject({ state: 'reconnecting', error: 'offline' });
		await waitFor('server side closed', () => server.conns[0].ws.readyState === WebSocket.CLOSED);
		await sleep(150);
		expect(server.conns).toHaveLength(1);

		win.dispatchEvent(new Event('online'));
		await waitFor('live', () => h.socket.status.state === 'live', 500);
		expect(server.conns).toHaveLength(2);
		expect(h.reconnected).toHaveLength(1);

		h.socket.close();
		win.dispatchEvent(new Event('offline'));
		win.dispatchEvent(new Event('online'));
		await sleep(100);
		expect(h.socket.status.state).toBe('idle');
		expect(server.conns).toHaveLength(2);
	});

	it('on waking with old data, shows stale at once and pings; an answer makes it live', async () => {
		const { doc } = stubBrowser();
		const server = await TestServer.start();
		let skew = 0;
		const h = open(server, testProtocol({ keepaliveMs: 30_000, staleAfterMs: 30_000 }), {
			watchEnvironment: true,
			monotonicNow: () => performance.now() + skew
		});
		h.socket.connect();
		await waitFor('live', () => h.socket.status.state === 'live');

		skew = 45_000; // the tab was in the background; its timers did not run
		doc.dispatchEvent(new Event('visibilitychange'));
		expect(h.socket.status.state).toBe('stale');
		await waitFor('ping', () => server.conns[0].received.includes('{"op":"ping"}'));
		await waitFor('live', () => h.socket.status.state === 'live');
		expect(h.socket.status.latencyMs).toBeDefined();
		expect(server.conns).toHaveLength(1);
	});

	it('on waking, reconnects when the wake-up ping gets no answer', async () => {
		const { doc } = stubBrowser();
		const server = await TestServer.start();
		server.answerPings = false;
		let skew = 0;
		const protocol = testProtocol({
			keepaliveMs: 30_000,
			pongTimeoutMs: 150,
			staleAfterMs: 30_000
		});
		const h = open(server, protocol, {
			watchEnvironment: true,
			monotonicNow: () => performance.now() + skew
		});
		h.socket.connect();
		await waitFor('live', () => h.socket.status.state === 'live');

		skew = 45_000;
		doc.dispatchEvent(new Event('visibilitychange'));
		expect(h.socket.status.state).toBe('stale');
		await waitFor('second connection', () => server.conns.length === 2, 5000);
		await waitFor('live', () => h.socket.status.state === 'live');
		expect(h.errors).toEqual(['No reply to keepalive within 150 ms']);
	});

	it('on waking after a sleep that stopped the monotonic clock, still probes the connection', async () => {
		const { doc } = stubBrowser();
		const server = await TestServer.start();
		let slept = 0;
		const h = open(server, testProtocol({ keepaliveMs: 30_000, staleAfterMs: 30_000 }), {
			watchEnvironment: true,
			now: () => Date.now() + slept
		});
		h.socket.connect();
		await waitFor('live', () => h.socket.status.state === 'live');

		slept = 45_000; // only the wall clock saw the sleep
		doc.dispatchEvent(new Event('visibilitychange'));
		expect(h.socket.status.state).toBe('stale');
		await waitFor('ping', () => pings(server.conns[0]) === 1);
		await waitFor('live', () => h.socket.status.state === 'live');
	});

	it('on waking soon after the last frame, leaves a live connection alone', async () => {
		const { doc } = stubBrowser();
		const server = await TestServer.start();
		const h = open(server, testProtocol({ keepaliveMs: 30_000, staleAfterMs: 30_000 }), {
			watchEnvironment: true
		});
		h.socket.connect();
		await waitFor('live', () => h.socket.status.state === 'live');
		doc.dispatchEvent(new Event('visibilitychange'));
		expect(h.socket.status.state).toBe('live');
		await sleep(50);
		expect(pings(server.conns[0])).toBe(0);
	});
});
