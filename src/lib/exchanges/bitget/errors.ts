/**
 * Bitget's error codes in plain words. The protocol notes give the socket codes (§3.4) and the
 * environment code 40099 (§9); the REST authentication codes are as ccxt lists them. Any other
 * code is shown with the exchange's own message and its code.
 */

import { ExchangeError } from '$lib/exchanges/types';

type ErrorKind = ExchangeError['kind'];

interface KnownCode {
	kind: ErrorKind;
	/** What it means for the user, in plain words. */
	plain: string;
	/** What the user can do about it. */
	hint?: string;
}

const CLOCK_HINT = "Check this device's clock; Perch re-measures Bitget's time and tries again.";
const ENVIRONMENT_HINT =
	'A key made for demo trading works only with the "Demo trading" endpoints, and a production ' +
	'key only with "Production": pick the endpoints that match where the key was created.';

/** REST codes (string codes in the `{code, msg}` envelope). */
const REST_CODES: Record<string, KnownCode> = {
	'40001': { kind: 'auth', plain: 'the API key was not sent' },
	'40002': { kind: 'signature', plain: 'the signature was not sent' },
	'40003': { kind: 'signature', plain: 'the timestamp was not sent' },
	'40005': { kind: 'clock-skew', plain: 'the request timestamp was refused', hint: CLOCK_HINT },
	'40006': {
		kind: 'auth',
		plain: 'the API key is not valid',
		hint: 'Check the API key (and that it was not deleted).'
	},
	'40008': {
		kind: 'clock-skew',
		plain: "the request's timestamp expired (more than 30 s off Bitget's clock)",
		hint: CLOCK_HINT
	},
	'40009': {
		kind: 'signature',
		plain: 'signature rejected — wrong API secret',
		hint: 'Check the API secret.'
	},
	'40010': {
		kind: 'signature',
		plain: 'signature rejected — wrong API secret',
		hint: 'Check the API secret.'
	},
	'40011': { kind: 'auth', plain: 'the passphrase was not sent', hint: 'Enter the passphrase.' },
	'40012': {
		kind: 'auth',
		plain: 'wrong passphrase (or API key)',
		hint: 'Check the passphrase you chose when you created the key, and the API key.'
	},
	'40014': {
		kind: 'auth',
		plain: 'the key lacks a permission',
		hint: 'Give the key the Read and Futures trade permissions.'
	},
	'40018': {
		kind: 'auth',
		plain: 'this IP address is not allowed for the key',
		hint: "Check the key's IP allow-list."
	},
	'40099': {
		kind: 'auth',
		plain: 'the key belongs to the other Bitget environment (demo vs production)',
		hint: ENVIRONMENT_HINT
	},
	'40786': {
		// Not a refusal of the close: an order with this clientOid already reached Bitget (a
		// request that arrived twice). The order gate looks it up by that id instead.
		kind: 'duplicate',
		plain: 'an order with this client id was already sent'
	},
	'429': { kind: 'rate-limit', plain: 'rate limit reached', hint: 'Wait a moment and try again.' }
};

/** Codes that say an order lookup found nothing. */
export const ORDER_NOT_FOUND_CODES: readonly string[] = ['40109', '40768'];

/** Socket codes (notes §3.4, from ccxt's list). */
const WS_CODES: Record<string, KnownCode> = {
	'30001': { kind: 'rejected', plain: 'no such channel or instrument' },
	'30002': { kind: 'rejected', plain: 'illegal request' },
	'30003': { kind: 'rejected', plain: 'invalid operation' },
	'30004': { kind: 'auth', plain: 'login required' },
	'30005': {
		kind: 'auth',
		plain: 'login failed',
		hint: 'Check the API key, secret and passphrase.'
	},
	'30006': { kind: 'rate-limit', plain: 'too many requests' },
	'30007': { kind: 'rate-limit', plain: 'over the limit: the connection was closed' },
	'30011': { kind: 'auth', plain: 'the API key is not valid', hint: 'Check the API key.' },
	'30012': {
		kind: 'auth',
		plain: 'wrong passphrase',
		hint: 'Enter the passphrase you chose when you created the key (not your login password).'
	},
	'30013': { kind: 'clock-skew', plain: 'the login timestamp was refused', hint: CLOCK_HINT },
	'30014': {
		kind: 'clock-skew',
		plain: "the login's timestamp expired (more than 30 s off Bitget's clock)",
		hint: CLOCK_HINT
	},
	'30015': {
		kind: 'signature',
		plain: 'signature rejected — wrong API secret',
		hint: 'Check the API secret.'
	},
	'30016': { kind: 'rejected', plain: 'a parameter was refused' },
	'40099': REST_CODES['40099']
};

const MAX_SERVER_TEXT = 200;

/** A REST answer that is not `"00000"` (or an HTTP failure) as an ExchangeError. */
export function bitgetError(
	code: string | undefined,
	serverMessage: unknown,
	httpStatus: number
): ExchangeError {
	const known =
		(code !== undefined ? REST_CODES[code] : undefined) ??
		(httpStatus === 429 ? REST_CODES['429'] : undefined);
	return describe('refused the request', known, code, serverMessage, httpStatus);
}

/** A socket `{"event":"error","code":…,"msg":…}` (or a failed login) as an ExchangeError. */
export function bitgetSocketError(code: string | undefined, serverMessage: unknown): ExchangeError {
	const known = code !== undefined ? WS_CODES[code] : undefined;
	return describe('refused the socket request', known, code, serverMessage, undefined);
}

function describe(
	what: string,
	known: KnownCode | undefined,
	code: string | undefined,
	serverMessage: unknown,
	httpStatus: number | undefined
): ExchangeError {
	const server = serverText(serverMessage);
	const kind: ErrorKind = known?.kind ?? 'rejected';
	const words = known
		? known.plain
		: (server ?? (httpStatus !== undefined ? `HTTP ${httpStatus}` : 'no reason given'));
	// The exchange's own words stay visible after ours: they may say more than the code does.
	const own = known && server ? ` ("${server}")` : '';
	const codeText = code === undefined ? '' : ` (code ${code})`;
	const hint = known?.hint ? ` ${known.hint}` : '';
	return new ExchangeError(`Bitget ${what}: ${words}${own}${codeText}.${hint}`, code, kind);
}

function serverText(message: unknown): string | undefined {
	if (typeof message !== 'string' || message.trim() === '') return undefined;
	const text = message.trim();
	return text.length > MAX_SERVER_TEXT ? `${text.slice(0, MAX_SERVER_TEXT)}…` : text;
}
