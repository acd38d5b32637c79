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
const MARKET_NODE = fileOf(nodes.get(''));
const ACCOUNTS_NODE = fileOf(nodes.get('accounts'));
const DEMO_ADAPTER = fileOf('src/lib/exchanges/demo/adapter.ts');

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

		await page.getByRole('button', { name: 'Create vault' }).waitFor({ timeout: 20_000 });
		await page.waitForTimeout(1500);
		expect(asked).toContain(ACCOUNTS_NODE);
		expect(asked).not.toContain(MARKET_NODE);
		expect(asked).not.toContain(DEMO_ADAPTER);

		// Moving to the market screen from there loads its code then, and the book streams.
		await page.getByRole('link', { name: 'Market' }).click();
		await page
			.locator('tr[data-side][data-price]:not([data-price=""])')
			.first()
			.waitFor({ timeout: 20_000 });
		await waitFor(() => asked.includes(MARKET_NODE), 5_000, 'the market route node');
		expect(offLoopback).toEqual([]);
		expect(consoleErrors).toEqual([]);
		await page.context().close();
	});

	it('/ still preloads the market route and the Demo adapter', async () => {
		const { page, consoleErrors } = await newGuardedPage(harness.browser);
		const response = await page.goto(harness.appUrl);
		const html = (await response?.text()) ?? '';
		expect(html).toContain(`<link href="${MARKET_NODE}" rel="modulepreload">`);
		expect(html).toContain(`<link href="${DEMO_ADAPTER}" rel="modulepreload">`);
		expect(html).not.toContain(ACCOUNTS_NODE);
		expect(consoleErrors).toEqual([]);
		await page.context().close();
	});
});
