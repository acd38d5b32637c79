import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { readFile } from 'node:fs/promises';
import {
	MAIN,
	PASSPHRASE,
	addAccount,
	createVault,
	dumpStorage,
	hold,
	unlock,
	expectLive
} from './accounts-harness';
import { newGuardedPage, startHarness, startSimServer, type Harness, type Sim } from './harness';

let harness: Harness;
let sim: Sim;
const NEW_PASSPHRASE = 'a different long passphrase';

function nav(page: Page, name: string) {
	return page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });
}

beforeAll(async () => {
	harness = await startHarness();
	sim = await startSimServer({ seed: 13 });
	sim.sim.addAccount({ ...MAIN, positionMode: 'hedge' });
});

afterAll(async () => {
	await sim?.close();
	await harness?.close();
});

describe('settings', () => {
	it('changes the passphrase, and an encrypted backup survives a wipe', async () => {
		const { page } = await newGuardedPage(harness.browser);
		await page.goto(harness.appUrl);
		await createVault(page);
		await addAccount(page, sim, MAIN);
		await page.getByRole('region', { name: `Account ${MAIN.label}` }).waitFor();
		await nav(page, 'Settings').click();

		// A wrong current passphrase is named as such and changes nothing.
		await page.getByLabel('Current passphrase').fill('not it at all');
		await page.getByLabel('New passphrase', { exact: true }).fill(NEW_PASSPHRASE);
		await page.getByLabel('Confirm new passphrase').fill(NEW_PASSPHRASE);
		await page.getByRole('button', { name: 'Change passphrase' }).click();
		await expect
			.poll(() => page.getByRole('alert').first().textContent(), { timeout: 15000 })
			.toContain('current passphrase is wrong');

		await page.getByLabel('Current passphrase').fill(PASSPHRASE);
		await page.getByLabel('New passphrase', { exact: true }).fill(NEW_PASSPHRASE);
		await page.getByLabel('Confirm new passphrase').fill(NEW_PASSPHRASE);
		await page.getByRole('button', { name: 'Change passphrase' }).click();
		await expect
			.poll(() => page.getByText('Passphrase changed.').count(), { timeout: 15000 })
			.toBe(1);

		// Export: the file is the encrypted vault, never a plaintext secret.
		const [download] = await Promise.all([
			page.waitForEvent('download'),
			page.getByRole('button', { name: 'Export encrypted backup' }).click()
		]);
		const backupPath = await download.path();
		const backup = await readFile(backupPath, 'utf8');
		// Version 3 (the vault data key): accounts still carry the endpoint preset they were added
		// with (custom: the simulator).
		expect(JSON.parse(backup)).toMatchObject({
			format: 'perch-backup',
			version: 3,
			accounts: [{ label: MAIN.label, presetId: 'custom' }]
		});
		for (const secret of [MAIN.secret, MAIN.memo, MAIN.apiKey, NEW_PASSPHRASE]) {
			expect(backup).not.toContain(secret);
		}

		await hold(page, 'Wipe all data', 1900);
		await expect
			.poll(() => page.getByText('All Perch data on this device was deleted.').count(), {
				timeout: 15000
			})
			.toBe(1);
		expect(await dumpStorage(page)).not.toContain(MAIN.label);

		// Import needs the passphrase the backup was made with.
		await nav(page, 'Accounts').click();
		await createVault(page);
		await nav(page, 'Settings').click();
		await page.getByLabel('Backup file').setInputFiles(backupPath);
		await page.getByLabel('Backup passphrase').fill(PASSPHRASE);
		await page.getByRole('button', { name: 'Import backup' }).click();
		await expect
			.poll(() => page.getByRole('alert').first().textContent(), { timeout: 15000 })
			.toMatch(/passphrase/i);
		await page.getByLabel('Backup passphrase').fill(NEW_PASSPHRASE);
		await page.getByRole('button', { name: 'Import backup' }).click();
		await expect
			.poll(() => page.getByText('Imported 1 account(s).').count(), { timeout: 15000 })
			.toBe(1);

		await page.getByRole('button', { name: 'Lock', exact: true }).click();
		await nav(page, 'Accounts').click();
		await unlock(page, NEW_PASSPHRASE);
		await expectLive(page, MAIN.label);
		await page.context().close();
	}, 120000);
});
