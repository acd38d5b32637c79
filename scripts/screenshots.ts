// Screenshots of every screen at phone (390×844) and desktop width, against the Node simulator,
// then the main screens at 360×780, 390×844 and 1280×800 in both themes with privacy mode on.
// Usage: npm run build && npx tsx scripts/screenshots.ts [outdir]
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { MAIN, SIDE, addAccount, createVault, hold } from '../tests/e2e/accounts-harness';
import { seedHistory } from '../src/sim/core/history';
import type { Page } from 'playwright-core';
import { newGuardedPage, startHarness, startSimServer } from '../tests/e2e/harness';

const out = process.argv[2] ?? 'screenshots';
mkdirSync(out, { recursive: true });

const harness = await startHarness();
const sim = await startSimServer({ seed: 21 });
const main = sim.sim.addAccount({ ...MAIN, positionMode: 'hedge' });
main.setBalance('USDT', '2500');
main.seedPosition({
	symbol: 'BTCUSDT',
	side: 'long',
	size: 120,
	entryPrice: '63000',
	leverage: '20',
	marginMode: 'isolated'
});
main.seedPosition({
	symbol: 'ETHUSDT',
	side: 'short',
	size: 35,
	entryPrice: '3100',
	leverage: '10',
	marginMode: 'cross'
});
main.seedPosition({
	symbol: 'SOLUSDT',
	side: 'long',
	size: 8,
	entryPrice: '150',
	leverage: '5',
	marginMode: 'isolated'
});
main.seedOrder({ symbol: 'BTCUSDT', side: 3, price: '70000', size: 10 });

/**
 * The history screen with four months of a busy account, synced once (at the documented rate
 * limits), then shot at both widths. `SHOTS=history` takes only these.
 */
async function historyShots(): Promise<void> {
	const side = sim.sim.addAccount({ ...SIDE, positionMode: 'hedge' });
	seedHistory(side.state, sim.sim.engine, { days: 120, fillsPerDay: 24, now: Date.now(), seed: 4 });
	const { page } = await newGuardedPage(harness.browser, { width: 1280, height: 800 });
	await page.goto(harness.appUrl);
	await createVault(page);
	await addAccount(page, sim, SIDE);
	// Not expectLive: that polls with vitest's expect, which needs the test runner.
	await page
		.locator(`[role="status"][aria-label="${SIDE.label} connection"][data-state="live"]`)
		.waitFor({ timeout: 30_000 });
	await seedEquitySamples(page, SIDE.label);
	await page.getByRole('link', { name: 'History' }).click();
	await page.getByRole('button', { name: 'Sync', exact: true }).click();
	await page.waitForTimeout(4000);
	await page.screenshot({ path: join(out, 'history-syncing-desktop.png') });
	await page.getByRole('button', { name: 'Sync', exact: true }).waitFor({ timeout: 300_000 });
	await page.waitForTimeout(500);
	await page.screenshot({ path: join(out, 'history-desktop.png'), fullPage: true });
	await page.setViewportSize({ width: 390, height: 844 });
	await page.waitForTimeout(800);
	await page.screenshot({ path: join(out, 'history-phone.png'), fullPage: true });
	await page.getByRole('button', { name: 'Hide balances and sizes' }).first().click();
	await page.waitForTimeout(500);
	await page.screenshot({ path: join(out, 'history-phone-privacy.png'), fullPage: true });
	await page.context().close();
}

/**
 * A week of minute equity samples for the account, as the app would have stored them had it been
 * connected all week (a drifting equity and an unrealized PnL that swings around zero), so the
 * equity chart shows a realistic amount of data. Written straight into the app's store.
 */
async function seedEquitySamples(page: Page, label: string): Promise<void> {
	await page.evaluate(
		(label) =>
			new Promise<void>((resolve, reject) => {
				const req = indexedDB.open('perch');
				req.onerror = () => reject(req.error);
				req.onsuccess = () => {
					const db = req.result;
					const all = db.transaction('accounts').objectStore('accounts').getAll();
					all.onsuccess = () => {
						const id = (all.result as { id: string; label: string }[]).find(
							(a) => a.label === label
						)!.id;
						const tx = db.transaction('equitySamples', 'readwrite');
						const store = tx.objectStore('equitySamples');
						const now = Math.floor(Date.now() / 60_000) * 60_000;
						// No named helper functions in here: tsx would wrap them in a __name() call
						// that does not exist in the page.
						let seed = 7;
						let cash = 9_800;
						let upnl = 0;
						for (let i = 7 * 1440; i > 0; i--) {
							seed = (seed * 16807) % 2147483647;
							cash += (seed / 2147483647 - 0.49) * 4;
							seed = (seed * 16807) % 2147483647;
							upnl = upnl * 0.995 + (seed / 2147483647 - 0.5) * 18;
							store.put({
								accountId: id,
								time: now - i * 60_000,
								asset: 'USDT',
								equity: (cash + upnl).toFixed(4),
								unrealizedPnl: upnl.toFixed(4),
								priced: 2,
								unpriced: 0
							});
						}
						tx.oncomplete = () => resolve();
						tx.onerror = () => reject(tx.error);
					};
				};
			}),
		label
	);
}

if (process.env.SHOTS === 'history') {
	await historyShots();
	await sim.close();
	await harness.close();
	process.exit(0);
}

// SHOTS=themes skips the close flows and takes only the theme/privacy set below.
if (process.env.SHOTS !== 'themes') {
	for (const [name, viewport] of [
		['phone', { width: 390, height: 844 }],
		['desktop', { width: 1280, height: 800 }]
	] as const) {
		const { page } = await newGuardedPage(harness.browser, viewport);
		await page.goto(harness.appUrl);
		await page.waitForTimeout(3000);
		await page.screenshot({ path: join(out, `market-${name}.png`) });
		await createVault(page);
		await page.screenshot({ path: join(out, `accounts-empty-${name}.png`) });
		await page.getByRole('button', { name: 'Add account' }).click();
		await page.screenshot({ path: join(out, `add-account-${name}.png`) });
		await page
			.getByRole('dialog', { name: 'Add account' })
			.getByRole('button', { name: 'Cancel' })
			.click();
		await addAccount(page, sim, MAIN);
		await page.getByRole('article').first().waitFor();
		await page.waitForTimeout(2500);
		await page.screenshot({ path: join(out, `accounts-${name}.png`), fullPage: true });
		await page.getByRole('button', { name: /Close 25% of BTCUSDT long/ }).click();
		await page.waitForTimeout(300);
		await page.screenshot({ path: join(out, `confirm-${name}.png`) });
		await page.getByRole('dialog').getByRole('button', { name: 'Cancel', exact: true }).click();
		// A close whose reply never comes: the position is locked while Perch checks with the exchange.
		sim.sim.faults.holdNext('submit-order', 20_000);
		await page.getByRole('button', { name: /Close 25% of SOLUSDT long/ }).click();
		await hold(page, 'Hold to close');
		await page.getByText(/^Checking with the exchange:/).waitFor({ timeout: 20_000 });
		await page.getByRole('article', { name: /SOLUSDT long/ }).scrollIntoViewIfNeeded();
		await page.screenshot({ path: join(out, `checking-${name}.png`) });
		await page.getByRole('button', { name: 'I checked, send a new close' }).click();
		await page.waitForTimeout(300);
		await page.screenshot({ path: join(out, `override-${name}.png`) });
		await page.getByRole('dialog').getByRole('button', { name: 'Cancel', exact: true }).click();
		await page
			.getByText(/^Checking with the exchange:/)
			.waitFor({ state: 'detached', timeout: 30_000 });
		await page.goto(new URL('/settings', harness.appUrl).href);
		await page.waitForTimeout(800);
		await page.screenshot({ path: join(out, `settings-${name}.png`), fullPage: true });
		await page
			.getByRole('button', { name: 'Lock now' })
			.click()
			.catch(() => undefined);
		await page.goto(new URL('/accounts', harness.appUrl).href);
		await page.waitForTimeout(800);
		await page.screenshot({ path: join(out, `locked-${name}.png`) });
		await page.context().close();
	}
}

// Phone-first: every width, both themes, privacy on (one tap on the eye).
// The BTCUSDT long near its liquidation price, so the alert banner shows.
sim.sim.setMarkPrice('BTCUSDT', '63500');
for (const [name, viewport] of [
	['360', { width: 360, height: 780 }],
	['390', { width: 390, height: 844 }],
	['1280', { width: 1280, height: 800 }]
] as const) {
	for (const scheme of ['dark', 'light'] as const) {
		const { page } = await newGuardedPage(harness.browser, viewport);
		await page.emulateMedia({ colorScheme: scheme });
		await page.goto(harness.appUrl);
		await createVault(page);
		await addAccount(page, sim, MAIN);
		await page.getByRole('article').first().waitFor({ timeout: 20_000 });
		await page.getByRole('button', { name: 'Hide balances and sizes' }).click();
		await page.waitForTimeout(2500);
		const tag = `${name}-${scheme}-private`;
		await page.screenshot({ path: join(out, `accounts-${tag}.png`) });
		await page
			.getByRole('navigation', { name: 'Main' })
			.getByRole('link', { name: 'Alerts' })
			.click();
		await page.waitForTimeout(500);
		await page.screenshot({ path: join(out, `alerts-${tag}.png`), fullPage: true });
		await page
			.getByRole('navigation', { name: 'Main' })
			.getByRole('link', { name: 'Market' })
			.click();
		await page.waitForTimeout(2500);
		await page.screenshot({ path: join(out, `market-${tag}.png`) });
		await page
			.getByRole('navigation', { name: 'Main' })
			.getByRole('link', { name: 'Settings' })
			.click();
		await page.waitForTimeout(500);
		await page.screenshot({ path: join(out, `settings-${tag}.png`) });
		await page.context().close();
	}
}
await historyShots();
await sim.close();
await harness.close();
console.log(`Screenshots written to ${out}/`);
