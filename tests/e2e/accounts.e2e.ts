import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
	MAIN,
	PASSPHRASE,
	SIDE,
	addAccount,
	createVault,
	dumpStorage,
	hexOf,
	hold,
	unlock,
	expectLive
} from './accounts-harness';
import {
	connectToSim,
	newGuardedPage,
	startHarness,
	startSimServer,
	waitFor,
	type Harness,
	type Sim
} from './harness';

let harness: Harness;
let sim: Sim;

beforeAll(async () => {
	harness = await startHarness();
});

afterAll(async () => {
	await harness?.close();
});

afterEach(async () => {
	await sim?.close();
});

async function freshPage(width = 1280, height = 900): Promise<Page> {
	const { page } = await newGuardedPage(harness.browser, { width, height });
	await page.goto(harness.appUrl);
	return page;
}

function card(page: Page, symbol: string, side: 'long' | 'short', label = MAIN.label) {
	return page
		.getByRole('region', { name: `Account ${label}` })
		.getByRole('article', { name: new RegExp(`${symbol} ${side}`, 'i') });
}

/** Opens the close sheet for a fraction, checks its sentence, and holds the confirm button. */
async function closeVia(
	page: Page,
	symbol: string,
	side: 'long' | 'short',
	percent: 25 | 50 | 100,
	sentence: string,
	label = MAIN.label
): Promise<void> {
	await page
		.getByRole('button', { name: `Close ${percent}% of ${symbol} ${side}, account ${label}` })
		.click();
	const sheet = page.getByRole('dialog');
	await expect.poll(() => sheet.textContent(), { timeout: 15000 }).toContain(sentence);
	await hold(page, /^Hold to close/);
}

function submitted(apiKey: string) {
	return sim.sim.ordersSubmitted(apiKey).map((o) => ({
		symbol: o.symbol,
		side: o.side,
		size: o.size,
		type: o.type,
		open_type: o.open_type
	}));
}

async function setupWithPositions(mode: 'hedge' | 'one-way' = 'hedge') {
	sim = await startSimServer({ seed: 11 });
	const main = sim.sim.addAccount({
		...MAIN,
		positionMode: mode === 'hedge' ? 'hedge' : 'one_way'
	});
	main.setBalance('USDT', '10000');
	main.seedPosition({
		symbol: 'BTCUSDT',
		side: 'long',
		size: 12,
		entryPrice: '60000',
		leverage: '10',
		marginMode: 'cross'
	});
	main.seedPosition({
		symbol: 'ETHUSDT',
		side: 'short',
		size: 3,
		entryPrice: '3000',
		leverage: '5',
		marginMode: 'isolated'
	});
	sim.sim.setMarkPrice('BTCUSDT', '61500');
	sim.sim.setMarkPrice('ETHUSDT', '2900');
	const page = await freshPage();
	await createVault(page);
	await addAccount(page, sim, MAIN);
	await expectLive(page, MAIN.label);
	await card(page, 'BTCUSDT', 'long').waitFor();
	return { page, main };
}

describe('keys and the vault', () => {
	it('adds an account, locks, reloads and unlocks; storage never holds a secret in plaintext', async () => {
		sim = await startSimServer({ seed: 3 });
		sim.sim.addAccount({ ...MAIN, positionMode: 'hedge' });
		const page = await freshPage();
		await createVault(page);

		// A wrong memo is caught by the read-only check, with a specific message, and nothing is stored.
		await addAccount(page, sim, { ...MAIN, memo: 'wrong-memo' });
		const dialog = page.getByRole('dialog', { name: 'Add account' });
		await expect
			.poll(() => dialog.getByRole('alert').textContent(), { timeout: 15000 })
			.toMatch(/signature/i);
		await dialog.getByRole('button', { name: 'Cancel' }).click();
		expect(await page.getByRole('region', { name: `Account ${MAIN.label}` }).count()).toBe(0);

		await addAccount(page, sim, MAIN);
		await page.getByRole('region', { name: `Account ${MAIN.label}` }).waitFor();

		await page.getByRole('button', { name: 'Lock', exact: true }).click();
		await page.reload();
		await unlock(page, 'not the passphrase');
		await expect
			.poll(() => page.getByRole('alert').textContent(), { timeout: 15000 })
			.toContain('Wrong passphrase');
		await unlock(page, PASSPHRASE);
		await expectLive(page, MAIN.label);

		const dump = await dumpStorage(page);
		expect(dump).toContain('"perch/accounts"');
		expect(dump).toContain(MAIN.label);
		for (const secret of [MAIN.secret, MAIN.memo, MAIN.apiKey]) {
			expect(dump).not.toContain(secret);
			expect(dump).not.toContain(hexOf(secret));
		}
		expect(dump).not.toContain(PASSPHRASE);
		await page.context().close();
	});
});

describe('positions and quick closes', () => {
	it('shows live uPnL, ROE and liquidation distance for a known mark', async () => {
		const { page, main } = await setupWithPositions('hedge');
		const btc = card(page, 'BTCUSDT', 'long');
		// qty 12 × 0.001 = 0.012 BTC; uPnL (61500 − 60000) × 0.012 = 18.00
		await expect
			.poll(() => btc.getByTestId('upnl').textContent(), { timeout: 10000 })
			.toMatch(/\+18\.00/);
		const pos = main.positions().find((p) => p.symbol === 'BTCUSDT' && p.side === 'long');
		expect(pos).toBeTruthy();
		const margin = Number(pos!.margin);
		const roe = ((18 / margin) * 100).toFixed(2);
		expect(await btc.getByTestId('roe').textContent()).toContain(`${roe}%`);
		// A well-funded cross position has no liquidation price: Perch shows none rather than 100 %.
		expect(pos!.liquidationPrice).toBe('0');
		expect((await btc.getByTestId('liq-distance').textContent())?.trim()).toBe('—');

		const eth = card(page, 'ETHUSDT', 'short');
		// short 3 × 0.01 = 0.03 ETH; uPnL (3000 − 2900) × 0.03 = 3.00
		await expect
			.poll(() => eth.getByTestId('upnl').textContent(), { timeout: 15000 })
			.toMatch(/\+3\.00/);
		const ethPos = main.positions().find((p) => p.symbol === 'ETHUSDT' && p.side === 'short');
		const liq = Number(ethPos!.liquidationPrice);
		expect(liq).toBeGreaterThan(2900);
		const distance = (((liq - 2900) / 2900) * 100).toFixed(2);
		expect(await eth.getByTestId('liq-distance').textContent()).toContain(`${distance}%`);
		const ethRoe = ((3 / Number(ethPos!.margin)) * 100).toFixed(2);
		expect(await eth.getByTestId('roe').textContent()).toContain(`+${ethRoe}%`);
		await page.context().close();
	});

	for (const mode of ['hedge', 'one-way'] as const) {
		it(`closes 25 % then 100 % of a long and of a short with the right sides and sizes (${mode})`, async () => {
			const { page } = await setupWithPositions(mode);
			await closeVia(
				page,
				'BTCUSDT',
				'long',
				25,
				'Sell 3 BTCUSDT contracts at market, reduce-only, account Main'
			);
			await expect
				.poll(() => card(page, 'BTCUSDT', 'long').textContent(), { timeout: 15000 })
				.toMatch(/Filled 3 BTCUSDT at [\d.]+, realized PnL -?[\d.]+ USDT \(fees [\d.]+\)/);
			await closeVia(
				page,
				'BTCUSDT',
				'long',
				100,
				'Sell 9 BTCUSDT contracts at market, reduce-only, account Main'
			);
			await waitFor(
				async () => (await card(page, 'BTCUSDT', 'long').count()) === 0,
				15000,
				'long gone'
			);

			await closeVia(
				page,
				'ETHUSDT',
				'short',
				25,
				'Buy 1 ETHUSDT contract at market, reduce-only, account Main'
			);
			await expect
				.poll(() => card(page, 'ETHUSDT', 'short').textContent(), { timeout: 15000 })
				.toMatch(/Filled 1/);
			await closeVia(
				page,
				'ETHUSDT',
				'short',
				100,
				'Buy 2 ETHUSDT contracts at market, reduce-only, account Main'
			);
			await waitFor(
				async () => (await card(page, 'ETHUSDT', 'short').count()) === 0,
				15000,
				'short gone'
			);

			expect(submitted(MAIN.apiKey)).toEqual([
				{ symbol: 'BTCUSDT', side: 3, size: 3, type: 'market', open_type: 'cross' },
				{ symbol: 'BTCUSDT', side: 3, size: 9, type: 'market', open_type: 'cross' },
				{ symbol: 'ETHUSDT', side: 2, size: 1, type: 'market', open_type: 'isolated' },
				{ symbol: 'ETHUSDT', side: 2, size: 2, type: 'market', open_type: 'isolated' }
			]);
			await page.context().close();
		});
	}

	it('a dropped response and a double tap do not produce a second order', async () => {
		const { page, main } = await setupWithPositions('hedge');
		// The order executes, its reply is held back for a while and then lost on the wire.
		sim.sim.faults.delayResponses(1500);
		sim.sim.faults.dropNextResponse('submit-order');
		await closeVia(
			page,
			'BTCUSDT',
			'long',
			25,
			'Sell 3 BTCUSDT contracts at market, reduce-only, account Main'
		);
		// While the close is in flight the position's controls are disabled; tapping again does nothing.
		const again = page.getByRole('button', { name: 'Close 25% of BTCUSDT long, account Main' });
		await expect.poll(() => again.isDisabled(), { timeout: 5000 }).toBe(true);
		await again.click({ force: true, timeout: 2000 }).catch(() => undefined);
		expect(await page.getByRole('dialog').count()).toBe(0);
		sim.sim.faults.delayResponses(0);
		await expect
			.poll(() => card(page, 'BTCUSDT', 'long').textContent(), { timeout: 30000 })
			.toMatch(/Filled 3/);
		expect(await again.isDisabled()).toBe(false);
		// Perch sent one intent with one client order id. Chromium may re-send a POST whose
		// connection was reset; the exchange then refuses the copy as a duplicate id (40050).
		const requests = sim.sim.ordersSubmitted(MAIN.apiKey);
		expect(new Set(requests.map((o) => o.client_order_id)).size).toBe(1);
		expect(new Set(requests.map((o) => JSON.stringify(o))).size).toBe(1);
		// The exchange executed exactly one order: 12 − 3 = 9 contracts are left.
		await expect
			.poll(() => card(page, 'BTCUSDT', 'long').textContent(), { timeout: 15000 })
			.toMatch(/Size 9 cont/);
		expect(main.positions().find((p) => p.symbol === 'BTCUSDT')?.size).toBe('9');
		// The audit log shows the one attempt, confirmed after asking the exchange.
		await page.getByText(/Close audit log/).click();
		const audit = page.getByRole('list', { name: 'Close audit log' });
		await expect.poll(() => audit.getByRole('listitem').count(), { timeout: 15000 }).toBe(1);
		expect(await audit.textContent()).toContain('Sell 3 BTCUSDT contracts');
		expect(await audit.textContent()).toMatch(/confirmed/i);
		await page.context().close();
	}, 90000);

	it('shows a rejected close with the reason in plain words', async () => {
		const { page } = await setupWithPositions('hedge');
		sim.sim.faults.rejectNext('submit-order', 40020);
		await closeVia(
			page,
			'BTCUSDT',
			'long',
			50,
			'Sell 6 BTCUSDT contracts at market, reduce-only, account Main'
		);
		await expect
			.poll(() => card(page, 'BTCUSDT', 'long').textContent(), { timeout: 15000 })
			.toMatch(/Rejected: .*40020/);
		expect(await card(page, 'BTCUSDT', 'long').count()).toBe(1);
		await page.context().close();
	});

	it('close-all closes every position of that account and nothing of another', async () => {
		const { page } = await setupWithPositions('hedge');
		const side = sim.sim.addAccount({ ...SIDE, positionMode: 'hedge' });
		side.setBalance('USDT', '5000');
		side.seedPosition({
			symbol: 'BTCUSDT',
			side: 'short',
			size: 5,
			entryPrice: '62000',
			leverage: '10',
			marginMode: 'cross'
		});
		await addAccount(page, sim, SIDE);
		await card(page, 'BTCUSDT', 'short', SIDE.label).waitFor({ timeout: 15000 });
		await expectLive(page, MAIN.label);

		await page.getByRole('button', { name: `Close all positions, account ${MAIN.label}` }).click();
		await expect
			.poll(() => page.getByRole('dialog').textContent(), { timeout: 15000 })
			.toContain('account Main');
		await hold(page, /^Hold to close all/);
		await waitFor(
			async () =>
				(await page
					.getByRole('region', { name: `Account ${MAIN.label}` })
					.getByRole('article')
					.count()) === 0,
			20000,
			'Main flat'
		);
		expect(await card(page, 'BTCUSDT', 'short', SIDE.label).count()).toBe(1);
		expect(sim.sim.ordersSubmitted(SIDE.apiKey)).toEqual([]);
		expect(
			submitted(MAIN.apiKey)
				.map((o) => `${o.symbol}:${o.side}:${o.size}`)
				.sort()
		).toEqual(['BTCUSDT:3:12', 'ETHUSDT:2:3']);
		await page.context().close();
	});
});

describe('demo account', () => {
	it('tries positions and a quick close with no key and no network', async () => {
		const { page, offLoopback } = await newGuardedPage(harness.browser, {
			width: 390,
			height: 844
		});
		await page.goto(harness.appUrl);
		await createVault(page);
		await page.getByRole('button', { name: 'Add demo account' }).click();
		const region = page.getByRole('region', { name: 'Account Demo' });
		await expect.poll(() => region.getByRole('article').count(), { timeout: 15000 }).toBe(3);
		await expectLive(page, 'Demo');
		await closeVia(
			page,
			'BTCUSDT',
			'long',
			25,
			'Sell 30 BTCUSDT contracts at market, reduce-only, account Demo',
			'Demo'
		);
		await expect
			.poll(() => card(page, 'BTCUSDT', 'long', 'Demo').textContent(), { timeout: 15000 })
			.toMatch(/Filled 30 BTCUSDT/);
		await expect
			.poll(() => card(page, 'BTCUSDT', 'long', 'Demo').textContent(), { timeout: 15000 })
			.toMatch(/Size 90 cont/);
		expect(offLoopback).toEqual([]);
		await page.context().close();
	});
});

describe('open orders', () => {
	it('cancels an open order from its row', async () => {
		const { page, main } = await setupWithPositions('hedge');
		const resting = main.seedOrder({ symbol: 'BTCUSDT', side: 3, price: '70000', size: 4 });
		// The order reaches the page through the private stream (it was placed after the snapshot).
		const orders = page.getByRole('table', { name: 'Open orders' });
		const cancel = orders.getByRole('button', { name: `Cancel order ${resting.orderId} BTCUSDT` });
		await cancel.waitFor({ timeout: 15000 });
		await cancel.click();
		await expect
			.poll(() => page.getByRole('table', { name: 'Open orders' }).count(), { timeout: 15000 })
			.toBe(0);
		const cancels = sim.sim.requests.filter((r) => r.path === '/contract/private/cancel-order');
		expect(cancels.map((r) => r.params)).toEqual([
			{ symbol: 'BTCUSDT', order_id: resting.orderId }
		]);
		await page.context().close();
	});
});

describe('locking', () => {
	it('the idle lock drops the private sockets and unlocking restores them', async () => {
		sim = await startSimServer({ seed: 5 });
		sim.sim.addAccount({ ...MAIN, positionMode: 'hedge' });
		const { page } = await newGuardedPage(harness.browser);
		await page.clock.install();
		await page.goto(harness.appUrl);
		await createVault(page);
		await addAccount(page, sim, MAIN);
		await expectLive(page, MAIN.label);
		expect(sim.sim.connections().private).toBe(1);

		await page.clock.fastForward('16:00');
		await page.getByRole('button', { name: 'Unlock' }).waitFor({ timeout: 10000 });
		await waitFor(() => sim.sim.connections().private === 0, 10000, 'private socket closed');

		await unlock(page);
		await expectLive(page, MAIN.label);
		expect(sim.sim.connections().private).toBe(1);
		await page.context().close();
	});
});

describe('one public socket per endpoint', () => {
	it('two accounts and the market screen on one endpoint share one public socket', async () => {
		const { page } = await setupWithPositions('hedge');
		const side = sim.sim.addAccount({ ...SIDE, positionMode: 'hedge' });
		side.setBalance('USDT', '5000');
		side.seedPosition({
			symbol: 'BTCUSDT',
			side: 'short',
			size: 5,
			entryPrice: '62000',
			leverage: '10',
			marginMode: 'cross'
		});
		await addAccount(page, sim, SIDE);
		// Both accounts show a uPnL from the live mark: both are watching the public ticker.
		// Main: (61500 − 60000) × 12 × 0.001 = +18.00; Side: (62000 − 61500) × 5 × 0.001 = +2.50.
		await expect
			.poll(() => card(page, 'BTCUSDT', 'long').getByTestId('upnl').textContent(), {
				timeout: 15000
			})
			.toMatch(/\+18\.00/);
		await expect
			.poll(() => card(page, 'BTCUSDT', 'short', SIDE.label).getByTestId('upnl').textContent(), {
				timeout: 15000
			})
			.toMatch(/\+2\.50/);
		expect(sim.sim.connections()).toMatchObject({ public: 1, private: 2 });

		// The market screen on the same endpoint joins that socket rather than opening another.
		await page.getByRole('link', { name: 'Market' }).click();
		await connectToSim(page, sim);
		await expect
			.poll(async () => (await page.getByTestId('book-version').textContent())?.trim(), {
				timeout: 15000
			})
			.toMatch(/^v[1-9]/);
		expect(sim.sim.connections()).toMatchObject({ public: 1, private: 2 });

		// Locking ends the accounts' share; the market screen keeps the socket.
		await page.getByRole('button', { name: 'Lock', exact: true }).click();
		await waitFor(() => sim.sim.connections().private === 0, 10000, 'private sockets closed');
		expect(sim.sim.connections().public).toBe(1);
		await page.context().close();
	});
});
