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

/**
 * Reads the ladder's table and canvas in one go (they are updated in the same flush) and checks
 * the picture against the table: each level's size bar starts where its size over the largest
 * shown says, in its side's hue, and its price is painted in the price column. Bars that end
 * under the size text or too near the middle are skipped. Returns the rows checked and the misses.
 */
const CHECK_PICTURE = `(() => {
	const canvas = document.querySelector('.ladder canvas');
	const rows = [...canvas.querySelectorAll('tbody > tr')];
	const slots = (rows.length - 1) / 2;
	const k = canvas.width / canvas.clientWidth;
	const w = canvas.clientWidth;
	const img = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
	const px = (x, y) => {
		const i = (Math.round(y * k) * canvas.width + Math.round(x * k)) * 4;
		return [img.data[i], img.data[i + 1], img.data[i + 2], img.data[i + 3]];
	};
	const sizes = rows.filter((r) => r.dataset.price).map((r) => Number(r.dataset.size));
	const max = Math.max(...sizes);
	let checked = 0;
	const misses = [];
	rows.forEach((r, i) => {
		if (!r.dataset.price) return;
		const top = i < slots ? 20 + 20 * i : 20 + 20 * slots + 28 + 20 * (i - slots - 1);
		const hueOk = ([red, green]) => (r.dataset.side === 'bid' ? green > red : red > green);
		let price = false;
		for (let x = 6; x < 60 && !price; x++)
			for (let y = top + 5; y < top + 15 && !price; y++) {
				const p = px(x, y);
				price = p[3] > 100 && hueOk(p);
			}
		if (!price) misses.push(r.dataset.price + ': no price painted');
		const f = Number(r.dataset.size) / max;
		if (f < 0.35 || f > 0.95) return;
		const edge = w - (w / 2) * f;
		const inside = px(edge + 2, top + 2);
		const outside = px(edge - 3, top + 2);
		if (!(inside[3] > 0 && hueOk(inside) && outside[3] === 0)) {
			misses.push(r.dataset.price + ': bar edge not at ' + edge.toFixed(1));
		}
		checked++;
	});
	return { checked, misses };
})()`;

describe('market screen rendering', () => {
	it('updates the streaming ladder in place: no row is inserted or removed', async () => {
		const { page, consoleErrors } = await newGuardedPage(harness.browser, {
			width: 390,
			height: 844
		});
		await page.goto(harness.appUrl);
		await page.locator(BOOK_ROW).nth(10).waitFor({ state: 'attached', timeout: 20_000 });
		const table = page.getByRole('table', { name: 'Order book', includeHidden: true });
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

	it('paints the table’s levels on its canvas, and repaints them as the book moves', async () => {
		const { page, consoleErrors } = await newGuardedPage(harness.browser, {
			width: 390,
			height: 844
		});
		await page.goto(harness.appUrl);
		await page.locator(BOOK_ROW).nth(10).waitFor({ state: 'attached', timeout: 20_000 });
		const first = (await page.evaluate(CHECK_PICTURE)) as { checked: number; misses: string[] };
		expect(first.misses).toEqual([]);
		expect(first.checked).toBeGreaterThan(2);
		await bookMoves(page, 4);
		const later = (await page.evaluate(CHECK_PICTURE)) as { checked: number; misses: string[] };
		expect(later.misses).toEqual([]);
		expect(later.checked).toBeGreaterThan(2);
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
