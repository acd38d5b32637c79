/**
 * BitMart Futures V2 WebSocket: topic names, request frames and the `SocketProtocol`s the
 * reconnecting socket drives. Pure builders and recognisers; the socket does the I/O.
 */

import type { MarketStreamOptions } from '$lib/exchanges/types';
import type { SocketProtocol } from '$lib/net/types';
import type { ServerClock } from '$lib/net/clock';
import { isObject } from './fields';
import { hmacHex, wsLoginPrehash } from './sign';

export { parsePublicMessage, type PublicEvent } from './public-messages';

export type DepthLevels = 5 | 20 | 50;
export type DepthSpeedMs = 100 | 200;

export interface BitmartWsCredentials {
	apiKey: string;
	memo: string;
	key: CryptoKey;
}

export function tickerTopic(symbol: string): string {
	return `futures/ticker:${symbol}`;
}

/** Snapshot-then-updates book channel (the docs' "Depth-Increase Channel"). */
export function depthTopic(symbol: string, depth: DepthLevels, speedMs: DepthSpeedMs): string {
	return `futures/depthIncrease${depth}:${symbol}@${speedMs}ms`;
}

/**
 * BitMart's book channel for the neutral options: the shallowest depthIncrease channel that holds
 * the levels asked for (50, its deepest, for the full book), at 100 ms when fast, else 200 ms.
 */
export function depthChannel(options: MarketStreamOptions): {
	depth: DepthLevels;
	speedMs: DepthSpeedMs;
} {
	const wanted = options.depth;
	const depth: DepthLevels =
		wanted === 'full' ? 50 : (DEPTH_CHANNELS.find((levels) => levels >= wanted) ?? 50);
	return { depth, speedMs: options.speed === 'fast' ? 100 : 200 };
}

const DEPTH_CHANNELS: readonly DepthLevels[] = [5, 20, 50];

export function fundingTopic(symbol: string): string {
	return `futures/fundingRate:${symbol}`;
}

export function tradeTopic(symbol: string): string {
	return `futures/trade:${symbol}`;
}

/** Asks the server for a fresh snapshot on a depthIncrease topic (also works for fundingRate). */
export function requestSnapshotFrame(topic: string): string {
	return JSON.stringify({ action: 'request', args: [topic] });
}

/**
 * The docs allow 4,096 bytes of topics per frame, but a ~2.2 KB subscribe frame was seen closing
 * the socket with 1009, so frames stay well under that.
 */
export const MAX_FRAME_BYTES = 1000;

const encoder = new TextEncoder();

function byteLength(text: string): number {
	return encoder.encode(text).length;
}

/** Splits topics into `{action, args}` frames of at most `maxBytes` each (a lone oversized topic still gets its own frame). */
export function chunkedFrames(
	action: 'subscribe' | 'unsubscribe',
	topics: string[],
	maxBytes = MAX_FRAME_BYTES
): string[] {
	const frames: string[] = [];
	let chunk: string[] = [];
	for (const topic of topics) {
		const candidate = [...chunk, topic];
		if (chunk.length > 0 && byteLength(frameOf(action, candidate)) > maxBytes) {
			frames.push(frameOf(action, chunk));
			chunk = [topic];
		} else {
			chunk = candidate;
		}
	}
	if (chunk.length > 0) frames.push(frameOf(action, chunk));
	return frames;
}

function frameOf(action: string, args: string[]): string {
	return JSON.stringify({ action, args });
}

/**
 * The server drops a connection after 20 s without traffic, and the position channel pushes only
 * every 10 s on a quiet account: ping after 5 s of silence either way, so a quiet connection is
 * proven by its pongs every few seconds. A reply 3 s late shows stale; 5 s late reconnects, so
 * a dead connection is left within about 10 s of its last frame, well inside the server's 20 s.
 */
export const BITMART_KEEPALIVE = {
	keepaliveMs: 5_000,
	pongTimeoutMs: 5_000,
	staleAfterMs: 3_000
} as const;

/**
 * Futures keepalive is the JSON `{"action":"ping"}`; captures show the reply
 * `{"group":"System","data":"pong+<uuid>"}`, and the docs mention a bare text `pong`.
 */
export function isBitmartPong(msg: unknown): boolean {
	if (msg === 'pong') return true;
	return isObject(msg) && typeof msg.data === 'string' && msg.data.startsWith('pong');
}

export function bitmartPublicProtocol(): SocketProtocol {
	return {
		...BITMART_KEEPALIVE,
		pingFrame: () => JSON.stringify({ action: 'ping' }),
		isPong: isBitmartPong,
		subscribeFrames: (topics) => chunkedFrames('subscribe', topics),
		unsubscribeFrames: (topics) => chunkedFrames('unsubscribe', topics)
	};
}

/** The private socket: signs a fresh `access` frame on every (re)connect, with the server's time when known. */
export function bitmartPrivateProtocol(
	creds: BitmartWsCredentials,
	clock?: ServerClock
): SocketProtocol {
	return {
		...bitmartPublicProtocol(),
		loginFrame: async () => {
			const timestamp = String(clock ? clock.now() : Date.now());
			const sign = await hmacHex(creds.key, wsLoginPrehash(timestamp, creds.memo));
			return JSON.stringify({ action: 'access', args: [creds.apiKey, timestamp, sign, 'web'] });
		},
		loginResult: parseLoginAck
	};
}

/** `{"action":"access","success":true}`, or the same with `success:false` and an `error` text. */
export function parseLoginAck(msg: unknown): 'ok' | string | null {
	if (!isObject(msg) || msg.action !== 'access') return null;
	if (msg.success === true) return 'ok';
	const reason =
		typeof msg.error === 'string' && msg.error.trim() !== ''
			? msg.error.trim().slice(0, 200)
			: 'no reason given';
	return `BitMart refused the WebSocket login: ${reason}. Check the API key, secret, memo and this device's clock.`;
}
