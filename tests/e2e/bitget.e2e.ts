import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
	MAIN,
	PASSPHRASE,
	addAccount,
	closeButton,
	createVault,
	expectLive,
	hold,
	positionCard,
	unlock
} from './accounts-harness';
import {
	ladder,
	newGuardedPage,
	pickInstrument,
	startHarness,
	startSimServer,
	waitFor,
	type Harness,
	type Sim
} from './harness';
import { startBitgetSimServer, type BitgetSimServer } from '../../src/sim/node/bitget-server';

/**
 * Bitget beside BitMart, through the UI as a user would, against both simulators. Every close is
 * checked field by field in the Bitget simulator's own request log, never by timing.
 */

let harness: Harness;
let bitmart: Sim | undefined;
let bitget: BitgetSimServer | undefined;

beforeAll(async () => {
	harness = await startHarness();
});

afterAll(async () => {
	await harness?.close();
});

afterEach(async () => {
	await bitmart?.close();
	await bitget?.close();
	bitmart = bitget = undefined;
});

const BG = {
	label: 'Bitget',
	apiKey: 'bg_e2e_4d1f0c9a7b2e8d3f',
	secret: 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00',
	passphrase: 'bitget-pass-5521'
};

async function startBitget(posMode: 'hedge_mode' | 'one_way_mode', demo = false) {
	bitget = await startBitgetSimServer({ seed: 31 });
	const handle = bitget.sim.addAccount({
		apiKey: BG.apiKey,
		secret: BG.secret,
		passphrase: BG.passphrase,
		posMode,
		demo
	});
	return handle;
}

async function addBitgetAccount(page: Page, passphrase = BG.passphrase): Promise<void> {
	const sim = bitget!;
	await page.getByRole('button', { name: 'Add account' }).click();
	const dialog = page.getByRole('dialog', { name: 'Add account' });
	await dialog.getByLabel('Label').fill(BG.label);
	await dialog.getByLabel('Exchange', { exact: true }).selectOption('bitget');
	await dialog.getByLabel('Endpoints').selectOption('custom');
	await dialog.getByLabel('REST base URL').fill(sim.endpoints.rest);
	await dialog.getByLabel('Public WebSocket URL').fill(sim.endpoints.publicWs);
	await dialog.getByLabel('Private WebSocket URL').fill(sim.endpoints.privateWs);
	await dialog.getByLabel('API key').fill(BG.apiKey);
	await dialog.getByLabel('API secret').fill(BG.secret);
	await dialog.getByLabel('Passphrase', { exact: true }).fill(passphrase);
	await dialog.getByRole('button', { name: 'Check key and save' }).click();
}

/** The place-order bodies the Bitget simulator received, as parsed JSON. */
function bodies(): Record<string, unknown>[] {
	return bitget!.sim.ordersSubmitted(BG.apiKey);
}

async function bitgetOnly(posMode: 'hedge_mode' | 'one_way_mode') {
	const handle = await startBitget(posMode);
	const { page } = await newGuardedPage(harness.browser, { width: 1280, height: 900 });
	await page.goto(harness.appUrl);
	await createVault(page);
	return { page, handle };
}

async function closeThrough(page: Page, symbol: string, side: 'long' | 'short', percent: 25 | 100) {
	await closeButton(page, symbol, side, percent, BG.label).click();
	const sheet = page.getByRole('dialog');
	await expect.poll(() => sheet.textContent(), { timeout: 15000 }).toContain(symbol);
	await hold(page, /^Hold to close/);
}

describe('Bitget beside BitMart', () => {
	it('a BitMart and a Bitget account unlock together and both show in the overview', async () => {
		bitmart = await startSimServer({ seed: 17 });
		const main = bitmart.sim.addAccount({ ...MAIN, positionMode: 'hedge' });
		main.setBalance('USDT', '10000');
		main.seedPosition({
			symbol: 'BTCUSDT',
			side: 'long',
			size: 12,
			entryPrice: '60000',
			leverage: '10',
			marginMode: 'cross'
		});
		const handle = await startBitget('hedge_mode');
		handle.seedPosition({
			symbol: 'ETHUSDT',
			holdSide: 'short',
			size: '1.50',
			openPriceAvg: '3100',
			marginMode: 'isolated'
		});
		const { page, offLoopback } = await newGuardedPage(harness.browser, {
			width: 1280,
			height: 900
		});
		await page.goto(harness.appUrl);
		await createVault(page);
		await addAccount(page, bitmart, MAIN);
		await addBitgetAccount(page);
		await positionCard(page, 'ETHUSDT', 'short', BG.label).waitFor({ timeout: 15000 });
		await page.getByRole('button', { name: 'Lock', exact: true }).click();
		await page.getByRole('button', { name: 'Unlock' }).waitFor({ timeout: 10000 });
		await unlock(page, PASSPHRASE);
		await expectLive(page, MAIN.label);
		await expectLive(page, BG.label);
		await positionCard(page, 'BTCUSDT', 'long', MAIN.label).waitFor({ timeout: 15000 });
		await positionCard(page, 'ETHUSDT', 'short', BG.label).waitFor({ timeout: 15000 });
		// A fractional size is shown as the exchange wrote it, in the base coin Bitget counts in.
		expect(await positionCard(page, 'ETHUSDT', 'short', BG.label).textContent()).toMatch(
			/Size\s*1\.5\s*ETH/
		);
		expect(offLoopback).toEqual([]);
		await page.context().close();
	}, 120000);
});

describe('Bitget closes send the documented bodies, one order per intent', () => {
	it('hedge mode: 25 % then 100 % of a long are buy + tradeSide=close', async () => {
		const { page, handle } = await bitgetOnly('hedge_mode');
		handle.seedPosition({
			symbol: 'BTCUSDT',
			holdSide: 'long',
			size: '0.100',
			openPriceAvg: '64000',
			marginMode: 'crossed'
		});
		await addBitgetAccount(page);
		await expectLive(page, BG.label);
		await positionCard(page, 'BTCUSDT', 'long', BG.label).waitFor({ timeout: 15000 });
		await closeThrough(page, 'BTCUSDT', 'long', 25);
		await waitFor(() => bodies().length === 1, 20000, 'the 25 % close');
		await waitFor(
			() => handle.positions()[0]?.total === '0.075',
			20000,
			'the long to shrink to 0.075'
		);
		await expect
			.poll(() => positionCard(page, 'BTCUSDT', 'long', BG.label).textContent(), {
				timeout: 15000
			})
			.toMatch(/0\.075/);
		await closeThrough(page, 'BTCUSDT', 'long', 100);
		await waitFor(() => handle.positions().length === 0, 20000, 'the long to be closed');
		const sent = bodies();
		expect(sent).toHaveLength(2);
		const [quarter, all] = sent;
		expect(Object.keys(quarter).sort()).toEqual(
			[
				'symbol',
				'productType',
				'marginMode',
				'marginCoin',
				'size',
				'side',
				'tradeSide',
				'orderType',
				'clientOid'
			].sort()
		);
		expect(quarter).toMatchObject({
			symbol: 'BTCUSDT',
			productType: 'USDT-FUTURES',
			marginMode: 'crossed',
			marginCoin: 'USDT',
			size: '0.025',
			side: 'buy',
			tradeSide: 'close',
			orderType: 'market'
		});
		expect(all).toMatchObject({
			symbol: 'BTCUSDT',
			productType: 'USDT-FUTURES',
			marginMode: 'crossed',
			marginCoin: 'USDT',
			size: '0.075',
			side: 'buy',
			tradeSide: 'close',
			orderType: 'market'
		});
		expect(all.reduceOnly).toBeUndefined();
		expect(quarter.clientOid).toMatch(/^perch[a-z0-9]{24}$/);
		expect(all.clientOid).not.toBe(quarter.clientOid);
		await expect
			.poll(() => positionCard(page, 'BTCUSDT', 'long', BG.label).count(), { timeout: 20000 })
			.toBe(0);
		await page.context().close();
	}, 120000);

	it('one-way mode: 25 % then 100 % of a short are buy + reduceOnly=YES', async () => {
		const { page, handle } = await bitgetOnly('one_way_mode');
		handle.seedPosition({
			symbol: 'ETHUSDT',
			holdSide: 'short',
			size: '2.00',
			openPriceAvg: '3100',
			marginMode: 'isolated'
		});
		await addBitgetAccount(page);
		await expectLive(page, BG.label);
		await positionCard(page, 'ETHUSDT', 'short', BG.label).waitFor({ timeout: 15000 });
		await closeThrough(page, 'ETHUSDT', 'short', 25);
		await waitFor(() => handle.positions()[0]?.total === '1.5', 20000, 'the short to shrink');
		await expect
			.poll(() => positionCard(page, 'ETHUSDT', 'short', BG.label).textContent(), {
				timeout: 15000
			})
			.toMatch(/1\.5/);
		await closeThrough(page, 'ETHUSDT', 'short', 100);
		await waitFor(() => handle.positions().length === 0, 20000, 'the short to be closed');
		const sent = bodies();
		expect(sent).toHaveLength(2);
		for (const [body, size] of [
			[sent[0], '0.5'],
			[sent[1], '1.5']
		] as const) {
			expect(Object.keys(body).sort()).toEqual(
				[
					'symbol',
					'productType',
					'marginMode',
					'marginCoin',
					'size',
					'side',
					'orderType',
					'clientOid',
					'reduceOnly'
				].sort()
			);
			expect(body).toMatchObject({
				symbol: 'ETHUSDT',
				productType: 'USDT-FUTURES',
				marginMode: 'isolated',
				marginCoin: 'USDT',
				size,
				side: 'buy',
				orderType: 'market',
				reduceOnly: 'YES'
			});
		}
		expect(sent[0].clientOid).not.toBe(sent[1].clientOid);
		await page.context().close();
	}, 120000);

	it('close-all sends one gated order per position, each with its own clientOid', async () => {
		const { page, handle } = await bitgetOnly('hedge_mode');
		handle.seedPosition({
			symbol: 'BTCUSDT',
			holdSide: 'long',
			size: '0.040',
			openPriceAvg: '64000',
			marginMode: 'crossed'
		});
		handle.seedPosition({
			symbol: 'ETHUSDT',
			holdSide: 'short',
			size: '0.80',
			openPriceAvg: '3100',
			marginMode: 'isolated'
		});
		await addBitgetAccount(page);
		await expectLive(page, BG.label);
		await positionCard(page, 'ETHUSDT', 'short', BG.label).waitFor({ timeout: 15000 });
		await positionCard(page, 'BTCUSDT', 'long', BG.label).waitFor({ timeout: 15000 });
		await page.getByRole('button', { name: `Close all positions, account ${BG.label}` }).click();
		await expect
			.poll(() => page.getByRole('dialog').textContent(), { timeout: 15000 })
			.toContain(`account ${BG.label}`);
		await hold(page, /^Hold to close all/);
		await waitFor(() => handle.positions().length === 0, 20000, 'the account to be flat');
		const sent = bodies();
		expect(
			sent
				.map(
					(b) => `${String(b.symbol)}:${String(b.side)}:${String(b.tradeSide)}:${String(b.size)}`
				)
				.sort()
		).toEqual(['BTCUSDT:buy:close:0.04', 'ETHUSDT:sell:close:0.8']);
		expect(new Set(sent.map((b) => b.clientOid)).size).toBe(2);
		// No flash close: it has no client id, so it is never what close-all uses.
		expect(bitget!.sim.bodiesSent('/api/v2/mix/order/close-positions')).toEqual([]);
		await page.context().close();
	}, 120000);
});

describe('Bitget key checks in plain words', () => {
	it('a wrong passphrase is named when the account is added', async () => {
		const { page } = await bitgetOnly('hedge_mode');
		await addBitgetAccount(page, 'not-the-passphrase');
		const dialog = page.getByRole('dialog', { name: 'Add account' });
		await expect
			.poll(() => dialog.getByRole('alert').textContent(), { timeout: 15000 })
			.toMatch(/wrong passphrase/i);
		expect(await page.getByRole('region', { name: `Account ${BG.label}` }).count()).toBe(0);
		await page.context().close();
	}, 60000);

	it('a demo-trading key on production endpoints is explained', async () => {
		await startBitget('hedge_mode', true);
		const { page } = await newGuardedPage(harness.browser, { width: 1280, height: 900 });
		await page.goto(harness.appUrl);
		await createVault(page);
		await addBitgetAccount(page);
		const dialog = page.getByRole('dialog', { name: 'Add account' });
		await expect
			.poll(() => dialog.getByRole('alert').textContent(), { timeout: 15000 })
			.toMatch(/other Bitget environment \(demo vs production\)/);
		expect(await dialog.getByRole('alert').textContent()).toMatch(/Demo trading/);
		await page.context().close();
	}, 60000);
});

describe('Bitget market book', () => {
	it('a corrupted book update triggers a checksum resync; the book ends equal to the simulator’s', async () => {
		await startBitget('hedge_mode');
		const sim = bitget!;
		const { page } = await newGuardedPage(harness.browser, { width: 1280, height: 900 });
		await page.goto(harness.appUrl);
		await page.getByRole('button', { name: /Exchange connection/ }).click();
		const dialog = page.getByRole('dialog', { name: 'Exchange connection' });
		await dialog.getByLabel('Exchange', { exact: true }).selectOption('bitget');
		await dialog.getByLabel('Endpoints').selectOption('custom');
		await dialog.getByLabel('REST base URL').fill(sim.endpoints.rest);
		await dialog.getByLabel('Public WebSocket URL').fill(sim.endpoints.publicWs);
		await dialog.getByLabel('Private WebSocket URL').fill(sim.endpoints.privateWs);
		await dialog.getByRole('button', { name: 'Connect' }).click();
		await pickInstrument(page, 'BTCUSDT');
		await waitFor(async () => (await ladder(page, 'bid')).length > 5, 15000, 'book rows');
		sim.sim.faults.corruptNextChecksum('BTCUSDT');
		await waitFor(
			async () => /resynced 1×/.test((await page.getByTestId('book-version').textContent()) ?? ''),
			15000,
			'a checksum resync'
		);
		expect(await page.getByRole('list', { name: 'Connection log entries' }).textContent()).toMatch(
			/BTCUSDT book: .*requesting a snapshot/
		);
		sim.sim.faults.pause();
		const expected = sim.sim.book('BTCUSDT');
		await waitFor(
			async () => {
				const bids = await ladder(page, 'bid');
				return (
					bids.length > 0 &&
					bids[0][0] === expected.bids[0][0] &&
					bids[0][1] === expected.bids[0][1]
				);
			},
			10000,
			'catch-up'
		);
		const bids = await ladder(page, 'bid');
		const asks = (await ladder(page, 'ask')).reverse();
		expect(bids).toEqual(expected.bids.slice(0, bids.length));
		expect(asks).toEqual(expected.asks.slice(0, asks.length));
		expect(bids.length).toBeGreaterThanOrEqual(8);
		sim.sim.faults.resume();
		await page.context().close();
	}, 90000);
});
