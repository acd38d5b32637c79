/**
 * AscendEX signatures (notes ascendex.md §1.1–1.4): base64 HMAC-SHA256 over
 * `<ms timestamp>+<api path>`, where the path is the short one each doc entry prints (`info`,
 * `v2/account/info`, `v2/futures/position`, `v2/stream`), never the URL. Method, query and body are
 * not signed. Keys come from vault/signing-key, the app's one importer.
 */

const encoder = new TextEncoder();

export function prehash(timestamp: number | string, apiPath: string): string {
	return `${timestamp}+${apiPath}`;
}

export async function hmacBase64(key: CryptoKey, message: string): Promise<string> {
	const signature = await globalThis.crypto.subtle.sign('HMAC', key, encoder.encode(message));
	let binary = '';
	for (const byte of new Uint8Array(signature)) binary += String.fromCharCode(byte);
	return btoa(binary);
}

export function sign(key: CryptoKey, timestamp: number, apiPath: string): Promise<string> {
	return hmacBase64(key, prehash(timestamp, apiPath));
}

/** The three auth headers of a signed REST request. */
export async function authHeaders(
	apiKey: string,
	key: CryptoKey,
	timestamp: number,
	apiPath: string
): Promise<Record<string, string>> {
	return {
		'x-auth-key': apiKey,
		'x-auth-timestamp': String(timestamp),
		'x-auth-signature': await sign(key, timestamp, apiPath)
	};
}
