import { createServer, type AddressInfo, type Socket } from 'node:net';
import { deflateRawSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import type { ConnectionStatus } from '$lib/exchanges/types';
import { ReconnectingSocket } from './socket';
import type { ReconnectPolicy, SocketLike, SocketProtocol } from './types';

// A scripted venue on loopback: answers pings, records every frame each connection received.
interface ServerConn {
	ws: WebSocket;
	received: string[];
}

class TestServer {
	readonly conns: ServerConn[] = [];
	answerPings = true;
	onFrame: (conn: ServerConn, frame: Record<string, unknown>) => void = () => {};

	private constructor(private readonly wss: WebSocketServer) {
		wss.on('connection', (ws) => {
			const conn: ServerConn = { ws, received: [] };
			this.conns.push(conn);
			ws.on('message', (data) => {
				const text = String(data);
				conn.received.push(text);
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
}

function open(
	server: TestServer,
	protocol: SocketProtocol,
	extra: { policy?: Partial<ReconnectPolicy>; now?: () => number; watchEnvironment?: boolean } = {}
): Harness {
	const clientSockets: SocketLike[] = [];
	const socket = new ReconnectingSocket({
		url: server.url,
		protocol,
		factory: (url) => {
			const ws = new WebSocket(url) as unknown as SocketLike;
			clientSockets.push(ws);
			return ws;
		},
		policy: { initialDelayMs: 20, maxDelayMs: 100, ...extra.policy },
		now: extra.now,
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
		clientSockets
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

async function waitFor(what: string, condition: () => boolean, timeoutMs = 2000): Promise<void> {
	const start = Date.now();
	while (!condition()) {
		if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
		await sleep(5);
	}
}

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

	it('shows a silent stream as stale and live again on the next message', async () => {
		const server = await TestServer.start();
		const h = open(server, testProtocol({ staleAfterMs: 150 }));
		h.socket.connect();
		await waitFor('live', () => h.socket.status.state === 'live');
		await waitFor('stale', () => h.socket.status.state === 'stale', 1000);
		server.sendJson(0, { tick: 1 });
		await waitFor('live again', () => h.socket.status.state === 'live');
		expect(h.states).toEqual(['connecting', 'live', 'stale', 'live']);
		expect(server.conns).toHaveLength(1);
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
		const h = open(server, loginProtocol({ pongTimeoutMs: 400 }), { now: () => Date.now() + skew });
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
			now: () => Date.now() + skew,
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
		const h = open(server, testProtocol({ keepaliveMs: 60_000, staleAfterMs: 30_000 }), {
			watchEnvironment: true,
			now: () => Date.now() + skew
		});
		h.socket.connect();
		await waitFor('live', () => h.socket.status.state === 'live');

		skew = 45_000; // the phone slept; timers did not run
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
			keepaliveMs: 60_000,
			pongTimeoutMs: 150,
			staleAfterMs: 30_000
		});
		const h = open(server, protocol, { watchEnvironment: true, now: () => Date.now() + skew });
		h.socket.connect();
		await waitFor('live', () => h.socket.status.state === 'live');

		skew = 45_000;
		doc.dispatchEvent(new Event('visibilitychange'));
		expect(h.socket.status.state).toBe('stale');
		await waitFor('second connection', () => server.conns.length === 2, 5000);
		await waitFor('live', () => h.socket.status.state === 'live');
		expect(h.errors).toEqual(['No reply to keepalive within 150 ms']);
	});
});
