/**
 * BitMart request and login signatures: hex HMAC-SHA256 over `timestamp#memo#payload`.
 * Web Crypto only, so the same code signs in the browser and in Node 20. The key comes from
 * `importSigningKey` in vault/signing-key, the app's one importer.
 */

const encoder = new TextEncoder();

export async function hmacHex(key: CryptoKey, message: string): Promise<string> {
	const signature = await globalThis.crypto.subtle.sign('HMAC', key, encoder.encode(message));
	return toHex(new Uint8Array(signature));
}

/** REST pre-image; `payload` is the exact JSON body (POST) or query string (GET) that is sent. */
export function restPrehash(timestamp: number | string, memo: string, payload: string): string {
	return `${timestamp}#${memo}#${payload}`;
}

/** The private WebSocket `access` pre-image: a fixed payload instead of a request body. */
export function wsLoginPrehash(timestamp: number | string, memo: string): string {
	return `${timestamp}#${memo}#bitmart.WebSocket`;
}

function toHex(bytes: Uint8Array): string {
	let hex = '';
	for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
	return hex;
}
