/**
 * BitMart request and login signatures: hex HMAC-SHA256 over `timestamp#memo#payload`.
 * Web Crypto only, so the same code signs in the browser and in Node 20.
 */

const encoder = new TextEncoder();

/** The secret becomes a non-extractable key: a script that reaches the key can sign, but not read it. */
export function importHmacKey(secret: string): Promise<CryptoKey> {
	return globalThis.crypto.subtle.importKey(
		'raw',
		encoder.encode(secret),
		{ name: 'HMAC', hash: 'SHA-256' },
		false,
		['sign']
	);
}

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
