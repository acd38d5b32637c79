import { createBitmartAdapter } from '../bitmart/adapter';
import type { Endpoints, ExchangeAdapter } from '../types';
import { DEMO_ENDPOINTS } from '../../../sim/browser/endpoints';
import { createPortTransport } from '../../../sim/browser/port-transport';
import { DEMO_WORKER_URL, demoWorker } from './worker';

/**
 * The Demo venue: BitMart's protocol spoken to the simulator core, which runs in a Web Worker so
 * the demo exercises the real codec, book, sessions and order gate with no keys and no network,
 * and leaves the main thread to the screen.
 */

export { DEMO_ACCOUNT } from './account';

/**
 * The simulator's worker is left out of the service worker's precache (most users never run the
 * Demo); the first Demo run puts it in this cache, which the service worker serves it from.
 */
export const DEMO_CACHE = 'perch-demo';

/** Where the simulator answers (a `.invalid` host: nothing can reach the network). */
export async function demoEndpoints(): Promise<Endpoints> {
	return { ...DEMO_ENDPOINTS };
}

let shared: Promise<ExchangeAdapter> | null = null;

export function createDemoAdapter(): Promise<ExchangeAdapter> {
	shared ??= (async () => {
		const worker = demoWorker();
		// Once the worker runs, its script is in the HTTP cache: caching it then costs no download.
		worker.addEventListener(
			'message',
			() => keepForOffline(new URL(DEMO_WORKER_URL, location.href).href),
			{
				once: true
			}
		);
		const transport = createPortTransport(worker);
		return createBitmartAdapter({
			venue: 'demo',
			endpoints: DEMO_ENDPOINTS,
			fetch: transport.fetch,
			socketFactory: transport.socketFactory,
			watchEnvironment: false
		});
	})();
	return shared;
}

function keepForOffline(href: string): void {
	if (!import.meta.env.PROD || typeof caches === 'undefined') return;
	caches
		.open(DEMO_CACHE)
		.then((cache) => cache.add(href))
		.catch((e: unknown) => console.warn('[perch] demo simulator not cached for offline use', e));
}
