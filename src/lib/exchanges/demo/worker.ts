import demoWorkerUrl from '../../../sim/browser/demo-worker?worker&url';

/**
 * The Demo simulator's worker, started once per page. Kept apart from the adapter so the market
 * route can start it synchronously while the page is still loading: its script download and
 * seeding then overlap the page's own start-up instead of following it.
 */

let started: Worker | null = null;

export const DEMO_WORKER_URL = demoWorkerUrl;

export function demoWorker(): Worker {
	started ??= new Worker(demoWorkerUrl, { type: 'module', name: 'perch-demo-sim' });
	return started;
}
