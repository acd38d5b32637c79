/**
 * `npm run bench`: runs every benchmark in order and prints its report. Add a bench by adding a
 * module to the list; each prints its own table.
 */

import { runBookBench } from './book';

interface Bench {
	name: string;
	run(): void | Promise<void>;
}

const benches: Bench[] = [{ name: 'order book', run: runBookBench }];

const only = process.argv.slice(2);
for (const bench of benches) {
	if (only.length > 0 && !only.includes(bench.name)) continue;
	console.log(`\n=== ${bench.name} ===`);
	await bench.run();
}
