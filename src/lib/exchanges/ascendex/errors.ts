/**
 * AscendEX error codes (notes §4.1 and [PRO] "Error Message") mapped to plain words and the kinds
 * the order gate acts on. The venue's code is kept on every error.
 */

import { ExchangeError } from '$lib/exchanges/types';

/** The two answers that may mean "right key, other secret encoding" (notes §1.4). */
export const KEY_FORM_CODES: ReadonlySet<number> = new Set([200001, 200006]);

const INVALID_TIMESTAMP = 100011;

export function codeError(
	code: number,
	reason: string | undefined,
	detail: string | undefined
): ExchangeError {
	const said = [reason, detail].filter(Boolean).join(': ');
	const suffix = said ? ` (${said}, code ${code})` : ` (code ${code})`;
	if (code === INVALID_TIMESTAMP) {
		return new ExchangeError(
			`AscendEX refused the request's timestamp${suffix}.`,
			code,
			'clock-skew'
		);
	}
	if (code === 200001 || code === 200006) {
		return new ExchangeError(
			`AscendEX did not accept the key or its signature${suffix}. Check the API key and secret.`,
			code,
			'signature'
		);
	}
	if (code >= 200000 && code < 300000) {
		return new ExchangeError(
			`AscendEX refused the key${suffix}. Check that the key exists, is not expired and has the View and Trade permissions.`,
			code,
			'auth'
		);
	}
	if (code === 100004 || code === 100016 || reason === 'TOO_MANY_REQUESTS') {
		return new ExchangeError(`AscendEX is rate limiting${suffix}.`, code, 'rate-limit');
	}
	if (code >= 300000 && code < 400000) {
		return new ExchangeError(`AscendEX rejected the order${suffix}.`, code, 'rejected');
	}
	return new ExchangeError(`AscendEX answered with an error${suffix}.`, code, 'rejected');
}

/** Both secret forms were refused: says so in words a person can act on. */
export function bothFormsFailed(first: ExchangeError): ExchangeError {
	return new ExchangeError(
		`AscendEX refused the signature with the secret as typed and with the secret base64-decoded (code ${String(first.code)}). Check that the API key and secret belong together and that the key is not expired.`,
		first.code,
		'signature'
	);
}

export function badResponse(what: string, cause?: unknown): ExchangeError {
	const detail = cause instanceof Error ? `: ${cause.message}` : '';
	return new ExchangeError(
		`AscendEX sent an answer Perch could not read (${what}${detail}).`,
		undefined,
		'bad-response'
	);
}
