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
