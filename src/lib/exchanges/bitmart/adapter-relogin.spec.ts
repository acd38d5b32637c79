import { afterEach, describe, expect, it } from 'vitest';
import { importSigningKey } from '$lib/vault/signing-key';
import { createInPageTransport, DEMO_ENDPOINTS } from '../../../sim/browser/transport';
import { SimExchange } from '../../../sim/core';
import { createBitmartAdapter } from './adapter';

/**
 * The private socket signs its login with the exchange's time as the adapter estimates it. When
 * the exchange's clock moves against the device's monotonic clock (some platforms pause that clock
 * while the device sleeps), the estimate goes stale. A reconnect must not then be refused for
 * good: the exchange answers a stale login like a wrong key, and the socket gives up.
 */
describe('BitMart account stream after the exchange clock moved', () => {
	let stop: (() => void) | undefined;
	afterEach(() => stop?.());

	it('re-measures the exchange clock before a reconnect login, so the stream comes back', async () => {
		let ahead = 0;
		const sim = new SimExchange({
			seed: 3,
			now: () => Date.now() + ahead,
			timing: { lifelessMs: 0 }
		});
		sim.addAccount({ apiKey: 'relogin-key', secret: 'relogin-secret', memo: 'rm' });
		const transport = createInPageTransport(sim);
		const adapter = createBitmartAdapter({
			endpoints: DEMO_ENDPOINTS,
			fetch: transport.fetch,
			socketFactory: transport.socketFactory,
			watchEnvironment: false
		});
		await adapter.serverTime();
		const stream = adapter.openAccountStream({
			accountId: 'a',
			apiKey: 'relogin-key',
			fields: { memo: 'rm' },
			signingKey: await importSigningKey('relogin-secret')
		});
		stop = () => {
			stream.close();
			sim.stop();
		};
		await expect.poll(() => stream.status.state, { timeout: 3000 }).toBe('live');

		ahead = 90_000;
		sim.faults.dropConnections('private');
		await expect.poll(() => stream.status.state, { timeout: 5000 }).toBe('reconnecting');
		await expect.poll(() => stream.status.state, { timeout: 5000 }).toBe('live');
		expect(stream.status.error).toBeUndefined();
	});
});
