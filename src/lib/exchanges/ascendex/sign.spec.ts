import { describe, expect, it } from 'vitest';
import { importDecodedSigningKey, importSigningKey } from '$lib/vault/signing-key';
import { authHeaders, hmacBase64, prehash } from './sign';

const SECRET = 'hV8FgjyJtpvVeAcMAgzgAFQCN36wmbWuN7o3WPcYcYhFd8qvE43gzFGVsFcCqMNk';
const DEMO_SECRET = '98dRnVqbIhriRMZJfax3EvSPRBJrIuZ6J755KcLz6napGUpzmApJmfBY7EY3yYZn';

describe('AscendEX signatures (official vectors, notes §1.3)', () => {
	it.each([
		[SECRET, 1608133910000, 'info', '/pwaAgWZQ1Xd/J4yZ4ReHSPQxd3ORP/YR8TvAttqqYM='],
		[SECRET, 1562952827927, 'user/info', 'vBZf8OQuiTJIVbNpNHGY3zcUsK5gJpwb5lgCgarpxYI='],
		[DEMO_SECRET, 1562952827927000, 'user/info', 'UlpDqbDlNYydgT57It2IGiZGts13GnfF+D6Cmzq7xQE='],
		[SECRET, 1608133910000, 'v2/stream', 'OdBOWATz1QnFxiTMnCoBXk4f6CLxIJ8i6kdIsVIehiU='],
		[SECRET, 1608133910000, 'v2/futures/position', 'JcC39DRxVQqJ0n3kcrW/dJ0LOW/sWaI/OVv1Ldg5Qkg=']
	])('signs %#: %s %s', async (secret, ts, path, expected) => {
		const key = await importSigningKey(secret);
		expect(await hmacBase64(key, prehash(ts, path))).toBe(expected);
	});

	it('signs with the base64-decoded secret when asked (the client-code form)', async () => {
		const key = await importDecodedSigningKey(SECRET);
		expect(key).not.toBeNull();
		expect(key!.extractable).toBe(false);
		expect(await hmacBase64(key!, '1608133910000+info')).toBe(
			'iT09ogK94xN6wScfMs0CXbE4jsYkQJpJ5egMfIo1U4I='
		);
	});

	it('has no decoded form for a secret that is not base64', async () => {
		expect(await importDecodedSigningKey('not base64 !')).toBeNull();
	});

	it('puts key, timestamp and signature in the x-auth headers', async () => {
		const key = await importSigningKey(SECRET);
		expect(await authHeaders('k1', key, 1608133910000, 'info')).toEqual({
			'x-auth-key': 'k1',
			'x-auth-timestamp': '1608133910000',
			'x-auth-signature': '/pwaAgWZQ1Xd/J4yZ4ReHSPQxd3ORP/YR8TvAttqqYM='
		});
	});
});
