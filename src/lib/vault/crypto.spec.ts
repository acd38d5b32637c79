import { describe, expect, it } from 'vitest';
import { IV_BYTES, decryptJson, encryptJson } from './crypto';
import { DecryptionError } from './errors';

async function aesKey(): Promise<CryptoKey> {
	return crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

describe('encryptJson / decryptJson', () => {
	it('round-trips JSON values', async () => {
		const key = await aesKey();
		const value = { apiKey: 'k', nested: [1, 'two', { three: null }], unicode: 'ünïcødé ✓' };
		expect(await decryptJson(key, await encryptJson(key, value))).toEqual(value);
	});

	it('uses a fresh 96-bit IV on every call', async () => {
		const key = await aesKey();
		const ivs = new Set<string>();
		for (let i = 0; i < 200; i++) {
			const { iv } = await encryptJson(key, 'same');
			expect(iv).toHaveLength(IV_BYTES);
			ivs.add(iv.join(','));
		}
		expect(ivs.size).toBe(200);
	});

	it('rejects a flipped ciphertext bit, a changed IV or another key with DecryptionError', async () => {
		const key = await aesKey();
		const blob = await encryptJson(key, { secret: 'x' });
		const flipped = new Uint8Array(blob.ciphertext.slice(0));
		flipped[0] ^= 1;
		await expect(
			decryptJson(key, { iv: blob.iv, ciphertext: flipped.buffer })
		).rejects.toBeInstanceOf(DecryptionError);
		const iv = blob.iv.slice();
		iv[11] ^= 1;
		await expect(decryptJson(key, { iv, ciphertext: blob.ciphertext })).rejects.toBeInstanceOf(
			DecryptionError
		);
		await expect(decryptJson(await aesKey(), blob)).rejects.toBeInstanceOf(DecryptionError);
		await expect(
			decryptJson(key, { iv: new Uint8Array(8), ciphertext: blob.ciphertext })
		).rejects.toBeInstanceOf(DecryptionError);
	});

	it('binds the blob to its context', async () => {
		const key = await aesKey();
		const blob = await encryptJson(key, 'v', 'account-1');
		expect(await decryptJson(key, blob, 'account-1')).toBe('v');
		await expect(decryptJson(key, blob, 'account-2')).rejects.toBeInstanceOf(DecryptionError);
		await expect(decryptJson(key, blob)).rejects.toBeInstanceOf(DecryptionError);
	});
});
