import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { newGuardedPage, startHarness, waitFor, type Harness } from './harness';

let harness: Harness;

beforeAll(async () => {
	harness = await startHarness();
});

afterAll(async () => {
	await harness?.close();
});

const BOOK_ROW = 'tr[data-side][data-price]:not([data-price=""])';

async function bookVersion(page: Page): Promise<number> {
	const text = (await page.getByTestId('book-version').textContent()) ?? '';
	return Number(/v(\d+)/.exec(text)?.[1] ?? 0);
}

/** Waits until the shown book version has moved `times` times. */
async function bookMoves(page: Page, times: number): Promise<void> {
	let last = await bookVersion(page);
	let moves = 0;
	await waitFor(
		async () => {
			const v = await bookVersion(page);
			if (v !== last) moves++;
			last = v;
			return moves >= times;
		},
		20_000,
		`${times} book updates`
	);
}

// Counts canvas fills per canvas element (a string: tsx rewrites functions the page cannot run).
const COUNT_FILLS = `
	const fill = CanvasRenderingContext2D.prototype.fill;
	CanvasRenderingContext2D.prototype.fill = function (...args) {
		this.canvas.__fills = (this.canvas.__fills ?? 0) + 1;
		return fill.apply(this, args);
	};
`;

describe('market screen rendering', () => {
	it('updates the streaming ladder in place: no row is inserted or removed', async () => {
		const { page, consoleErrors } = await newGuardedPage(harness.browser, {
			width: 390,
			height: 844
		});
		await page.goto(harness.appUrl);
		await page.locator(BOOK_ROW).nth(10).waitFor({ timeout: 20_000 });
		const table = page.getByRole('table', { name: 'Order book' });
		await table.evaluate((t) => {
			const w = window as unknown as { __rowChanges: number };
			w.__rowChanges = 0;
			new MutationObserver((records) => {
				for (const r of records) w.__rowChanges += r.addedNodes.length + r.removedNodes.length;
			}).observe(t.querySelector('tbody')!, { childList: true });
		});
		const pricesBefore = await table
			.locator(BOOK_ROW)
			.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-price')));
		await bookMoves(page, 8);
		const pricesAfter = await table
			.locator(BOOK_ROW)
			.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-price')));
		// The book did move on screen...
		expect(pricesAfter).not.toEqual(pricesBefore);
		// ...through the same rows.
		expect(
			await page.evaluate(() => (window as unknown as { __rowChanges: number }).__rowChanges)
		).toBe(0);
		expect(consoleErrors).toEqual([]);
		await page.context().close();
	});

	it('draws no depth chart while it is scrolled off screen, and the latest book when back', async () => {
		const { page, consoleErrors } = await newGuardedPage(harness.browser, {
			width: 390,
			height: 844
		});
		await page.addInitScript(COUNT_FILLS);
		await page.goto(harness.appUrl);
		const chart = page.getByRole('img', { name: /^Depth chart/ });
		const fills = () =>
			chart.evaluate((el) => {
				const canvas = el.querySelector('canvas') as
					(HTMLCanvasElement & { __fills?: number }) | null;
				return canvas?.__fills ?? 0;
			});
		await waitFor(async () => (await fills()) > 0, 20_000, 'the depth chart to draw');

		// Scrolled so the chart (at the top on a phone) is out of view.
		// The panels below it grow as trades and funding arrive: scroll until the chart is wholly out
		// of view (a chart 16 px in view is rightly still drawn).
		await page.getByRole('heading', { name: 'Trades' }).scrollIntoViewIfNeeded();
		await waitFor(
			() =>
				page.evaluate(() => {
					window.scrollTo(0, document.documentElement.scrollHeight);
					const chartBox = document
						.querySelector('[role="img"][aria-label^="Depth chart"]')
						?.getBoundingClientRect();
					return chartBox !== undefined && chartBox.bottom < 0;
				}),
			15_000,
			'the depth chart to be scrolled wholly out of view'
		);
		// The observer reports the scroll a little later: wait until the drawing has stopped (on the
		// old code it never stops while the book streams, and this times out).
		let hidden = await fills();
		await waitFor(
			async () => {
				await page.waitForTimeout(700);
				const now = await fills();
				const still = now === hidden;
				hidden = now;
				return still;
			},
			15_000,
			'the off-screen depth chart to stop drawing'
		);
		await bookMoves(page, 5);
		expect(await fills()).toBe(hidden);

		await chart.scrollIntoViewIfNeeded();
		await waitFor(async () => (await fills()) > hidden, 10_000, 'the depth chart to draw again');
		expect(consoleErrors).toEqual([]);
		await page.context().close();
	});
});
