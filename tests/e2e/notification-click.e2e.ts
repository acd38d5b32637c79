import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAIN, addAccount, createVault, expectLive, positionCard } from './accounts-harness';
import { startHarness, startSimServer, waitFor, type Harness, type Sim } from './harness';

/**
 * Issue 12, alerts: a tap on an alert's system notification brings Perch to the screen it names,
 * in the window that is open, without a page load (which would lock the vault).
 *
 * The browser shows the notification for real (the app's own showNotification through the built
 * service worker). What the test cannot do is tap it: no DevTools command clicks a system
 * notification, so the tap is the `notificationclick` event dispatched in the service worker
 * with the very notification the app showed. A dispatched event carries no user gesture, so the
 * worker's focus() is refused here, as it is for any script; the routing does not depend on it.
 */

const PHONE = { width: 390, height: 844 };

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

describe('notification tap', () => {
	it('opens the alert list in the open window, still unlocked, and closes the notification', async () => {
		const context = await harness.browser.newContext({ viewport: PHONE, serviceWorkers: 'allow' });
		try {
			await context.grantPermissions(['notifications']);
			const page = await context.newPage();
			sim = await startSimServer({ seed: 31 });
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
			await page.goto(harness.appUrl);
			await waitFor(
				() => page.evaluate(() => navigator.serviceWorker.controller !== null),
				15000,
				'the page to be controlled by the worker'
			);
			await createVault(page);
			await addAccount(page, sim, MAIN);
			await expectLive(page, MAIN.label);
			await positionCard(page, 'BTCUSDT', 'long').waitFor({ timeout: 15000 });

			const nav = page.getByRole('navigation', { name: 'Main' });
			await nav.getByRole('link', { name: 'Alerts' }).click();
			await page.getByRole('button', { name: 'Allow system notifications' }).click();
			await page.getByText('System notifications are on.').waitFor();
			// The user moves on to the market screen; the page is never loaded again from here.
			await nav.getByRole('link', { name: 'Market' }).click();
			await waitFor(() => new URL(page.url()).pathname === '/', 10000, 'the market screen');
			await page.evaluate(() => ((window as unknown as { marker: number }).marker = 7));

			// A fill made elsewhere (the exchange's website): news, so its notification names the list.
			main.trade({ symbol: 'BTCUSDT', side: 1, size: 2 });
			const [worker] = context.serviceWorkers();
			expect(worker, 'the service worker').toBeDefined();
			const shown = () =>
				worker.evaluate(async () => {
					const scope = self as unknown as { registration: ServiceWorkerRegistration };
					const list = await scope.registration.getNotifications();
					return list.map((n) => ({ title: n.title, data: n.data as unknown }));
				});
			await expect
				.poll(shown, { timeout: 15000 })
				.toEqual([{ title: 'Fill on BTCUSDT', data: { path: '/alerts' } }]);

			const tapped = await worker.evaluate(async () => {
				type Tap = Event & { waitUntil(p: Promise<unknown>): void };
				const scope = self as unknown as {
					registration: ServiceWorkerRegistration;
					dispatchEvent(e: Event): boolean;
					NotificationEvent: new (type: string, init: { notification: Notification }) => Tap;
				};
				const [notification] = await scope.registration.getNotifications();
				const event = new scope.NotificationEvent('notificationclick', { notification });
				// A dispatched event may not extend itself (waitUntil throws when untrusted): keep
				// the handler's promise here instead and wait for it.
				let done: Promise<unknown> = Promise.resolve();
				event.waitUntil = (p) => {
					done = p;
				};
				scope.dispatchEvent(event);
				await done;
				return notification.title;
			});
			expect(tapped).toBe('Fill on BTCUSDT');

			await waitFor(() => new URL(page.url()).pathname === '/alerts', 10000, 'the alert list');
			await page.getByRole('heading', { name: 'Alerts', level: 1 }).waitFor();
			await page.getByRole('list', { name: 'Fired alerts' }).getByText('Fill on BTCUSDT').waitFor();
			// Routed inside the page: the same document, the vault still unlocked.
			expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(7);
			await nav.getByRole('link', { name: 'Accounts' }).click();
			await positionCard(page, 'BTCUSDT', 'long').waitFor({ timeout: 10000 });
			expect(await page.getByRole('button', { name: 'Unlock', exact: true }).count()).toBe(0);
			// And the notification is gone from the system tray.
			expect(await shown()).toEqual([]);
		} finally {
			await context.close();
		}
	}, 90000);
});
