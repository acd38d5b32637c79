/**
 * The close fault campaign at bench size (tests/campaign/close-campaign.ts): ≥ 1,000 confirmed
 * close intents through the real order gate, BitMart adapter and AccountSession against the
 * simulator, under mixed faults, with the invariants checked after every intent.
 *
 * The AccountSession is a Svelte 5 runes module, so the campaign is loaded through Vite with the
 * Svelte plugin (as vitest does) rather than imported by tsx directly.
 */

import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';
import type * as Campaign from '../tests/campaign/close-campaign';

const INTENTS = Number(process.env.CAMPAIGN_INTENTS ?? 1000);
const SEED = Number(process.env.CAMPAIGN_SEED ?? 20261129);

export async function runCampaignBench(): Promise<void> {
	const root = fileURLToPath(new URL('..', import.meta.url));
	const server = await createServer({
		root,
		configFile: false,
		logLevel: 'warn',
		appType: 'custom',
		plugins: [svelte()],
		resolve: { alias: { $lib: fileURLToPath(new URL('../src/lib', import.meta.url)) } },
		server: { middlewareMode: true, hmr: false, watch: null }
	});
	try {
		const campaign = (await server.ssrLoadModule(
			'/tests/campaign/close-campaign.ts'
		)) as typeof Campaign;
		let done = 0;
		const started = performance.now();
		const report = await campaign.runCloseCampaign({
			seed: SEED,
			intents: INTENTS,
			log: (line) => {
				if (line.startsWith('VIOLATION')) console.log(line);
				if (/^#\d+ \S+ (long|short) /.test(line) && ++done % 100 === 0) {
					console.log(`  ${done} intents, ${((performance.now() - started) / 1000).toFixed(0)} s`);
				}
			}
		});
		console.log(campaign.formatReport(report));
		if (report.violations.length > 0) process.exitCode = 1;
	} finally {
		await server.close();
	}
}
