import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVault, expectLive } from './accounts-harness';
import { newGuardedPage, startHarness, waitFor, type Harness } from './harness';

let harness: Harness;

beforeAll(async () => {
	harness = await startHarness();
});

afterAll(async () => {
	await harness?.close();
});

interface Violation {
	blockedURI: string;
	effectiveDirective: string;
	violatedDirective: string;
}

describe('Content-Security-Policy', () => {
	it('blocks connections to hosts outside connect-src, even on loopback and over TLS', async () => {
		const { page, context } = await newGuardedPage(harness.browser);
		await page.goto(harness.appUrl);
		await page.evaluate(() => {
			const seen: Violation[] = [];
			(window as unknown as { violations: Violation[] }).violations = seen;
			document.addEventListener('securitypolicyviolation', (e) => {
				seen.push({
					blockedURI: e.blockedURI,
					effectiveDirective: e.effectiveDirective,
					violatedDirective: e.violatedDirective
				});
			});
		});
		const port = new URL(harness.appUrl).port;
		// 127.0.0.2 is loopback but not listed (CSP cannot name 127.0.0.0/8). Nothing listens
		// there, so the only way for these to produce an event is the policy refusing them.
		const targets = [
			`http://127.0.0.2:${port}/`,
			`https://127.0.0.2:${port}/`,
			`wss://127.0.0.2:${port}/`,
			`ws://127.0.0.2:${port}/`
		];
		await page.evaluate((urls) => {
			for (const url of urls) {
				if (url.startsWith('ws')) {
					try {
						new WebSocket(url).onerror = () => {};
					} catch {
						// Some Chromium versions throw synchronously for a blocked socket.
					}
				} else {
					fetch(url).catch(() => {});
				}
			}
		}, targets);

		const violations = () =>
			page.evaluate(() => (window as unknown as { violations: Violation[] }).violations);
		for (const target of targets) {
			const origin = target.replace(/\/$/, '');
			await waitFor(
				async () => (await violations()).some((v) => v.blockedURI.startsWith(origin)),
				10_000,
				`a CSP violation for ${target}`
			);
		}
		for (const v of await violations()) {
			expect(v.effectiveDirective, v.blockedURI).toBe('connect-src');
			expect(v.violatedDirective, v.blockedURI).toMatch(/^connect-src/);
		}

		// The page's own origin stays reachable, and the Demo venue (in-page simulator) still works.
		const ownStatus = await page.evaluate(
			async () => (await fetch('/manifest.webmanifest')).status
		);
		expect(ownStatus).toBe(200);
		await expectLive(page, 'Market');
		expect((await violations()).every((v) => v.blockedURI.includes('127.0.0.2'))).toBe(true);
		await context.close();
	});

	it('refuses to be framed by another site', async () => {
		const res = await fetch(harness.appUrl);
		expect(res.headers.get('x-frame-options')).toBe('DENY');
		expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");

		// Another origin (another port on loopback) that frames Perch.
		const parent: Server = createServer((_req, reply) => {
			reply.writeHead(200, { 'Content-Type': 'text/html' });
			reply.end(
				`<!doctype html><title>parent</title><iframe id="f" src="${harness.appUrl}"></iframe>`
			);
		});
		await new Promise<void>((r) => parent.listen(0, '127.0.0.1', () => r()));
		const address = parent.address();
		const parentUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
		const { page, context } = await newGuardedPage(harness.browser);
		try {
			await page.goto(parentUrl);
			expect(await page.title()).toBe('parent');
			const frame = () => page.frames().find((f) => f !== page.mainFrame());
			// Settled either way: Chromium's error page, or Perch's own navigation rendered.
			const perchRendered = async () => {
				const f = frame();
				if (!f || f.url().startsWith('chrome-error:')) return false;
				return (
					(await f
						.getByRole('navigation', { name: 'Main' })
						.count()
						.catch(() => 0)) > 0
				);
			};
			await waitFor(
				async () => frame()?.url().startsWith('chrome-error:') === true || (await perchRendered()),
				15_000,
				'the frame to settle'
			);
			expect(await perchRendered()).toBe(false);
			expect(frame()?.url()).toMatch(/^chrome-error:/);
		} finally {
			await context.close();
			await new Promise<void>((r) => parent.close(() => r()));
		}
	});

	it('refuses a custom endpoint outside the list in both forms, naming the setting', async () => {
		const { page, context, offLoopback } = await newGuardedPage(harness.browser);
		await page.goto(harness.appUrl);
		const relay = 'https://relay.example.com';

		await page.getByRole('button', { name: /Exchange connection/ }).click();
		const conn = page.getByRole('dialog', { name: 'Exchange connection' });
		await conn.getByLabel('Exchange', { exact: true }).selectOption('bitmart');
		await conn.getByLabel('REST base URL').fill(`${relay}/bitmart`);
		const restInput = conn.getByLabel('REST base URL');
		await expect.poll(() => restInput.getAttribute('aria-invalid')).toBe('true');
		expect(await conn.getByText(/PERCH_CONNECT_SRC="https:\/\/relay\.example\.com"/).count()).toBe(
			1
		);
		expect(await conn.getByRole('button', { name: 'Connect' }).isDisabled()).toBe(true);
		await conn.getByRole('button', { name: 'Cancel' }).click();

		await createVault(page);
		await page.getByRole('button', { name: 'Add account' }).click();
		const add = page.getByRole('dialog', { name: 'Add account' });
		await add.getByLabel('Endpoints').selectOption('custom');
		await add.getByLabel('Public WebSocket URL').fill('wss://relay.example.com/api');
		await expect
			.poll(() => add.getByText(/PERCH_CONNECT_SRC="wss:\/\/relay\.example\.com"/).count())
			.toBe(1);
		await add.getByLabel('Label').fill('Relay');
		await add.getByLabel('API key').fill('k');
		await add.getByLabel('API secret').fill('s');
		await add.getByLabel('Memo').fill('m');
		await add.getByRole('button', { name: 'Check key and save' }).click();
		// Refused before any request: nothing went to the relay host, not even blocked by the guard.
		expect(offLoopback).toEqual([]);
		expect(await page.getByRole('region', { name: 'Account Relay' }).count()).toBe(0);
		await context.close();
	});
});
