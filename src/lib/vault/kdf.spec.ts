import { describe, expect, it } from 'vitest';
import { decryptJson, encryptJson } from './crypto';
import { DecryptionError } from './errors';
import { DEFAULT_ITERATIONS, MIN_ITERATIONS, SALT_BYTES, deriveVaultKey, newSalt } from './kdf';

describe('deriveVaultKey', () => {
	it('defaults to at least 600 000 PBKDF2 iterations and 16-byte salts', () => {
		expect(DEFAULT_ITERATIONS).toBeGreaterThanOrEqual(600_000);
		expect(MIN_ITERATIONS).toBeGreaterThanOrEqual(600_000);
		expect(SALT_BYTES).toBeGreaterThanOrEqual(16);
		expect(newSalt()).toHaveLength(SALT_BYTES);
		expect(newSalt()).not.toEqual(newSalt());
	});

	it('gives a non-extractable AES-256-GCM key for encrypt, decrypt and (un)wrapping the data key', async () => {
		const key = await deriveVaultKey('correct horse', newSalt(), 1000);
		expect(key.extractable).toBe(false);
		expect(key.algorithm).toMatchObject({ name: 'AES-GCM', length: 256 });
		expect([...key.usages].sort()).toEqual(['decrypt', 'encrypt', 'unwrapKey', 'wrapKey']);
		await expect(crypto.subtle.exportKey('raw', key)).rejects.toThrow();
	});

	it('derives the same key from the same passphrase, salt and count, and another otherwise', async () => {
		const salt = newSalt();
		const blob = await encryptJson(await deriveVaultKey('correct horse', salt, 1000), { n: 1 });
		const same = await deriveVaultKey('correct horse', salt, 1000);
		expect(await decryptJson(same, blob)).toEqual({ n: 1 });
		for (const other of [
			await deriveVaultKey('correct horsE', salt, 1000),
			await deriveVaultKey('correct horse', newSalt(), 1000),
			await deriveVaultKey('correct horse', salt, 1001)
		]) {
			await expect(decryptJson(other, blob)).rejects.toBeInstanceOf(DecryptionError);
		}
	});

	it('matches PBKDF2-HMAC-SHA256 as Node computes it', async () => {
		const { pbkdf2Sync } = await import('node:crypto');
		const salt = new Uint8Array(16).map((_, i) => i);
		const key = await deriveVaultKey('pässphrase', salt, 1000);
		const raw = pbkdf2Sync(Buffer.from('pässphrase', 'utf8'), salt, 1000, 32, 'sha256');
		const reference = await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt']);
		const iv = new Uint8Array(12);
		const ours = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, new Uint8Array([1, 2]));
		const theirs = await crypto.subtle.encrypt(
			{ name: 'AES-GCM', iv },
			reference,
			new Uint8Array([1, 2])
		);
		expect(new Uint8Array(ours)).toEqual(new Uint8Array(theirs));
	});

	it('refuses a short salt or a bad iteration count', async () => {
		await expect(deriveVaultKey('x', new Uint8Array(15), 1000)).rejects.toBeInstanceOf(RangeError);
		await expect(deriveVaultKey('x', newSalt(), 0)).rejects.toBeInstanceOf(RangeError);
		await expect(deriveVaultKey('x', newSalt(), 1.5)).rejects.toBeInstanceOf(RangeError);
	});
});
