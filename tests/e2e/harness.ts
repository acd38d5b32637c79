import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startSimServer } from '../../src/sim/node/server';
import { startStaticServer } from '../../scripts/serve.js';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run'
];

export type Sim = Awaited<ReturnType<typeof startSimServer>>;

export interface Harness {
	browser: Browser;
	appUrl: string;
	close(): Promise<void>;
}

/** Serves the built app on loopback and launches Debian's Chromium. */
export async function startHarness(): Promise<Harness> {
	const { server, url } = await startStaticServer({ dir: 'build', listenPort: 0 });
	const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
	return {
		browser,
		appUrl: url,
		async close() {
			await browser.close();
			await new Promise<void>((r) => server.close(() => r()));
		}
	};
}

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/;

/**
 * A fresh browser context that records every request and WebSocket the page opens that is not on
 * loopback and blocks the HTTP ones, so a test fails instead of reaching the network.
 */
export async function newGuardedPage(
	browser: Browser,
	viewport = { width: 1280, height: 800 }
): Promise<{
	context: BrowserContext;
	page: Page;
	offLoopback: string[];
	consoleErrors: string[];
}> {
	const context = await browser.newContext({ viewport, serviceWorkers: 'block' });
	const offLoopback: string[] = [];
	const consoleErrors: string[] = [];
	await context.route('**/*', async (route) => {
		const url = new URL(route.request().url());
		if (url.protocol === 'data:' || url.protocol === 'blob:' || LOOPBACK.test(url.hostname)) {
			await route.continue();
		} else {
			offLoopback.push(url.href);
			await route.abort('blockedbyclient');
		}
	});
	const page = await context.newPage();
	page.on('websocket', (ws) => {
		const url = new URL(ws.url());
		if (!LOOPBACK.test(url.hostname)) offLoopback.push(url.href);
	});
	page.on('console', (msg) => {
		if (msg.type() === 'error') consoleErrors.push(msg.text());
	});
	page.on('pageerror', (err) => consoleErrors.push(`pageerror: ${err.message}`));
	return { context, page, offLoopback, consoleErrors };
}

/** Points the app at a simulator through the connection form, the way a user would. */
export async function connectToSim(page: Page, sim: Sim): Promise<void> {
	await page.getByRole('button', { name: /Exchange connection/ }).click();
	const dialog = page.getByRole('dialog', { name: 'Exchange connection' });
	await dialog.getByLabel('Exchange', { exact: true }).selectOption('bitmart');
	await dialog.getByLabel('REST base URL').fill(sim.endpoints.rest);
	await dialog.getByLabel('Public WebSocket URL').fill(sim.endpoints.publicWs);
	await dialog.getByLabel('Private WebSocket URL').fill(sim.endpoints.privateWs);
	await dialog.getByRole('button', { name: 'Connect' }).click();
}

export async function pickInstrument(page: Page, symbol: string): Promise<void> {
	await page.getByRole('button', { name: /Change instrument/ }).click();
	await page.getByRole('combobox', { name: 'Search instruments' }).fill(symbol.slice(0, 3));
	await page.getByRole('option', { name: new RegExp(`^${symbol}`) }).click();
}

export type LadderRows = [price: string, size: string][];

/**
 * Both sides of the on-screen order book, read in one pass so they come from the same render:
 * two separate reads can straddle a publish and show a crossed book that never was on screen.
 * Bids come best first; asks come as drawn (highest first).
 */
export async function readLadder(page: Page): Promise<{ bids: LadderRows; asks: LadderRows }> {
	return page.getByRole('table', { name: 'Order book', includeHidden: true }).evaluate((table) => {
		const side = (s: string) =>
			[...table.querySelectorAll(`tr[data-side="${s}"]`)].map(
				(r) =>
					[r.getAttribute('data-price') ?? '', r.getAttribute('data-size') ?? ''] as [
						string,
						string
					]
			);
		return { bids: side('bid'), asks: side('ask') };
	});
}

/** One side of the on-screen order book (see {@link readLadder}). */
export async function ladder(page: Page, side: 'bid' | 'ask'): Promise<LadderRows> {
	const book = await readLadder(page);
	return side === 'bid' ? book.bids : book.asks;
}

export async function waitFor(
	check: () => Promise<boolean> | boolean,
	timeoutMs = 10_000,
	what = 'condition'
): Promise<void> {
	const end = Date.now() + timeoutMs;
	while (Date.now() < end) {
		if (await check()) return;
		await new Promise((r) => setTimeout(r, 50));
	}
	throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
}

export { startSimServer };
