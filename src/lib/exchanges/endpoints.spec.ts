import { describe, expect, it } from 'vitest';
import svelteConfig from '../../../svelte.config.js';
import { DEMO_ENDPOINTS } from '../../sim/browser/transport';
import {
	checkAccountEndpoints,
	checkEndpointUrl,
	checkEndpoints,
	normalizeRestBase
} from './endpoints';
import { ENDPOINT_PRESETS } from './registry';
import {
	connectHostSources,
	LOOPBACK_CONNECT_SOURCES,
	parseExtraSources,
	sourceAllows,
	VENUE_CONNECT_SOURCES
} from './hosts.js';

describe('checkEndpointUrl', () => {
	it('accepts https and wss anywhere', () => {
		expect(checkEndpointUrl('https://api-cloud-v2.bitmart.com', 'rest')).toBeNull();
		expect(checkEndpointUrl('wss://openapi-ws-v2.bitmart.com/api?protocol=1.1', 'ws')).toBeNull();
	});

	it('accepts plain http and ws only for loopback', () => {
		expect(checkEndpointUrl('http://127.0.0.1:8765', 'rest')).toBeNull();
		expect(checkEndpointUrl('ws://localhost:8765/api?protocol=1.1', 'ws')).toBeNull();
		expect(checkEndpointUrl('http://[::1]:8080', 'rest')).toBeNull();
		expect(checkEndpointUrl('http://relay.example.com', 'rest')).toMatch(
			/only allowed for localhost/
		);
		expect(checkEndpointUrl('ws://10.0.0.2/api', 'ws')).toMatch(/use wss:/);
	});

	it('rejects the wrong scheme for the kind and non-URLs', () => {
		expect(checkEndpointUrl('wss://x.example.com', 'rest')).toMatch(/Expected a https:/);
		expect(checkEndpointUrl('https://x.example.com', 'ws')).toMatch(/Expected a wss:/);
		expect(checkEndpointUrl('not a url', 'rest')).toMatch(/is not a URL/);
	});
});

describe('presets', () => {
	it('every BitMart preset passes its own checks', () => {
		for (const preset of ENDPOINT_PRESETS.bitmart) {
			expect(checkEndpoints(preset.endpoints)).toEqual({});
		}
	});

	it('has the production and simulated-trading hosts', () => {
		const ids = ENDPOINT_PRESETS.bitmart.map((p) => p.id);
		expect(ids).toEqual(['production', 'simulated-trading']);
		expect(ENDPOINT_PRESETS.bitmart[1].endpoints.rest).toBe(
			'https://demo-api-cloud-v2.bitmart.com'
		);
	});
});

it('normalizeRestBase drops trailing slashes', () => {
	expect(normalizeRestBase('http://127.0.0.1:1/')).toBe('http://127.0.0.1:1');
});

describe('loopback is decided on the parsed host, exactly', () => {
	it('refuses plain http/ws to hosts that only look like loopback', () => {
		for (const url of [
			'http://127.0.0.1.evil.example',
			'http://127.0.0.1.evil.example:8765/',
			'http://localhost.evil.example',
			'http://evil.localhost',
			'http://[::ffff:127.0.0.1]:8765',
			'http://0.0.0.0:8765'
		]) {
			expect(checkEndpointUrl(url, 'rest'), url).not.toBeNull();
			expect(checkEndpointUrl(url.replace('http', 'ws'), 'ws'), url).not.toBeNull();
		}
	});

	it('accepts plain http/ws for localhost, any 127.0.0.0/8 address and [::1]', () => {
		for (const url of [
			'http://localhost:8765',
			'http://127.0.0.1:8765',
			'http://127.255.255.254:9',
			'http://127.1:8765',
			'http://[::1]:8765'
		]) {
			expect(checkEndpointUrl(url, 'rest'), url).toBeNull();
			expect(checkEndpointUrl(url.replace('http', 'ws'), 'ws'), url).toBeNull();
		}
	});

	it('refuses schemes other than http(s)/ws(s) and URLs with credentials', () => {
		expect(checkEndpointUrl('javascript:alert(1)', 'rest')).not.toBeNull();
		expect(checkEndpointUrl('file:///etc/passwd', 'rest')).not.toBeNull();
		expect(checkEndpointUrl('ftp://127.0.0.1/', 'rest')).not.toBeNull();
		expect(checkEndpointUrl('https://user:pw@api-cloud-v2.bitmart.com', 'rest')).not.toBeNull();
	});
});

const at = (host: string) => ({
	rest: `https://${host}`,
	publicWs: `wss://${host}/api`,
	privateWs: `wss://${host}/user`
});

describe('only hosts the page CSP allows', () => {
	it('refuses a custom host outside the list, naming the setting that adds it', () => {
		const problems = checkEndpoints(at('relay.example.com'));
		expect(Object.keys(problems).sort()).toEqual(['privateWs', 'publicWs', 'rest']);
		expect(problems.rest).toMatch(/https:\/\/relay\.example\.com .*connect-src/);
		expect(problems.rest).toContain('PERCH_CONNECT_SRC="https://relay.example.com"');
		expect(problems.publicWs).toContain('PERCH_CONNECT_SRC="wss://relay.example.com"');
	});

	it('accepts every venue host and loopback on any port, but no other loopback address', () => {
		for (const preset of ENDPOINT_PRESETS.bitmart) {
			expect(checkEndpoints(preset.endpoints)).toEqual({});
		}
		expect(
			checkEndpoints({
				rest: 'https://api.bitget.com',
				publicWs: 'wss://ws.bitget.com/v2/ws/public',
				privateWs: 'wss://wspap.bitget.com/v2/ws/private'
			})
		).toEqual({});
		expect(
			checkEndpoints({
				rest: 'https://ascendex.com',
				publicWs: 'wss://ascendex.com:443/api/pro/v2/stream',
				privateWs: 'wss://api-test.ascendex-sandbox.com:443/7/api/pro/v2/stream'
			})
		).toEqual({});
		expect(
			checkEndpoints({
				rest: 'http://127.0.0.1:8765',
				publicWs: 'ws://localhost:1/api',
				privateWs: 'ws://127.0.0.1:65535/user'
			})
		).toEqual({});
		// Loopback by the scheme rule, but CSP cannot name it: the browser would block it.
		expect(checkEndpoints({ ...at('x'), rest: 'http://127.0.0.2:8765' }).rest).toMatch(
			/connect-src/
		);
		// A venue host on another port or with a different scheme is not the same source.
		expect(checkEndpoints({ ...at('x'), rest: 'https://api.bitget.com:8443' }).rest).toMatch(
			/connect-src/
		);
		expect(checkEndpoints({ ...at('x'), rest: 'https://ws.bitget.com' }).rest).toMatch(
			/connect-src/
		);
	});

	it('adds the hosts of the build-time setting, and refuses one that would open everything', () => {
		const allowed = connectHostSources(
			parseExtraSources(' https://relay.example.com\nwss://*.example.net:8443 ')
		);
		expect(
			checkEndpoints(
				{
					rest: 'https://relay.example.com/bitmart',
					publicWs: 'wss://a.example.net:8443/api',
					privateWs: 'wss://b.c.example.net:8443/user'
				},
				allowed
			)
		).toEqual({});
		expect(
			checkEndpoints({ ...at('x'), publicWs: 'wss://example.net:8443' }, allowed)
		).toHaveProperty('publicWs');
		expect(checkEndpoints({ ...at('x'), publicWs: 'wss://a.example.net' }, allowed)).toHaveProperty(
			'publicWs'
		);
		for (const bad of [
			'https:',
			'*',
			'wss:',
			'http://relay.example.com',
			"'unsafe-eval'",
			'data:'
		]) {
			expect(() => parseExtraSources(bad), bad).toThrow(/PERCH_CONNECT_SRC/);
		}
		expect(parseExtraSources(undefined)).toEqual([]);
	});

	it('matches sources the way CSP does for paths and default ports', () => {
		const u = (s: string) => new URL(s);
		expect(sourceAllows('https://a.example.com', u('https://a.example.com:443/x'))).toBe(true);
		expect(sourceAllows('https://a.example.com', u('https://a.example.com:8443/x'))).toBe(false);
		expect(sourceAllows('https://a.example.com/api/', u('https://a.example.com/api/v1'))).toBe(
			true
		);
		expect(sourceAllows('https://a.example.com/api/', u('https://a.example.com/other'))).toBe(
			false
		);
		expect(sourceAllows('https://*.example.com', u('https://example.com/'))).toBe(false);
		expect(sourceAllows('http://127.0.0.1:*', u('http://127.0.0.1.evil.example/'))).toBe(false);
	});

	it('keeps the Demo venue on its unreachable in-page host', () => {
		expect(checkAccountEndpoints('demo', DEMO_ENDPOINTS)).toEqual({});
		expect(Object.keys(checkAccountEndpoints('bitmart', DEMO_ENDPOINTS))).toHaveLength(3);
		expect(
			Object.keys(checkAccountEndpoints('demo', ENDPOINT_PRESETS.bitmart[0].endpoints))
		).toHaveLength(3);
	});

	it('is the list the built page CSP carries, with no scheme-wide source', () => {
		const connectSrc = svelteConfig.kit?.csp?.directives?.['connect-src'];
		expect(connectSrc).toEqual(['self', ...connectHostSources()]);
		expect(connectSrc).not.toContain('https:');
		expect(connectSrc).not.toContain('wss:');
		expect(connectHostSources()).toEqual([
			...VENUE_CONNECT_SOURCES.bitmart,
			...VENUE_CONNECT_SOURCES.bitget,
			...VENUE_CONNECT_SOURCES.ascendex,
			...LOOPBACK_CONNECT_SOURCES
		]);
	});
});
