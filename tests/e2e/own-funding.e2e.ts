import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { newGuardedPage, startHarness, waitFor, type Harness } from './harness';

// The market screen's own-funding chart against real IndexedDB in Chromium: ledger funding rows
// are stored the way the sync stores them (keyed by account and row id in the `ledger` store),
// then the Demo market screen must show their exact sum at the funding time they belong to.

const H8 = 8 * 3600_000;
const SHOTS = process.env.OWN_FUNDING_SHOTS;

let harness: Harness;

beforeAll(async () => {
	harness = await startHarness();
});

afterAll(async () => {
	await harness?.close();
});

/** Waits until the app has created its database (after first content), so the seed never does. */
async function waitForDatabase(page: Page): Promise<void> {
	await waitFor(
		() =>
			page.evaluate(async () => {
				const dbs = await indexedDB.databases();
				return dbs.some((d) => d.name === 'perch' && (d.version ?? 0) >= 3);
			}),
		15_000,
		'the app to open its database'
	);
}

async function seed(page: Page, rows: object[]): Promise<void> {
	await page.evaluate(
		(rows) =>
			new Promise<void>((resolve, reject) => {
				const req = indexedDB.open('perch');
				req.onsuccess = () => {
					const tx = req.result.transaction('ledger', 'readwrite');
					for (const r of rows) tx.objectStore('ledger').put(r);
					tx.oncomplete = () => {
						req.result.close();
						resolve();
					};
					tx.onerror = () => reject(tx.error);
				};
				req.onerror = () => reject(req.error);
			}),
		rows
	);
}

/** The time as the chart's legend writes it, in the page's own time zone. */
function localWhen(page: Page, ms: number): Promise<string> {
	return page.evaluate((ms) => {
		const d = new Date(ms);
		const p = (n: number) => String(n).padStart(2, '0');
		return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
	}, ms);
}

describe('own funding on the market screen', () => {
	it('shows the exact sum of every account’s funding rows at their funding time, masked in privacy mode', async () => {
		const { page, offLoopback, consoleErrors } = await newGuardedPage(harness.browser);
		await page.goto(harness.appUrl);
		const rate = page.getByRole('img', { name: /^Funding rate history for / });
		await rate.waitFor({ timeout: 20_000 });
		const symbol = ((await rate.getAttribute('aria-label')) ?? '').replace(
			'Funding rate history for ',
			''
		);
		expect(symbol).not.toBe('');
		// Nothing stored yet: nothing extra is shown.
		await expect(page.getByTestId('own-funding').isVisible()).resolves.toBe(false);

		await waitForDatabase(page);
		// The simulator settles funding every 8 h on the UTC grid; the last settled time is on
		// the chart, and so is the one before it.
		const settled = Math.floor(Date.now() / H8) * H8;
		const row = (accountId: string, id: string, time: number, amount: string, sym = symbol) => ({
			accountId,
			id,
			time,
			type: 'funding',
			amount,
			asset: 'USDT',
			symbol: sym
		});
		await seed(page, [
			// Two accounts, booked seconds after the funding time: 0.1 + 0.2 is 0.3 exactly.
			row('acct-a', 'f1', settled + 1_200, '0.1'),
			row('acct-b', 'f1', settled + 3_000, '0.2'),
			row('acct-a', 'f0', settled - H8 + 900, '-0.05'),
			// Another venue's spelling of the symbol and a fee: neither counts.
			row('acct-a', 'x1', settled + 1_000, '100', `${symbol}_UMCBL`),
			{ ...row('acct-a', 'fee1', settled + 1_000, '-7'), type: 'fee' }
		]);
		await page.reload();

		const when = await localWhen(page, settled);
		const own = page.getByRole('img', { name: /^Your funding \(USDT\) for / });
		await own.waitFor({ timeout: 20_000 });
		expect(await own.getAttribute('aria-label')).toBe(
			`Your funding (USDT) for ${symbol}: latest ${when} +0.3 received; total +0.25 over 3 rows`
		);
		await expect(page.getByTestId('own-funding-legend').textContent()).resolves.toBe(
			`${when}: +0.3 received · total +0.25`
		);
		if (SHOTS) {
			await own.scrollIntoViewIfNeeded();
			await page.waitForTimeout(500);
			await page.screenshot({ path: `${SHOTS}/own-funding-1280.png`, fullPage: true });
			await page.setViewportSize({ width: 390, height: 844 });
			await own.scrollIntoViewIfNeeded();
			await page.waitForTimeout(500);
			await page.screenshot({ path: `${SHOTS}/own-funding-390.png` });
		}

		await page.getByRole('button', { name: 'Hide balances and sizes' }).click();
		await expect(page.getByTestId('own-funding-legend').textContent()).resolves.toBe(
			`${when}: ••• received · total •••`
		);
		const masked = (await own.getAttribute('aria-label')) ?? '';
		expect(masked).toBe(
			`Your funding (USDT) for ${symbol}: latest ${when} ••• received; total ••• over 3 rows`
		);
		expect(masked).not.toMatch(/0\.3|0\.25/);

		expect(offLoopback).toEqual([]);
		expect(consoleErrors).toEqual([]);
		await page.context().close();
	});
});
