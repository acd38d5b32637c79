import { describe, expect, it } from 'vitest';
import { checkEndpointUrl, checkEndpoints, ENDPOINT_PRESETS, normalizeRestBase } from './endpoints';

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
