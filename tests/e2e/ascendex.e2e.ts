import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { MAIN, addAccount, createVault, expectLive, hold, positionCard } from './accounts-harness';
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
import { startAscendexSimServer, type AscendexSimServer } from '../../src/sim/node/ascendex-server';

/**
 * AscendEX, the WebSocket-first venue, next to a BitMart account: against both simulators, in
 * Chromium, through the UI. Assertions read the simulators' own records (messages received,
 * positions left), never timings.
 */

const ASC = {
	label: 'Asc',
	apiKey: 'ascE2Ekey0123456789abcdefghijklm',
	secret: 'hV8FgjyJtpvVeAcMAgzgAFQCN36wmbWuN7o3WPcYcYhFd8qvE43gzFGVsFcCqMNk'
};
const GROUP = 6;
const DAY = 86_400_000;

let harness: Harness;
let bitmart: Sim | undefined;
let asc: AscendexSimServer | undefined;

beforeAll(async () => {
	harness = await startHarness();
});

afterAll(async () => {
	await harness?.close();
});

afterEach(async () => {
	await bitmart?.close();
	await asc?.close();
	bitmart = asc = undefined;
});

async function addAscendexAccount(page: Page, server: AscendexSimServer): Promise<void> {
	await page.getByRole('button', { name: 'Add account' }).click();
	const dialog = page.getByRole('dialog', { name: 'Add account' });
	await dialog.getByLabel('Label').fill(ASC.label);
	await dialog.getByLabel('Exchange', { exact: true }).selectOption('ascendex');
	await dialog.getByLabel('Endpoints').selectOption('custom');
	await dialog.getByLabel('REST base URL').fill(server.endpoints.rest);
	await dialog.getByLabel('Public WebSocket URL').fill(server.endpoints.publicWs);
	// The stream base without a group, as the presets hold it: the key check learns the group.
	await dialog.getByLabel('Private WebSocket URL').fill(server.endpoints.publicWs);
	await dialog.getByLabel('API key').fill(ASC.apiKey);
	await dialog.getByLabel('API secret').fill(ASC.secret);
	await dialog.getByRole('button', { name: 'Check key and save' }).click();
}

/** A BitMart account and an AscendEX account with a BTC-PERP long of 0.25, both live. */
async function setup(viewport = { width: 1280, height: 900 }) {
	bitmart = await startSimServer({ seed: 11 });
	const main = bitmart.sim.addAccount({ ...MAIN, positionMode: 'hedge' });
	main.setBalance('USDT', '5000');
	asc = await startAscendexSimServer({ seed: 3 });
	const account = asc.sim.addAccount({
		apiKey: ASC.apiKey,
		secret: ASC.secret,
		accountGroup: GROUP,
		// Within the two-week warning.
		expireTime: Date.now() + 10 * DAY,
		usdt: '20000'
	});
	account.seedPosition({ symbol: 'BTC-PERP', position: '0.25', avgOpenPrice: '64000' });
	const { page } = await newGuardedPage(harness.browser, viewport);
	await page.goto(harness.appUrl);
	await createVault(page);
	await addAccount(page, bitmart, MAIN);
	await expectLive(page, MAIN.label);
	await addAscendexAccount(page, asc);
	await expectLive(page, ASC.label);
	await positionCard(page, 'BTC-PERP', 'long', ASC.label).waitFor({ timeout: 15000 });
	return { page, account, sim: asc.sim };
}

function wsAuths(): number {
	return asc!.sim.requests.filter((r) => r.transport === 'ws' && r.method === 'auth').length;
}

function snapshotRequests(): number {
	return asc!.sim.requests.filter(
		(r) => r.transport === 'ws' && r.action === 'futures-account-snapshot'
	).length;
}

async function closeVia(page: Page, percent: 50 | 100, sentence: string): Promise<void> {
	await page
		.getByRole('button', { name: `Close ${percent}% of BTC-PERP long, account ${ASC.label}` })
		.click();
	const sheet = page.getByRole('dialog');
	await expect.poll(() => sheet.textContent(), { timeout: 15000 }).toContain(sentence);
	await hold(page, /^Hold to close/);
}

describe('AscendEX account', () => {
	it('sits next to a BitMart account, shows its key expiry, and closes over the WebSocket only', async () => {
		const { page, account, sim } = await setup();
		const region = page.getByRole('region', { name: `Account ${ASC.label}` });
		await expect
			.poll(() => region.textContent(), { timeout: 10000 })
			.toMatch(/The API key expires in 10 days, on \d{4}-\d{2}-\d{2}/);
		expect(await page.getByRole('region', { name: `Account ${MAIN.label}` }).count()).toBe(1);
		// The group went into the stream URL; the account snapshot came over the socket.
		expect(sim.requests.find((r) => r.method === 'auth')?.path).toBe(`/${GROUP}/api/pro/v2/stream`);
		expect(snapshotRequests()).toBeGreaterThanOrEqual(1);

		await closeVia(page, 50, 'Sell 0.125 BTC of BTC-PERP');
		await waitFor(
			() => account.positions().find((p) => p.symbol === 'BTC-PERP')?.position === '0.125',
			20000,
			'the half close to fill in the simulator'
		);
		await expect
			.poll(() => positionCard(page, 'BTC-PERP', 'long', ASC.label).textContent(), {
				timeout: 15000
			})
			.toMatch(/0\.125/);

		await closeVia(page, 100, 'Sell 0.125 BTC of BTC-PERP');
		await waitFor(
			() => !account.positions().some((p) => p.symbol === 'BTC-PERP' && p.position !== '0'),
			20000,
			'the full close to fill in the simulator'
		);
		await expect
			.poll(() => positionCard(page, 'BTC-PERP', 'long', ASC.label).count(), { timeout: 20000 })
			.toBe(0);

		expect(sim.restOrderRequests()).toEqual([]);
		const sent = sim.wsOrderMessages(ASC.apiKey);
		expect(sent.map((m) => ({ action: m.action, params: { ...m.params, time: 0 } }))).toEqual([
			{
				action: 'place-order',
				params: {
					time: 0,
					symbol: 'BTC-PERP',
					orderQty: '0.125',
					orderType: 'market',
					side: 'sell',
					execInst: 'ReduceOnly',
					respInst: 'ACK'
				}
			},
			{
				action: 'place-order',
				params: {
					time: 0,
					symbol: 'BTC-PERP',
					orderQty: '0.125',
					orderType: 'market',
					side: 'sell',
					execInst: 'ReduceOnly',
					respInst: 'ACK'
				}
			}
		]);
		// One client id per intent, at least 9 letters or digits, never reused.
		const ids = sent.map((m) => m.id);
		expect(new Set(ids).size).toBe(2);
		for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9]{9,32}$/);
		await page.context().close();
	}, 120000);

	it('a missed pong ends the session; Perch reconnects, signs in again and re-snapshots', async () => {
		const { page, sim } = await setup();
		const authsBefore = wsAuths();
		const snapshotsBefore = snapshotRequests();
		sim.faults.ignorePongs(true);
		await waitFor(
			async () => {
				sim.faults.pingNow();
				return wsAuths() > authsBefore;
			},
			20000,
			'a second login after the session was dropped'
		);
		sim.faults.ignorePongs(false);
		await expectLive(page, ASC.label);
		await waitFor(() => snapshotRequests() > snapshotsBefore, 15000, 'a fresh account snapshot');
		expect(
			sim.requests
				.filter((r) => r.method === 'auth')
				.every((r) => r.path === `/${GROUP}/api/pro/v2/stream`)
		).toBe(true);
		await page.context().close();
	}, 90000);

	it('accounts screen screenshots with both venues', async () => {
		for (const viewport of [
			{ width: 390, height: 844 },
			{ width: 1280, height: 800 }
		]) {
			const { page } = await setup(viewport);
			await page.screenshot({
				path: `screenshots/ascendex-accounts-${viewport.width}x${viewport.height}.png`,
				fullPage: true
			});
			await page.context().close();
			await bitmart?.close();
			await asc?.close();
			bitmart = asc = undefined;
		}
	}, 120000);
});

describe('AscendEX market book', () => {
	async function bookVersion(page: Page): Promise<number> {
		const text = (await page.getByTestId('book-version').textContent()) ?? '';
		return Number(text.match(/v(\d+)/)?.[1] ?? 0);
	}

	async function resyncs(page: Page): Promise<number> {
		const text = (await page.getByTestId('book-version').textContent()) ?? '';
		return Number(text.match(/resynced (\d+)×/)?.[1] ?? 0);
	}

	it('a dropped depth message re-snapshots the book, which ends equal to the simulator', async () => {
		asc = await startAscendexSimServer({ seed: 9 });
		const { page } = await newGuardedPage(harness.browser);
		await page.goto(harness.appUrl);
		await page.getByRole('button', { name: /Exchange connection/ }).click();
		const dialog = page.getByRole('dialog', { name: 'Exchange connection' });
		await dialog.getByLabel('Exchange', { exact: true }).selectOption('ascendex');
		await dialog
			.getByLabel('Endpoints')
			.selectOption('custom')
			.catch(() => undefined);
		await dialog.getByLabel('REST base URL').fill(asc.endpoints.rest);
		await dialog.getByLabel('Public WebSocket URL').fill(asc.endpoints.publicWs);
		await dialog.getByLabel('Private WebSocket URL').fill(asc.endpoints.publicWs);
		await dialog.getByRole('button', { name: 'Connect' }).click();
		await pickInstrument(page, 'BTC-PERP');
		await waitFor(async () => (await ladder(page, 'bid')).length > 5, 15000, 'book rows');
		const v1 = await bookVersion(page);
		await waitFor(async () => (await bookVersion(page)) > v1 + 2, 15000, 'book updates');

		// The first book here is a resync too: depth updates come before any snapshot.
		const before = await resyncs(page);
		asc.sim.faults.dropNextDepth('BTC-PERP');
		await waitFor(async () => (await resyncs(page)) === before + 1, 15000, 'a resync');
		asc.sim.faults.pause();
		const expected = asc.sim.book('BTC-PERP');
		await waitFor(async () => (await bookVersion(page)) === expected.seqnum, 10000, 'catch-up');
		const bids = await ladder(page, 'bid');
		const asks = (await ladder(page, 'ask')).reverse();
		expect(bids.length).toBeGreaterThanOrEqual(5);
		expect(bids).toEqual(expected.bids.slice(0, bids.length));
		expect(asks).toEqual(expected.asks.slice(0, asks.length));
		asc.sim.faults.resume();
		await page.context().close();
	}, 90000);
});
