import { describe, expect, it } from 'vitest';
import { ascendexSignature, prehashPath, signatureMatches, withinWindow } from './signing';

const DOC_SECRET = 'hV8FgjyJtpvVeAcMAgzgAFQCN36wmbWuN7o3WPcYcYhFd8qvE43gzFGVsFcCqMNk';
const DEMO_SECRET = '98dRnVqbIhriRMZJfax3EvSPRBJrIuZ6J755KcLz6napGUpzmApJmfBY7EY3yYZn';

// protocols/ascendex.md §1.3: the official vectors, then the notes' own extra ones.
const VECTORS: Array<[string, string, string]> = [
	[DOC_SECRET, '1608133910000+info', '/pwaAgWZQ1Xd/J4yZ4ReHSPQxd3ORP/YR8TvAttqqYM='],
	[DOC_SECRET, '1562952827927+user/info', 'vBZf8OQuiTJIVbNpNHGY3zcUsK5gJpwb5lgCgarpxYI='],
	[DEMO_SECRET, '1562952827927000+user/info', 'UlpDqbDlNYydgT57It2IGiZGts13GnfF+D6Cmzq7xQE='],
	[DOC_SECRET, '1608133910000+v2/stream', 'OdBOWATz1QnFxiTMnCoBXk4f6CLxIJ8i6kdIsVIehiU='],
	[DOC_SECRET, '1608133910000+v2/futures/position', 'JcC39DRxVQqJ0n3kcrW/dJ0LOW/sWaI/OVv1Ldg5Qkg=']
];

describe('AscendEX signature verification', () => {
	it.each(VECTORS)('reproduces the vector for %s / %s', async (secret, prehash, signature) => {
		expect(await ascendexSignature(secret, prehash)).toBe(signature);
		expect(await signatureMatches(secret, 'raw', prehash, signature)).toBe(true);
	});

	it('accepts the base64-decoded key form only for an account set up for it', async () => {
		const decoded = 'iT09ogK94xN6wScfMs0CXbE4jsYkQJpJ5egMfIo1U4I=';
		expect(await ascendexSignature(DOC_SECRET, '1608133910000+info', 'decoded')).toBe(decoded);
		expect(await signatureMatches(DOC_SECRET, 'raw', '1608133910000+info', decoded)).toBe(false);
		expect(await signatureMatches(DOC_SECRET, 'decoded', '1608133910000+info', decoded)).toBe(true);
		expect(
			await signatureMatches(
				DOC_SECRET,
				'decoded',
				'1608133910000+info',
				'/pwaAgWZQ1Xd/J4yZ4ReHSPQxd3ORP/YR8TvAttqqYM='
			)
		).toBe(false);
		for (const sig of [decoded, '/pwaAgWZQ1Xd/J4yZ4ReHSPQxd3ORP/YR8TvAttqqYM=']) {
			expect(await signatureMatches(DOC_SECRET, 'either', '1608133910000+info', sig)).toBe(true);
		}
	});

	it('refuses a signature over another path or time', async () => {
		const sig = '/pwaAgWZQ1Xd/J4yZ4ReHSPQxd3ORP/YR8TvAttqqYM=';
		expect(await signatureMatches(DOC_SECRET, 'raw', '1608133910001+info', sig)).toBe(false);
		expect(await signatureMatches(DOC_SECRET, 'raw', '1608133910000+v2/info', sig)).toBe(false);
	});

	it('derives the documented prehash path from the request path', () => {
		expect(prehashPath('/api/pro/v1/info')).toBe('info');
		expect(prehashPath('/api/pro/v2/account/info')).toBe('v2/account/info');
		expect(prehashPath('/api/pro/v2/futures/position')).toBe('v2/futures/position');
		expect(prehashPath('/api/pro/v2/futures/order/hist/current')).toBe(
			'v2/futures/order/hist/current'
		);
		expect(prehashPath('/api/pro/data/v1/futures/balance/history')).toBe(
			'data/v1/futures/balance/history'
		);
		expect(prehashPath('/api/pro/v1/cash/balance')).toBeUndefined();
	});

	it('keeps the 30 s window inclusive on both sides', () => {
		const now = 1_700_000_000_000;
		expect(withinWindow(now - 30_000, now)).toBe(true);
		expect(withinWindow(now + 30_000, now)).toBe(true);
		expect(withinWindow(now - 30_001, now)).toBe(false);
		expect(withinWindow(now + 30_001, now)).toBe(false);
	});
});
