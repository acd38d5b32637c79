import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageNodes } from '../../scripts/preload.js';
import { newGuardedPage, startHarness, waitFor, type Harness } from './harness';

/**
 * A deep link to a screen other than the market gets its own page (`/accounts` → accounts.html)
 * that preloads that screen's code, not the market's: the market route and the Demo adapter are
 * not downloaded to show the accounts screen.
 */

let harness: Harness;

beforeAll(async () => {
	harness = await startHarness();
});

afterAll(async () => {
	await harness?.close();
});

type Manifest = Record<string, { file: string }>;
const manifest = JSON.parse(
	readFileSync('.svelte-kit/output/client/.vite/manifest.json', 'utf8')
) as Manifest;
const nodes = pageNodes();
const fileOf = (key: string | undefined) => `/${manifest[key ?? '']?.file}`;
// Keys of modules outside the project root (virtual and node_modules ones) are relative paths that
// depend on how deep the checkout sits, so they are found by their ending.
const fileEnding = (ending: string) =>
	fileOf(Object.keys(manifest).find((k) => k.endsWith(ending)));
const MARKET_NODE = fileOf(nodes.get(''));
const ACCOUNTS_NODE = fileOf(nodes.get('accounts'));
const WORKBOX = fileEnding('workbox-window/build/workbox-window.prod.es5.mjs');
const PWA_REGISTER = fileEnding('/@vite-plugin-pwa/virtual:pwa-register');
const BOOK_ROW = 'tr[data-side][data-price]:not([data-price=""])';

describe('route pages', () => {
	it('/accounts preloads the accounts screen and downloads neither the market route nor the Demo', async () => {
		const { page, offLoopback, consoleErrors } = await newGuardedPage(harness.browser, {
			width: 390,
			height: 844
		});
		const asked: string[] = [];
		page.on('request', (r) => asked.push(new URL(r.url()).pathname));
		const response = await page.goto(new URL('/accounts', harness.appUrl).href);
		expect(response?.status()).toBe(200);
		// The same policy as every page: the inline start script is the same, so is its hash.
		expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
		const html = (await response?.text()) ?? '';
		expect(html).toContain(`<link href="${ACCOUNTS_NODE}" rel="modulepreload">`);
		expect(html).not.toContain(MARKET_NODE);

		await page
			.getByRole('button', { name: 'Create vault' })
			.waitFor({ state: 'attached', timeout: 20_000 });
		await page.waitForTimeout(1500);
		expect(asked).toContain(ACCOUNTS_NODE);
		expect(asked).not.toContain(MARKET_NODE);
		expect(asked.filter((p) => p.includes('/workers/'))).toEqual([]);

		// Moving to the market screen from there loads its code then, and the book streams.
		await page.getByRole('link', { name: 'Market' }).click();
		await page.locator(BOOK_ROW).first().waitFor({ state: 'attached', timeout: 20_000 });
		await waitFor(() => asked.includes(MARKET_NODE), 5_000, 'the market route node');
		expect(offLoopback).toEqual([]);
		expect(consoleErrors).toEqual([]);
		await page.context().close();
	});

	it('/ names every script it needs for the first book row up front: none is found late', async () => {
		const { page, consoleErrors } = await newGuardedPage(harness.browser, {
			width: 390,
			height: 844
		});
		await page.addInitScript(`
			const observer = new MutationObserver(() => {
				if (window.__firstRow === undefined && document.querySelector('${BOOK_ROW}')) {
					window.__firstRow = performance.now();
					observer.disconnect();
				}
			});
			observer.observe(document, { childList: true, subtree: true, attributes: true });
		`);
		const asked: string[] = [];
		page.on('request', (r) => asked.push(new URL(r.url()).pathname));
		const response = await page.goto(harness.appUrl);
		const html = (await response?.text()) ?? '';
		expect(html).toContain(`<link href="${MARKET_NODE}" rel="modulepreload">`);
		expect(html).not.toContain(ACCOUNTS_NODE);
		await page.locator(BOOK_ROW).first().waitFor({ state: 'attached', timeout: 20_000 });
		const firstRow = await page.evaluate(() => (window as { __firstRow?: number }).__firstRow);
		const before = await page.evaluate(
			(at) =>
				performance
					.getEntriesByType('resource')
					.filter((e) => e.startTime <= (at ?? 0))
					.map((e) => new URL(e.name).pathname),
			firstRow
		);
		// The update check may start once the book is live, just before the row is drawn.
		const later = [PWA_REGISTER, WORKBOX];
		expect(later.every((p) => p.startsWith('/_app/immutable/'))).toBe(true);
		const scripts = before.filter((p) => p.endsWith('.js') && !later.includes(p));
		// The Demo's worker script is started by the page, not linked from it.
		const pageScripts = scripts.filter((p) => !p.includes('/workers/'));
		expect(pageScripts.length).toBeGreaterThan(3);
		expect(pageScripts.filter((p) => !html.includes(`"${p}"`))).toEqual([]);
		expect(scripts.some((p) => p.includes('/workers/demo-worker'))).toBe(true);
		// A preload the page then cannot use (another credentials mode) downloads a file twice.
		await waitFor(() => asked.some((p) => p.includes('OwnFundingChart')), 10_000, 'late chunks');
		// (The Demo worker fetches its own script once more, to keep it for offline use.)
		const files = asked.filter((p) => p.startsWith('/_app/') && !p.includes('/workers/'));
		expect(files.filter((p, i) => files.indexOf(p) !== i)).toEqual([]);
		expect(files.filter((p) => p.endsWith('.css')).length).toBeGreaterThan(1);
		expect(consoleErrors).toEqual([]);
		await page.context().close();
	});
});
