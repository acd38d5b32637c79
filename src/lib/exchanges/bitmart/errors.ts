/**
 * BitMart's error codes in plain words. The texts of the 300xx codes are the docs' own
 * ("Error Code" → "Authentication Error Code"); the hint after them says what the user can do.
 */

import { ExchangeError } from '$lib/exchanges/types';

type ErrorKind = ExchangeError['kind'];

interface KnownCode {
	kind: ErrorKind;
	/** The docs' own text for the code. */
	words: string;
	/** What it means for the user, in plain words, when the docs' text does not say it. */
	plain?: string;
}

const HINTS: Partial<Record<ErrorKind, string>> = {
	auth: 'Check the API key and its permissions.',
	signature: 'Check the API secret and memo.',
	'clock-skew': "Check this device's clock.",
	'rate-limit': 'Too many requests: wait a moment before trying again.'
};

/** Said first, so a user can tell a bad key from a bad secret from a wrong clock at a glance. */
const PLAIN_BY_KIND: Partial<Record<ErrorKind, string>> = {
	auth: 'API key rejected',
	signature: 'signature rejected',
	'clock-skew': "clock skew (this device's time is more than a minute off BitMart's)",
	'rate-limit': 'rate limit reached'
};

/** Contract API codes a close, a cancel or an order lookup can meet. */
const ORDER_CODES: Record<number, KnownCode> = {
	40014: { kind: 'rejected', words: 'This contract is offline', plain: 'the contract is offline' },
	40015: {
		kind: 'rejected',
		words: "This contract's exchange has been paused",
		plain: 'trading in this contract is paused'
	},
	40017: {
		kind: 'rejected',
		words: 'It is not possible to open and close simultaneously in the same position',
		plain: 'an opening order on this position is in the way of the close'
	},
	40018: {
		kind: 'rejected',
		words: 'Your position is closed',
		plain: 'the position is already closed'
	},
	40019: {
		kind: 'rejected',
		words: 'Your position is in liquidation delegating',
		plain: 'the position is being liquidated'
	},
	40020: {
		kind: 'rejected',
		words: 'Your position volume is not enough',
		// The 2025-10-18 upgrade notice says maintenance may answer with this code too.
		plain:
			'the close is larger than the position: it may have shrunk meanwhile, or BitMart is in maintenance'
	},
	40021: {
		kind: 'rejected',
		words: 'The position is not exsit',
		plain: 'there is no such position'
	},
	40034: { kind: 'rejected', words: 'The Symbol is not exist', plain: 'unknown contract' },
	40035: { kind: 'rejected', words: 'The order is not exist', plain: 'no such order' },
	40036: {
		kind: 'rejected',
		words: 'The order status is invalid',
		plain: 'the order can no longer be changed (already filled or canceled?)'
	},
	40037: { kind: 'rejected', words: 'The order id is not exist', plain: 'no such order' },
	40043: {
		kind: 'rejected',
		words: 'The order precision is invalid',
		plain: 'the size or price does not fit the contract’s step'
	},
	40045: {
		kind: 'rejected',
		words: 'The order open type is invalid',
		plain: 'the margin mode (cross/isolated) does not match the position'
	},
	40048: {
		kind: 'rejected',
		words: 'ClientOrderId only allows a combination of numbers and letters',
		plain: 'bad client order id'
	},
	40049: {
		kind: 'rejected',
		words: 'The maximum length of clientOrderId cannot exceed 32',
		plain: 'bad client order id'
	},
	40050: {
		// Not a refusal of the close: the same intent already reached BitMart (e.g. the browser
		// retried a POST whose connection reset). The caller must look the order up by this id.
		kind: 'duplicate',
		words: 'Client OrderId duplicated with existing orders',
		plain: 'an order with this client id was already sent'
	}
};

/** The codes with which BitMart says an order lookup found nothing. */
export const ORDER_NOT_FOUND_CODES: readonly number[] = [40035, 40037];

const KNOWN_CODES: Record<number, KnownCode> = {
	30001: { kind: 'auth', words: 'Header X-BM-KEY is empty' },
	30002: { kind: 'auth', words: 'Header X-BM-KEY not found' },
	30003: { kind: 'auth', words: 'Header X-BM-KEY has frozen' },
	30004: { kind: 'signature', words: 'Header X-BM-SIGN is empty' },
	30005: {
		kind: 'signature',
		words: 'Header X-BM-SIGN is wrong',
		plain: 'wrong memo or secret — signature rejected'
	},
	30006: { kind: 'signature', words: 'Header X-BM-TIMESTAMP is empty' },
	30007: { kind: 'clock-skew', words: 'Header X-BM-TIMESTAMP range. Within a minute' },
	30008: { kind: 'signature', words: 'Header X-BM-TIMESTAMP invalid format' },
	30010: {
		kind: 'auth',
		words:
			'IP is forbidden. We recommend enabling IP whitelist for API trading. After that reauth your account'
	},
	30011: { kind: 'auth', words: 'Header X-BM-KEY over expire time' },
	30012: { kind: 'auth', words: 'Header X-BM-KEY is forbidden to request it' },
	30013: { kind: 'rate-limit', words: 'Request too many requests' },
	30014: { kind: 'rejected', words: 'Service unavailable', plain: 'BitMart is unavailable' },
	30016: {
		kind: 'rejected',
		words: 'Service maintenance, the function is temporarily unavailable',
		plain: 'BitMart is in maintenance'
	},
	30017: {
		kind: 'rate-limit',
		words:
			'Your account request is temporarily rejected due to violation of current limiting rules, please contact customer service'
	},
	30019: {
		kind: 'auth',
		words: 'You do not have the permissions to perform this operation'
	},
	40013: { kind: 'clock-skew', words: 'Please check your system time' },
	...ORDER_CODES
};

const MAX_SERVER_TEXT = 200;

/** A non-1000 envelope (or a failed HTTP status) as an ExchangeError. */
export function bitmartError(
	code: number | undefined,
	serverMessage: unknown,
	httpStatus: number
): ExchangeError {
	const known = code === undefined ? undefined : KNOWN_CODES[code];
	const kind: ErrorKind =
		known?.kind ?? (httpStatus === 429 || httpStatus === 418 ? 'rate-limit' : 'rejected');
	const words = known?.words ?? serverText(serverMessage) ?? `HTTP ${httpStatus}`;
	const plain = known?.plain ?? PLAIN_BY_KIND[kind];
	const lead = plain ? ` — ${plain}` : '';
	const codeText = code === undefined ? '' : ` (code ${code})`;
	const hint = HINTS[kind] ? ` ${HINTS[kind]}` : '';
	return new ExchangeError(
		`BitMart refused the request${lead}: ${words}${codeText}.${hint}`,
		code,
		kind
	);
}

/** What a browser's fetch reports when CORS blocks a response or the host cannot be reached. */
export function unreachableError(url: string): ExchangeError {
	return new ExchangeError(
		`Could not reach ${hostOf(url)}. The exchange may refuse cross-origin requests from a browser; ` +
			'a relay can be configured for this account. It may also be offline or unreachable from here.',
		undefined,
		'cors'
	);
}

export function networkError(url: string, cause: unknown): ExchangeError {
	const reason = cause instanceof Error && cause.name ? ` (${cause.name})` : '';
	return new ExchangeError(`The request to ${hostOf(url)} failed${reason}.`, undefined, 'network');
}

/** Perch gave up waiting and aborted the request: whether it arrived is unknown. */
export function abortedError(url: string): ExchangeError {
	return new ExchangeError(
		`No reply from ${hostOf(url)} in time; the request was abandoned.`,
		undefined,
		'network'
	);
}

export function badResponseError(url: string, detail: string): ExchangeError {
	return new ExchangeError(
		`${hostOf(url)} sent a response Perch cannot read: ${detail}.`,
		undefined,
		'bad-response'
	);
}

function serverText(message: unknown): string | undefined {
	if (typeof message !== 'string' || message.trim() === '') return undefined;
	const text = message.trim();
	return text.length > MAX_SERVER_TEXT ? `${text.slice(0, MAX_SERVER_TEXT)}…` : text;
}

/** Only the host: a URL's query could carry parameters the user did not mean to show. */
function hostOf(url: string): string {
	try {
		return new URL(url).host;
	} catch {
		return 'the exchange';
	}
}
