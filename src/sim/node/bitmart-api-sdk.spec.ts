import net from 'node:net';
import { FuturesClientV2, WebsocketClient } from 'bitmart-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimServer, type SimServer } from './server';

/**
 * The published `bitmart-api` SDK (a third party that talks to the real BitMart every day) against
 * the simulator on loopback. Where the two disagree the docs decide; what the SDK does that the
 * docs allow, the simulator must accept.
 */

const KEY = { apiKey: 'sdk-key-0001', secret: 'sdk-secret-0001', memo: 'sdk-memo' };
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '::ffff:127.0.0.1']);

let server: SimServer;
let account: ReturnType<SimServer['sim']['addAccount']>;
const foreignHosts: string[] = [];
const originalConnect = net.Socket.prototype.connect;

/** Every TCP connection this file opens must go to loopback: the SDK has real hosts built in. */
function guardLoopback(): void {
	net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
		const first = args[0];
		const host =
			typeof first === 'object' && first !== null && !Array.isArray(first)
				? (first as { host?: string; path?: string }).path === undefined
					? ((first as { host?: string }).host ?? 'localhost')
					: 'localhost'
				: typeof args[1] === 'string'
					? args[1]
					: 'localhost';
		if (!LOOPBACK.has(host)) {
			foreignHosts.push(host);
			throw new Error(`test refused a connection to ${host}`);
		}
		return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
	} as typeof net.Socket.prototype.connect;
}

/** The SDK logs to the console by default; keep what it says for the failure message instead. */
const sdkLog: string[] = [];
const logger = {
	trace: () => undefined,
	info: (...params: unknown[]) => void sdkLog.push(`info ${JSON.stringify(params)}`),
	error: (...params: unknown[]) => void sdkLog.push(`error ${JSON.stringify(params)}`)
};

beforeAll(async () => {
	guardLoopback();
	server = await startSimServer({ seed: 71, rateLimits: false });
	account = server.sim.addAccount({ ...KEY, positionMode: 'hedge' });
	account.seedPosition({
		symbol: 'BTCUSDT',
		side: 'long',
		size: 20,
		entryPrice: '60000',
		leverage: '20',
		marginMode: 'cross'
	});
});

afterAll(async () => {
	net.Socket.prototype.connect = originalConnect;
	await server.close();
});

function restClient() {
	return new FuturesClientV2({
		apiKey: KEY.apiKey,
		apiSecret: KEY.secret,
		apiMemo: KEY.memo,
		baseUrl: server.url
	});
}

/** The SDK rejects with `{ code: httpStatus, body: envelope }`; show the envelope, not the key. */
async function envelopeOf<T>(call: Promise<T>): Promise<T | { rejected: unknown }> {
	return call.catch((e: unknown) => ({
		rejected: (e as { body?: unknown })?.body ?? String(e)
	}));
}

describe('bitmart-api FuturesClientV2 against the simulator', () => {
	it('reads the assets (a KEYED GET) the way the SDK sends it', async () => {
		const res = await envelopeOf(restClient().getFuturesAccountAssets());
		expect(res).toMatchObject({ code: 1000 });
		const usdt = (res as { data: Array<{ currency: string }> }).data.find(
			(a) => a.currency === 'USDT'
		);
		expect(usdt).toBeDefined();
	});

	it('closes part of the seeded long with a SIGNED submit-order (side 3, market)', async () => {
		const res = await envelopeOf(
			restClient().submitFuturesOrder({
				symbol: 'BTCUSDT',
				client_order_id: 'sdkClose1',
				side: 3,
				type: 'market',
				size: 5,
				open_type: 'cross'
			})
		);
		expect(res).toMatchObject({ code: 1000, data: { order_id: expect.anything() } });
		const held = account.positions().find((p) => p.symbol === 'BTCUSDT' && p.side === 'long');
		expect(held?.size).toBe('15');
	});

	it('is still refused with a wrong secret on the SIGNED call', async () => {
		const wrong = new FuturesClientV2({
			apiKey: KEY.apiKey,
			apiSecret: 'not-the-secret',
			apiMemo: KEY.memo,
			baseUrl: server.url
		});
		const res = await envelopeOf(
			wrong.submitFuturesOrder({
				symbol: 'BTCUSDT',
				client_order_id: 'sdkClose2',
				side: 3,
				type: 'market',
				size: 1,
				open_type: 'cross'
			})
		);
		expect(res).toMatchObject({ rejected: { code: 30005 } });
	});
});

describe('bitmart-api WebsocketClient against the simulator', () => {
	it('logs in, subscribes futures/position and gets the timed position push', async () => {
		const ws = new WebsocketClient(
			{
				apiKey: KEY.apiKey,
				apiSecret: KEY.secret,
				apiMemo: KEY.memo,
				wsUrl: server.endpoints.privateWs
			},
			logger
		);
		const seen: string[] = [];
		let timer: ReturnType<typeof setTimeout> | undefined;
		try {
			const push = new Promise<Record<string, unknown>>((resolve, reject) => {
				ws.on('exception', (e: unknown) => reject(new Error(`SDK exception ${JSON.stringify(e)}`)));
				ws.on('authenticated', () => seen.push('authenticated'));
				ws.on('response', (e: { action?: string; success?: boolean }) =>
					seen.push(`${e.action}:${e.success}`)
				);
				ws.on('update', (e: { group?: string; data?: unknown }) => {
					if (e.group === 'futures/position') resolve(e as Record<string, unknown>);
				});
			});
			const subscribed = Promise.all(ws.subscribe('futures/position', 'futures'));
			// The docs' position channel pushes every 10 s; a little slack for a loaded machine.
			const timeout = new Promise<never>((_, reject) => {
				timer = setTimeout(
					() =>
						reject(new Error(`no position push; saw ${seen.join(', ')}; ${sdkLog.join(' | ')}`)),
					12_000
				);
			});
			await Promise.race([subscribed, timeout]);
			const frame = await Promise.race([push, timeout]);
			expect(seen).toContain('authenticated');
			expect(frame.data).toEqual(
				expect.arrayContaining([expect.objectContaining({ symbol: 'BTCUSDT', position_type: 1 })])
			);
		} finally {
			clearTimeout(timer);
			ws.closeAll(true);
		}
		expect(foreignHosts).toEqual([]);
	});
});
