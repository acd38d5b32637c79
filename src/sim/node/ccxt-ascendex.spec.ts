import http from 'node:http';
import type { Duplex } from 'node:stream';
import ccxt from 'ccxt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAscendexSimServer, type AscendexSimServer } from './ascendex-server';

/**
 * A real, independent AscendEX client (ccxt 4.5.0, the last release that ships it) against the
 * simulator, on loopback only: every URL in the class points at the simulator, and its HTTP
 * agent refuses to open a connection anywhere but 127.0.0.1.
 */

const KEY = 'ccxtAscendexKey0001';
const SECRET = 'Yx3bQ9fK2mV7pL4sT8wZ1nR6cH5jD0gUaE3iO7yB2vN9kM4xF6qW8tS1rP5lC0hJ';
const GROUP = 9;

class LoopbackOnlyAgent extends http.Agent {
	readonly hosts: string[] = [];

	createConnection(
		options: http.ClientRequestArgs,
		callback?: (err: Error | null, stream: Duplex) => void
	) {
		const host = options.host ?? options.hostname ?? '';
		this.hosts.push(host);
		if (host !== '127.0.0.1') throw new Error(`refusing a connection off loopback: ${host}`);
		return super.createConnection(options, callback);
	}
}

/** Replace every URL string in ccxt's `urls` tree with the simulator's. */
function pointAt(value: unknown, rest: string, ws: string): unknown {
	if (typeof value === 'string') {
		if (/^https?:/.test(value)) return rest;
		if (/^wss?:/.test(value)) return ws;
		return value;
	}
	if (Array.isArray(value)) return value.map((v) => pointAt(v, rest, ws));
	if (value && typeof value === 'object') {
		return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, pointAt(v, rest, ws)]));
	}
	return value;
}

function urlStrings(value: unknown): string[] {
	if (typeof value === 'string') return [value];
	if (Array.isArray(value)) return value.flatMap(urlStrings);
	if (value && typeof value === 'object') return Object.values(value).flatMap(urlStrings);
	return [];
}

let server: AscendexSimServer;
let agent: LoopbackOnlyAgent;
let exchange: InstanceType<typeof ccxt.ascendex>;
let seeded: ReturnType<AscendexSimServer['sim']['addAccount']>;

beforeAll(async () => {
	server = await startAscendexSimServer({ seed: 3 });
	const account = server.sim.addAccount({
		apiKey: KEY,
		secret: SECRET,
		accountGroup: GROUP,
		usdt: '5000'
	});
	account.seedPosition({ symbol: 'BTC-PERP', position: '0.25', avgOpenPrice: '64000' });
	seeded = account;
	server.sim.setMarkPrice('BTC-PERP', '64100.0');
	agent = new LoopbackOnlyAgent();
	exchange = new ccxt.ascendex({ apiKey: KEY, secret: SECRET, agent, enableRateLimit: false });
	exchange.urls = pointAt(
		exchange.urls,
		server.url,
		server.endpoints.publicWs
	) as typeof exchange.urls;
});

afterAll(async () => {
	await server?.close();
	agent?.destroy();
});

describe('ccxt 4.5.0 ascendex against the simulator', () => {
	it('has every URL on loopback', () => {
		const urls = urlStrings(exchange.urls).filter((u) => /^(https?|wss?):/.test(u));
		expect(urls.length).toBeGreaterThan(0);
		for (const url of urls) expect(new URL(url).hostname).toBe('127.0.0.1');
	});

	it('loads the futures markets', async () => {
		const markets = await exchange.loadMarkets();
		const btc = markets['BTC/USDT:USDT'];
		expect(btc).toMatchObject({ id: 'BTC-PERP', swap: true, linear: true, contractSize: 1 });
		expect(btc?.precision).toMatchObject({ amount: 0.0001, price: 0.1 });
	});

	it('looks the account group up with the signed v1 info call', async () => {
		const accounts = await exchange.fetchAccounts();
		expect(accounts[0].id).toBe(String(GROUP));
		const info = server.sim.requests.find((r) => r.path === '/api/pro/v1/info');
		expect(info).toMatchObject({ transport: 'rest', method: 'GET', apiKey: KEY, code: 0 });
	});

	it('reads the swap balance', async () => {
		const balance = await exchange.fetchBalance({ type: 'swap' });
		expect(balance.USDT.total).toBe(5000);
		const call = server.sim.requests.at(-1);
		expect(call).toMatchObject({ path: `/${GROUP}/api/pro/v2/futures/position`, code: 0 });
	});

	it('reads the positions', async () => {
		const positions = await exchange.fetchPositions();
		const btc = positions.find((p) => p.symbol === 'BTC/USDT:USDT');
		expect(btc).toMatchObject({
			side: 'long',
			contracts: 0.25,
			entryPrice: 64000,
			marginMode: 'cross',
			leverage: 10
		});
	});

	it('reads funding payments with fetchFundingHistory (symbol, pageSize)', async () => {
		const t = Math.floor(Date.now() / 28_800_000) * 28_800_000;
		for (let i = 3; i >= 1; i--) {
			seeded.seedFundingPayment({
				symbol: 'BTC-PERP',
				time: t - i * 28_800_000,
				fundingRate: 0.0001,
				paymentInUSDT: -1.25 * i
			});
		}
		const rows = await exchange.fetchFundingHistory('BTC/USDT:USDT', undefined, 2);
		expect(rows.map((r) => [r.timestamp, r.amount])).toEqual(
			expect.arrayContaining([
				[t - 28_800_000, -1.25],
				[t - 2 * 28_800_000, -2.5]
			])
		);
		expect(rows).toHaveLength(2);
		expect(server.sim.requests.at(-1)).toMatchObject({
			path: `/${GROUP}/api/pro/v2/futures/funding-payments`,
			params: { symbol: 'BTC-PERP', pageSize: '2' },
			code: 0
		});
	});

	it('places a reduce-only market order over REST, which the simulator executes', async () => {
		const order = await exchange.createOrder('BTC/USDT:USDT', 'market', 'sell', 0.1, undefined, {
			reduceOnly: true
		});
		expect(order.id.startsWith('a')).toBe(true);
		const sent = server.sim.restOrderRequests(KEY);
		expect(sent).toHaveLength(1);
		expect(sent[0]).toMatchObject({
			method: 'POST',
			path: `/${GROUP}/api/pro/v2/futures/order`,
			code: 0,
			params: { symbol: 'BTC-PERP', orderQty: '0.1', side: 'sell', execInst: 'ReduceOnly' }
		});
		const positions = await exchange.fetchPositions();
		expect(positions.find((p) => p.symbol === 'BTC/USDT:USDT')?.contracts).toBeCloseTo(0.15, 10);
		expect(agent.hosts.length).toBeGreaterThan(0);
		expect(new Set(agent.hosts)).toEqual(new Set(['127.0.0.1']));
	});
});
