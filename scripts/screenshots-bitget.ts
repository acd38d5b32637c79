// The accounts screen with a BitMart and a Bitget account side by side, at phone (390×844) and
// desktop width, against both loopback simulators.
// Usage: npx vite build && npx tsx scripts/screenshots-bitget.ts [outdir]
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { MAIN, addAccount, createVault } from '../tests/e2e/accounts-harness';
import { newGuardedPage, startHarness, startSimServer } from '../tests/e2e/harness';
import { startBitgetSimServer } from '../src/sim/node/bitget-server';

const out = process.argv[2] ?? 'screenshots';
mkdirSync(out, { recursive: true });

const harness = await startHarness();
const bitmart = await startSimServer({ seed: 21 });
const main = bitmart.sim.addAccount({ ...MAIN, positionMode: 'hedge' });
main.setBalance('USDT', '2500');
main.seedPosition({
	symbol: 'BTCUSDT',
	side: 'long',
	size: 120,
	entryPrice: '63000',
	leverage: '20',
	marginMode: 'isolated'
});
const bitget = await startBitgetSimServer({ seed: 22 });
const key = {
	apiKey: 'bg_screens_7f3a',
	secret: 'bitget-screens-secret',
	passphrase: 'screens-pass'
};
const bg = bitget.sim.addAccount({ ...key, posMode: 'one_way_mode' });
bg.seedPosition({
	symbol: 'ETHUSDT',
	holdSide: 'short',
	size: '1.25',
	openPriceAvg: '3150',
	leverage: 10,
	marginMode: 'crossed'
});
bg.seedPosition({
	symbol: 'SOLUSDT',
	holdSide: 'long',
	size: '12.5',
	openPriceAvg: '150',
	leverage: 5,
	marginMode: 'isolated'
});

for (const [name, viewport] of [
	['phone', { width: 390, height: 844 }],
	['desktop', { width: 1280, height: 800 }]
] as const) {
	const { page } = await newGuardedPage(harness.browser, viewport);
	await page.goto(harness.appUrl);
	await createVault(page);
	await addAccount(page, bitmart, MAIN);
	await page.getByRole('button', { name: 'Add account' }).click();
	const dialog = page.getByRole('dialog', { name: 'Add account' });
	await dialog.getByLabel('Label').fill('Bitget');
	await dialog.getByLabel('Exchange', { exact: true }).selectOption('bitget');
	await page.screenshot({ path: join(out, `add-bitget-${name}.png`), fullPage: true });
	await dialog.getByLabel('Endpoints').selectOption('custom');
	await dialog.getByLabel('REST base URL').fill(bitget.endpoints.rest);
	await dialog.getByLabel('Public WebSocket URL').fill(bitget.endpoints.publicWs);
	await dialog.getByLabel('Private WebSocket URL').fill(bitget.endpoints.privateWs);
	await dialog.getByLabel('API key').fill(key.apiKey);
	await dialog.getByLabel('API secret').fill(key.secret);
	await dialog.getByLabel('Passphrase', { exact: true }).fill(key.passphrase);
	await dialog.getByRole('button', { name: 'Check key and save' }).click();
	await page
		.getByRole('region', { name: 'Account Bitget' })
		.getByRole('article')
		.first()
		.waitFor({ timeout: 15000 });
	await page.waitForTimeout(2500);
	await page.screenshot({ path: join(out, `accounts-two-venues-${name}.png`), fullPage: true });
	await page.context().close();
}

await bitmart.close();
await bitget.close();
await harness.close();
console.log(`Screenshots in ${out}/`);
