/**
 * `npm run bench`: runs every benchmark in order and prints its report; `npm run bench -- book`
 * runs only the named ones. Add a bench by adding a module to the list; each prints its own table.
 */

import { runBookBench } from './book';
import { runCampaignBench } from './campaign';
import { runCloseBench } from './close';
import { runHistoryBench } from './history';
import { runLastKnownBench } from './last-known';
import { runUnlockBench } from './unlock';
import { runWebBench } from './web';

interface Bench {
	/** One word: what to pass on the command line to run only this bench. */
	name: string;
	run(): void | Promise<void>;
}

const benches: Bench[] = [
	{ name: 'book', run: runBookBench },
	{ name: 'close', run: runCloseBench },
	{ name: 'unlock', run: runUnlockBench },
	{ name: 'lastknown', run: runLastKnownBench },
	{ name: 'campaign', run: runCampaignBench },
	{ name: 'history', run: runHistoryBench },
	{ name: 'web', run: runWebBench }
];

const only = process.argv.slice(2);
const unknown = only.filter((name) => !benches.some((b) => b.name === name));
if (unknown.length > 0) {
	// Said out loud: a misspelt name used to run nothing and print nothing.
	console.error(
		`unknown bench: ${unknown.join(', ')}; known: ${benches.map((b) => b.name).join(', ')}`
	);
	process.exitCode = 1;
}
for (const bench of benches) {
	if (only.length > 0 && !only.includes(bench.name)) continue;
	console.log(`\n=== ${bench.name} ===`);
	await bench.run();
}
