import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createVault, expectLive } from './accounts-harness';
import { newGuardedPage, startHarness, type Harness } from './harness';
import { seedHistory } from '../../src/sim/core/history';
import { billTotals, billsOf } from '../../src/sim/bitget/ledger';
import { startBitgetSimServer, type BitgetSimServer } from '../../src/sim/node/bitget-server';
import { ascendexServedTotals, seedAscendexHistory } from '../../src/sim/ascendex/history';
import { startAscendexSimServer, type AscendexSimServer } from '../../src/sim/node/ascendex-server';

/**
 * A first history sync of a Bitget account in Chromium, against the Bitget simulator with its
 * documented limits and its 429 limiter on: the totals on screen equal the simulator's own totals
 * of what it served, as exact decimal strings.
 */

const DAY = 86_400_000;
const BILL = '/api/v2/mix/account/bill';
const FILLS = '/api/v2/mix/order/fill-history';

let harness: Harness;
let bitget: BitgetSimServer | undefined;
let asc: AscendexSimServer | undefined;

beforeAll(async () => {
	harness = await startHarness();
});
afterAll(async () => {
	await harness?.close();
});
afterEach(async () => {
	await bitget?.close();
	await asc?.close();
	bitget = undefined;
	asc = undefined;
});

const BG = {
	label: 'Bitget',
	apiKey: 'bg_hist_7c1e2d3f4a5b6c7d',
	secret: 'feedface00feedface00feedface00feedface00feedface00feedface0000aa',
	passphrase: 'bitget-hist-pass'
};

async function addBitgetAccount(page: Page, sim: BitgetSimServer): Promise<void> {
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
	await dialog.getByLabel('Passphrase', { exact: true }).fill(BG.passphrase);
	await dialog.getByRole('button', { name: 'Check key and save' }).click();
}

const ASC = {
	label: 'Asc',
	apiKey: 'ascHistKey0123456789abcdefghijkl',
	secret: 'hV8FgjyJtpvVeAcMAgzgAFQCN36wmbWuN7o3WPcYcYhFd8qvE43gzFGVsFcCqMNk'
};

async function addAscendexAccount(page: Page, server: AscendexSimServer): Promise<void> {
	await page.getByRole('button', { name: 'Add account' }).click();
	const dialog = page.getByRole('dialog', { name: 'Add account' });
	await dialog.getByLabel('Label').fill(ASC.label);
	await dialog.getByLabel('Exchange', { exact: true }).selectOption('ascendex');
	await dialog.getByLabel('Endpoints').selectOption('custom');
	await dialog.getByLabel('REST base URL').fill(server.endpoints.rest);
	await dialog.getByLabel('Public WebSocket URL').fill(server.endpoints.publicWs);
	await dialog.getByLabel('Private WebSocket URL').fill(server.endpoints.publicWs);
	await dialog.getByLabel('API key').fill(ASC.apiKey);
	await dialog.getByLabel('API secret').fill(ASC.secret);
	await dialog.getByRole('button', { name: 'Check key and save' }).click();
}

/** Both endpoints of one account, as the sync panel shows them. */
function phases(page: Page, label: string) {
	return page.evaluate((label) => {
		const rows = [...document.querySelectorAll('section[aria-label="Sync"] .row')];
		return rows
			.filter((r) => r.querySelector('.head span')?.textContent?.startsWith(label))
			.map((r) => r.getAttribute('data-phase'));
	}, label);
}

const total = (page: Page, name: string) =>
	page
		.locator(`[data-total="${name}"]`)
		.textContent()
		.then((t) => (t ?? '').trim());
const signed = (v: string) => (v.startsWith('-') || v === '0' ? v : `+${v}`);

describe('transaction history of the other venues', () => {
	it('Bitget: a first sync pages bills and fills by cursor and shows the simulator’s exact totals', async () => {
		bitget = await startBitgetSimServer({ seed: 41, timing: { marketTickMs: 0 } });
		const handle = bitget.sim.addAccount({
			apiKey: BG.apiKey,
			secret: BG.secret,
			passphrase: BG.passphrase,
			posMode: 'hedge_mode'
		});
		seedHistory(handle.state, bitget.sim.engine, {
			days: 75,
			fillsPerDay: 25,
			now: Date.now() - 1000,
			seed: 23
		});
		const bills = billsOf(handle.state);
		expect(bills.length).toBeGreaterThan(1500);

		const { page, offLoopback } = await newGuardedPage(harness.browser);
		await page.goto(harness.appUrl);
		await createVault(page);
		await addBitgetAccount(page, bitget);
		await expectLive(page, BG.label);
		await page.getByRole('link', { name: 'History' }).click();
		await page.getByRole('heading', { name: 'History' }).waitFor();
		await page.getByRole('button', { name: 'Sync', exact: true }).click();
		await expect
			.poll(() => phases(page, BG.label), { timeout: 180_000, interval: 1000 })
			.toEqual(['done', 'done']);

		const theirs = billTotals(handle.state, Date.now());
		expect(await total(page, 'realized')).toBe(signed(theirs.realizedPnl));
		expect(await total(page, 'funding')).toBe(signed(theirs.funding));
		expect(await total(page, 'fees')).toBe(signed(theirs.fees));
		expect(await total(page, 'transfers')).toBe(signed(theirs.transfers));
		expect(await total(page, 'net')).toBe(signed(theirs.net));
		const rows =
			bills.filter((b) => b.amount !== '0').length + bills.filter((b) => b.fee !== '0').length;
		expect(await total(page, 'rows')).toBe(rows.toLocaleString('en'));

		// Windows of at most 30 days (bills) and 7 days (fills), continued by cursor.
		const logged = (path: string) =>
			bitget!.sim.requests.filter((r) => r.apiKey === BG.apiKey && r.path === path);
		expect(logged(BILL).filter((r) => r.params.idLessThan !== undefined).length).toBeGreaterThan(
			10
		);
		for (const r of logged(BILL)) {
			expect(Number(r.params.endTime) - Number(r.params.startTime)).toBeLessThanOrEqual(30 * DAY);
		}
		for (const r of logged(FILLS)) {
			expect(Number(r.params.endTime) - Number(r.params.startTime)).toBeLessThanOrEqual(7 * DAY);
		}
		expect(offLoopback).toEqual([]);
		await page.context().close();
	}, 300_000);

	it('AscendEX: a first sync walks funding pages and the 7-day balance history; totals are the simulator’s', async () => {
		asc = await startAscendexSimServer({ seed: 43, timing: { marketTickMs: 0 } });
		const handle = asc.sim.addAccount({ apiKey: ASC.apiKey, secret: ASC.secret, accountGroup: 6 });
		seedAscendexHistory(handle.account, asc.sim.engine, {
			days: 20,
			fillsPerDay: 20,
			now: Date.now() - 1000,
			seed: 31
		});
		expect(handle.account.fundingPayments.length).toBeGreaterThan(100);

		const { page, offLoopback } = await newGuardedPage(harness.browser);
		await page.goto(harness.appUrl);
		await createVault(page);
		await addAscendexAccount(page, asc);
		await expectLive(page, ASC.label);
		await page.getByRole('link', { name: 'History' }).click();
		await page.getByRole('heading', { name: 'History' }).waitFor();
		await page.getByRole('button', { name: 'Sync', exact: true }).click();
		await expect
			.poll(() => phases(page, ASC.label), { timeout: 120_000, interval: 1000 })
			.toEqual(['done']);

		const logged = (path: string) =>
			asc!.sim.requests.filter((r) => r.apiKey === ASC.apiKey && r.path === path);
		const history = logged('/api/pro/data/v1/futures/balance/history');
		expect(logged('/6/api/pro/v2/futures/funding-payments').length).toBeGreaterThan(1);
		expect(logged('/api/pro/data/v1/futures/balance/snapshot')).toHaveLength(1);
		expect(history.length).toBeGreaterThan(0);
		const theirs = ascendexServedTotals(handle.account, history[0].time);
		expect(await total(page, 'realized')).toBe(signed(theirs.realizedPnl));
		expect(await total(page, 'funding')).toBe(signed(theirs.funding));
		expect(await total(page, 'fees')).toBe(signed(theirs.fees));
		expect(await total(page, 'transfers')).toBe(signed(theirs.transfers));
		expect(await total(page, 'net')).toBe(signed(theirs.net));
		expect(offLoopback).toEqual([]);
		await page.context().close();
	}, 300_000);
});
