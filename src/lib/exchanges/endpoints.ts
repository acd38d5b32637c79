import type { EndpointPreset, Endpoints, VenueId } from './types';

/** Presets per venue. The first preset is the default. */
export const ENDPOINT_PRESETS: Record<Exclude<VenueId, 'demo'>, EndpointPreset[]> = {
	bitmart: [
		{
			id: 'production',
			label: 'Production',
			endpoints: {
				rest: 'https://api-cloud-v2.bitmart.com',
				publicWs: 'wss://openapi-ws-v2.bitmart.com/api?protocol=1.1',
				privateWs: 'wss://openapi-ws-v2.bitmart.com/user?protocol=1.1'
			}
		},
		{
			id: 'simulated-trading',
			label: 'Simulated trading (BitMart demo)',
			endpoints: {
				rest: 'https://demo-api-cloud-v2.bitmart.com',
				publicWs: 'wss://openapi-wsdemo-v2.bitmart.com/api?protocol=1.1',
				privateWs: 'wss://openapi-wsdemo-v2.bitmart.com/user?protocol=1.1'
			}
		}
	],
	bitget: [],
	ascendex: []
};

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

function isLoopback(hostname: string): boolean {
	return LOOPBACK.has(hostname) || hostname.endsWith('.localhost') || /^127\./.test(hostname);
}

/**
 * Checks one endpoint URL. Plain http/ws is accepted only for loopback (a local simulator or relay):
 * keys and signed requests never travel unencrypted across a network.
 */
export function checkEndpointUrl(value: string, kind: 'rest' | 'ws'): string | null {
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		return `“${value}” is not a URL.`;
	}
	const secure = kind === 'rest' ? 'https:' : 'wss:';
	const plain = kind === 'rest' ? 'http:' : 'ws:';
	if (url.protocol === secure) return null;
	if (url.protocol === plain) {
		return isLoopback(url.hostname)
			? null
			: `${plain}// is only allowed for localhost; use ${secure}// for ${url.hostname}.`;
	}
	return `Expected a ${secure}// URL${kind === 'rest' ? '' : ' (WebSocket)'}, got ${url.protocol}//.`;
}

/** Every problem with a set of endpoints, keyed by field; empty when all are fine. */
export function checkEndpoints(e: Endpoints): Partial<Record<keyof Endpoints, string>> {
	const problems: Partial<Record<keyof Endpoints, string>> = {};
	const rest = checkEndpointUrl(e.rest, 'rest');
	const pub = checkEndpointUrl(e.publicWs, 'ws');
	const priv = checkEndpointUrl(e.privateWs, 'ws');
	if (rest) problems.rest = rest;
	if (pub) problems.publicWs = pub;
	if (priv) problems.privateWs = priv;
	return problems;
}

/** Strips a trailing slash so paths can be appended. */
export function normalizeRestBase(rest: string): string {
	return rest.replace(/\/+$/, '');
}
