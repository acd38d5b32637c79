import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRelay, type RelayServer } from '../../relay/node';
import { MAIN, addAccount, createVault, hold, expectLive } from './accounts-harness';
import { newGuardedPage, startHarness, startSimServer, type Harness, type Sim } from './harness';

let harness: Harness;
let sim: Sim;
let relay: RelayServer;
const relayLog: string[] = [];

beforeAll(async () => {
	harness = await startHarness();
	// An exchange that refuses cross-origin requests, as real REST hosts may.
	sim = await startSimServer({ seed: 9, cors: false });
	const main = sim.sim.addAccount({ ...MAIN, positionMode: 'hedge' });
	main.setBalance('USDT', '10000');
	main.seedPosition({
		symbol: 'BTCUSDT',
		side: 'long',
		size: 8,
		entryPrice: '60000',
		leverage: '10',
		marginMode: 'cross'
	});
	relay = await startRelay({
		port: 0,
		allowedOrigins: [new URL(harness.appUrl).origin],
		upstreams: { bitmart: sim.endpoints.rest },
		log: (line) => relayLog.push(line)
	});
});

afterAll(async () => {
	await relay?.close();
	await sim?.close();
	await harness?.close();
});

describe('REST from a browser', () => {
	it('says plainly when the exchange refuses cross-origin calls, then works through the relay', async () => {
		const { page } = await newGuardedPage(harness.browser);
		await page.goto(harness.appUrl);
		await createVault(page);

		await addAccount(page, sim, MAIN);
		const dialog = page.getByRole('dialog', { name: 'Add account' });
		await expect
			.poll(() => dialog.getByRole('alert').textContent(), { timeout: 15000 })
			.toMatch(/cross-origin.*relay/);
		await dialog.getByRole('button', { name: 'Cancel' }).click();
		expect(await page.getByRole('region', { name: `Account ${MAIN.label}` }).count()).toBe(0);

		// The same key through the relay: REST goes via the relay, the sockets straight to the venue.
		const viaRelay = {
			...sim,
			endpoints: { ...sim.endpoints, rest: `${relay.url.replace(/\/$/, '')}/bitmart` }
		};
		await addAccount(page, viaRelay, MAIN);
		const region = page.getByRole('region', { name: `Account ${MAIN.label}` });
		await region.getByRole('article', { name: /BTCUSDT long/ }).waitFor({ timeout: 15000 });
		await expectLive(page, MAIN.label);

		await page.getByRole('button', { name: 'Close 50% of BTCUSDT long, account Main' }).click();
		await expect
			.poll(() => page.getByRole('dialog').textContent())
			.toContain('Sell 4 BTCUSDT contracts at market, reduce-only, account Main');
		await hold(page, /^Hold to close/);
		await expect
			.poll(() => region.getByRole('article', { name: /BTCUSDT long/ }).textContent(), {
				timeout: 15000
			})
			.toMatch(/Filled 4/);
		expect(sim.sim.ordersSubmitted(MAIN.apiKey)).toMatchObject([
			{ symbol: 'BTCUSDT', side: 3, size: 4 }
		]);

		// The relay's log has the route and status only: no key, signature, memo or body.
		expect(relayLog.some((line) => /POST \/bitmart 200/.test(line))).toBe(true);
		const log = relayLog.join('\n');
		for (const secret of [MAIN.apiKey, MAIN.memo, MAIN.secret, 'X-BM-SIGN', 'client_order_id']) {
			expect(log).not.toContain(secret);
		}
		await page.context().close();
	}, 90000);
});
