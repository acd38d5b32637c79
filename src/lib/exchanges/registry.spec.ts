import { describe, expect, it } from 'vitest';
import { createAdapter } from './registry';

describe('createAdapter', () => {
	it('refuses endpoints the checks refuse, whoever passes them in', async () => {
		const lan = {
			rest: 'http://10.0.0.2:9100',
			publicWs: 'wss://openapi-ws-v2.bitmart.com/api?protocol=1.1',
			privateWs: 'wss://openapi-ws-v2.bitmart.com/user?protocol=1.1'
		};
		await expect(
			createAdapter({ venue: 'bitmart', presetId: 'custom', endpoints: lan })
		).rejects.toThrow(/rest: http:\/\/ is only allowed for localhost/);
		const elsewhere = { ...lan, rest: 'https://relay.example.com' };
		await expect(
			createAdapter({ venue: 'bitmart', presetId: 'custom', endpoints: elsewhere })
		).rejects.toThrow(/PERCH_CONNECT_SRC/);
	});

	it('builds an adapter for loopback and preset endpoints', async () => {
		const local = {
			rest: 'http://127.0.0.1:8765',
			publicWs: 'ws://127.0.0.1:8765/api?protocol=1.1',
			privateWs: 'ws://127.0.0.1:8765/user?protocol=1.1'
		};
		const adapter = await createAdapter({ venue: 'bitmart', presetId: 'x', endpoints: local });
		expect(adapter.endpoints.rest).toBe('http://127.0.0.1:8765');
		expect((await createAdapter({ venue: 'bitmart', presetId: 'production' })).venue).toBe(
			'bitmart'
		);
	});
});
