// Renders the PNG icons and the manifest's screenshots into static/ with Debian's Chromium.
// They are committed (a build does not run this): the PNGs are inputs of the reproducible build.
// Usage: npm run build && npx tsx scripts/make-icons.ts
//   icon-192.png, icon-512.png: static/icon.svg at that size;
//   icon-maskable-512.png: the same drawing inside the central 80 % safe zone on a full-bleed
//   background, so a launcher's circle or squircle mask never cuts into it;
//   screenshot-narrow.png (390×844) and screenshot-wide.png (1280×800): the market screen on the
//   Demo venue, served from build/ on loopback.
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH, newGuardedPage, startHarness } from '../tests/e2e/harness';

const svg = readFileSync('static/icon.svg', 'utf8');
const BACKGROUND = '#0b0e11';

async function renderIcon(size: number, padding: number, path: string): Promise<void> {
	const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
	const page = await browser.newPage({ viewport: { width: size, height: size } });
	const inner = size - 2 * padding;
	await page.setContent(
		`<body style="margin:0;background:${BACKGROUND}"><div style="padding:${padding}px;width:${inner}px;height:${inner}px">${svg.replace('<svg ', `<svg width="${inner}" height="${inner}" `)}</div></body>`
	);
	await page.screenshot({ path, omitBackground: padding === 0 });
	await browser.close();
}

await renderIcon(192, 0, 'static/icon-192.png');
await renderIcon(512, 0, 'static/icon-512.png');
await renderIcon(512, 51, 'static/icon-maskable-512.png');

const harness = await startHarness();
for (const [name, viewport] of [
	['narrow', { width: 390, height: 844 }],
	['wide', { width: 1280, height: 800 }]
] as const) {
	const { page } = await newGuardedPage(harness.browser, viewport);
	await page.goto(harness.appUrl);
	await page
		.locator('tr[data-side][data-price]:not([data-price=""])')
		.first()
		.waitFor({ state: 'attached' });
	await page.waitForTimeout(3000);
	await page.screenshot({ path: `static/screenshot-${name}.png` });
	await page.context().close();
}
await harness.close();
console.log('Wrote static/icon-*.png and static/screenshot-*.png');
