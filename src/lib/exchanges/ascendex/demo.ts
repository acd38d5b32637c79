import type { ExchangeAdapter } from '../types';
import { ASCENDEX_DEMO_ENDPOINTS } from '../../../sim/browser/ascendex-transport';
import { createPortTransport } from '../../../sim/browser/port-transport';
import workerUrl from '../../../sim/browser/ascendex-demo-worker?worker&url';
import { createAscendexAdapter } from './adapter';

/**
 * AscendEX's protocol spoken to an AscendEX simulator in a Web Worker: the Demo's AscendEX
 * account, with no key of the user's and no network (its hosts are `.invalid`).
 */
export const ASCENDEX_IN_PAGE_ENDPOINTS = { ...ASCENDEX_DEMO_ENDPOINTS };

let shared: Promise<ExchangeAdapter> | null = null;

export function createAscendexDemoAdapter(): Promise<ExchangeAdapter> {
	shared ??= (async () => {
		const worker = new Worker(workerUrl, { type: 'module', name: 'perch-demo-ascendex' });
		const transport = createPortTransport(worker);
		return createAscendexAdapter({
			endpoints: ASCENDEX_IN_PAGE_ENDPOINTS,
			fetch: transport.fetch,
			socketFactory: transport.socketFactory,
			watchEnvironment: false
		});
	})();
	return shared;
}
