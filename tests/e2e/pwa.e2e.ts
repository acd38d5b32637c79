import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectLive } from './accounts-harness';
import { startHarness, waitFor, type Harness } from './harness';

let harness: Harness;

beforeAll(async () => {
	harness = await startHarness();
});

afterAll(async () => {
	await harness?.close();
});

describe('installable PWA', () => {
	it('caches only the app shell and opens offline with the Demo venue live', async () => {
		const context = await harness.browser.newContext({ serviceWorkers: 'allow' });
		const page = await context.newPage();
		const origin = new URL(harness.appUrl).origin;
		await page.goto(harness.appUrl);
		await page.evaluate(async () => {
			await navigator.serviceWorker.ready;
		});
		await waitFor(
			async () => (await page.evaluate(async () => (await caches.keys()).length)) > 0,
			15000,
			'precache'
		);
		const cached = await page.evaluate(async () => {
			const urls: string[] = [];
			for (const name of await caches.keys()) {
				for (const req of await (await caches.open(name)).keys()) urls.push(req.url);
			}
			return urls;
		});
		expect(cached.length).toBeGreaterThan(3);
		// Only this origin's build files: no exchange response, no API call, no third party.
		for (const url of cached) {
			expect(new URL(url).origin).toBe(origin);
			expect(url).toMatch(
				/\/(_app\/.*\.(js|css)|index\.html|icon\.svg|manifest\.webmanifest)(\?|$)/
			);
		}
		// The Demo simulator's worker is not in the app-shell precache: the page caches it on use.
		const precached = await page.evaluate(async () => {
			const urls: string[] = [];
			for (const name of await caches.keys()) {
				if (!name.startsWith('workbox-precache')) continue;
				for (const req of await (await caches.open(name)).keys()) urls.push(req.url);
			}
			return urls;
		});
		expect(precached.length).toBeGreaterThan(3);
		expect(precached.filter((url) => url.includes('/_app/immutable/workers/'))).toEqual([]);
		const manifest = await page.evaluate(async () => (await fetch('/manifest.webmanifest')).json());
		expect(manifest).toMatchObject({ name: 'Perch', display: 'standalone' });

		await context.setOffline(true);
		await page.reload();
		await page.getByRole('navigation', { name: 'Main' }).waitFor();
		await expectLive(page, 'Market');
		await context.close();
	});
});
