import { constantTimeEqual } from '../core/hmac';

/**
 * AscendEX request signatures, verified the way the docs describe ("Authenticate a RESTful
 * Request"): base64(HMAC-SHA256(secret, `<ms timestamp>+<api path>`)).
 *
 * Which key bytes? Every doc sample (bash, python, java) and the official signing vectors use the
 * secret's UTF-8 text as the HMAC key; the official demo *client* code base64-decodes it first.
 * The notes (protocols/ascendex.md §1.4) leave open whether the live server accepts both. The
 * simulator follows the documented form: an account accepts only the raw text by default
 * ('raw'); a test can add an account that wants the decoded bytes ('decoded') or either form
 * ('either'), to exercise a client's fallback.
 */
export type SecretForm = 'raw' | 'decoded' | 'either';

/** Docs: a request whose timestamp is more than 30 s from server time is rejected. */
export const TIMESTAMP_WINDOW_MS = 30_000;

const encoder = new TextEncoder();

/** v1 paths sign with only what the doc entry prints, not a rule over the URL. */
const V1_PREHASH: Record<string, string> = {
	'v1/info': 'info'
};

/**
 * The prehash path of a request path with the account group already removed
 * ("/api/pro/v2/futures/position" → "v2/futures/position"); undefined when the path is not a
 * signed API path the simulator knows.
 */
export function prehashPath(path: string): string | undefined {
	if (!path.startsWith('/api/pro/')) return undefined;
	const rest = path.slice('/api/pro/'.length);
	if (rest.startsWith('v2/') || rest.startsWith('data/')) return rest;
	return V1_PREHASH[rest];
}

async function hmacBase64(keyBytes: Uint8Array<ArrayBuffer>, message: string): Promise<string> {
	const key = await globalThis.crypto.subtle.importKey(
		'raw',
		keyBytes,
		{ name: 'HMAC', hash: 'SHA-256' },
		false,
		['sign']
	);
	const mac = new Uint8Array(
		await globalThis.crypto.subtle.sign('HMAC', key, encoder.encode(message))
	);
	let binary = '';
	for (const byte of mac) binary += String.fromCharCode(byte);
	return btoa(binary);
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> | undefined {
	try {
		return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
	} catch {
		return undefined;
	}
}

/** The signature a client holding `secret` sends for `prehash`, in the requested key form. */
export async function ascendexSignature(
	secret: string,
	prehash: string,
	form: 'raw' | 'decoded' = 'raw'
): Promise<string> {
	const key = form === 'raw' ? encoder.encode(secret) : decodeBase64(secret);
	if (!key) throw new Error('simulator: secret is not base64');
	return hmacBase64(key, prehash);
}

/** True when `signature` is right for `prehash` under the account's accepted key form(s). */
export async function signatureMatches(
	secret: string,
	form: SecretForm,
	prehash: string,
	signature: string
): Promise<boolean> {
	const forms: Array<'raw' | 'decoded'> = form === 'either' ? ['raw', 'decoded'] : [form];
	let ok = false;
	for (const f of forms) {
		if (f === 'decoded' && !decodeBase64(secret)) continue;
		if (constantTimeEqual(await ascendexSignature(secret, prehash, f), signature)) ok = true;
	}
	return ok;
}

/** A timestamp as the docs use it: whole milliseconds, as a number or a digit string. */
export function parseTimestamp(value: unknown): number | undefined {
	if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
	if (typeof value === 'string' && /^\d{1,16}$/.test(value)) return Number(value);
	return undefined;
}

export function withinWindow(timestamp: number, now: number): boolean {
	return Math.abs(now - timestamp) <= TIMESTAMP_WINDOW_MS;
}
