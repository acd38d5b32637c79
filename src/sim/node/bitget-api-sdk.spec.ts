import net from 'node:net';
import { RestClientV2, WebsocketClientV2 } from 'bitget-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBitgetSimServer, type BitgetSimServer } from './bitget-server';

/**
 * The published `bitget-api` SDK (a third party that talks to the real Bitget every day) against
 * the Bitget simulator on loopback. Where the two disagree the docs decide; what the SDK does that
 * the docs allow, the simulator must accept.
 */

const KEY = { apiKey: 'bg-sdk-key', apiSecret: 'bg-sdk-secret', apiPass: 'bg-sdk-pass' };
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '::ffff:127.0.0.1']);

let server: BitgetSimServer;
let account: ReturnType<BitgetSimServer['sim']['addAccount']>;
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
	server = await startBitgetSimServer({ seed: 71, rateLimits: false });
	account = server.sim.addAccount({
		apiKey: KEY.apiKey,
		secret: KEY.apiSecret,
		passphrase: KEY.apiPass,
		posMode: 'hedge_mode'
	});
	account.seedPosition({
		symbol: 'BTCUSDT',
		holdSide: 'long',
		size: '0.02',
		openPriceAvg: '60000',
		leverage: 20,
		marginMode: 'crossed'
	});
});

afterAll(async () => {
	net.Socket.prototype.connect = originalConnect;
	await server.close();
	expect(foreignHosts).toEqual([]);
});

function restClient(overrides: Partial<typeof KEY> = {}) {
	return new RestClientV2({ ...KEY, ...overrides, baseUrl: server.url });
}

/** The SDK rejects with `{ code: httpStatus, body: envelope }`; show the envelope, not the key. */
async function envelopeOf<T>(call: Promise<T>): Promise<T | { rejected: unknown }> {
	return call.catch((e: unknown) => ({
		rejected: (e as { body?: unknown })?.body ?? String(e)
	}));
}

describe('bitget-api RestClientV2 against the simulator', () => {
	it('reads the positions with a signed GET', async () => {
		const res = await envelopeOf(
			restClient().getFuturesPositions({ productType: 'USDT-FUTURES', marginCoin: 'USDT' })
		);
		expect(res).toMatchObject({ code: '00000' });
		expect((res as { data: unknown[] }).data).toEqual([
			expect.objectContaining({ symbol: 'BTCUSDT', holdSide: 'long', total: '0.02' })
		]);
	});

	it('closes part of the seeded long in hedge mode (buy + tradeSide close, market)', async () => {
		const res = await envelopeOf(
			restClient().futuresSubmitOrder({
				symbol: 'BTCUSDT',
				productType: 'USDT-FUTURES',
				marginMode: 'crossed',
				marginCoin: 'USDT',
				size: '0.005',
				side: 'buy',
				tradeSide: 'close',
				orderType: 'market',
				clientOid: 'sdk-close-1'
			})
		);
		expect(res).toMatchObject({
			code: '00000',
			data: { orderId: expect.any(String), clientOid: 'sdk-close-1' }
		});
		expect(account.positions()).toEqual([
			expect.objectContaining({ symbol: 'BTCUSDT', holdSide: 'long', total: '0.015' })
		]);
		// What reached the exchange is the documented body, field by field.
		expect(server.sim.ordersSubmitted(KEY.apiKey).at(-1)).toEqual({
			symbol: 'BTCUSDT',
			productType: 'USDT-FUTURES',
			marginMode: 'crossed',
			marginCoin: 'USDT',
			size: '0.005',
			side: 'buy',
			tradeSide: 'close',
			orderType: 'market',
			clientOid: 'sdk-close-1'
		});
	});

	it('is refused with a wrong secret (40009) and a wrong passphrase (40012)', async () => {
		const params = { productType: 'USDT-FUTURES' as const, marginCoin: 'USDT' };
		const badSecret = await envelopeOf(
			restClient({ apiSecret: 'not-the-secret' }).getFuturesPositions(params)
		);
		expect(badSecret).toMatchObject({ rejected: { code: '40009' } });
		const badPass = await envelopeOf(restClient({ apiPass: 'not-it' }).getFuturesPositions(params));
		expect(badPass).toMatchObject({ rejected: { code: '40012' } });
	});
});

describe('bitget-api WebsocketClientV2 against the simulator', () => {
	it('logs in, subscribes positions, gets the snapshot and then an update push', async () => {
		const ws = new WebsocketClientV2(
			{ ...KEY, wsUrl: server.endpoints.privateWs, pingInterval: 5_000 },
			logger
		);
		const seen: string[] = [];
		let timer: ReturnType<typeof setTimeout> | undefined;
		try {
			const pushes: Array<Record<string, unknown>> = [];
			let wake: (() => void) | undefined;
			ws.on('exception', (e: unknown) => seen.push(`exception ${JSON.stringify(e)}`));
			ws.on('authenticated', () => seen.push('authenticated'));
			ws.on('response', (e: { event?: string }) => seen.push(`response:${e.event}`));
			ws.on('update', (e: Record<string, unknown>) => {
				if ((e.arg as { channel?: string })?.channel === 'positions') {
					pushes.push(e);
					wake?.();
				}
			});
			const timeout = new Promise<never>((_, reject) => {
				timer = setTimeout(
					() =>
						reject(new Error(`no positions push; saw ${seen.join(', ')}; ${sdkLog.join(' | ')}`)),
					10_000
				);
			});
			const nextPush = async (action: string) => {
				for (;;) {
					const found = pushes.find((p) => p.action === action);
					if (found) return found;
					await Promise.race([new Promise<void>((resolve) => (wake = resolve)), timeout]);
				}
			};
			void ws.subscribeTopic('USDT-FUTURES', 'positions');
			const snapshot = await nextPush('snapshot');
			expect(seen).toContain('authenticated');
			expect(snapshot.data).toEqual([
				expect.objectContaining({ instId: 'BTCUSDT', holdSide: 'long', total: '0.015' })
			]);
			// A fill made elsewhere (the website, another device) moves the position.
			account.trade({ symbol: 'BTCUSDT', side: 'buy', tradeSide: 'open', size: '0.01' });
			const update = await nextPush('update');
			expect(update.data).toEqual([
				expect.objectContaining({ instId: 'BTCUSDT', holdSide: 'long', total: '0.025' })
			]);
		} finally {
			clearTimeout(timer);
			ws.closeAll(true);
		}
		expect(foreignHosts).toEqual([]);
	});
});
