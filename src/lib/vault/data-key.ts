/**
 * The vault's data key and the keys that wrap it.
 *
 * The data key is a random AES-256-GCM key that seals the accounts and the last-known state. It
 * is stored only wrapped (AES-GCM key wrap, so the raw bytes never reach script): under the
 * passphrase key, and optionally under a key that HKDF derives from a passkey's PRF output. Each
 * wrap is bound by its additional data to the job it does, so one cannot be put in the other's
 * place. Once unwrapped for use it is non-extractable; only a passphrase change or adding a
 * passkey unwraps an extractable copy, for the one wrap it needs, and drops it.
 */
import type { EncryptedBlob } from '$lib/db/schema';
import { IV_BYTES } from './crypto';
import { DecryptionError } from './errors';

export const PASSPHRASE_WRAP = 'perch-data-key-under-passphrase-v1';
export const PASSKEY_WRAP = 'perch-data-key-under-passkey-v1';
const HKDF_INFO = 'perch-vault-passkey-wrapping-key-v1';
export const PRF_SALT_BYTES = 32;
export const HKDF_SALT_BYTES = 32;

const encoder = new TextEncoder();
const DATA_KEY_ALGORITHM = { name: 'AES-GCM', length: 256 } as const;

/** Extractable only so it can be wrapped once; the caller unwraps a non-extractable copy to use. */
export function newDataKey(): Promise<CryptoKey> {
	return crypto.subtle.generateKey(DATA_KEY_ALGORITHM, true, ['encrypt', 'decrypt']);
}

export async function wrapDataKey(
	dataKey: CryptoKey,
	wrappingKey: CryptoKey,
	context: string
): Promise<EncryptedBlob> {
	const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
	const ciphertext = await crypto.subtle.wrapKey('raw', dataKey, wrappingKey, {
		name: 'AES-GCM',
		iv,
		additionalData: encoder.encode(context)
	});
	return { iv, ciphertext };
}

/** Throws DecryptionError when the wrap was altered or the wrapping key is not the one used. */
export async function unwrapDataKey(
	wrapped: EncryptedBlob,
	wrappingKey: CryptoKey,
	context: string,
	extractable = false
): Promise<CryptoKey> {
	if (!(wrapped?.iv instanceof Uint8Array) || wrapped.iv.length !== IV_BYTES) {
		throw new DecryptionError();
	}
	try {
		return await crypto.subtle.unwrapKey(
			'raw',
			wrapped.ciphertext,
			wrappingKey,
			{ name: 'AES-GCM', iv: wrapped.iv, additionalData: encoder.encode(context) },
			DATA_KEY_ALGORITHM,
			extractable,
			['encrypt', 'decrypt']
		);
	} catch {
		throw new DecryptionError();
	}
}

/**
 * The passkey wrapping key: HKDF-SHA256 over the PRF output. The PRF output itself is a
 * BufferSource the caller zeroes right after; it is never stored.
 */
export async function passkeyWrappingKey(
	prfOutput: BufferSource,
	hkdfSalt: Uint8Array<ArrayBuffer>
): Promise<CryptoKey> {
	const material = await crypto.subtle.importKey('raw', prfOutput, 'HKDF', false, ['deriveKey']);
	return crypto.subtle.deriveKey(
		{ name: 'HKDF', hash: 'SHA-256', salt: hkdfSalt, info: encoder.encode(HKDF_INFO) },
		material,
		{ name: 'AES-GCM', length: 256 },
		false,
		['wrapKey', 'unwrapKey']
	);
}

export function randomBytes(length: number): Uint8Array<ArrayBuffer> {
	return crypto.getRandomValues(new Uint8Array(length));
}
