/**
 * The AscendEX socket protocol (notes §3): `{"op":"ping"}` every 15 s, the server's
 * `{"m":"ping","hp":N}` answered with `{"op":"pong"}` at once, login by an `op:auth` message
 * (a browser cannot set headers on a WebSocket), one `sub` frame per channel.
 */

import type { SocketProtocol } from '$lib/net/types';
import { isObject } from './fields';

/** The docs: "every 15 seconds"; a client ping also holds off the server's for 30 s. */
export const PING_INTERVAL_MS = 15_000;
const PONG_TIMEOUT_MS = 10_000;
const STALE_AFTER_MS = 5_000;

/** The `m` of replies that echo the request's `id` (an account update carries an `id` too). */
const REPLIES = new Set([
	'order',
	'futures-account-snapshot',
	'futures-open-orders',
	'depth-snapshot',
	'error'
]);

let counter = 0;
/** Request ids for subscriptions and requests (not orders: those carry the client order id). */
export function requestId(prefix = 'p'): string {
	counter = (counter + 1) % 1_000_000;
	return `${prefix}${Date.now().toString(36)}${counter.toString(36)}`;
}

export interface ProtocolHooks {
	/** The signed `op:auth` frame, built afresh on every (re)connect. */
	loginFrame?(): Promise<string>;
	/** Called with every server ping's health points. */
	healthPoints?(hp: number): void;
}

export function ascendexProtocol(hooks: ProtocolHooks = {}): SocketProtocol {
	return {
		keepaliveMs: PING_INTERVAL_MS,
		pongTimeoutMs: PONG_TIMEOUT_MS,
		staleAfterMs: STALE_AFTER_MS,
		pingFrame: () => JSON.stringify({ op: 'ping' }),
		isPong: (msg) => isObject(msg) && msg.m === 'pong',
		serverPing(msg) {
			if (!isObject(msg) || msg.m !== 'ping') return null;
			if (typeof msg.hp === 'number') hooks.healthPoints?.(msg.hp);
			return JSON.stringify({ op: 'pong' });
		},
		replyId(msg) {
			if (!isObject(msg) || typeof msg.m !== 'string' || !REPLIES.has(msg.m)) return undefined;
			return typeof msg.id === 'string' ? msg.id : undefined;
		},
		loginFrame: hooks.loginFrame,
		loginResult: hooks.loginFrame
			? (msg) => {
					if (!isObject(msg) || msg.m !== 'auth') return null;
					if (msg.code === 0) return 'ok';
					const err = typeof msg.err === 'string' ? msg.err : 'refused';
					return `${err} (code ${String(msg.code)})`;
				}
			: undefined,
		subscribeFrames: (topics) =>
			topics.map((ch) => JSON.stringify({ op: 'sub', id: requestId('s'), ch })),
		unsubscribeFrames: (topics) =>
			topics.map((ch) => JSON.stringify({ op: 'unsub', id: requestId('u'), ch }))
	};
}

/** `{"m":"disconnected",...}`: the reason, in words, or null for any other message. */
export function disconnectReason(msg: unknown): string | null {
	if (!isObject(msg) || msg.m !== 'disconnected') return null;
	const info = typeof msg.info === 'string' ? msg.info : '';
	const reason = typeof msg.reason === 'string' ? msg.reason : 'no reason given';
	return `AscendEX ended the session: ${info || reason} (code ${String(msg.code)})`;
}

/** Where the private socket connects: the account group goes before `/api/pro/v2/stream`. */
export function groupStreamUrl(base: string, group: number): string {
	const url = new URL(base);
	const path = url.pathname.replace(/\/+$/, '');
	const at = path.indexOf('/api/pro/');
	// A base that already names a group (pasted from elsewhere) gets this account's instead.
	const head = at >= 0 ? path.slice(0, at).replace(/\/\d+$/, '') : '';
	const tail = at >= 0 ? path.slice(at) : '/api/pro/v2/stream';
	url.pathname = `${head}/${group}${tail}`;
	return url.toString();
}
