/**
 * Every place Perch may connect to, as CSP source expressions. This one list feeds the page's
 * Content-Security-Policy `connect-src` (svelte.config.js, and from the built page the headers in
 * scripts/headers.js) and the endpoint checks of the forms and the vault (endpoints.ts), so an
 * endpoint Perch accepts is one the browser lets through, and nothing else is reachable even to a
 * script injected into the page.
 *
 * Plain JavaScript (typed with JSDoc) because svelte.config.js imports it without a TS loader.
 */

/** The build-time setting that adds hosts (a user's own relay, say) to the list. */
export const CONNECT_SRC_SETTING = 'PERCH_CONNECT_SRC';

/** Production and demo (simulated-trading, sandbox) hosts of each venue. */
export const VENUE_CONNECT_SOURCES = Object.freeze({
	bitmart: [
		'https://api-cloud-v2.bitmart.com',
		'wss://openapi-ws-v2.bitmart.com',
		'https://demo-api-cloud-v2.bitmart.com',
		'wss://openapi-wsdemo-v2.bitmart.com'
	],
	bitget: ['https://api.bitget.com', 'wss://ws.bitget.com', 'wss://wspap.bitget.com'],
	ascendex: [
		'https://ascendex.com',
		'wss://ascendex.com',
		// The sandbox: the docs name the .com host, AscendEX's own demo config the .io one.
		'https://api-test.ascendex-sandbox.com',
		'wss://api-test.ascendex-sandbox.com',
		'https://api-test.ascendex-sandbox.io',
		'wss://api-test.ascendex-sandbox.io'
	]
});

/**
 * A local simulator or relay. CSP cannot express 127.0.0.0/8 or [::1], so only these two names:
 * other loopback addresses pass the scheme rule but the browser would block them.
 */
export const LOOPBACK_CONNECT_SOURCES = Object.freeze([
	'http://localhost:*',
	'ws://localhost:*',
	'http://127.0.0.1:*',
	'ws://127.0.0.1:*'
]);

/**
 * Where the Demo venue "connects": the in-page simulator answers, and `.invalid` can never resolve.
 * Not in the CSP list: nothing ever goes out to it.
 */
export const DEMO_HOST = 'demo.perch.invalid';

const SOURCE =
	/^(https|wss|http|ws):\/\/(\*\.)?([a-z0-9-]+(?:\.[a-z0-9-]+)*)(?::(\d{1,5}|\*))?(\/[^\s;,]*)?$/;

/**
 * @typedef {object} ParsedSource
 * @property {string} protocol e.g. "https:"
 * @property {boolean} wildcard true for `*.example.com`
 * @property {string} host
 * @property {string | null} port null for the scheme's default, "*" for any
 * @property {string | null} path
 */

/**
 * @param {string} source
 * @returns {ParsedSource | null}
 */
function parseSource(source) {
	const m = SOURCE.exec(source.toLowerCase());
	if (!m) return null;
	return {
		protocol: `${m[1]}:`,
		wildcard: m[2] !== undefined,
		host: m[3],
		port: m[4] ?? null,
		path: m[5] ?? null
	};
}

/**
 * Parses the build-time setting: space-separated `https://` or `wss://` host sources, e.g.
 * `https://relay.example.com wss://*.example.net:8443`. Throws on anything else (a bare scheme
 * or `*` would undo the whole list).
 * @param {string | undefined | null} value
 * @returns {string[]}
 */
export function parseExtraSources(value) {
	const tokens = (value ?? '').split(/\s+/).filter(Boolean);
	return tokens.map((token) => {
		const parsed = parseSource(token);
		if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'wss:')) {
			throw new Error(
				`${CONNECT_SRC_SETTING}: "${token}" is not an https:// or wss:// host ` +
					'(e.g. "https://relay.example.com wss://stream.example.com")'
			);
		}
		return token;
	});
}

/**
 * Every source of `connect-src` except 'self'.
 * @param {readonly string[]} [extra] from parseExtraSources
 * @returns {string[]}
 */
export function connectHostSources(extra = []) {
	return [...Object.values(VENUE_CONNECT_SOURCES).flat(), ...LOOPBACK_CONNECT_SOURCES, ...extra];
}

/** @type {Record<string, string>} */
const DEFAULT_PORTS = { 'http:': '80', 'https:': '443', 'ws:': '80', 'wss:': '443' };

/**
 * Whether one source expression lets the browser connect to `url`. Stricter than CSP where they
 * differ (CSP also lets `http://x` reach `https://x`), never looser.
 * @param {string} source
 * @param {URL} url
 * @returns {boolean}
 */
export function sourceAllows(source, url) {
	const s = parseSource(source);
	if (!s || s.protocol !== url.protocol) return false;
	const host = url.hostname.toLowerCase();
	if (s.wildcard ? !host.endsWith(`.${s.host}`) : host !== s.host) return false;
	if (s.port !== '*') {
		const port = url.port || DEFAULT_PORTS[url.protocol];
		if (port !== (s.port ?? DEFAULT_PORTS[s.protocol])) return false;
	}
	if (s.path) {
		return s.path.endsWith('/') ? url.pathname.startsWith(s.path) : url.pathname === s.path;
	}
	return true;
}
