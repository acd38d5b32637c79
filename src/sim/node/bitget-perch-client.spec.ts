import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { OrderBook } from '$lib/book/order-book';
import { createBitgetAdapter } from '$lib/exchanges/bitget/adapter';
import type { AccountCredentials, MarketStream } from '$lib/exchanges/types';
import type { SocketLike } from '$lib/net/types';
import { importSigningKey } from '$lib/vault/signing-key';
import { startBitgetSimServer, type BitgetSimServer } from './bitget-server';

/**
 * Perch's Bitget adapter against the Bitget simulator over real HTTP and WebSockets: the
 * snapshot, the exact close bodies in both position modes, the lookup by clientOid, the book
 * checksum resync, and the key checks (wrong passphrase, environment mismatch).
 */

let server: BitgetSimServer;

beforeAll(async () => {
	server = await startBitgetSimServer({
		seed: 9,
		timing: { marketTickMs: 20, booksPushMs: 40, tickerPushMs: 100 }
	});
});
afterAll(() => server.close());

const factory = (url: string) => new WebSocket(url) as unknown as SocketLike;

async function account(
	apiKey: string,
	posMode: 'hedge_mode' | 'one_way_mode',
	opts: { passphrase?: string; demo?: boolean } = {}
) {
	const handle = server.sim.addAccount({
		apiKey,
		secret: `${apiKey}-secret`,
		passphrase: 'right-pass',
		posMode,
		demo: opts.demo
	});
	const creds: AccountCredentials = {
		accountId: `acct-${apiKey}`,
		apiKey,
		fields: { passphrase: opts.passphrase ?? 'right-pass' },
		signingKey: await importSigningKey(`${apiKey}-secret`)
	};
	const adapter = createBitgetAdapter({
		endpoints: {
			rest: server.endpoints.rest,
			publicWs: server.endpoints.publicWs,
			privateWs: server.endpoints.privateWs
		},
		socketFactory: factory,
		watchEnvironment: false
	});
	await adapter.serverTime();
	return { handle, creds, adapter };
}

describe('Perch’s Bitget adapter against the simulator', () => {
	it('hedge mode: 25 % and 100 % closes send the documented bodies and are found by clientOid', async () => {
		const { handle, creds, adapter } = await account('bg-hedge', 'hedge_mode');
		handle.seedPosition({
			symbol: 'BTCUSDT',
			holdSide: 'long',
			size: '0.100',
			openPriceAvg: '64000',
			marginMode: 'crossed'
		});
		const instruments = await adapter.instruments();
		expect(instruments.find((i) => i.symbol === 'BTCUSDT')).toMatchObject({
			sizeStep: '0.001',
			minSize: '0.001',
			priceTick: '0.1'
		});
		const snap = await adapter.accountSnapshot(creds);
		expect(snap.positionMode).toBe('hedge');
		expect(snap.positions).toMatchObject([
			{ symbol: 'BTCUSDT', side: 'long', size: '0.1', marginMode: 'cross' }
		]);

		const quarter = await adapter.submitClose(creds, {
			symbol: 'BTCUSDT',
			positionSide: 'long',
			size: '0.025',
			marginMode: 'cross',
			positionMode: 'hedge',
			clientOrderId: 'perchHedgeQ'
		});
		expect(quarter.clientOrderId).toBe('perchHedgeQ');
		const rest = await adapter.submitClose(creds, {
			symbol: 'BTCUSDT',
			positionSide: 'long',
			size: '0.075',
			marginMode: 'cross',
			positionMode: 'hedge',
			clientOrderId: 'perchHedgeAll'
		});
		expect(server.sim.ordersSubmitted(creds.apiKey)).toEqual([
			{
				symbol: 'BTCUSDT',
				productType: 'USDT-FUTURES',
				marginMode: 'crossed',
				marginCoin: 'USDT',
				size: '0.025',
				side: 'buy',
				tradeSide: 'close',
				orderType: 'market',
				clientOid: 'perchHedgeQ'
			},
			{
				symbol: 'BTCUSDT',
				productType: 'USDT-FUTURES',
				marginMode: 'crossed',
				marginCoin: 'USDT',
				size: '0.075',
				side: 'buy',
				tradeSide: 'close',
				orderType: 'market',
				clientOid: 'perchHedgeAll'
			}
		]);
		const found = await adapter.findOrder(creds, 'BTCUSDT', 'perchHedgeAll');
		expect(found).toMatchObject({
			orderId: rest.orderId,
			status: 'filled',
			filledSize: '0.075',
			side: 'sell',
			reduceOnly: true
		});
		expect(await adapter.findOrder(creds, 'BTCUSDT', 'perchNeverSent')).toBeNull();
		const after = await adapter.accountSnapshot(creds);
		expect(after.positions).toEqual([]);
		const fills = await adapter.fillSummary(creds, 'BTCUSDT', rest.orderId!);
		expect(fills?.fills).toBeGreaterThan(0);
	});

	it('one-way mode: the opposite side with reduceOnly=YES', async () => {
		const { handle, creds, adapter } = await account('bg-oneway', 'one_way_mode');
		handle.seedPosition({
			symbol: 'ETHUSDT',
			holdSide: 'short',
			size: '2.00',
			openPriceAvg: '3100',
			marginMode: 'isolated'
		});
		const snap = await adapter.accountSnapshot(creds);
		expect(snap.positionMode).toBe('one-way');
		expect(snap.positions).toMatchObject([
			{ side: 'short', size: '2', marginMode: 'isolated', positionMode: 'one-way' }
		]);
		await adapter.submitClose(creds, {
			symbol: 'ETHUSDT',
			positionSide: 'short',
			size: '0.5',
			marginMode: 'isolated',
			positionMode: 'one-way',
			clientOrderId: 'perchOneQ'
		});
		await adapter.submitClose(creds, {
			symbol: 'ETHUSDT',
			positionSide: 'short',
			size: '1.5',
			marginMode: 'isolated',
			positionMode: 'one-way',
			clientOrderId: 'perchOneAll'
		});
		expect(server.sim.ordersSubmitted(creds.apiKey)).toEqual([
			{
				symbol: 'ETHUSDT',
				productType: 'USDT-FUTURES',
				marginMode: 'isolated',
				marginCoin: 'USDT',
				size: '0.5',
				side: 'buy',
				orderType: 'market',
				clientOid: 'perchOneQ',
				reduceOnly: 'YES'
			},
			{
				symbol: 'ETHUSDT',
				productType: 'USDT-FUTURES',
				marginMode: 'isolated',
				marginCoin: 'USDT',
				size: '1.5',
				side: 'buy',
				orderType: 'market',
				clientOid: 'perchOneAll',
				reduceOnly: 'YES'
			}
		]);
		expect((await adapter.accountSnapshot(creds)).positions).toEqual([]);
	});

	it('a corrupted books checksum resyncs, and the book ends equal to the simulator’s', async () => {
		const { adapter } = await account('bg-book', 'hedge_mode');
		const stream: MarketStream = adapter.openMarketStream();
		const options = { depth: 'full', speed: 'fast' } as const;
		const book = new OrderBook({ maxDepth: stream.bookDepth(options) });
		const sequencer = stream.newBookSequencer();
		const results: string[] = [];
		stream.watch(
			'BTCUSDT',
			{
				book: (m) => {
					const r = sequencer.apply(m, book);
					results.push(r);
					if (r === 'gap') stream.requestBookSnapshot('BTCUSDT');
				}
			},
			options
		);
		try {
			await until(() => results.filter((r) => r === 'applied').length >= 3);
			server.sim.faults.corruptNextChecksum('BTCUSDT');
			await until(() => results.includes('gap'));
			await until(
				() => sequencer.state === 'live' && results.lastIndexOf('applied') > results.indexOf('gap')
			);
			server.sim.faults.pause();
			await new Promise((r) => setTimeout(r, 150));
			const truth = server.sim.book('BTCUSDT');
			const ours = {
				bids: book.levels('bid', 25).map((l) => [l.price, l.size]),
				asks: book.levels('ask', 25).map((l) => [l.price, l.size])
			};
			expect(ours).toEqual({ bids: truth.bids.slice(0, 25), asks: truth.asks.slice(0, 25) });
		} finally {
			server.sim.faults.resume();
			stream.close();
		}
	});

	it('a forced reconnect: logs in again, resubscribes, and the account is re-read', async () => {
		const { handle, creds, adapter } = await account('bg-reconnect', 'hedge_mode');
		const stream = adapter.openAccountStream(creds);
		let reconnected = 0;
		stream.onReconnected(() => reconnected++);
		const sizes: string[] = [];
		stream.onEvent((e) => {
			if (e.type === 'position') sizes.push(e.position.size);
		});
		try {
			await until(() => stream.status.state === 'live');
			server.sim.faults.forceDisconnect('private');
			await until(() => reconnected === 1 && stream.status.state === 'live');
			// Resubscribed: a change made now is pushed on the new connection.
			handle.seedPosition({
				symbol: 'BTCUSDT',
				holdSide: 'short',
				size: '0.010',
				openPriceAvg: '64000'
			});
			handle.trade({ symbol: 'BTCUSDT', side: 'sell', tradeSide: 'open', size: '0.005' });
			await until(() => sizes.includes('0.015'));
		} finally {
			stream.close();
		}
	});

	it('a burst of subscriptions on a live socket stays under 10 messages a second', async () => {
		const { adapter } = await account('bg-burst', 'hedge_mode');
		const stream = adapter.openMarketStream();
		const symbols = (await adapter.instruments()).map((i) => i.symbol);
		const seen = new Set<string>();
		const errors: string[] = [];
		const watch = (symbol: string, depth: 1 | 5 | 15) =>
			stream.watch(
				symbol,
				{ book: () => seen.add(`${symbol}:${depth}`), error: (e) => errors.push(e) },
				{ depth, speed: 'normal' }
			);
		try {
			watch(symbols[0], 1);
			await until(() => stream.status.state === 'live');
			// Each watch on a live socket is a subscribe frame of its own, all in one tick.
			let frames = 0;
			for (const symbol of symbols) {
				for (const depth of [1, 5, 15] as const) {
					if (symbol === symbols[0] && depth === 1) continue;
					watch(symbol, depth);
					frames++;
				}
			}
			expect(frames).toBeGreaterThan(10);
			await until(() => seen.size === symbols.length * 3, 20_000);
			expect(stream.status.reconnects).toBe(0);
			expect(errors).toEqual([]);
		} finally {
			stream.close();
		}
	});

	it('names a wrong passphrase when the key is checked', async () => {
		const { creds, adapter } = await account('bg-wrongpass', 'hedge_mode', {
			passphrase: 'not-it'
		});
		await expect(adapter.validateKey(creds)).rejects.toThrow(/wrong passphrase/);
	});

	it('explains a demo key used against production endpoints', async () => {
		const { creds, adapter } = await account('bg-demo', 'hedge_mode', { demo: true });
		await expect(adapter.validateKey(creds)).rejects.toThrow(
			/other Bitget environment \(demo vs production\)/
		);
	});

	it('accepts a good key (REST read and socket login)', async () => {
		const { creds, adapter } = await account('bg-good', 'hedge_mode');
		await expect(adapter.validateKey(creds)).resolves.toBeUndefined();
	});
});

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
	const started = performance.now();
	while (!check()) {
		if (performance.now() - started > timeoutMs) throw new Error('condition not met in time');
		await new Promise((r) => setTimeout(r, 20));
	}
}
