import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAIN, addAccount, closeButton, createVault, expectLive, hold } from './accounts-harness';
import { newGuardedPage, startHarness, startSimServer, type Harness, type Sim } from './harness';

/**
 * Issue "Closes that never fail silently or lie", item 7: the exchange's clock, not the device's,
 * signs every request; a large difference is shown; and a clock step that makes the exchange
 * refuse a timestamp (30007) is answered by re-measuring and sending the same intent once more.
 */

let harness: Harness;
let sim: Sim;
/** How far the exchange's clock runs ahead of this machine's. */
let exchangeAheadMs = 0;

beforeAll(async () => {
	harness = await startHarness();
});

afterAll(async () => {
	await harness?.close();
});

afterEach(async () => {
	await sim?.close();
});

describe('clock skew and steps', () => {
	it('shows a large skew, closes anyway, and survives a step with one re-sent intent', async () => {
		exchangeAheadMs = 3_600_000;
		sim = await startSimServer({ seed: 31, now: () => Date.now() + exchangeAheadMs });
		const account = sim.sim.addAccount({ ...MAIN, positionMode: 'hedge' });
		account.seedPosition({ symbol: 'BTCUSDT', side: 'long', size: 12, entryPrice: '60000' });
		const { page, offLoopback } = await newGuardedPage(harness.browser);
		await page.goto(harness.appUrl);
		await createVault(page);
		await addAccount(page, sim, MAIN);
		await expectLive(page, MAIN.label);

		const skewNote = page.getByText(/This device's clock is 3600\.\d s behind the exchange/);
		await skewNote.waitFor({ timeout: 15_000 });

		// Signed with the exchange's time: accepted although the device is an hour behind.
		await closeButton(page, 'BTCUSDT', 'long', 25).click();
		await hold(page, 'Hold to close');
		await expect
			.poll(() => page.getByRole('article', { name: /BTCUSDT long/ }).textContent(), {
				timeout: 15_000
			})
			.toMatch(/Filled 3 BTCUSDT/);

		// The exchange's clock steps forward by 2 minutes: the next signature is out of its window.
		exchangeAheadMs += 120_000;
		await closeButton(page, 'BTCUSDT', 'long', 25).click();
		await hold(page, 'Hold to close');
		await expect.poll(() => account.positions()[0]?.size, { timeout: 20_000 }).toBe('7');
		// One accepted order per intent; the refused timestamp was re-sent once, same client id.
		const tries = sim.sim.requests.filter((r) => r.path === '/contract/private/submit-order');
		expect(tries.map((r) => [r.code, r.params.size])).toEqual([
			[1000, 3],
			[30007, 2],
			[1000, 2]
		]);
		expect(tries[1].params.client_order_id).toBe(tries[2].params.client_order_id);
		expect(tries[0].params.client_order_id).not.toBe(tries[1].params.client_order_id);
		expect(offLoopback).toEqual([]);
		await page.context().close();
	}, 120_000);
});
