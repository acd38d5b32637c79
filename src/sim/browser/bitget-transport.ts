import type { SocketFactory } from '$lib/net/types';
import type { BitgetSimExchange } from '../bitget';
import { createInPageTransportFor } from './transport';

/**
 * Where an in-page Bitget simulator answers: `.invalid` hosts never resolve, so nothing reaches a
 * network. `wspap.` stands for Bitget's demo-trading WebSocket host.
 */
export const BITGET_DEMO_ENDPOINTS = {
	rest: 'https://bitget.demo.perch.invalid',
	publicWs: 'wss://bitget.demo.perch.invalid/v2/ws/public',
	privateWs: 'wss://bitget.demo.perch.invalid/v2/ws/private',
	demoPublicWs: 'wss://wspap.bitget.demo.perch.invalid/v2/ws/public',
	demoPrivateWs: 'wss://wspap.bitget.demo.perch.invalid/v2/ws/private'
} as const;

const SOCKET_PATHS: Record<string, 'public' | 'private'> = {
	'/v2/ws/public': 'public',
	'/v2/ws/private': 'private'
};

/** fetch and a WebSocket factory onto a BitgetSimExchange inside the page (CORS rule included). */
export function createBitgetInPageTransport(sim: BitgetSimExchange): {
	fetch: typeof fetch;
	socketFactory: SocketFactory;
} {
	return createInPageTransportFor({
		handleRest: (req) => sim.handleRest(req),
		openSocket: (url, send, close) => {
			const kind = SOCKET_PATHS[url.pathname];
			if (!kind) return undefined;
			return sim.openSocket(kind, url.hostname.startsWith('wspap.'), send, close);
		}
	});
}
