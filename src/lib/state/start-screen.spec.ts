import { beforeEach, describe, expect, it, vi } from 'vitest';

/** A minimal Storage for node: the flag lives in localStorage in the browser. */
function fakeStorage(): Storage {
	const map = new Map<string, string>();
	return {
		get length() {
			return map.size;
		},
		clear: () => map.clear(),
		getItem: (k) => map.get(k) ?? null,
		key: (i) => [...map.keys()][i] ?? null,
		removeItem: (k) => void map.delete(k),
		setItem: (k, v) => void map.set(k, String(v))
	};
}

beforeEach(() => {
	vi.resetModules();
	vi.stubGlobal('localStorage', fakeStorage());
});

describe('start screen', () => {
	it('opens on the overview once per visit when accounts exist, never later', async () => {
		localStorage.setItem('perch.hasAccounts.v1', '1');
		const { opensOnOverview } = await import('./start-screen');
		expect(opensOnOverview()).toBe(true);
		// A later tap on Market stays on the market.
		expect(opensOnOverview()).toBe(false);
	});

	it('stays on the market with no account, or when the visit started elsewhere', async () => {
		const first = await import('./start-screen');
		expect(first.opensOnOverview()).toBe(false);
		vi.resetModules();
		localStorage.setItem('perch.hasAccounts.v1', '1');
		const second = await import('./start-screen');
		second.markStarted();
		expect(second.opensOnOverview()).toBe(false);
	});

	it('the flag follows the account count and holds nothing else', async () => {
		const { rememberAccountCount } = await import('./start-screen');
		rememberAccountCount(2);
		expect(localStorage.getItem('perch.hasAccounts.v1')).toBe('1');
		rememberAccountCount(0);
		expect(localStorage.getItem('perch.hasAccounts.v1')).toBeNull();
	});
});
