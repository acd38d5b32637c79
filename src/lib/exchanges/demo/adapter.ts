import { createBitmartAdapter } from '../bitmart/adapter';
import type { Endpoints, ExchangeAdapter } from '../types';

/**
 * The Demo venue: BitMart's protocol spoken to the simulator core running inside the page, so the
 * demo exercises the real codec, book, sessions and order gate with no keys and no network.
 */

/** A public, simulator-only key: it opens the Demo account and nothing else anywhere. */
export const DEMO_ACCOUNT = {
	label: 'Demo',
	apiKey: 'perchdemo0000000000000000000000000000key',
	secret: 'perch-demo-secret-simulator-only',
	fields: { memo: 'perch-demo' }
} as const;

/** Where the in-page simulator answers (a `.invalid` host: nothing can reach the network). */
export async function demoEndpoints(): Promise<Endpoints> {
	const { DEMO_ENDPOINTS } = await import('../../../sim/browser/transport');
	return { ...DEMO_ENDPOINTS };
}

/** Demo positions: contracts and the entry's offset from the current mid. */
const SEEDS = [
	{ symbol: 'BTCUSDT', side: 'long', size: 120, offset: -0.004, leverage: '20', mode: 'isolated' },
	{ symbol: 'ETHUSDT', side: 'short', size: 40, offset: 0.003, leverage: '10', mode: 'cross' },
	{ symbol: 'SOLUSDT', side: 'long', size: 9, offset: 0.002, leverage: '5', mode: 'isolated' }
] as const;

let shared: Promise<ExchangeAdapter> | null = null;

export function createDemoAdapter(): Promise<ExchangeAdapter> {
	shared ??= (async () => {
		const [{ SimExchange }, { createInPageTransport, DEMO_ENDPOINTS }] = await Promise.all([
			import('../../../sim/core/sim-exchange'),
			import('../../../sim/browser/transport')
		]);
		const sim = new SimExchange({ seed: Date.now() % 100000 });
		sim.start();
		const account = sim.addAccount({
			apiKey: DEMO_ACCOUNT.apiKey,
			secret: DEMO_ACCOUNT.secret,
			memo: DEMO_ACCOUNT.fields.memo,
			positionMode: 'hedge'
		});
		account.setBalance('USDT', '25000');
		for (const seed of SEEDS) {
			const view = sim.book(seed.symbol, 5);
			const mid = (Number(view.bids[0][0]) + Number(view.asks[0][0])) / 2;
			account.seedPosition({
				symbol: seed.symbol,
				side: seed.side,
				size: seed.size,
				entryPrice: (mid * (1 + seed.offset)).toPrecision(6),
				leverage: seed.leverage,
				marginMode: seed.mode
			});
		}
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
