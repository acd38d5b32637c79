import type { ExchangeAdapter } from '../types';
import { BITGET_DEMO_ENDPOINTS } from '../../../sim/browser/bitget-transport';
import { createPortTransport } from '../../../sim/browser/port-transport';
import workerUrl from '../../../sim/browser/bitget-demo-worker?worker&url';
import { createBitgetAdapter } from './adapter';

/**
 * Bitget's protocol spoken to a Bitget simulator in a Web Worker: the Demo's Bitget account, with
 * no key of the user's and no network (its hosts are `.invalid`). One worker per page.
 */
export const BITGET_IN_PAGE_ENDPOINTS = {
	rest: BITGET_DEMO_ENDPOINTS.rest,
	publicWs: BITGET_DEMO_ENDPOINTS.publicWs,
	privateWs: BITGET_DEMO_ENDPOINTS.privateWs
};

let shared: Promise<ExchangeAdapter> | null = null;

export function createBitgetDemoAdapter(): Promise<ExchangeAdapter> {
	shared ??= (async () => {
		const worker = new Worker(workerUrl, { type: 'module', name: 'perch-demo-bitget' });
		const transport = createPortTransport(worker);
		return createBitgetAdapter({
			endpoints: BITGET_IN_PAGE_ENDPOINTS,
			fetch: transport.fetch,
			socketFactory: transport.socketFactory,
			watchEnvironment: false
		});
	})();
	return shared;
}
