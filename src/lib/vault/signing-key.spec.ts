import { describe, expect, it } from 'vitest';
import { importSigningKey } from './signing-key';

const secret = '6c6c98544461bbe71db2bca4c6d7fd0021e0ba9efc215f9c6ad41852df9d9df9';

describe('importSigningKey', () => {
	it('makes a key that cannot be exported and can only sign', async () => {
		const key = await importSigningKey(secret);
		expect(key.extractable).toBe(false);
		expect(key.usages).toEqual(['sign']);
		await expect(globalThis.crypto.subtle.exportKey('raw', key)).rejects.toThrow();
	});
});
