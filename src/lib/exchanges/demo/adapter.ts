import { createBitmartAdapter } from '../bitmart/adapter';
import type { Endpoints, ExchangeAdapter } from '../types';
import { DEMO_ENDPOINTS } from '../../../sim/browser/endpoints';
import { createPortTransport } from '../../../sim/browser/port-transport';
import { demoWorker } from './worker';

/**
 * The Demo venue: BitMart's protocol spoken to the simulator core, which runs in a Web Worker so
 * the demo exercises the real codec, book, sessions and order gate with no keys and no network,
 * and leaves the main thread to the screen.
 */

export { DEMO_ACCOUNT } from './account';

/** Where the simulator answers (a `.invalid` host: nothing can reach the network). */
export async function demoEndpoints(): Promise<Endpoints> {
	return { ...DEMO_ENDPOINTS };
}

let shared: Promise<ExchangeAdapter> | null = null;

export function createDemoAdapter(): Promise<ExchangeAdapter> {
	shared ??= (async () => {
		const worker = demoWorker();
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
