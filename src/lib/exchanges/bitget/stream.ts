/**
 * Bitget V2 WebSocket: channel args, request frames, the keepalive and the login, as the
 * `SocketProtocol`s the reconnecting socket drives (notes §3). Pure builders and recognisers.
 *
 * A topic, as the reconnecting socket tracks it, is `channel:instId` (`books5:BTCUSDT`,
 * `positions:default`); `account:default` becomes the `coin` key the account channel uses.
 */

import type { MarketStreamOptions } from '$lib/exchanges/types';
import type { ServerClock } from '$lib/net/clock';
import type { SocketProtocol } from '$lib/net/types';
import { isObject, optString } from '../bitmart/fields';
import { bitgetSocketError } from './errors';
import { PRODUCT_TYPE } from './normalize';
import { hmacBase64, wsLoginPrehash } from './sign';

export interface BitgetWsCredentials {
	apiKey: string;
	passphrase: string;
	key: CryptoKey;
}

export interface ChannelArg {
	instType: string;
	channel: string;
	instId?: string;
	coin?: string;
}

export type BookChannel = 'books' | 'books1' | 'books5' | 'books15';

export function topicOf(channel: string, instId: string): string {
	return `${channel}:${instId}`;
}

export function argOf(topic: string): ChannelArg {
	const at = topic.indexOf(':');
	const channel = topic.slice(0, at);
	const id = topic.slice(at + 1);
	return channel === 'account'
		? { instType: PRODUCT_TYPE, channel, coin: id }
		: { instType: PRODUCT_TYPE, channel, instId: id };
}

/** The topic a push or an ack is about, from its `arg`. */
export function topicOfArg(arg: unknown): string | undefined {
	if (!isObject(arg)) return undefined;
	const channel = optString(arg, 'channel');
	const id = optString(arg, 'instId') ?? optString(arg, 'coin');
	return channel && id ? topicOf(channel, id) : undefined;
}

/**
 * The book channel for the neutral options: `books1`/`books5`/`books15` are full snapshots of
 * that many levels on every push; `books` is the whole book as a snapshot then updates, checked
 * by checksum. Speed does not pick a channel: Bitget pushes all of them at its own pace.
 */
export function bookChannel(options: MarketStreamOptions): BookChannel {
	const depth = options.depth;
	if (depth === 'full' || depth > 15) return 'books';
	if (depth <= 1) return 'books1';
	return depth <= 5 ? 'books5' : 'books15';
}

/** Levels per side the local book keeps for a channel; `books` is unbounded, so generously. */
export function bookChannelDepth(channel: BookChannel): number {
	return { books1: 1, books5: 5, books15: 15, books: 1000 }[channel];
}

/** The TS SDK sends at most 15 args a frame; the docs cap a frame's args at 4096 bytes. */
export const MAX_ARGS_PER_FRAME = 15;
export const MAX_FRAME_BYTES = 4000;

const encoder = new TextEncoder();

export function chunkedFrames(op: 'subscribe' | 'unsubscribe', topics: string[]): string[] {
	const frames: string[] = [];
	let chunk: ChannelArg[] = [];
	for (const topic of topics) {
		const candidate = [...chunk, argOf(topic)];
		const tooBig =
			candidate.length > MAX_ARGS_PER_FRAME ||
			encoder.encode(frameOf(op, candidate)).length > MAX_FRAME_BYTES;
		if (chunk.length > 0 && tooBig) {
			frames.push(frameOf(op, chunk));
			chunk = [argOf(topic)];
		} else {
			chunk = candidate;
		}
	}
	if (chunk.length > 0) frames.push(frameOf(op, chunk));
	return frames;
}

function frameOf(op: string, args: ChannelArg[]): string {
	return JSON.stringify({ op, args });
}

/**
 * Plain-text `ping` every 30 s, answered by a plain-text `pong`; the server drops a connection
 * that sent no ping for 2 minutes. No pong within 10 s means reconnect, as the docs advise.
 */
export const BITGET_KEEPALIVE = {
	keepaliveMs: 30_000,
	pongTimeoutMs: 10_000,
	staleAfterMs: 5_000
} as const;

export function bitgetPublicProtocol(): SocketProtocol {
	return {
		...BITGET_KEEPALIVE,
		pingFrame: () => 'ping',
		isPongText: (text) => text === 'pong',
		subscribeFrames: (topics) => chunkedFrames('subscribe', topics),
		unsubscribeFrames: (topics) => chunkedFrames('unsubscribe', topics)
	};
}

/** The signed login frame: the timestamp is in seconds, the prehash `ts + GET + /user/verify`. */
export async function loginFrame(creds: BitgetWsCredentials, nowMs: number): Promise<string> {
	const timestamp = String(Math.floor(nowMs / 1000));
	const sign = await hmacBase64(creds.key, wsLoginPrehash(timestamp));
	return JSON.stringify({
		op: 'login',
		args: [{ apiKey: creds.apiKey, passphrase: creds.passphrase, timestamp, sign }]
	});
}

/** The private socket: a fresh login on every (re)connect, signed with the server's time. */
export function bitgetPrivateProtocol(
	creds: BitgetWsCredentials,
	clock?: ServerClock
): SocketProtocol {
	return {
		...bitgetPublicProtocol(),
		loginFrame: () => loginFrame(creds, clock ? clock.now() : Date.now()),
		loginResult: (msg) => {
			const result = parseLoginReply(msg);
			return result === null || result === 'ok' ? result : result.message;
		}
	};
}

/**
 * `{"event":"login","code":0}` (the docs show `"0"`, the SDKs a number), or
 * `{"event":"error","code":30012,"msg":…}`. Null for anything else.
 */
export function parseLoginReply(msg: unknown): 'ok' | Error | null {
	if (!isObject(msg)) return null;
	const code = optString(msg, 'code');
	if (msg.event === 'login' && (code === undefined || Number(code) === 0)) return 'ok';
	if (msg.event === 'login' || msg.event === 'error') {
		return bitgetSocketError(code, msg.msg);
	}
	return null;
}
