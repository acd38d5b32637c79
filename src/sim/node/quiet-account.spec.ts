import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimExchange } from '../core';
import { startSimServer, type SimServer } from './server';
import { bitmartSign, TestSocket } from './test-client';

/**
 * An account nobody trades is quiet: its private stream carries the documented timed position
 * push and nothing else, however much the market walks. Perch's liveness must hold on exactly this.
 */

const PUSH_MS = 300;
let server: SimServer;
const sockets: TestSocket[] = [];

beforeAll(async () => {
	// A fast-walking market and a short timed push, so a second of real time shows several of each.
	server = await startSimServer({
		seed: 8,
		timing: { marketTickMs: 10, positionPushMs: PUSH_MS, lifelessMs: 0 },
		rateLimits: false
	});
});

afterAll(async () => {
	for (const s of sockets) s.close();
	await server.close();
});

describe('a quiet account', () => {
	it('defaults to the documented 10 s timed position push', () => {
		expect(new SimExchange({ seed: 1 }).timing.positionPushMs).toBe(10_000);
	});

	it('hears only the timed position push, with nothing in it changed, while the market walks', async () => {
		const key = { apiKey: 'quiet-key', secret: 'quiet-secret', memo: 'qm' };
		const account = server.sim.addAccount(key);
		account.setBalance('USDT', '10000');
		account.seedPosition({
			symbol: 'BTCUSDT',
			side: 'long',
			size: 20,
			entryPrice: '60000',
			leverage: '20',
			marginMode: 'cross'
		});
		const ws = await TestSocket.open(server.endpoints.privateWs);
		sockets.push(ws);
		const ts = String(Date.now());
		ws.send({
			action: 'access',
			args: [key.apiKey, ts, bitmartSign(key.secret, ts, key.memo, 'bitmart.WebSocket'), 'web']
		});
		await ws.next((m) => m.action === 'access');
		const groups = ['futures/asset:USDT', 'futures/position', 'futures/order'];
		ws.send({ action: 'subscribe', args: groups });
		for (let i = 0; i < groups.length; i++) await ws.next((m) => m.action === 'subscribe');
		const marketBefore = server.sim.book('BTCUSDT', 5);

		const pushes = [];
		for (let i = 0; i < 4; i++) pushes.push(await ws.nextPush('futures/position', PUSH_MS * 10));

		const data = ws.frames.map((f) => f.json).filter((m) => m && m.action === undefined);
		expect(data.map((m) => m!.group)).toEqual(data.map(() => 'futures/position'));
		const rows = pushes.map((p) => p.data as Record<string, unknown>[]);
		for (const row of rows) {
			expect(row).toHaveLength(1);
			expect(row[0]).toMatchObject({ symbol: 'BTCUSDT', hold_volume: '20', position_type: 1 });
		}
		expect(account.positions()).toEqual([expect.objectContaining({ size: '20' })]);
		// The market did move meanwhile: quiet is the account, not the whole simulator.
		expect(server.sim.book('BTCUSDT', 5)).not.toEqual(marketBefore);
	});
});
