import type { SimAccount } from '../core/accounts';
import { constantTimeEqual, hmacBase64 } from '../core/hmac';
import { BG, BitgetRestError } from './errors';

/** Docs (Standard Specification): ACCESS-TIMESTAMP must be within 30 s of the server's time. */
export const REST_WINDOW_MS = 30_000;
/** Docs (Websocket API, Login): the login request expires 30 s after its (seconds) timestamp. */
export const LOGIN_WINDOW_S = 30;

export interface BitgetKey {
	readonly apiKey: string;
	readonly passphrase: string;
	/** A demo-trading key: REST needs `paptrading: 1`, WS must use the demo host. */
	readonly demo: boolean;
	readonly account: SimAccount;
}

export interface SignedRequest {
	method: string;
	path: string;
	/** The raw query string without '?', as sent. */
	query: string;
	/** Header names in lower case. */
	headers: Record<string, string>;
	body: string;
}

/**
 * The seed's signature page: the query string "need[s] to be sorted in ascending alphabetical order
 * by key", so the prehash is built from the received pairs sorted by key. A client that sorts
 * (as the docs ask) signs exactly what it sent; one that signs an unsorted string fails.
 */
export function sortedQuery(query: string): string {
	if (query === '') return '';
	const pairs = query.split('&').map((pair, i) => ({ key: pair.split('=')[0], pair, i }));
	pairs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.i - b.i));
	return pairs.map((p) => p.pair).join('&');
}

export function restPrehash(timestamp: string, req: SignedRequest): string {
	const query = sortedQuery(req.query);
	const body = req.method.toUpperCase() === 'GET' ? '' : req.body;
	return `${timestamp}${req.method.toUpperCase()}${req.path}${query ? `?${query}` : ''}${body}`;
}

/**
 * ACCESS-KEY / ACCESS-SIGN / ACCESS-TIMESTAMP / ACCESS-PASSPHRASE, base64 HMAC-SHA256 of the
 * prehash, then the environment: a demo key without `paptrading: 1`, or a live key with it,
 * answers 40099 (notes §9).
 */
export async function verifyRest(
	req: SignedRequest,
	findKey: (apiKey: string) => BitgetKey | undefined,
	now: number
): Promise<BitgetKey> {
	const h = req.headers;
	const apiKey = h['access-key'];
	if (!apiKey) throw new BitgetRestError(BG.keyEmpty);
	const sign = h['access-sign'];
	if (!sign) throw new BitgetRestError(BG.signEmpty);
	const timestamp = h['access-timestamp'];
	if (!timestamp) throw new BitgetRestError(BG.timestampEmpty);
	const passphrase = h['access-passphrase'];
	if (!passphrase) throw new BitgetRestError(BG.passphraseEmpty);
	if (!/^\d{1,16}$/.test(timestamp)) throw new BitgetRestError(BG.timestampInvalid);
	if (Math.abs(now - Number(timestamp)) > REST_WINDOW_MS) {
		throw new BitgetRestError(BG.timestampExpired);
	}
	const key = findKey(apiKey);
	if (!key) throw new BitgetRestError(BG.keyInvalid);
	if (!constantTimeEqual(passphrase, key.passphrase)) {
		throw new BitgetRestError(BG.passphraseWrong);
	}
	const expected = await hmacBase64(await key.account.hmacKey, restPrehash(timestamp, req));
	if (!constantTimeEqual(sign, expected)) throw new BitgetRestError(BG.signWrong);
	const demoHeader = h['paptrading'] === '1';
	if (demoHeader !== key.demo) throw new BitgetRestError(BG.environment);
	return key;
}

/** WS error codes (notes §3.4). */
export const WS_ERRORS = {
	channelNotExist: 30001,
	illegalRequest: 30002,
	invalidOp: 30003,
	loginRequired: 30004,
	loginFailed: 30005,
	tooManyRequests: 30006,
	overLimit: 30007,
	invalidKey: 30011,
	invalidPassphrase: 30012,
	invalidTimestamp: 30013,
	timestampExpired: 30014,
	invalidSign: 30015,
	paramError: 30016
} as const;

export type LoginResult = { key: BitgetKey } | { code: number; msg: string };

/**
 * `{"op":"login","args":[{apiKey, passphrase, timestamp (seconds), sign}]}` with sign =
 * base64(HMAC(secret, timestamp + "GET" + "/user/verify")). The docs' example writes the timestamp
 * as a string; a number is accepted too (the docs give no type, and bitget-api sends one).
 * `demoHost`: the socket came in on the demo host (wspap), where only demo keys exist.
 */
export async function verifyLogin(
	args: unknown,
	findKey: (apiKey: string) => BitgetKey | undefined,
	nowMs: number,
	demoHost: boolean
): Promise<LoginResult> {
	const arg = Array.isArray(args) && args.length === 1 ? (args[0] as unknown) : undefined;
	if (typeof arg !== 'object' || arg === null) {
		return { code: WS_ERRORS.paramError, msg: 'param error' };
	}
	const { apiKey, passphrase, timestamp, sign } = arg as Record<string, unknown>;
	if (typeof apiKey !== 'string' || typeof passphrase !== 'string' || typeof sign !== 'string') {
		return { code: WS_ERRORS.paramError, msg: 'param error' };
	}
	const ts = typeof timestamp === 'number' ? String(timestamp) : timestamp;
	if (typeof ts !== 'string' || !/^\d{1,12}$/.test(ts)) {
		return { code: WS_ERRORS.invalidTimestamp, msg: 'Invalid ACCESS_TIMESTAMP' };
	}
	const age = nowMs / 1000 - Number(ts);
	if (age > LOGIN_WINDOW_S || age < -LOGIN_WINDOW_S) {
		return { code: WS_ERRORS.timestampExpired, msg: 'Request timestamp expired' };
	}
	const key = findKey(apiKey);
	// The demo host knows only demo keys and the live host only live ones.
	if (!key || key.demo !== demoHost)
		return { code: WS_ERRORS.invalidKey, msg: 'Invalid ACCESS_KEY' };
	if (!constantTimeEqual(passphrase, key.passphrase)) {
		return { code: WS_ERRORS.invalidPassphrase, msg: 'Invalid ACCESS_PASSPHRASE' };
	}
	const expected = await hmacBase64(await key.account.hmacKey, `${ts}GET/user/verify`);
	if (!constantTimeEqual(sign, expected))
		return { code: WS_ERRORS.invalidSign, msg: 'Invalid sign' };
	return { key };
}
