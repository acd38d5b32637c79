/** JSON in, AES-GCM out. The optional `context` is authenticated data: it binds a blob to its record. */
import type { EncryptedBlob } from '$lib/db/schema';
import { DecryptionError } from './errors';

export const IV_BYTES = 12;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A fresh random 96-bit IV on every call: GCM breaks if one key ever reuses an IV. */
export async function encryptJson(
	key: CryptoKey,
	value: unknown,
	context?: string
): Promise<EncryptedBlob> {
	const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
	const plaintext = encoder.encode(JSON.stringify(value));
	try {
		const ciphertext = await crypto.subtle.encrypt(gcmParams(iv, context), key, plaintext);
		return { iv, ciphertext };
	} finally {
		plaintext.fill(0);
	}
}

/**
 * Throws DecryptionError when the tag does not verify (altered bytes, wrong key, wrong context)
 * or the plaintext is not JSON. The caller checks the shape of T.
 */
export async function decryptJson<T>(
	key: CryptoKey,
	blob: EncryptedBlob,
	context?: string
): Promise<T> {
	let plaintext: Uint8Array;
	try {
		const buffer = await crypto.subtle.decrypt(gcmParams(blob.iv, context), key, blob.ciphertext);
		plaintext = new Uint8Array(buffer);
	} catch {
		throw new DecryptionError();
	}
	try {
		return JSON.parse(decoder.decode(plaintext)) as T;
	} catch {
		throw new DecryptionError();
	} finally {
		// Strings cannot be wiped, but the decrypted bytes can.
		plaintext.fill(0);
	}
}

function gcmParams(iv: Uint8Array<ArrayBuffer>, context: string | undefined): AesGcmParams {
	if (iv.length !== IV_BYTES) throw new DecryptionError();
	return context === undefined
		? { name: 'AES-GCM', iv }
		: { name: 'AES-GCM', iv, additionalData: encoder.encode(context) };
}
