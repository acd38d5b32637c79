/**
 * The Demo simulator's worker, started once per page. Kept apart from the adapter so the market
 * route can start it synchronously while the page is still loading: its script download and
 * seeding then overlap the page's own start-up instead of following it.
 *
 * Written as `new Worker(new URL(…, import.meta.url))`, which Vite bundles, and which Node scripts
 * that import the registry (benchmarks) can load without running it.
 */

let started: Worker | null = null;

export function demoWorker(): Worker {
	started ??= new Worker(new URL('../../../sim/browser/demo-worker.ts', import.meta.url), {
		type: 'module',
		name: 'perch-demo-sim'
	});
	return started;
}
