/**
 * Passkey unlock with Chromium's virtual authenticator (DevTools WebAuthn domain, PRF on), the
 * move of a vault written by the code before the data key, and last-known state across an offline
 * reload. WebAuthn refuses 127.0.0.1 as a relying party, so the passkey tests load the app from
 * `localhost` (still loopback).
 */
import { readFileSync } from 'node:fs';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
	MAIN,
	PASSPHRASE,
	addAccount,
	closeButton,
	createVault,
	dumpStorage,
	expectLive,
	hexOf,
	hold,
	positionCard
} from './accounts-harness';
import { newGuardedPage, startHarness, startSimServer, type Harness, type Sim } from './harness';

let harness: Harness;
let sim: Sim | undefined;
let mainAccount: ReturnType<Sim['sim']['addAccount']> | undefined;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
	harness = await startHarness();
});

afterAll(async () => {
	await harness?.close();
});

afterEach(async () => {
	for (const c of contexts.splice(0)) await c.close();
	await sim?.close();
	sim = undefined;
});

function onLocalhost(url: string): string {
	const u = new URL(url);
	u.hostname = 'localhost';
	return u.href;
}

async function localhostPage(): Promise<{
	page: Page;
	context: BrowserContext;
	offLoopback: string[];
}> {
	const { page, context, offLoopback } = await newGuardedPage(harness.browser, {
		width: 1280,
		height: 900
	});
	contexts.push(context);
	await page.goto(onLocalhost(harness.appUrl));
	return { page, context, offLoopback };
}

async function virtualAuthenticator(page: Page): Promise<{ cdp: CDPSession; id: string }> {
	const cdp = await page.context().newCDPSession(page);
	await cdp.send('WebAuthn.enable', { enableUI: false });
	const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
		options: {
			protocol: 'ctap2',
			transport: 'internal',
			hasResidentKey: true,
			hasUserVerification: true,
			isUserVerified: true,
			automaticPresenceSimulation: true,
			hasPrf: true
		}
	});
	return { cdp, id: authenticatorId };
}

async function startSimWithPosition(port = 0): Promise<Sim> {
	const s = await startSimServer({ seed: 5, port });
	const main = s.sim.addAccount({ ...MAIN, positionMode: 'hedge' });
	main.setBalance('USDT', '10000');
	main.seedPosition({
		symbol: 'BTCUSDT',
		side: 'long',
		size: 12,
		entryPrice: '60000',
		leverage: '10',
		marginMode: 'cross'
	});
	s.sim.setMarkPrice('BTCUSDT', '61500');
	mainAccount = main;
	return s;
}

async function nav(page: Page, name: 'Accounts' | 'Settings'): Promise<void> {
	await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click();
}

async function lock(page: Page): Promise<void> {
	await page.getByRole('button', { name: 'Lock', exact: true }).click();
	await nav(page, 'Accounts');
	await page.getByLabel('Passphrase', { exact: true }).waitFor();
}

async function unlockWithPassphrase(page: Page, passphrase = PASSPHRASE): Promise<void> {
	await page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
	await page.getByRole('button', { name: 'Unlock', exact: true }).click();
}

/** Flips one byte of a stored binary field of the vault record, as a disk error or an attacker would. */
async function tamperVaultMeta(page: Page, field: 'passkey' | 'dataKey'): Promise<void> {
	await page.evaluate(async (which) => {
		const db = await new Promise<IDBDatabase>((resolve, reject) => {
			const req = indexedDB.open('perch');
			req.onsuccess = () => resolve(req.result);
			req.onerror = () => reject(req.error);
		});
		const tx = db.transaction('vault', 'readwrite');
		const store = tx.objectStore('vault');
		const meta = await new Promise<Record<string, never>>((resolve) => {
			const req = store.get('meta');
			req.onsuccess = () => resolve(req.result);
		});
		const blob = which === 'passkey' ? meta.passkey['dataKey'] : meta.dataKey;
		const bytes = new Uint8Array((blob as { ciphertext: ArrayBuffer }).ciphertext);
		bytes[4] ^= 0x10;
		store.put(meta, 'meta');
		await new Promise((resolve) => (tx.oncomplete = resolve));
		db.close();
	}, field);
}

describe('passkey unlock (virtual authenticator with PRF)', () => {
	it('registers, unlocks with the passkey and with the passphrase, survives a tampered wrap, and is removed', async () => {
		sim = await startSimWithPosition();
		const { page, offLoopback } = await localhostPage();
		const { cdp, id } = await virtualAuthenticator(page);
		await createVault(page);
		await addAccount(page, sim, MAIN);
		await expectLive(page, MAIN.label);

		// Adding asks for the passphrase first; a wrong one registers nothing.
		await nav(page, 'Settings');
		const section = page.getByRole('region', { name: "Unlock with this device's passkey" });
		await section.getByLabel('Passphrase (to add the passkey)').fill('not the passphrase');
		await section.getByRole('button', { name: 'Add passkey' }).click();
		await expect
			.poll(() => page.getByRole('alert').first().textContent(), { timeout: 15000 })
			.toContain('Wrong passphrase: no passkey was added.');
		expect(
			(await cdp.send('WebAuthn.getCredentials', { authenticatorId: id })).credentials
		).toEqual([]);
		await section.getByLabel('Passphrase (to add the passkey)').fill(PASSPHRASE);
		await section.getByRole('button', { name: 'Add passkey' }).click();
		await expect
			.poll(() => page.getByRole('status').first().textContent(), { timeout: 15000 })
			.toContain('Passkey added');
		const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId: id });
		expect(credentials).toHaveLength(1);
		expect(credentials[0].rpId).toBe('localhost');

		// Locked: the passkey is offered first, and opens the vault.
		await lock(page);
		const passkeyButton = page.getByRole('button', { name: 'Unlock with passkey' });
		await passkeyButton.waitFor();
		const order = await page.evaluate(() =>
			[...document.querySelectorAll('form.unlock button')].map((b) => b.textContent?.trim())
		);
		expect(order).toEqual(['Unlock with passkey', 'Unlock']);
		await passkeyButton.click();
		await expectLive(page, MAIN.label);
		await positionCard(page, 'BTCUSDT', 'long').waitFor();

		// The passphrase stays the fallback.
		await lock(page);
		await unlockWithPassphrase(page);
		await expectLive(page, MAIN.label);

		// A tampered passkey wrap: a clear error, nothing unlocked, the passphrase still works.
		await lock(page);
		await tamperVaultMeta(page, 'passkey');
		await page.getByRole('button', { name: 'Unlock with passkey' }).click();
		await expect
			.poll(() => page.getByRole('alert').first().textContent(), { timeout: 15000 })
			.toContain('The passkey cannot open this vault');
		expect(await page.getByRole('region', { name: `Account ${MAIN.label}` }).count()).toBe(0);
		await unlockWithPassphrase(page);
		await expectLive(page, MAIN.label);

		// Removing the passkey leaves the passphrase path as it was.
		await nav(page, 'Settings');
		await hold(page, 'Remove passkey');
		await expect
			.poll(() => page.getByRole('status').first().textContent(), { timeout: 15000 })
			.toContain('Passkey removed');
		await section.getByRole('button', { name: 'Add passkey' }).waitFor();
		await lock(page);
		expect(await page.getByRole('button', { name: 'Unlock with passkey' }).count()).toBe(0);
		await unlockWithPassphrase(page);
		await expectLive(page, MAIN.label);

		// Nothing secret in storage: no API secret or memo in the clear, the vault key only wrapped.
		const dump = await dumpStorage(page);
		for (const secret of [MAIN.secret, MAIN.memo, PASSPHRASE]) {
			expect(dump).not.toContain(secret);
			expect(dump).not.toContain(hexOf(secret));
		}
		expect(offLoopback).toEqual([]);
	});

	it('a tampered passphrase wrap says so plainly, distinct from a wrong passphrase', async () => {
		sim = await startSimWithPosition();
		const { page } = await localhostPage();
		await createVault(page);
		await addAccount(page, sim, MAIN);
		await expectLive(page, MAIN.label);
		await lock(page);
		await tamperVaultMeta(page, 'dataKey');
		await unlockWithPassphrase(page, 'not the passphrase');
		await expect
			.poll(() => page.getByRole('alert').first().textContent(), { timeout: 15000 })
			.toContain('Wrong passphrase');
		await unlockWithPassphrase(page);
		await expect
			.poll(() => page.getByRole('alert').first().textContent(), { timeout: 15000 })
			.toContain('The passphrase is right, but the vault key stored under it was altered');
	});

	it('hides the option, with one line saying why, where there is no platform authenticator', async () => {
		sim = await startSimWithPosition();
		const { page } = await localhostPage();
		await createVault(page);
		await nav(page, 'Settings');
		const section = page.getByRole('region', { name: "Unlock with this device's passkey" });
		await expect
			.poll(() => section.getByTestId('passkey-unsupported').textContent(), { timeout: 15000 })
			.toMatch(/no built-in passkey authenticator|cannot derive a key/);
		expect(await section.getByRole('button', { name: 'Add passkey' }).count()).toBe(0);
	});
});

describe('a vault written before the data key', () => {
	/**
	 * fixtures/vault-before-data-key.json was exported by the code at c455862 (before the data
	 * key) at its production iteration count, for an account on 127.0.0.1:39217. A backup is the
	 * vault exactly as stored, so its records are written to IndexedDB as that code left them.
	 */
	const FIXTURE = JSON.parse(
		readFileSync(new URL('./fixtures/vault-before-data-key.json', import.meta.url), 'utf8')
	);

	it('unlocks with the passphrase, moves to the data-key layout, and keeps working', async () => {
		sim = await startSimWithPosition(39217);
		const { page } = await localhostPage();
		// The app creates its database when the accounts code loads (on the market screen only once
		// idle): wait for the empty vault's form, so the old records go into the app's own stores.
		await page.goto(new URL('/accounts', page.url()).href);
		await page.getByLabel('Confirm passphrase').waitFor();
		await page.evaluate(async (file) => {
			const bytes = (b64: string) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
			const blob = (j: { iv: string; ciphertext: string }) => ({
				iv: bytes(j.iv),
				ciphertext: bytes(j.ciphertext).buffer
			});
			const db = await new Promise<IDBDatabase>((resolve, reject) => {
				const req = indexedDB.open('perch');
				req.onsuccess = () => resolve(req.result);
				req.onerror = () => reject(req.error);
			});
			const tx = db.transaction(['vault', 'accounts'], 'readwrite');
			tx.objectStore('vault').put(
				{
					version: 1,
					kdf: {
						algorithm: 'PBKDF2-SHA256',
						iterations: file.kdf.iterations,
						salt: bytes(file.kdf.salt)
					},
					verifier: blob(file.verifier),
					createdAt: file.exportedAt
				},
				'meta'
			);
			for (const a of file.accounts)
				tx.objectStore('accounts').put({ ...a, secret: blob(a.secret) });
			await new Promise((resolve) => (tx.oncomplete = resolve));
			db.close();
		}, FIXTURE);
		await page.goto(new URL('/accounts', page.url()).href);
		const readMeta = () =>
			page.evaluate(async () => {
				const db = await new Promise<IDBDatabase>((resolve) => {
					const req = indexedDB.open('perch');
					req.onsuccess = () => resolve(req.result);
				});
				const get = <T>(store: string, key?: string) =>
					new Promise<T>((resolve) => {
						const s = db.transaction(store).objectStore(store);
						const req = key === undefined ? s.getAll() : s.get(key);
						req.onsuccess = () => resolve(req.result as T);
					});
				const meta = await get<{ version: number }>('vault', 'meta');
				const accounts = await get<{ secret: { ciphertext: ArrayBuffer } }[]>('accounts');
				db.close();
				return {
					version: meta.version,
					ciphertext: btoa(String.fromCharCode(...new Uint8Array(accounts[0].secret.ciphertext)))
				};
			});
		expect(await readMeta()).toEqual({
			version: 1,
			ciphertext: FIXTURE.accounts[0].secret.ciphertext
		});

		await unlockWithPassphrase(page);
		await expectLive(page, MAIN.label);
		await positionCard(page, 'BTCUSDT', 'long').waitFor();
		const moved = await readMeta();
		expect(moved.version).toBe(2);
		expect(moved.ciphertext).not.toBe(FIXTURE.accounts[0].secret.ciphertext);

		// Moved once; after a reload it opens under the new layout as before.
		await page.reload();
		await unlockWithPassphrase(page);
		await expectLive(page, MAIN.label);
		expect(await readMeta()).toEqual(moved);
	});
});

describe('last-known state', () => {
	it('an offline reload shows the last positions marked not live, refuses a close, and goes live when back online', async () => {
		sim = await startSimWithPosition();
		const context = await harness.browser.newContext({
			serviceWorkers: 'allow',
			viewport: { width: 1280, height: 900 }
		});
		contexts.push(context);
		const page = await context.newPage();
		await page.goto(harness.appUrl);
		await page.evaluate(async () => {
			await navigator.serviceWorker.ready;
		});
		await expect
			.poll(async () => page.evaluate(async () => (await caches.keys()).length), { timeout: 15000 })
			.toBeGreaterThan(0);
		await createVault(page);
		await addAccount(page, sim, MAIN);
		await expectLive(page, MAIN.label);
		await positionCard(page, 'BTCUSDT', 'long').waitFor();
		expect(await page.getByTestId('last-known').count()).toBe(0);
		// The last-known state is written a moment after the numbers settle.
		await expect
			.poll(
				() =>
					page.evaluate(async () => {
						const db = await new Promise<IDBDatabase>((resolve) => {
							const req = indexedDB.open('perch');
							req.onsuccess = () => resolve(req.result);
						});
						const n = await new Promise<number>((resolve) => {
							const req = db.transaction('lastKnown').objectStore('lastKnown').count();
							req.onsuccess = () => resolve(req.result);
						});
						db.close();
						return n;
					}),
				{ timeout: 10000 }
			)
			.toBe(1);

		await context.setOffline(true);
		await page.reload();
		await unlockWithPassphrase(page);
		const card = positionCard(page, 'BTCUSDT', 'long');
		await card.waitFor();
		await expect
			.poll(() => card.getByTestId('last-known').textContent())
			.toMatch(/Last known, not live · as of \d{1,2}:\d{2}( [AP]M)?, (just now|\d+ min ago)/);
		const summary = page.getByRole('region', { name: `Account ${MAIN.label}` });
		expect(await summary.getByRole('status').allTextContents()).toEqual(
			expect.arrayContaining([expect.stringMatching(/Not live · last known as of/)])
		);
		await closeButton(page, 'BTCUSDT', 'long', 100).click();
		await expect
			.poll(() => card.textContent())
			.toContain('Closes are refused until the private stream is live again');
		expect(await page.getByRole('dialog').count()).toBe(0);
		expect(sim.sim.ordersSubmitted(MAIN.apiKey)).toEqual([]);

		// Something changed on the exchange meanwhile: live again means re-fetched, not the cache.
		sim.sim.setMarkPrice('ETHUSDT', '2900');
		mainAccount!.seedPosition({
			symbol: 'ETHUSDT',
			side: 'short',
			size: 3,
			entryPrice: '3000',
			leverage: '5',
			marginMode: 'isolated'
		});
		await context.setOffline(false);
		await expectLive(page, MAIN.label, 30000);
		await positionCard(page, 'ETHUSDT', 'short').waitFor({ timeout: 30000 });
		await expect.poll(() => page.getByTestId('last-known').count(), { timeout: 15000 }).toBe(0);
		await closeButton(page, 'BTCUSDT', 'long', 100).click();
		await page.getByRole('dialog').waitFor();
	});
});
