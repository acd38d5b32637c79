// Screenshots of the passkey unlock, the Settings passkey section and last-known (not live)
// positions, at phone (390×844) and desktop width. Loads the app from `localhost` (WebAuthn
// refuses 127.0.0.1) with Chromium's virtual authenticator (PRF on).
// Usage: npx vite build && npx tsx scripts/screenshots-vault.ts [outdir]
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { MAIN, PASSPHRASE, addAccount, createVault } from '../tests/e2e/accounts-harness';
import { newGuardedPage, startHarness, startSimServer } from '../tests/e2e/harness';

const out = process.argv[2] ?? 'screenshots';
mkdirSync(out, { recursive: true });

const harness = await startHarness();
const local = new URL(harness.appUrl);
local.hostname = 'localhost';

for (const [name, viewport] of [
	['phone', { width: 390, height: 844 }],
	['desktop', { width: 1280, height: 800 }]
] as const) {
	const sim = await startSimServer({ seed: 21 });
	const main = sim.sim.addAccount({ ...MAIN, positionMode: 'hedge' });
	main.setBalance('USDT', '2500');
	main.seedPosition({
		symbol: 'BTCUSDT',
		side: 'long',
		size: 120,
		entryPrice: '63000',
		leverage: '20',
		marginMode: 'isolated'
	});
	main.seedPosition({
		symbol: 'ETHUSDT',
		side: 'short',
		size: 35,
		entryPrice: '3100',
		leverage: '10',
		marginMode: 'cross'
	});

	// Without an authenticator: the option is hidden with the reason.
	{
		const { page, context } = await newGuardedPage(harness.browser, viewport);
		await page.goto(local.href);
		await createVault(page);
		await page
			.getByRole('navigation', { name: 'Main' })
			.getByRole('link', { name: 'Settings' })
			.click();
		await page.waitForTimeout(1500);
		await page.screenshot({ path: join(out, `settings-passkey-unsupported-${name}.png`) });
		await context.close();
	}

	const { page, context } = await newGuardedPage(harness.browser, viewport);
	await page.goto(local.href);
	const cdp = await context.newCDPSession(page);
	await cdp.send('WebAuthn.enable', { enableUI: false });
	await cdp.send('WebAuthn.addVirtualAuthenticator', {
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
	await createVault(page);
	await addAccount(page, sim, MAIN);
	await page.getByRole('article').first().waitFor();
	await page.waitForTimeout(2000);
	const nav = page.getByRole('navigation', { name: 'Main' });
	await nav.getByRole('link', { name: 'Settings' }).click();
	await page.waitForTimeout(500);
	await page.screenshot({ path: join(out, `settings-passkey-add-${name}.png`) });
	await page.getByLabel('Passphrase (to add the passkey)').fill(PASSPHRASE);
	await page.getByRole('button', { name: 'Add passkey' }).click();
	await page.getByText('Passkey added').waitFor({ timeout: 20_000 });
	await page.screenshot({ path: join(out, `settings-passkey-on-${name}.png`) });
	await page.getByRole('button', { name: 'Lock', exact: true }).click();
	await nav.getByRole('link', { name: 'Accounts' }).click();
	await page.getByRole('button', { name: 'Unlock with passkey' }).waitFor();
	await page.screenshot({ path: join(out, `unlock-passkey-${name}.png`) });

	// The exchange goes away: after a reload the last-known positions show, marked not live.
	await sim.close();
	await page.reload();
	await page.getByRole('button', { name: 'Unlock with passkey' }).click();
	await page.getByTestId('last-known').first().waitFor({ timeout: 20_000 });
	await page.getByRole('button', { name: /Close 100% of BTCUSDT long/ }).click();
	await page.waitForTimeout(1000);
	await page.screenshot({ path: join(out, `last-known-${name}.png`), fullPage: true });
	await context.close();
}
await harness.close();
console.log(`Screenshots written to ${out}/`);
