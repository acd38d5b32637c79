import {
	CONNECT_SRC_SETTING,
	DEMO_HOST,
	connectHostSources,
	parseExtraSources,
	sourceAllows
} from './hosts.js';
import type { Endpoints, VenueId } from './types';

declare const __PERCH_CONNECT_SRC__: string | undefined;

/** The hosts this build's CSP lets the page reach (vite.config.ts defines the extra ones). */
export const ALLOWED_CONNECT_SOURCES: readonly string[] = connectHostSources(
	parseExtraSources(typeof __PERCH_CONNECT_SRC__ === 'string' ? __PERCH_CONNECT_SRC__ : '')
);

/** Loopback, decided on the parsed host: `localhost`, a real 127.0.0.0/8 address, or [::1]. */
function isLoopback(url: URL): boolean {
	const host = url.hostname;
	if (host === 'localhost' || host === '[::1]') return true;
	// The URL parser has already turned every IPv4 spelling (127.1, 0x7f.1) into dotted decimal.
	const octets = host.split('.');
	return (
		octets.length === 4 &&
		octets[0] === '127' &&
		octets.every((o) => /^(0|[1-9]\d{0,2})$/.test(o) && Number(o) <= 255)
	);
}

/**
 * Checks one endpoint URL's scheme. Plain http/ws is accepted only for loopback (a local simulator
 * or relay): keys and signed requests never travel unencrypted across a network.
 */
export function checkEndpointUrl(value: string, kind: 'rest' | 'ws'): string | null {
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		return `“${value}” is not a URL.`;
	}
	if (url.username || url.password) return 'An endpoint URL must not hold a user name or password.';
	const secure = kind === 'rest' ? 'https:' : 'wss:';
	const plain = kind === 'rest' ? 'http:' : 'ws:';
	if (url.protocol === secure) return null;
	if (url.protocol === plain) {
		return isLoopback(url)
			? null
			: `${plain}// is only allowed for localhost; use ${secure}// for ${url.hostname}.`;
	}
	return `Expected a ${secure}// URL${kind === 'rest' ? '' : ' (WebSocket)'}, got ${url.protocol}//.`;
}

/**
 * Checks that the page's Content-Security-Policy lets it reach the URL: anything else would fail
 * in the browser as an opaque network error, so it is refused up front, saying what to change.
 */
export function checkEndpointAllowed(
	value: string,
	allowed: readonly string[] = ALLOWED_CONNECT_SOURCES
): string | null {
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		return `“${value}” is not a URL.`;
	}
	if (allowed.some((source) => sourceAllows(source, url))) return null;
	const origin = `${url.protocol}//${url.host}`;
	return (
		`${origin} is not among the hosts this build of Perch may connect to (its connect-src). ` +
		`To use it, build Perch with ${CONNECT_SRC_SETTING}="${origin}" (see README, Deploying).`
	);
}

const FIELDS: [keyof Endpoints, 'rest' | 'ws'][] = [
	['rest', 'rest'],
	['publicWs', 'ws'],
	['privateWs', 'ws']
];

/**
 * Every problem with a set of endpoints, keyed by field; empty when all are fine. The one check
 * behind the forms, the stored connection choice, the vault and backup import.
 */
export function checkEndpoints(
	e: Endpoints,
	allowed: readonly string[] = ALLOWED_CONNECT_SOURCES
): Partial<Record<keyof Endpoints, string>> {
	const problems: Partial<Record<keyof Endpoints, string>> = {};
	for (const [field, kind] of FIELDS) {
		const value: unknown = e?.[field];
		const problem =
			typeof value !== 'string' || value === ''
				? 'The URL is missing.'
				: (checkEndpointUrl(value, kind) ?? checkEndpointAllowed(value, allowed));
		if (problem) problems[field] = problem;
	}
	return problems;
}

/**
 * An account's endpoints, for its venue. The Demo venue talks to the in-page simulator, so its
 * endpoints must name the simulator's unreachable host and nothing else.
 */
export function checkAccountEndpoints(
	venue: VenueId,
	e: Endpoints,
	allowed: readonly string[] = ALLOWED_CONNECT_SOURCES
): Partial<Record<keyof Endpoints, string>> {
	if (venue !== 'demo') {
		// Another venue's in-page simulator (the Demo picker) answers under the Demo's host.
		const hosts = inPageHosts(e);
		if (hosts)
			return checkEndpoints(
				e,
				hosts.flatMap((h) => [`https://${h}`, `wss://${h}`])
			);
		return checkEndpoints(e, allowed);
	}
	const demoOnly = [`https://${DEMO_HOST}`, `wss://${DEMO_HOST}`];
	return checkEndpoints(e, demoOnly);
}

/** The hosts of endpoints that all lie under the Demo's `.invalid` host, else null. */
function inPageHosts(e: Endpoints): string[] | null {
	const hosts = new Set<string>();
	for (const value of [e.rest, e.publicWs, e.privateWs]) {
		let host: string;
		try {
			host = new URL(value).hostname;
		} catch {
			return null;
		}
		if (!host.endsWith(`.${DEMO_HOST}`)) return null;
		hosts.add(host);
	}
	return [...hosts];
}

/** The problems as one sentence, for errors that name a single field. */
export function describeEndpointProblems(
	problems: Partial<Record<keyof Endpoints, string>>
): string | null {
	const entries = Object.entries(problems);
	if (entries.length === 0) return null;
	return entries.map(([field, problem]) => `${field}: ${problem}`).join(' ');
}

/** Strips a trailing slash so paths can be appended. */
export function normalizeRestBase(rest: string): string {
	return rest.replace(/\/+$/, '');
}
