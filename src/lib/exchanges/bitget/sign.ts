/**
 * Bitget V2 signatures: base64 HMAC-SHA256. REST signs `timestamp + METHOD + requestPath +
 * ("?" + query) + body` with a millisecond timestamp; the socket login signs
 * `timestamp + "GET" + "/user/verify"` with a timestamp in seconds (notes §1.2, §3.3). Web Crypto
 * only; the key comes from `importSigningKey` in vault/signing-key, the app's one importer.
 */

const encoder = new TextEncoder();

export type QueryParams = Record<string, string | number | boolean>;

export async function hmacBase64(key: CryptoKey, message: string): Promise<string> {
	const signature = await globalThis.crypto.subtle.sign('HMAC', key, encoder.encode(message));
	let binary = '';
	for (const byte of new Uint8Array(signature)) binary += String.fromCharCode(byte);
	return btoa(binary);
}

/**
 * The query string, keys sorted ascending as the docs' signature page asks. Built once and used
 * for both the URL and the prehash, so what is signed is exactly what is sent.
 */
export function sortedQuery(params: QueryParams): string {
	return Object.keys(params)
		.sort()
		.map((key) => `${encodeURIComponent(key)}=${encodeURIComponent(String(params[key]))}`)
		.join('&');
}

export function restPrehash(
	timestamp: number | string,
	method: 'GET' | 'POST',
	requestPath: string,
	query: string,
	body: string
): string {
	return `${timestamp}${method}${requestPath}${query ? `?${query}` : ''}${body}`;
}

/** `timestampSeconds` must already be whole seconds. */
export function wsLoginPrehash(timestampSeconds: number | string): string {
	return `${timestampSeconds}GET/user/verify`;
}
