import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVault, expectLive, positionCard } from './accounts-harness';
import { newGuardedPage, startHarness, type Harness } from './harness';

/**
 * The Demo picker: with no keys and no simulator servers at all (nothing but the app on
 * loopback), a user adds a demo account of each of the three exchanges; each runs in its own
 * Web Worker, goes live and shows its positions.
 */

let harness: Harness;

beforeAll(async () => {
	harness = await startHarness();
});
afterAll(async () => {
	await harness?.close();
});

describe('Demo picker', () => {
	it('offers BitMart, Bitget and AscendEX demo accounts; all three go live offline', async () => {
		const { page, offLoopback, consoleErrors } = await newGuardedPage(harness.browser, {
			width: 1280,
			height: 900
		});
		await page.goto(harness.appUrl);
		await createVault(page);
		const picker = page.getByRole('combobox', { name: 'Demo exchange' });
		expect(await picker.locator('option').allTextContents()).toEqual([
			'BitMart Futures V2',
			'Bitget Futures',
			'AscendEX Futures'
		]);
		for (const [value, label] of [
			['bitget', 'Demo Bitget'],
			['ascendex', 'Demo AscendEX'],
			['demo', 'Demo']
		] as const) {
			await picker.selectOption(value);
			await page.getByRole('button', { name: 'Add demo account' }).click();
			await expectLive(page, label, 30_000);
		}
		// Every demo account added: the picker is gone.
		await expect.poll(() => picker.count()).toBe(0);
		await expect
			.poll(() => positionCard(page, 'BTCUSDT', 'long', 'Demo Bitget').count(), { timeout: 15_000 })
			.toBe(1);
		await expect.poll(() => positionCard(page, 'ETHUSDT', 'short', 'Demo Bitget').count()).toBe(1);
		await expect
			.poll(() => positionCard(page, 'BTC-PERP', 'long', 'Demo AscendEX').count(), {
				timeout: 15_000
			})
			.toBe(1);
		await expect
			.poll(() => positionCard(page, 'ETH-PERP', 'short', 'Demo AscendEX').count())
			.toBe(1);
		await expect
			.poll(() =>
				page.getByRole('region', { name: 'Account Demo', exact: true }).getByRole('article').count()
			)
			.toBe(3);
		// One simulator worker per venue, and nothing but loopback on the wire.
		const workers = page.workers().map((w) => w.url());
		expect(workers.filter((u) => u.includes('/workers/')).length).toBeGreaterThanOrEqual(3);
		expect(offLoopback).toEqual([]);
		expect(consoleErrors).toEqual([]);
		await page.context().close();
	}, 120_000);
});
