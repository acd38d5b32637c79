import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
	connectToSim,
	ladder,
	readLadder,
	newGuardedPage,
	pickInstrument,
	startHarness,
	startSimServer,
	waitFor,
	type Harness,
	type Sim
} from './harness';

let harness: Harness;
let sim: Sim;
const SYMBOL = 'ETHUSDT';

beforeAll(async () => {
	harness = await startHarness();
});

afterAll(async () => {
	await harness?.close();
});

afterEach(async () => {
	await sim?.close();
});

function status(page: Page) {
	return page.getByRole('status', { name: 'Market connection' });
}

async function bookVersion(page: Page): Promise<number> {
	const text = (await page.getByTestId('book-version').textContent()) ?? '';
	return Number(text.match(/v(\d+)/)?.[1] ?? 0);
}

/** Counts pixels of the bid and ask colours on the depth chart's canvas. */
async function depthPixels(page: Page): Promise<{ bid: number; ask: number }> {
	return page
		.getByRole('img', { name: `Depth chart for ${SYMBOL}` })
		.locator('canvas')
		.first()
		.evaluate((canvas: HTMLCanvasElement) => {
			const ctx = canvas.getContext('2d');
			if (!ctx) return { bid: 0, ask: 0 };
			const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
			let bid = 0;
			let ask = 0;
			for (let i = 0; i < data.length; i += 4) {
				const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
				if (g > 120 && g > r * 1.5 && g > b) bid++;
				else if (r > 150 && r > g * 2 && r > b * 2) ask++;
			}
			return { bid, ask };
		});
}

async function openOnSim(): Promise<Page> {
	sim = await startSimServer({ seed: 7 });
	const { page } = await newGuardedPage(harness.browser);
	await page.goto(harness.appUrl);
	await connectToSim(page, sim);
	await pickInstrument(page, SYMBOL);
	await expect.poll(() => status(page).getAttribute('data-state'), { timeout: 15000 }).toBe('live');
	await waitFor(async () => (await ladder(page, 'bid')).length > 5, 10000, 'book rows');
	return page;
}

describe('market screen', () => {
	it('opens on the Demo venue with live data and touches nothing off loopback', async () => {
		const { page, offLoopback, consoleErrors } = await newGuardedPage(harness.browser);
		await page.goto(harness.appUrl);
		await expect
			.poll(() => status(page).getAttribute('data-state'), { timeout: 15000 })
			.toBe('live');
		expect(await page.getByRole('button', { name: /Exchange connection: Demo/ }).count()).toBe(1);
		await waitFor(async () => (await ladder(page, 'ask')).length > 5, 10000, 'demo book');
		const v1 = await bookVersion(page);
		await waitFor(async () => (await bookVersion(page)) > v1 + 3, 10000, 'demo book updates');
		expect(offLoopback).toEqual([]);
		expect(consoleErrors).toEqual([]);
		await page.context().close();
	});

	it('shows the book, depth chart and funding from the simulator, updating live', async () => {
		const page = await openOnSim();
		const { bids, asks } = await readLadder(page);
		// Bids descend, asks ascend (asks are drawn top-down, highest first), and the book is not crossed.
		const bidPrices = bids.map(([p]) => Number(p));
		const askPrices = asks.map(([p]) => Number(p)).reverse();
		expect(bidPrices).toEqual([...bidPrices].sort((a, b) => b - a));
		expect(askPrices).toEqual([...askPrices].sort((a, b) => a - b));
		expect(bidPrices[0]).toBeLessThan(askPrices[0]);

		await waitFor(
			async () => {
				const px = await depthPixels(page);
				return px.bid > 200 && px.ask > 200;
			},
			10000,
			'depth chart drawn in both colours'
		);

		await expect
			.poll(() => page.getByTestId('funding-next').textContent(), { timeout: 10000 })
			.toMatch(/%$/);
		await expect
			.poll(() => page.getByTestId('funding-countdown').textContent(), { timeout: 10000 })
			.toMatch(/^\d\d:\d\d:\d\d$/);
		await expect
			.poll(() => page.getByRole('img', { name: `Funding rate history for ${SYMBOL}` }).count())
			.toBe(1);

		const v1 = await bookVersion(page);
		const last1 = await page.getByTestId('last-price').textContent();
		await waitFor(async () => (await bookVersion(page)) >= v1 + 5, 10000, 'book updates');
		await waitFor(
			async () => (await page.getByTestId('last-price').textContent()) !== last1,
			15000,
			'ticker updates'
		);
		await page.context().close();
	});

	it('recovers from a dropped connection and resumes the subscriptions', async () => {
		const page = await openOnSim();
		const seen = new Set<string>();
		const stop = setInterval(() => {
			void status(page)
				.getAttribute('data-state')
				.then((s) => s && seen.add(s))
				.catch(() => undefined);
		}, 20);
		sim.sim.faults.dropConnections('public');
		await waitFor(
			async () =>
				seen.has('reconnecting') && (await status(page).getAttribute('data-state')) === 'live',
			15000,
			'reconnecting then live'
		);
		clearInterval(stop);
		expect(await status(page).textContent()).toMatch(/↻1/);
		const v = await bookVersion(page);
		await waitFor(async () => (await bookVersion(page)) > v + 3, 10000, 'book resumes');
		await page.context().close();
	});

	it('resyncs after a skipped version and ends equal to the simulator book', async () => {
		const page = await openOnSim();
		sim.sim.faults.skipVersion(SYMBOL);
		await waitFor(
			async () => /resynced 1×/.test((await page.getByTestId('book-version').textContent()) ?? ''),
			10000,
			'a resync'
		);
		expect(await page.getByRole('list', { name: 'Connection log entries' }).textContent()).toMatch(
			/version gap/
		);
		sim.sim.faults.pause();
		const expected = sim.sim.book(SYMBOL, 50);
		await waitFor(async () => (await bookVersion(page)) === expected.version, 10000, 'catch-up');
		const bids = await ladder(page, 'bid');
		const asks = (await ladder(page, 'ask')).reverse();
		expect(bids).toEqual(expected.bids.slice(0, bids.length));
		expect(asks).toEqual(expected.asks.slice(0, asks.length));
		expect(bids.length).toBeGreaterThanOrEqual(8);
		sim.sim.faults.resume();
		await page.context().close();
	});

	it('reconnects when pongs stop', async () => {
		const page = await openOnSim();
		sim.sim.faults.silence(true);
		await waitFor(
			async () =>
				['stale', 'reconnecting'].includes((await status(page).getAttribute('data-state')) ?? ''),
			15000,
			'stale'
		);
		await waitFor(
			async () => (await status(page).getAttribute('data-state')) === 'reconnecting',
			25000,
			'reconnect after silent pongs'
		);
		sim.sim.faults.silence(false);
		await waitFor(
			async () => (await status(page).getAttribute('data-state')) === 'live',
			20000,
			'live again'
		);
		await page.context().close();
	}, 70000);

	it('logs a malformed frame as an error and keeps going', async () => {
		const page = await openOnSim();
		const consoleErrors: string[] = [];
		page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
		const pageErrors: string[] = [];
		page.on('pageerror', (e) => pageErrors.push(e.message));
		sim.sim.faults.sendMalformed();
		await waitFor(
			async () =>
				/error/i.test(
					(await page.getByRole('list', { name: 'Connection log entries' }).textContent()) ?? ''
				),
			10000,
			'error in the log'
		);
		expect(consoleErrors.some((m) => /not JSON|malformed|parse/i.test(m))).toBe(true);
		const v = await bookVersion(page);
		await waitFor(async () => (await bookVersion(page)) > v + 3, 10000, 'book keeps updating');
		expect(await status(page).getAttribute('data-state')).toBe('live');
		expect(pageErrors).toEqual([]);
		await page.context().close();
	});
});
