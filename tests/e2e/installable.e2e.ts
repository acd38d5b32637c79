import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStaticServer } from '../../scripts/serve.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './harness';

let server: Awaited<ReturnType<typeof startStaticServer>>;

beforeAll(async () => {
	server = await startStaticServer({ dir: 'build', listenPort: 0 });
});

afterAll(async () => {
	await new Promise<void>((r) => server?.server.close(() => r()));
});

async function installabilityErrors(page: Page): Promise<string[]> {
	const cdp = await page.context().newCDPSession(page);
	const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
	return installabilityErrors.map((e) => e.errorId);
}

interface ManifestImage {
	src: string;
	sizes: string;
	type: string;
	purpose?: string;
	form_factor?: string;
}

describe('installable', () => {
	it('has no installability errors in a persistent profile, and real PNG icons and screenshots', async () => {
		const profile = mkdtempSync(join(tmpdir(), 'perch-profile-'));
		const context = await chromium.launchPersistentContext(profile, {
			executablePath: CHROMIUM_PATH,
			args: CHROMIUM_ARGS,
			viewport: { width: 390, height: 844 }
		});
		try {
			const page = context.pages()[0] ?? (await context.newPage());
			await page.goto(server.url);
			await page.evaluate(async () => {
				await navigator.serviceWorker.ready;
			});
			// Chromium reads the manifest asynchronously: ask until the answer settles.
			let errors: string[] = ['not asked yet'];
			for (let i = 0; i < 20 && errors.length > 0; i++) {
				errors = await installabilityErrors(page);
				if (errors.length > 0) await page.waitForTimeout(250);
			}
			expect(errors).toEqual([]);

			const manifest = (await page.evaluate(async () =>
				(await fetch('/manifest.webmanifest')).json()
			)) as {
				name: string;
				short_name: string;
				start_url: string;
				display: string;
				theme_color: string;
				background_color: string;
				icons: ManifestImage[];
				screenshots: ManifestImage[];
			};
			expect(manifest).toMatchObject({
				name: 'Perch',
				short_name: 'Perch',
				start_url: '/',
				display: 'standalone'
			});
			expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/i);
			expect(manifest.background_color).toMatch(/^#[0-9a-f]{6}$/i);

			const pngIcons = manifest.icons.filter((i) => i.type === 'image/png');
			expect(pngIcons.map((i) => i.sizes).sort()).toEqual(['192x192', '512x512', '512x512']);
			expect(pngIcons.filter((i) => i.purpose?.split(' ').includes('maskable'))).toHaveLength(1);
			expect(pngIcons.filter((i) => (i.purpose ?? 'any').split(' ').includes('any'))).toHaveLength(
				2
			);
			expect(manifest.screenshots.map((s) => s.form_factor).sort()).toEqual(['narrow', 'wide']);

			// Every image is fetched and decoded: its pixels must be the size the manifest claims.
			for (const image of [...pngIcons, ...manifest.screenshots]) {
				const decoded = await page.evaluate(async (src) => {
					const response = await fetch(src);
					const type = response.headers.get('content-type');
					const bitmap = await createImageBitmap(await response.blob());
					return { type, size: `${bitmap.width}x${bitmap.height}` };
				}, image.src);
				expect(decoded, image.src).toEqual({ type: 'image/png', size: image.sizes });
			}
		} finally {
			await context.close();
			rmSync(profile, { recursive: true, force: true });
		}
	});

	it('is reported as not installable from a fresh incognito context (the probe can fail)', async () => {
		const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
		try {
			const page = await (await browser.newContext()).newPage();
			await page.goto(server.url);
			expect(await installabilityErrors(page)).toContain('in-incognito');
		} finally {
			await browser.close();
		}
	});
});
