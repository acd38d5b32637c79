import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startStaticServer } from '../../scripts/serve.js';
import {
	MAIN,
	addAccount,
	closeButton,
	createVault,
	expectLive,
	hold,
	positionCard,
	unlock
} from './accounts-harness';
import {
	newGuardedPage,
	startHarness,
	startSimServer,
	waitFor,
	type Harness,
	type Sim
} from './harness';

/**
 * Issue 12, parts 3-5 on the phone: alerts, privacy mode, the start screen and the update prompt,
 * driven through the UI against the Node simulator at phone width.
 */

const PHONE = { width: 390, height: 844 };
const MASK = '•••';

let harness: Harness;
let sim: Sim | undefined;

beforeAll(async () => {
	harness = await startHarness();
});

afterAll(async () => {
	await harness?.close();
});

afterEach(async () => {
	await sim?.close();
	sim = undefined;
});

/** A vault with one simulator account holding a 10× isolated BTCUSDT long of `size` at 60000. */
async function setup(page: Page, size = 40) {
	sim = await startSimServer({ seed: 23 });
	const main = sim.sim.addAccount({ ...MAIN, positionMode: 'hedge' });
	main.setBalance('USDT', '12345.67');
	main.seedPosition({
		symbol: 'BTCUSDT',
		side: 'long',
		size,
		entryPrice: '60000',
		leverage: '10',
		marginMode: 'isolated'
	});
	// Isolated 10× long at 60000: liquidation at 54300 (see the simulator's margin rules).
	sim.sim.setMarkPrice('BTCUSDT', '67875');
	await page.goto(harness.appUrl);
	await createVault(page);
	await addAccount(page, sim, MAIN);
	await expectLive(page, MAIN.label);
	await positionCard(page, 'BTCUSDT', 'long').waitFor({ timeout: 15000 });
	return { main };
}

async function liqDistance(page: Page): Promise<string> {
	return (
		(await positionCard(page, 'BTCUSDT', 'long').getByTestId('liq-distance').textContent()) ?? ''
	);
}

async function nav(page: Page, name: string) {
	await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click();
}

/** The fired liquidation alerts in the alert list (navigates to Alerts and back). */
async function liquidationAlerts(page: Page): Promise<number> {
	await nav(page, 'Alerts');
	// The route renders after the click returns: count only once the page is there.
	await page.getByRole('heading', { name: 'Alerts', level: 1 }).waitFor();
	const list = page.getByRole('list', { name: 'Fired alerts' });
	const count = (await list.count()) === 0 ? 0 : await list.getByText(/from liquidation/).count();
	await nav(page, 'Accounts');
	await positionCard(page, 'BTCUSDT', 'long').waitFor();
	return count;
}

describe('alerts', () => {
	it('the default liquidation alert fires once per crossing of 10 % and re-arms after recovery', async () => {
		const { page } = await newGuardedPage(harness.browser, PHONE);
		await setup(page);
		await expect.poll(() => liqDistance(page), { timeout: 15000 }).toBe('20.00% away');
		expect(await liquidationAlerts(page)).toBe(0);

		// 8 % from liquidation: below the default 10 %.
		sim!.sim.setMarkPrice('BTCUSDT', '59022');
		const banner = page.getByRole('region', { name: 'Latest alert' });
		await expect
			.poll(() => banner.textContent(), { timeout: 15000 })
			.toMatch(/BTCUSDT long: 8\.0 % from liquidation/);
		expect(await liquidationAlerts(page)).toBe(1);

		// Deeper, then just above the line (inside the re-arm band): no new alert.
		sim!.sim.setMarkPrice('BTCUSDT', '58000');
		await expect.poll(() => liqDistance(page), { timeout: 15000 }).toBe('6.38% away');
		sim!.sim.setMarkPrice('BTCUSDT', '60400');
		await expect.poll(() => liqDistance(page), { timeout: 15000 }).toBe('10.10% away');
		sim!.sim.setMarkPrice('BTCUSDT', '59022');
		await expect.poll(() => liqDistance(page), { timeout: 15000 }).toBe('8.00% away');
		// Several evaluations (one a second) see it below again while disarmed.
		await page.waitForTimeout(3000);
		expect(await liquidationAlerts(page)).toBe(1);

		// Recovered to 15 %: re-armed; the next crossing fires again.
		sim!.sim.setMarkPrice('BTCUSDT', '63882');
		await expect.poll(() => liqDistance(page), { timeout: 15000 }).toBe('15.00% away');
		await page.waitForTimeout(2500);
		sim!.sim.setMarkPrice('BTCUSDT', '59022');
		await expect.poll(() => liquidationAlerts(page), { timeout: 15000 }).toBe(2);
		await page.context().close();
	}, 120000);

	it('system notifications are only asked for from the alert settings button', async () => {
		const { page, context } = await newGuardedPage(harness.browser, PHONE);
		await page.goto(harness.appUrl);
		await nav(page, 'Alerts');
		await page.getByText(/Alerts work only while Perch is open or in the background/).waitFor();
		// Nothing asked on load: the permission is still undecided.
		expect(await page.evaluate(() => Notification.permission)).toBe('default');
		await context.grantPermissions(['notifications']);
		await page.getByRole('button', { name: 'Allow system notifications' }).click();
		await page.getByText('System notifications are on.').waitFor();
		await context.close();
	}, 60000);
});

describe('privacy mode', () => {
	it('one tap hides every balance and size on every screen, and is remembered', async () => {
		const { page } = await newGuardedPage(harness.browser, PHONE);
		const { main } = await setup(page);
		const card = positionCard(page, 'BTCUSDT', 'long');
		await expect.poll(() => card.textContent(), { timeout: 15000 }).toMatch(/Size 40 cont/);
		// A fill, so the alert list holds a size too.
		main.trade({ symbol: 'BTCUSDT', side: 1, size: 7 });
		await expect.poll(() => card.textContent(), { timeout: 15000 }).toMatch(/Size 47 cont/);
		const balances = page.getByRole('table', { name: `Balances, account ${MAIN.label}` });
		await expect.poll(() => balances.textContent(), { timeout: 15000 }).toMatch(/\d,\d{3}\.\d\d/);

		await page.getByRole('button', { name: 'Hide balances and sizes' }).click();
		expect(
			await page
				.getByRole('button', { name: 'Show balances and sizes' })
				.getAttribute('aria-pressed')
		).toBe('true');

		const secretText = /\b47\b|\b40\b|12,3\d\d|\d,\d{3}\.\d\d|\d+\s*cont\./;
		const checkAccounts = async () => {
			await card.waitFor();
			const text = (await page.locator('main, body').first().textContent()) ?? '';
			expect(text).not.toMatch(secretText);
			// Equity, available and uPnL cells of every balance row are masked.
			for (const row of await balances.locator('tbody tr').all()) {
				const cells = await row.locator('td').allTextContents();
				expect(cells.slice(0, 3)).toEqual([MASK, MASK, MASK]);
			}
			expect(await card.getByTestId('upnl').textContent()).toContain(MASK);
		};
		await checkAccounts();

		for (const screen of ['Market', 'Alerts', 'Settings']) {
			await nav(page, screen);
			await page
				.getByRole('heading', { level: 1 })
				.or(page.getByRole('heading', { name: 'Order book' }))
				.first()
				.waitFor();
			await page.waitForTimeout(500);
			const text = (await page.locator('body').textContent()) ?? '';
			expect(text, screen).not.toMatch(/12,3\d\d|\d+\s*cont\.|size now \d/);
		}
		await nav(page, 'Alerts');
		await expect
			.poll(() => page.getByRole('list', { name: 'Fired alerts' }).textContent(), {
				timeout: 10000
			})
			.toContain(`size now ${MASK}`);

		// Remembered across visits.
		await page.reload();
		await page.goto(new URL('/accounts', harness.appUrl).href);
		await unlock(page);
		await expectLive(page, MAIN.label);
		await expect.poll(() => card.textContent(), { timeout: 15000 }).toContain(MASK);
		await checkAccounts();

		// And one tap shows them again.
		await page.getByRole('button', { name: 'Show balances and sizes' }).click();
		await expect.poll(() => card.textContent()).toMatch(/Size 47 cont/);
		await page.context().close();
	}, 120000);
});

describe('touch', () => {
	it('hold-to-confirm works with a finger: a touch held past the hold time sends the close', async () => {
		const context = await harness.browser.newContext({
			viewport: PHONE,
			hasTouch: true,
			serviceWorkers: 'block'
		});
		const page = await context.newPage();
		const { main } = await setup(page, 12);
		await closeButton(page, 'BTCUSDT', 'long', 25).tap();
		const confirm = page.getByRole('dialog').getByRole('button', { name: /^Hold to close/ });
		await confirm.waitFor();
		const box = await confirm.boundingBox();
		if (!box) throw new Error('no box for the hold button');
		// Real touch input through the DevTools protocol: Chromium turns it into touch pointer events.
		const cdp = await context.newCDPSession(page);
		const point = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
		// A short touch is not a hold: nothing is sent and the sheet stays open.
		await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [point] });
		await page.waitForTimeout(150);
		await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
		await page.waitForTimeout(1000);
		expect(sim!.sim.ordersSubmitted(MAIN.apiKey)).toEqual([]);
		expect(await confirm.isVisible()).toBe(true);
		await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [point] });
		await page.waitForTimeout(1200);
		await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
		await waitFor(
			() => main.positions().find((p) => p.symbol === 'BTCUSDT')?.size === '9',
			20000,
			'the 25 % close to fill'
		);
		expect(sim!.sim.ordersSubmitted(MAIN.apiKey).map((o) => String(o.size))).toEqual(['3']);
		await context.close();
	}, 90000);
});

describe('start screen', () => {
	it('opens on the positions overview once an account exists; the market is one tap away', async () => {
		const { page } = await newGuardedPage(harness.browser, PHONE);
		await page.goto(harness.appUrl);
		await page.getByRole('heading', { name: 'Order book' }).waitFor();
		expect(new URL(page.url()).pathname).toBe('/');

		await setup(page);
		await page.goto(harness.appUrl);
		await page.getByRole('button', { name: 'Unlock' }).waitFor();
		expect(new URL(page.url()).pathname).toBe('/accounts');
		await unlock(page);
		await positionCard(page, 'BTCUSDT', 'long').waitFor({ timeout: 15000 });

		await nav(page, 'Market');
		await page.getByRole('heading', { name: 'Order book' }).waitFor();
		expect(new URL(page.url()).pathname).toBe('/');
		await page.context().close();
	}, 90000);
});

describe('update prompt', () => {
	it('appears when a new service worker waits, is disabled during a close, never reloads by itself', async () => {
		// A private copy of the build, so the test can publish a "new version" of the worker.
		const dir = mkdtempSync(join(tmpdir(), 'perch-update-'));
		cpSync('build', dir, { recursive: true });
		const { server, url } = await startStaticServer({ dir, listenPort: 0 });
		const context = await harness.browser.newContext({ viewport: PHONE, serviceWorkers: 'allow' });
		try {
			const page = await context.newPage();
			sim = await startSimServer({ seed: 29 });
			const main = sim.sim.addAccount({ ...MAIN, positionMode: 'hedge' });
			main.setBalance('USDT', '10000');
			main.seedPosition({
				symbol: 'BTCUSDT',
				side: 'long',
				size: 12,
				entryPrice: '60000',
				leverage: '10',
				marginMode: 'cross'
			});
			await page.goto(url);
			await page.evaluate(async () => {
				await navigator.serviceWorker.ready;
			});
			await waitFor(
				() => page.evaluate(() => navigator.serviceWorker.controller !== null),
				15000,
				'the page to be controlled by the worker'
			);
			await createVault(page);
			await addAccount(page, sim, MAIN);
			await expectLive(page, MAIN.label);
			await positionCard(page, 'BTCUSDT', 'long').waitFor({ timeout: 15000 });

			// A close whose reply is held: it is in flight while the new version arrives.
			sim.sim.faults.holdNext('submit-order', 12000);
			await closeButton(page, 'BTCUSDT', 'long', 25).click();
			await hold(page, /^Hold to close/);
			await waitFor(() => sim!.sim.faults.heldRequests().length === 1, 15000, 'held submit');

			const sw = join(dir, 'sw.js');
			writeFileSync(sw, `${readFileSync(sw, 'utf8')}\n// next version\n`);
			const marker = await page.evaluate(() => {
				(window as unknown as { marker: number }).marker = 42;
				return navigator.serviceWorker.getRegistration().then((r) => r?.update());
			});
			void marker;

			const button = page.getByRole('button', { name: 'Reload to update' });
			await button.waitFor({ timeout: 20000 });
			expect(await button.isDisabled()).toBe(true);
			await page.getByText('Waiting: a close is in flight.').waitFor();

			// The close settles; the prompt becomes usable, and the page was never reloaded.
			await waitFor(
				() => main.positions().find((p) => p.symbol === 'BTCUSDT')?.size === '9',
				30000,
				'the close to fill'
			);
			await expect.poll(() => button.isDisabled(), { timeout: 30000 }).toBe(false);
			expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);

			// Pressed: the new worker takes over and the page reloads into it.
			const reloaded = page.waitForEvent('framenavigated', { timeout: 20000 });
			await button.click();
			await reloaded;
			await page.getByRole('navigation', { name: 'Main' }).waitFor();
			expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(
				undefined
			);
		} finally {
			await context.close();
			await new Promise<void>((r) => server.close(() => r()));
			rmSync(dir, { recursive: true, force: true });
		}
	}, 120000);
});
