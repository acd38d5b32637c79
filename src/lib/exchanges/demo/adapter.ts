import { createBitmartAdapter } from '../bitmart/adapter';
import type { ExchangeAdapter } from '../types';

/**
 * The Demo venue: BitMart's protocol spoken to the simulator core running inside the page, so the
 * demo exercises the real codec, book and sessions with no keys and no network.
 */
let shared: Promise<ExchangeAdapter> | null = null;

export function createDemoAdapter(): Promise<ExchangeAdapter> {
	shared ??= (async () => {
		const [{ SimExchange }, { createInPageTransport, DEMO_ENDPOINTS }] = await Promise.all([
			import('../../../sim/core/sim-exchange'),
			import('../../../sim/browser/transport')
		]);
		const sim = new SimExchange({ seed: Date.now() % 100000 });
		sim.start();
		const transport = createInPageTransport(sim);
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
