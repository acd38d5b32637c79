import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { MAIN, SIDE, addAccount, createVault, expectLive, unlock } from './accounts-harness';
import { newGuardedPage, startHarness, startSimServer, type Harness, type Sim } from './harness';
import { seedHistory, servedTotals } from '../../src/sim/core/history';

// The ledger sync in Chromium against the simulator with its documented limits switched on:
// 6 requests per 2 s per endpoint and key, 1000 rows per transaction-history answer, 200 rows and
// 90 days per trades request (seconds), so a first sync of this history takes a while.

const DAY = 86_400_000;
const TX = '/contract/private/transaction-history';
const TRADES = '/contract/private/trades';

let harness: Harness;
let sim: Sim;

beforeAll(async () => {
	harness = await startHarness();
	sim = await startSimServer({ seed: 5, timing: { lifelessMs: 0 } });
});

afterAll(async () => {
	await sim?.close();
	await harness?.close();
});

function logged(apiKey: string, path: string) {
	return sim.sim.requests.filter((r) => r.apiKey === apiKey && r.path === path);
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

async function ledgerCursor(page: Page, accountId: string, stream: string) {
	return page.evaluate(
		({ accountId, stream }) =>
			new Promise<{ pending: { from: number; to: number }[] } | undefined>((resolve, reject) => {
				const req = indexedDB.open('perch');
				req.onsuccess = () => {
					const get = req.result
						.transaction('ledgerCursors')
						.objectStore('ledgerCursors')
						.get([accountId, stream]);
					get.onsuccess = () => resolve(get.result);
					get.onerror = () => reject(get.error);
				};
				req.onerror = () => reject(req.error);
			}),
		{ accountId, stream }
	);
}

async function storedCount(page: Page, store: string): Promise<number> {
	return page.evaluate(
		(store) =>
			new Promise<number>((resolve, reject) => {
				const req = indexedDB.open('perch');
				req.onsuccess = () => {
					const count = req.result.transaction(store).objectStore(store).count();
					count.onsuccess = () => resolve(count.result);
					count.onerror = () => reject(count.error);
				};
				req.onerror = () => reject(req.error);
			}),
		store
	);
}

async function storedSamples(page: Page, accountId: string) {
	return page.evaluate(
		(accountId) =>
			new Promise<Record<string, unknown>[]>((resolve, reject) => {
				const req = indexedDB.open('perch');
				req.onsuccess = () => {
					const all = req.result
						.transaction('equitySamples')
						.objectStore('equitySamples')
						.getAll(IDBKeyRange.bound([accountId, 0], [accountId, Infinity]));
					all.onsuccess = () => resolve(all.result);
					all.onerror = () => reject(all.error);
				};
				req.onerror = () => reject(req.error);
			}),
		accountId
	);
}

async function accountIdOf(page: Page, label: string): Promise<string> {
	return page.evaluate(
		(label) =>
			new Promise<string>((resolve, reject) => {
				const req = indexedDB.open('perch');
				req.onsuccess = () => {
					const all = req.result.transaction('accounts').objectStore('accounts').getAll();
					all.onsuccess = () =>
						resolve(
							(all.result as { id: string; label: string }[]).find((a) => a.label === label)!.id
						);
					all.onerror = () => reject(all.error);
				};
				req.onerror = () => reject(req.error);
			}),
		label
	);
}

async function openHistory(page: Page): Promise<void> {
	// A client-side navigation: a full load would lock the vault again.
	await page.getByRole('link', { name: 'History' }).click();
	await page.getByRole('heading', { name: 'History' }).waitFor();
}

const total = (page: Page, name: string) =>
	page
		.locator(`[data-total="${name}"]`)
		.textContent()
		.then((t) => (t ?? '').trim());
const signed = (v: string) => (v.startsWith('-') || v === '0' ? v : `+${v}`);

describe('transaction history', () => {
	it('syncs >20,000 rows over >90 days, resumes after a reload, refreshes only new rows, waits out a 429, filters and exports', async () => {
		const main = sim.sim.addAccount({ ...MAIN, positionMode: 'hedge' });
		seedHistory(main.state, sim.sim.engine, {
			days: 100,
			fillsPerDay: 125,
			now: Date.now(),
			seed: 9
		});
		expect(main.state.ledger.length).toBeGreaterThanOrEqual(20_000);
		expect(main.state.ledger[0].time).toBeLessThan(Date.now() - 95 * DAY);
		expect(main.state.fills.length).toBeGreaterThan(200);

		// A small hand-checked ledger on a second account, for the filters and the CSV.
		const side = sim.sim.addAccount({ ...SIDE, positionMode: 'hedge' });
		const t0 = Math.floor(Date.now() / DAY) * DAY - 2 * DAY;
		side.state.ledger.length = 0;
		side.state.ledger.push(
			{ tranId: '501', time: t0, type: 'Transfer', amount: 500, asset: 'USDT', symbol: '' },
			{
				tranId: '502',
				time: t0 + 8 * 3_600_000,
				type: 'Funding Fee',
				amount: -0.125,
				asset: 'USDT',
				symbol: 'BTCUSDT'
			},
			{
				tranId: '503',
				time: t0 + 16 * 3_600_000,
				type: 'Funding Fee',
				amount: 0.0375,
				asset: 'USDT',
				symbol: 'ETHUSDT'
			},
			{
				tranId: '504',
				time: t0 + 17 * 3_600_000,
				type: 'Commission Fee',
				amount: -0.6,
				asset: 'USDT',
				symbol: 'BTCUSDT'
			},
			{
				tranId: '504',
				time: t0 + 17 * 3_600_000,
				type: 'Realized PNL',
				amount: 12.5,
				asset: 'USDT',
				symbol: 'BTCUSDT'
			},
			{
				tranId: '505',
				time: t0 + 24 * 3_600_000,
				type: 'Funding Fee',
				amount: -0.05,
				asset: 'USDT',
				symbol: 'BTCUSDT'
			}
		);

		// Side holds one position, so its equity samples value it at the live mark.
		side.setBalance('USDT', '10000');
		side.seedPosition({
			symbol: 'ETHUSDT',
			side: 'long',
			size: 2,
			entryPrice: '3000',
			leverage: '5',
			marginMode: 'cross'
		});
		sim.sim.setMarkPrice('ETHUSDT', '3100');

		const { page, offLoopback } = await newGuardedPage(harness.browser);
		await page.goto(harness.appUrl);
		await createVault(page);
		await addAccount(page, sim, MAIN);
		await expectLive(page, MAIN.label);
		await addAccount(page, sim, SIDE);
		await expectLive(page, SIDE.label);
		const mainId = await accountIdOf(page, MAIN.label);

		await openHistory(page);
		// The history spans 100 days; the default range is 90.
		await page.getByLabel('History (days)').selectOption('180');
		await page.getByRole('button', { name: 'Sync', exact: true }).click();
		// Progress shows while it runs: rows, windows, the date reached.
		await expect
			.poll(() => page.getByRole('progressbar', { name: 'Main Fills sync progress' }).count(), {
				timeout: 20_000
			})
			.toBe(1);
		await expect
			.poll(async () => (await ledgerCursor(page, mainId, 'fills'))?.pending.length ?? 0, {
				timeout: 60_000
			})
			.toBeGreaterThan(0);
		await expect
			.poll(() => logged(MAIN.apiKey, TRADES).length, { timeout: 60_000 })
			.toBeGreaterThanOrEqual(4);
		const progressText = await page.getByRole('region', { name: 'Sync' }).textContent();
		expect(progressText).toMatch(/\d+ rows fetched · \d+ windows · reached/);

		// A reload mid-sync: the vault locks, the cursor stays.
		await page.reload();
		await page.goto(new URL('/accounts', harness.appUrl).href);
		await unlock(page);
		await expectLive(page, MAIN.label);
		await openHistory(page);
		// The chosen range outlived the reload.
		expect(await page.getByLabel('History (days)').inputValue()).toBe('180');
		const cursor = await ledgerCursor(page, mainId, 'fills');
		expect(cursor?.pending.length).toBeGreaterThan(0);
		const before = logged(MAIN.apiKey, TRADES).length;
		await page.getByRole('button', { name: 'Resume sync' }).click();
		await expect
			.poll(() => logged(MAIN.apiKey, TRADES).length, { timeout: 20_000 })
			.toBeGreaterThan(before);
		// It went on with the stored window, not from the top.
		const next = cursor!.pending[0];
		expect(logged(MAIN.apiKey, TRADES)[before].params).toMatchObject({
			start_time: String(Math.floor(next.from / 1000)),
			end_time: String(Math.ceil(next.to / 1000))
		});
		await expect
			.poll(() => phases(page, MAIN.label), { timeout: 240_000, interval: 1000 })
			.toEqual(['done', 'done']);
		await expect
			.poll(() => phases(page, SIDE.label), { timeout: 30_000 })
			.toEqual(['done', 'done']);

		// The pages were stored by the ledger Worker, not on the page's main thread.
		expect(page.workers().some((w) => w.url().includes('ledger-store'))).toBe(true);

		// Every row once: as many stored as the simulator holds, no duplicates from the overlap.
		expect(await storedCount(page, 'ledger')).toBe(
			main.state.ledger.length + side.state.ledger.length
		);
		expect(await storedCount(page, 'fills')).toBe(
			main.state.fills.length + side.state.fills.length
		);
		// More than one full page of each endpoint was answered.
		expect(logged(MAIN.apiKey, TX).length).toBeGreaterThan(main.state.ledger.length / 1000);
		expect(logged(MAIN.apiKey, TRADES).length).toBeGreaterThan(main.state.fills.length / 200);

		// Totals of Main equal the simulator's own, as exact decimal strings.
		await page.getByRole('combobox', { name: 'Account' }).selectOption({ label: MAIN.label });
		const theirs = servedTotals(main.state);
		expect(await total(page, 'realized')).toBe(signed(theirs.realizedPnl));
		expect(await total(page, 'funding')).toBe(signed(theirs.funding));
		expect(await total(page, 'fees')).toBe(signed(theirs.fees));
		expect(await total(page, 'net')).toBe(signed(theirs.net));
		expect(await total(page, 'rows')).toBe(theirs.rows.toLocaleString('en'));

		// A second sync asks only for what is newer than the newest stored row (less an hour);
		// a 429 on the way slows it, and it still completes.
		const newest = Math.max(...main.state.ledger.map((e) => e.time));
		const txBefore = logged(MAIN.apiKey, TX).length;
		sim.sim.faults.rejectNext(TX, 30013);
		const allBefore = sim.sim.requests.length;
		await page.getByRole('button', { name: 'Sync', exact: true }).click();
		await expect
			.poll(
				async () =>
					logged(MAIN.apiKey, TX)
						.slice(txBefore)
						.some((r) => r.status === 200) &&
					(await page.getByRole('button', { name: 'Sync', exact: true }).count()) === 1,
				{ timeout: 60_000, interval: 250 }
			)
			.toBe(true);
		expect(await phases(page, MAIN.label)).toEqual(['done', 'done']);
		const again = logged(MAIN.apiKey, TX).slice(txBefore);
		const answered = again.filter((r) => r.status === 200);
		// The 429 went to whichever account asked first.
		expect(sim.sim.requests.slice(allBefore).filter((r) => r.status === 429).length).toBe(1);
		expect(answered.length).toBe(1);
		expect(Number(answered[0].params.start_time)).toBe(newest - 3_600_000);
		expect(await page.getByRole('region', { name: 'Sync' }).textContent()).toMatch(
			/slowed 1× by the rate limit/
		);
		expect(await storedCount(page, 'ledger')).toBe(
			main.state.ledger.length + side.state.ledger.length
		);

		// Equity samples: one landed as soon as Side was live (then one a minute), its position
		// priced at the live mark; the history screen draws them.
		const sideId = await accountIdOf(page, SIDE.label);
		const samples = await storedSamples(page, sideId);
		expect(samples.length).toBeGreaterThanOrEqual(1);
		expect(samples[0]).toMatchObject({ asset: 'USDT', priced: 1, unpriced: 0 });
		expect(samples[0].equity).toMatch(/^\d+(\.\d+)?$/);
		expect(samples[0].unrealizedPnl).toMatch(/^-?\d+(\.\d+)?$/);
		expect(samples[0].unrealizedPnl).not.toBe('0');

		// Filters and CSV of the small hand-checked set.
		await page.getByRole('combobox', { name: 'Account' }).selectOption({ label: SIDE.label });
		await page.getByRole('combobox', { name: 'Type' }).selectOption({ label: 'Funding' });
		await page.getByRole('combobox', { name: 'Symbol' }).selectOption('BTCUSDT');
		expect(await total(page, 'funding')).toBe('-0.175');
		expect(await total(page, 'rows')).toBe('2');
		const download = page.waitForEvent('download');
		await page.getByRole('button', { name: /^Export CSV/ }).click();
		const csv = await readFile((await (await download).path())!, 'utf8');
		const iso = (h: number) => new Date(t0 + h * 3_600_000).toISOString();
		expect(csv).toBe(
			'time,account,type,symbol,amount,asset,id\r\n' +
				`${iso(8)},Side,funding,BTCUSDT,-0.125,USDT,502|Funding Fee|BTCUSDT|USDT|${t0 + 8 * 3_600_000}\r\n` +
				`${iso(24)},Side,funding,BTCUSDT,-0.05,USDT,505|Funding Fee|BTCUSDT|USDT|${t0 + 24 * 3_600_000}\r\n`
		);
		await page.getByRole('combobox', { name: 'Type' }).selectOption({ label: 'All types' });
		await page.getByRole('combobox', { name: 'Symbol' }).selectOption({ label: 'All symbols' });
		expect(
			Number(await page.locator('figure[data-samples]').getAttribute('data-samples'))
		).toBeGreaterThanOrEqual(1);
		expect(await total(page, 'realized')).toBe('+12.5');
		expect(await total(page, 'fees')).toBe('-0.6');
		expect(await total(page, 'net')).toBe('+11.7625');
		expect(await total(page, 'transfers')).toBe('+500');

		// Privacy mode masks the amounts on this screen too; the row count stays.
		await page.getByRole('button', { name: 'Hide balances and sizes' }).first().click();
		expect(await total(page, 'net')).toBe('•••');
		expect(await total(page, 'realized')).toBe('•••');
		expect(await total(page, 'rows')).toMatch(/^\d+$/);
		await page.getByRole('button', { name: 'Show balances and sizes' }).first().click();
		expect(await total(page, 'net')).toBe('+11.7625');
		expect(offLoopback).toEqual([]);
		await page.context().close();
	}, 600_000);
});
