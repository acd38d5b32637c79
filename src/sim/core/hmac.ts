/**
 * HMAC-SHA256 through Web Crypto, so the same verifier runs in Node and in the page. Deliberately
 * not the app's `importSigningKey`: the simulator stands in for the exchange, and a verifier that
 * shared the client's signing code would agree with any mistake in it. sim/core imports no app
 * code, so it can also run alone (npm run sim, the relay).
 */

const encoder = new TextEncoder();

export async function importHmacKey(secret: string): Promise<CryptoKey> {
	return globalThis.crypto.subtle.importKey(
		'raw',
		encoder.encode(secret),
		{ name: 'HMAC', hash: 'SHA-256' },
		false,
		['sign']
	);
}

export async function hmacHex(key: CryptoKey, message: string): Promise<string> {
	const mac = await globalThis.crypto.subtle.sign('HMAC', key, encoder.encode(message));
	return Array.from(new Uint8Array(mac), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Base64 of HMAC-SHA256, the encoding Bitget's signatures use. */
export async function hmacBase64(key: CryptoKey, message: string): Promise<string> {
	const mac = new Uint8Array(
		await globalThis.crypto.subtle.sign('HMAC', key, encoder.encode(message))
	);
	let binary = '';
	for (const byte of mac) binary += String.fromCharCode(byte);
	return btoa(binary);
}

/** Compare without stopping at the first differing character. */
export function constantTimeEqual(a: string, b: string): boolean {
	let diff = a.length ^ b.length;
	for (let i = 0; i < Math.max(a.length, b.length); i++) {
		diff |= (a.charCodeAt(i) || 0) ^ (b.charCodeAt(i) || 0);
	}
	return diff === 0;
}
