import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { SimExchange } from '../core';
import { createPortTransport, serveTransport } from './port-transport';
import { createInPageTransport, DEMO_ENDPOINTS } from './transport';

const FAST = { marketTickMs: 15, depthPushMs: 20, lifelessMs: 0 };
let sim: SimExchange | undefined;
const ports: MessagePort[] = [];
afterEach(() => {
	sim?.stop();
	for (const port of ports.splice(0)) port.close();
});

/** The Demo's transport across a real message port, the way the page talks to its worker. */
function portTransport(s: SimExchange): ReturnType<typeof createInPageTransport> {
	const { port1, port2 } = new MessageChannel();
	ports.push(port1, port2);
	serveTransport(s, port1);
	return createPortTransport(port2);
}

const TRANSPORTS = [
	['in-page', createInPageTransport],
	['message-port', portTransport]
] as const;

function nextMessage(
	socket: ReturnType<ReturnType<typeof createInPageTransport>['socketFactory']>,
	match: (m: Record<string, unknown>) => boolean
) {
	return new Promise<Record<string, unknown>>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error('no matching message')), 3000);
		socket.onmessage = ({ data }) => {
			const message = JSON.parse(String(data)) as Record<string, unknown>;
			if (match(message)) {
				clearTimeout(timer);
				resolve(message);
			}
		};
	});
}

describe.each(TRANSPORTS)('%s transport', (_name, make) => {
	it('routes fetch to the simulator, signed requests included, and returns real Responses', async () => {
		sim = new SimExchange({ seed: 5, timing: FAST });
		sim.addAccount({ apiKey: 'k', secret: 's', memo: 'm' });
		const { fetch } = make(sim);
		const time = await fetch(`${DEMO_ENDPOINTS.rest}/system/time`);
		expect(time).toBeInstanceOf(Response);
		expect(((await time.json()) as { code: number }).code).toBe(1000);
		const body = '{"symbol":"BTCUSDT"}';
		const ts = String(Date.now());
		const sign = createHmac('sha256', 's').update(`${ts}#m#${body}`).digest('hex');
		const ok = await fetch(`${DEMO_ENDPOINTS.rest}/contract/private/cancel-orders`, {
			method: 'POST',
			headers: { 'X-BM-KEY': 'k', 'X-BM-TIMESTAMP': ts, 'X-BM-SIGN': sign },
			body
		});
		expect(ok.status).toBe(200);
		const wrong = await fetch(`${DEMO_ENDPOINTS.rest}/contract/private/cancel-orders`, {
			method: 'POST',
			headers: { 'X-BM-KEY': 'k', 'X-BM-TIMESTAMP': ts, 'X-BM-SIGN': sign.replace(/^./, 'x') },
			body
		});
		expect(wrong.status).toBe(401);
		expect(((await wrong.json()) as { code: number }).code).toBe(30005);
	});

	it('fails like a CORS-blocked browser fetch when cors is off', async () => {
		sim = new SimExchange({ cors: false, timing: FAST });
		const { fetch } = make(sim);
		await expect(fetch(`${DEMO_ENDPOINTS.rest}/system/time`)).rejects.toThrow(TypeError);
		await expect(
			fetch(`${DEMO_ENDPOINTS.rest}/contract/private/assets-detail`, {
				headers: { 'X-BM-KEY': 'k' }
			})
		).rejects.toThrow('Failed to fetch');
	});

	it('honours an AbortSignal like a browser fetch: an AbortError, while the request may still execute', async () => {
		sim = new SimExchange({ seed: 5, timing: FAST });
		sim.addAccount({ apiKey: 'k', secret: 's', memo: 'm' });
		const { fetch } = make(sim);
		const path = '/contract/private/cancel-orders';
		const send = (signal: AbortSignal) => {
			const body = '{"symbol":"BTCUSDT"}';
			const ts = String(Date.now());
			const sign = createHmac('sha256', 's').update(`${ts}#m#${body}`).digest('hex');
			return fetch(`${DEMO_ENDPOINTS.rest}${path}`, {
				method: 'POST',
				headers: { 'X-BM-KEY': 'k', 'X-BM-TIMESTAMP': ts, 'X-BM-SIGN': sign },
				body,
				signal
			});
		};
		const reached = () => sim!.requests.filter((r) => r.path === path).length;
		const already = new AbortController();
		already.abort();
		await expect(send(already.signal)).rejects.toMatchObject({ name: 'AbortError' });
		await new Promise((resolve) => setTimeout(resolve, 20));
		expect(reached()).toBe(0);

		// Aborted while the exchange holds the request: the caller is freed at once, the exchange
		// still processes it later (a browser cannot recall a request that left).
		sim.faults.holdNext(path, 200);
		const late = new AbortController();
		const pending = send(late.signal);
		// Aborted once the exchange holds it (a port adds a hop, so no fixed delay fits both).
		while (sim.faults.heldRequests().length === 0) await new Promise((r) => setTimeout(r, 5));
		late.abort();
		await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
		expect(sim.faults.heldRequests()).toHaveLength(1);
		expect(reached()).toBe(0);
		// The hold ends on its own; wait for it as long as a busy machine needs, not a fixed delay.
		for (let i = 0; i < 200 && reached() === 0; i++) await new Promise((r) => setTimeout(r, 25));
		expect(sim.faults.heldRequests()).toHaveLength(0);
		expect(reached()).toBe(1);
	});

	it('sends nothing after an abort during the CORS preflight, as a browser would not', async () => {
		sim = new SimExchange({ seed: 5, timing: FAST });
		sim.addAccount({ apiKey: 'k', secret: 's', memo: 'm' });
		const { fetch } = make(sim);
		const path = '/contract/private/cancel-orders';
		// Long enough that the abort lands during the preflight even on a loaded machine, where a
		// message to the simulator's port can wait a while.
		sim.faults.delayResponses(600);
		const abort = new AbortController();
		const body = '{"symbol":"BTCUSDT"}';
		const ts = String(Date.now());
		const sign = createHmac('sha256', 's').update(`${ts}#m#${body}`).digest('hex');
		const pending = fetch(`${DEMO_ENDPOINTS.rest}${path}`, {
			method: 'POST',
			headers: { 'X-BM-KEY': 'k', 'X-BM-TIMESTAMP': ts, 'X-BM-SIGN': sign },
			body,
			signal: abort.signal
		});
		setTimeout(() => abort.abort(), 50);
		await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
		sim.faults.delayResponses(0);
		await new Promise((resolve) => setTimeout(resolve, 900));
		expect(sim.requests.filter((r) => r.path === path)).toHaveLength(0);
	});

	it('opens a socket asynchronously and streams a depth channel through it', async () => {
		sim = new SimExchange({ seed: 5, timing: FAST });
		sim.start();
		const socket = make(sim).socketFactory(DEMO_ENDPOINTS.publicWs);
		expect(socket.readyState).toBe(0);
		expect(() => socket.send('{}')).toThrow();
		await new Promise<void>((resolve) => (socket.onopen = () => resolve()));
		expect(socket.readyState).toBe(1);
		expect(sim.connections().public).toBe(1);
		const topic = 'futures/depthIncrease5:ETHUSDT@100ms';
		const snapshot = nextMessage(socket, (m) => m.group === topic && !('action' in m));
		socket.send(JSON.stringify({ action: 'subscribe', args: [topic] }));
		const snap = (await snapshot).data as { version: number; type: string };
		expect(snap.type).toBe('snapshot');
		const update = (await nextMessage(socket, (m) => m.group === topic)).data as {
			version: number;
		};
		expect(update.version).toBe(snap.version + 1);
		const closed = new Promise<{ code: number }>((resolve) => (socket.onclose = resolve));
		sim.faults.dropConnections();
		expect((await closed).code).toBe(1006);
		expect(socket.readyState).toBe(3);
		expect(sim.connections().total).toBe(0);
	});

	it('closes from the client side and detaches the session', async () => {
		sim = new SimExchange({ timing: FAST });
		const socket = make(sim).socketFactory(DEMO_ENDPOINTS.privateWs);
		await new Promise<void>((resolve) => (socket.onopen = () => resolve()));
		expect(sim.connections().private).toBe(1);
		const closed = new Promise<{ code: number }>((resolve) => (socket.onclose = resolve));
		socket.close(1000, 'bye');
		expect((await closed).code).toBe(1000);
		expect(sim.connections().private).toBe(0);
	});
});

describe.each(TRANSPORTS)('%s transport faults', (_name, make) => {
	it('loses a dropped answer as a fetch TypeError after the order has executed', async () => {
		sim = new SimExchange({ seed: 5, timing: FAST });
		const account = sim.addAccount({ apiKey: 'k', secret: 's', memo: 'm' });
		account.seedPosition({ symbol: 'SOLUSDT', side: 'short', size: 6, entryPrice: '150.000' });
		const { fetch } = make(sim);
		sim.faults.dropNextResponse('submit-order');
		const body = JSON.stringify({
			symbol: 'SOLUSDT',
			client_order_id: 'inPageLost',
			side: 2,
			type: 'market',
			size: 6,
			open_type: 'cross'
		});
		const ts = String(Date.now());
		const sign = createHmac('sha256', 's').update(`${ts}#m#${body}`).digest('hex');
		await expect(
			fetch(`${DEMO_ENDPOINTS.rest}/contract/private/submit-order`, {
				method: 'POST',
				headers: { 'X-BM-KEY': 'k', 'X-BM-TIMESTAMP': ts, 'X-BM-SIGN': sign },
				body
			})
		).rejects.toThrow('Failed to fetch');
		expect(account.state.positions.size).toBe(0);
		expect([...account.state.orders.values()].map((o) => [o.clientOrderId, o.dealSize])).toEqual([
			['inPageLost', 6]
		]);
		expect(sim.ordersSubmitted('k')).toEqual([JSON.parse(body)]);
	});
});
