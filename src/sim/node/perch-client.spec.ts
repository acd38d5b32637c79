import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { SocketLike } from '$lib/net/types';
import { createBitmartAdapter } from '$lib/exchanges/bitmart/adapter';
import { importSigningKey } from '$lib/vault/signing-key';
import { ExchangeError, type AccountCredentials } from '$lib/exchanges/types';
import { startSimServer, type SimServer } from './server';

/**
 * Perch's own BitMart client against the simulator over real HTTP: the snapshot it reads, the
 * exact close body it sends, and its lookup of a close whose answer was lost.
 */

let server: SimServer;

beforeAll(async () => {
	server = await startSimServer({ seed: 44, timing: { marketTickMs: 20, lifelessMs: 0 } });
});
afterAll(() => server.close());

async function perchAccount(apiKey: string) {
	const handle = server.sim.addAccount({ apiKey, secret: `${apiKey}-secret`, memo: 'pm' });
	const creds: AccountCredentials = {
		accountId: `acct-${apiKey}`,
		apiKey,
		fields: { memo: 'pm' },
		signingKey: await importSigningKey(`${apiKey}-secret`)
	};
	return { handle, creds, adapter: createBitmartAdapter({ endpoints: server.endpoints }) };
}

describe('Perch’s BitMart client against the simulator', () => {
	it('reads the snapshot, closes a quarter with the exact body, and finds a lost close', async () => {
		const { handle, creds, adapter } = await perchAccount('perch-client-1');
		handle.seedPosition({
			symbol: 'BTCUSDT',
			side: 'short',
			size: 8,
			entryPrice: '62000',
			leverage: '10',
			marginMode: 'isolated'
		});
		server.sim.setMarkPrice('BTCUSDT', '61000.0');
		const snapshot = await adapter.accountSnapshot(creds);
		expect(snapshot.positionMode).toBe('hedge');
		expect(snapshot.positions).toMatchObject([
			{ symbol: 'BTCUSDT', side: 'short', size: '8', marginMode: 'isolated', leverage: '10' }
		]);
		// (62000 − 61000) × 8 × 0.001
		expect(snapshot.positions[0].unrealizedPnl).toBe('8');

		const submitted = await adapter.submitClose(creds, {
			symbol: 'BTCUSDT',
			positionSide: 'short',
			size: '2',
			marginMode: 'isolated',
			positionMode: 'hedge',
			clientOrderId: 'perchQuarterA'
		});
		expect(server.sim.ordersSubmitted(creds.apiKey)).toEqual([
			{
				symbol: 'BTCUSDT',
				client_order_id: 'perchQuarterA',
				side: 2,
				type: 'market',
				size: 2,
				open_type: 'isolated'
			}
		]);
		const found = await adapter.findOrder(creds, 'BTCUSDT', 'perchQuarterA');
		expect(found).toMatchObject({
			orderId: submitted.orderId,
			status: 'filled',
			filledSize: '2',
			side: 'buy',
			reduceOnly: true
		});

		server.sim.faults.dropNextResponse('submit-order');
		const lost = adapter.submitClose(creds, {
			symbol: 'BTCUSDT',
			positionSide: 'short',
			size: '6',
			marginMode: 'isolated',
			positionMode: 'hedge',
			clientOrderId: 'perchRestA'
		});
		await expect(lost).rejects.toBeInstanceOf(ExchangeError);
		const afterLoss = await adapter.findOrder(creds, 'BTCUSDT', 'perchRestA');
		expect(afterLoss).toMatchObject({ status: 'filled', filledSize: '6' });
		expect((await adapter.accountSnapshot(creds)).positions).toEqual([]);
		expect(await adapter.findOrder(creds, 'BTCUSDT', 'perchNeverSent')).toBeNull();
	});

	it('surfaces an over-close as the documented 40020 refusal', async () => {
		const { handle, creds, adapter } = await perchAccount('perch-client-2');
		handle.seedPosition({ symbol: 'ETHUSDT', side: 'long', size: 3, entryPrice: '3000' });
		const over = adapter.submitClose(creds, {
			symbol: 'ETHUSDT',
			positionSide: 'long',
			size: '4',
			marginMode: 'cross',
			positionMode: 'hedge',
			clientOrderId: 'perchOver'
		});
		await expect(over).rejects.toMatchObject({ code: 40020, kind: 'rejected' });
	});

	it('checks a new key: the KEYED read for the key, the signed socket login for secret and memo', async () => {
		const { creds } = await perchAccount('perch-client-3');
		const adapter = createBitmartAdapter({
			endpoints: server.endpoints,
			socketFactory: (url) => new WebSocket(url) as unknown as SocketLike
		});
		await adapter.serverTime();
		await expect(adapter.validateKey(creds)).resolves.toBeUndefined();
		const wrongSecret = { ...creds, signingKey: await importSigningKey('not-the-secret') };
		await expect(adapter.validateKey(wrongSecret)).rejects.toMatchObject({ kind: 'signature' });
		const wrongMemo = { ...creds, fields: { memo: 'not-the-memo' } };
		await expect(adapter.validateKey(wrongMemo)).rejects.toMatchObject({ kind: 'signature' });
		await expect(adapter.validateKey({ ...creds, apiKey: 'unknown-key' })).rejects.toMatchObject({
			code: 30002,
			kind: 'auth'
		});
	});
});
