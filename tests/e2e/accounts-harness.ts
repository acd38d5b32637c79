import { expect } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { Sim } from './harness';

export const PASSPHRASE = 'correct horse battery staple';

export interface TestKey {
	label: string;
	apiKey: string;
	secret: string;
	memo: string;
}

export const MAIN: TestKey = {
	label: 'Main',
	apiKey: 'a1b2c3d4e5f60718293a4b5c6d7e8f90main',
	secret: '6c6c98544461bbe71db2bca4c6d7fd0021e0ba9efc215f9c6ad41852df9d9df9',
	memo: 'memo-main-7731'
};

export const SIDE: TestKey = {
	label: 'Side',
	apiKey: 'f0e1d2c3b4a5968778695a4b3c2d1e0fside',
	secret: '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
	memo: 'memo-side-4410'
};

export async function createVault(page: Page): Promise<void> {
	await page.goto(new URL('/accounts', page.url()).href);
	await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
	await page.getByLabel('Confirm passphrase').fill(PASSPHRASE);
	await page.getByRole('button', { name: 'Create vault' }).click();
	await page.getByRole('button', { name: 'Add account' }).waitFor();
}

export async function addAccount(page: Page, sim: Sim, key: TestKey): Promise<void> {
	await page.getByRole('button', { name: 'Add account' }).click();
	const dialog = page.getByRole('dialog', { name: 'Add account' });
	await dialog.getByLabel('Label').fill(key.label);
	await dialog.getByLabel('Endpoints').selectOption('custom');
	await dialog.getByLabel('REST base URL').fill(sim.endpoints.rest);
	await dialog.getByLabel('Public WebSocket URL').fill(sim.endpoints.publicWs);
	await dialog.getByLabel('Private WebSocket URL').fill(sim.endpoints.privateWs);
	await dialog.getByLabel('API key').fill(key.apiKey);
	await dialog.getByLabel('API secret').fill(key.secret);
	await dialog.getByLabel('Memo').fill(key.memo);
	await dialog.getByRole('button', { name: 'Check key and save' }).click();
}

export async function unlock(page: Page, passphrase = PASSPHRASE): Promise<void> {
	await page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
	await page.getByRole('button', { name: 'Unlock' }).click();
}

/** Presses and holds a hold-to-confirm button with the mouse. */
export async function hold(page: Page, name: string | RegExp, ms = 1000): Promise<void> {
	const button = page.getByRole('button', { name });
	await button.scrollIntoViewIfNeeded();
	const box = await button.boundingBox();
	if (!box) throw new Error(`no box for ${String(name)}`);
	await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
	await page.mouse.down();
	await page.waitForTimeout(ms);
	await page.mouse.up();
}

/** Every record of every object store and every localStorage/sessionStorage entry, as text. */
export async function dumpStorage(page: Page): Promise<string> {
	return page.evaluate(async () => {
		const hex = (bytes: Uint8Array) =>
			Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
		const encode = (v: unknown): unknown => {
			if (v instanceof ArrayBuffer)
				return { hex: hex(new Uint8Array(v)), text: new TextDecoder().decode(v) };
			if (ArrayBuffer.isView(v)) {
				const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
				return { hex: hex(bytes), text: new TextDecoder().decode(bytes) };
			}
			if (Array.isArray(v)) return v.map(encode);
			if (v && typeof v === 'object') {
				return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encode(x)]));
			}
			return v;
		};
		const out: Record<string, unknown> = {};
		for (const info of await indexedDB.databases()) {
			if (!info.name) continue;
			const db = await new Promise<IDBDatabase>((resolve, reject) => {
				const req = indexedDB.open(info.name!);
				req.onsuccess = () => resolve(req.result);
				req.onerror = () => reject(req.error);
			});
			for (const store of Array.from(db.objectStoreNames)) {
				out[`${info.name}/${store}`] = await new Promise((resolve, reject) => {
					const req = db.transaction(store).objectStore(store).getAll();
					req.onsuccess = () => resolve(encode(req.result));
					req.onerror = () => reject(req.error);
				});
			}
			db.close();
		}
		out.localStorage = { ...localStorage };
		out.sessionStorage = { ...sessionStorage };
		out.cookies = document.cookie;
		return JSON.stringify(out);
	});
}

export function hexOf(text: string): string {
	return Buffer.from(text, 'utf8').toString('hex');
}

/** Waits until an account's private stream shows live on its status pill. */
export async function expectLive(page: Page, label: string, timeout = 15000): Promise<void> {
	const pill = page.getByRole('status', { name: `${label} connection` });
	await expect.poll(() => pill.getAttribute('data-state'), { timeout }).toBe('live');
}

/** A position's card on the accounts page, found by its accessible name. */
export function positionCard(
	page: Page,
	symbol: string,
	side: 'long' | 'short',
	label = MAIN.label
): Locator {
	return page
		.getByRole('region', { name: `Account ${label}` })
		.getByRole('article', { name: new RegExp(`${symbol} ${side}`, 'i') });
}

/** The 25 %, 50 % or 100 % close button of a position. */
export function closeButton(
	page: Page,
	symbol: string,
	side: 'long' | 'short',
	percent: 25 | 50 | 100,
	label = MAIN.label
): Locator {
	return page.getByRole('button', {
		name: `Close ${percent}% of ${symbol} ${side}, account ${label}`
	});
}

/**
 * Presses a hold-to-confirm button with the mouse and keeps it pressed; the returned function
 * releases it. For tests that change something while the user is still holding.
 */
export async function pressAndKeepHolding(
	page: Page,
	button: Locator
): Promise<() => Promise<void>> {
	await button.scrollIntoViewIfNeeded();
	const box = await button.boundingBox();
	if (!box) throw new Error('no box for the hold button');
	await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
	await page.mouse.down();
	return () => page.mouse.up();
}
