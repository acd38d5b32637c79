import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { MAIN, addAccount, createVault, expectLive, hold } from './accounts-harness';
import {
	newGuardedPage,
	startHarness,
	startSimServer,
	waitFor,
	type Harness,
	type Sim
} from './harness';

// A quiet account: positions that nothing moves, so the private stream carries only the
// simulator's documented 10 s position push and the answers to our keepalives.

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

const WINDOW_MS = 60_000;
const SAMPLE_MS = 250;
const CLOSES = 10;

const POSITIONS = [
	{ symbol: 'BTCUSDT', side: 'long', entryPrice: '60000' },
	{ symbol: 'ETHUSDT', side: 'short', entryPrice: '3000' },
	{ symbol: 'SOLUSDT', side: 'long', entryPrice: '150' },
	{ symbol: 'XRPUSDT', side: 'short', entryPrice: '0.6' },
	{ symbol: 'LINKUSDT', side: 'long', entryPrice: '15' }
] as const;

/** Opens the close sheet for 25 % of a position and holds its confirm button. */
async function closeQuarter(page: Page, symbol: string, side: string): Promise<void> {
	await page
		.getByRole('button', { name: `Close 25% of ${symbol} ${side}, account ${MAIN.label}` })
		.click();
	await page.getByRole('button', { name: /^Hold to close/ }).waitFor({ timeout: 10_000 });
	await hold(page, /^Hold to close/);
}

/** What the card says about the last close: a fill or a refusal, in plain words. */
async function feedbackText(page: Page, symbol: string, side: string): Promise<string> {
	const text = await page
		.getByRole('region', { name: `Account ${MAIN.label}` })
		.getByRole('article', { name: new RegExp(`${symbol} ${side}`, 'i') })
		.textContent();
	return (text ?? '').replace(/\s+/g, ' ').trim();
}

/** Records the pill's state in the page every `everyMs`, independent of the test's own pace. */
async function startSampling(page: Page, label: string, everyMs: number): Promise<void> {
	await page.evaluate(
		({ label, everyMs }) => {
			const w = window as unknown as { __samples: string[]; __sampler: number };
			w.__samples = [];
			w.__sampler = window.setInterval(() => {
				const pill = document.querySelector(`[role="status"][aria-label="${label} connection"]`);
				w.__samples.push(pill?.getAttribute('data-state') ?? 'missing');
			}, everyMs);
		},
		{ label, everyMs }
	);
}

async function stopSampling(page: Page): Promise<string[]> {
	return page.evaluate(() => {
		const w = window as unknown as { __samples: string[]; __sampler: number };
		window.clearInterval(w.__sampler);
		return w.__samples;
	});
}

describe('a quiet account', () => {
	it('stays live for a minute and every close in that minute is sent', async () => {
		sim = await startSimServer({ seed: 21 });
		const main = sim.sim.addAccount({ ...MAIN, positionMode: 'hedge' });
		main.setBalance('USDT', '1000000');
		for (const p of POSITIONS) {
			main.seedPosition({
				symbol: p.symbol,
				side: p.side,
				size: 4000,
				entryPrice: p.entryPrice,
				leverage: '10',
				marginMode: 'cross'
			});
		}
		const { page } = await newGuardedPage(harness.browser, { width: 1280, height: 900 });
		await page.goto(harness.appUrl);
		await createVault(page);
		await addAccount(page, sim, MAIN);
		await expectLive(page, MAIN.label);

		await startSampling(page, MAIN.label, SAMPLE_MS);
		const start = Date.now();
		const outcomes: string[] = [];
		for (let i = 0; i < CLOSES; i++) {
			// Spread the closes over the window, so some land long after the last private frame.
			const due = start + (i * WINDOW_MS) / CLOSES;
			const wait = due - Date.now();
			if (wait > 0) await page.waitForTimeout(wait);
			const { symbol, side } = POSITIONS[i % POSITIONS.length];
			const sentBefore = sim.sim.ordersSubmitted(MAIN.apiKey).length;
			await closeQuarter(page, symbol, side);
			// A refusal shows on the card and sends nothing; give a slow machine ample time to send.
			const sent = await waitFor(
				() => sim!.sim.ordersSubmitted(MAIN.apiKey).length > sentBefore,
				10_000,
				`close ${i + 1} to reach the exchange`
			).then(
				() => true,
				() => false
			);
			const outcome = sent ? 'sent' : `not sent: ${await feedbackText(page, symbol, side)}`;
			outcomes.push(`${i + 1} ${symbol} ${side}: ${outcome}`);
		}
		const left = start + WINDOW_MS - Date.now();
		if (left > 0) await page.waitForTimeout(left);
		const samples = await stopSampling(page);

		const counts: Record<string, number> = {};
		for (const s of samples) counts[s] = (counts[s] ?? 0) + 1;
		// A minute at one sample per 250 ms; far fewer would mean the page's timers were starved.
		expect(samples.length).toBeGreaterThan(200);
		expect.soft(counts, 'pill states sampled over the minute').toEqual({ live: samples.length });
		expect(
			outcomes.filter((o) => !o.endsWith(': sent')),
			'closes not sent'
		).toEqual([]);
		expect(sim.sim.ordersSubmitted(MAIN.apiKey)).toHaveLength(CLOSES);
		await page.context().close();
	}, 200_000);
});
