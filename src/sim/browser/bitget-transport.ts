import type { SocketFactory } from '$lib/net/types';
import type { BitgetSimExchange } from '../bitget';
import { createInPageTransportFor, type InPageBackend } from './transport';

export { BITGET_DEMO_ENDPOINTS } from './endpoints';

const SOCKET_PATHS: Record<string, 'public' | 'private'> = {
	'/v2/ws/public': 'public',
	'/v2/ws/private': 'private'
};

/** fetch and a WebSocket factory onto a BitgetSimExchange inside the page (CORS rule included). */
export function createBitgetInPageTransport(sim: BitgetSimExchange): {
	fetch: typeof fetch;
	socketFactory: SocketFactory;
} {
	return createInPageTransportFor(createBitgetBackend(sim));
}

/** The simulator as an in-page backend (also what its Web Worker serves). */
export function createBitgetBackend(sim: BitgetSimExchange): InPageBackend {
	return {
		handleRest: (req) => sim.handleRest(req),
		openSocket: (url, send, close) => {
			const kind = SOCKET_PATHS[url.pathname];
			if (!kind) return undefined;
			return sim.openSocket(kind, url.hostname.startsWith('wspap.'), send, close);
		}
	};
}
