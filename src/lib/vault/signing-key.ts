/** The exchange secret as a key that can sign but never be read back. */

const encoder = new TextEncoder();

/**
 * HMAC-SHA256 over the secret's UTF-8 bytes, which is how the documented signature vectors of
 * every venue in the registry use it. Non-extractable, sign only.
 */
export async function importSigningKey(secret: string): Promise<CryptoKey> {
	const bytes = encoder.encode(secret);
	try {
		return await crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, [
			'sign'
		]);
	} finally {
		bytes.fill(0);
	}
}

/**
 * The same, over the bytes the secret decodes to when read as base64: a venue whose own client
 * code decodes the secret first (while its documented vectors use it raw) is tried both ways.
 * Null when the secret is not base64. The decoded bytes are wiped once imported.
 */
export async function importDecodedSigningKey(secret: string): Promise<CryptoKey | null> {
	let bytes: Uint8Array<ArrayBuffer>;
	try {
		const binary = atob(secret);
		bytes = new Uint8Array(binary.length);
		for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
	} catch {
		return null;
	}
	if (bytes.length === 0) return null;
	try {
		return await crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, [
			'sign'
		]);
	} finally {
		bytes.fill(0);
	}
}
