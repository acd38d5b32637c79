import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newGuardedPage, startHarness, waitFor, type Harness } from './harness';

let harness: Harness;

beforeAll(async () => {
	harness = await startHarness();
});

afterAll(async () => {
	await harness?.close();
});

/** Methods only the simulator has (class methods keep their names through minification). */
const SIM_FUNCTIONS = ['marketTick', 'handleRest', 'openSocket', 'pushTickers', 'pushText'];

describe('Demo simulator', () => {
	it('runs in a Web Worker: the page streams the Demo book and its main thread runs no simulator code', async () => {
		const { page, offLoopback, consoleErrors } = await newGuardedPage(harness.browser, {
			width: 390,
			height: 844
		});
		await page.goto(harness.appUrl);
		const row = page.locator('tr[data-side][data-price]:not([data-price=""])');
		await row.first().waitFor({ state: 'attached', timeout: 20_000 });
		await waitFor(
			() => page.workers().some((w) => w.url().includes('/_app/immutable/workers/')),
			10_000,
			'the Demo worker'
		);

		const cdp = await page.context().newCDPSession(page);
		await cdp.send('Profiler.enable');
		await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
		await cdp.send('Profiler.start');
		const before = await page.getByTestId('book-version').textContent();
		await waitFor(
			async () => (await page.getByTestId('book-version').textContent()) !== before,
			10_000,
			'the book to move'
		);
		await page.waitForTimeout(2000);
		const { profile } = await cdp.send('Profiler.stop');
		const names = new Set(profile.nodes.map((n) => n.callFrame.functionName));
		// The profile did see the app's own work on this thread...
		expect(profile.nodes.length).toBeGreaterThan(20);
		// ...and none of the simulator's.
		expect(SIM_FUNCTIONS.filter((f) => names.has(f))).toEqual([]);
		expect(offLoopback).toEqual([]);
		expect(consoleErrors).toEqual([]);
		await page.context().close();
	});
});
