import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
	ExchangeError,
	type AccountCredentials,
	type CloseOrderRequest
} from '$lib/exchanges/types';
import { importSigningKey } from '$lib/vault/signing-key';
import { createBitgetAdapter } from './adapter';
import { closeOrderBody } from './account-api';
import { TEST_ENDPOINTS, fail, ok, scriptedFetch, type RecordedRequest } from './testing';

const SECRET = 'bitget-test-secret';

async function credentials(): Promise<AccountCredentials> {
	return {
		accountId: 'acc-bg',
		apiKey: 'bg_key',
		fields: { passphrase: 'pass phrase 1' },
		signingKey: await importSigningKey(SECRET)
	};
}

function request(over: Partial<CloseOrderRequest> = {}): CloseOrderRequest {
	return {
		symbol: 'BTCUSDT',
		positionSide: 'long',
		size: '0.025',
		marginMode: 'cross',
		positionMode: 'hedge',
		clientOrderId: 'perchabc123',
		...over
	};
}

describe('the close body (notes §5.1 side table)', () => {
	it.each([
		['hedge', 'long', { side: 'buy', tradeSide: 'close' }],
		['hedge', 'short', { side: 'sell', tradeSide: 'close' }],
		['one-way', 'long', { side: 'sell', reduceOnly: 'YES' }],
		['one-way', 'short', { side: 'buy', reduceOnly: 'YES' }]
	] as const)('%s mode, closing a %s', (positionMode, positionSide, sideFields) => {
		const body = closeOrderBody(request({ positionMode, positionSide }), 'USDT');
		expect(body).toEqual({
			symbol: 'BTCUSDT',
			productType: 'USDT-FUTURES',
			marginMode: 'crossed',
			marginCoin: 'USDT',
			size: '0.025',
			orderType: 'market',
			clientOid: 'perchabc123',
			...sideFields
		});
	});

	it('keeps isolated margin and the exact size string', () => {
		const body = closeOrderBody(request({ marginMode: 'isolated', size: '1.500' }), 'USDT');
		expect(body.marginMode).toBe('isolated');
		expect(body.size).toBe('1.500');
	});

	it('refuses, unsent, a size that is not a plain positive decimal or an odd mode', () => {
		for (const size of ['0', '-1', '1e-3', ' 1', 'abc', '']) {
			expect(() => closeOrderBody(request({ size }), 'USDT'), size).toThrow(/did not send/);
		}
		expect(() => closeOrderBody(request({ positionMode: 'other' as never }), 'USDT')).toThrow(
			/unknown position mode/
		);
		expect(() => closeOrderBody(request({ clientOrderId: 'a b' }), 'USDT')).toThrow(
			/client order id/
		);
	});
});

function adapterWith(
	routes: Parameters<typeof scriptedFetch>[0],
	headers?: Record<string, string>
) {
	const scripted = scriptedFetch(routes);
	const adapter = createBitgetAdapter({
		endpoints: TEST_ENDPOINTS,
		fetch: scripted.fetch,
		headers,
		watchEnvironment: false
	});
	return { adapter, requests: scripted.requests };
}

function expectedSign(req: RecordedRequest): string {
	const path = req.url.pathname + (req.url.search ? req.url.search : '');
	const prehash = `${req.headers['ACCESS-TIMESTAMP']}${req.method}${path}${req.body ?? ''}`;
	return createHmac('sha256', SECRET).update(prehash).digest('base64');
}

describe('submitClose over REST', () => {
	it('posts exactly the documented body, signed, with the preset headers', async () => {
		const { adapter, requests } = adapterWith(
			{
				'/api/v2/mix/order/place-order': () => ok({ orderId: '1001', clientOid: 'perchabc123' })
			},
			{ paptrading: '1' }
		);
		const creds = await credentials();
		const sent = await adapter.submitClose(creds, request(), { timestamp: 1_700_000_000_123 });
		expect(sent).toEqual({ orderId: '1001', clientOrderId: 'perchabc123' });
		const [req] = requests;
		expect(req.method).toBe('POST');
		expect(req.url.search).toBe('');
		expect(JSON.parse(req.body!)).toEqual({
			symbol: 'BTCUSDT',
			productType: 'USDT-FUTURES',
			marginMode: 'crossed',
			marginCoin: 'USDT',
			size: '0.025',
			side: 'buy',
			tradeSide: 'close',
			orderType: 'market',
			clientOid: 'perchabc123'
		});
		expect(req.headers['ACCESS-KEY']).toBe('bg_key');
		expect(req.headers['ACCESS-PASSPHRASE']).toBe('pass phrase 1');
		expect(req.headers['ACCESS-TIMESTAMP']).toBe('1700000000123');
		expect(req.headers['ACCESS-SIGN']).toBe(expectedSign(req));
		expect(req.headers.paptrading).toBe('1');
		expect(req.headers.locale).toBe('en-US');
		expect(req.headers['Content-Type']).toBe('application/json');
	});

	it('accepts a one-way reduce-only reply without orderId', async () => {
		const { adapter } = adapterWith({
			'/api/v2/mix/order/place-order': () => ok({ clientOid: 'perchabc123' })
		});
		const sent = await adapter.submitClose(
			await credentials(),
			request({ positionMode: 'one-way' })
		);
		expect(sent).toEqual({ clientOrderId: 'perchabc123' });
	});

	it('maps an expired timestamp to clock-skew, so the gate re-measures and re-signs', async () => {
		const { adapter } = adapterWith({
			'/api/v2/mix/order/place-order': () => fail('40008', 'Request timestamp expired')
		});
		const error = await adapter
			.submitClose(await credentials(), request())
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(ExchangeError);
		expect((error as ExchangeError).kind).toBe('clock-skew');
		expect((error as ExchangeError).message).toContain('code 40008');
	});

	it('explains the environment mismatch (40099)', async () => {
		const { adapter } = adapterWith({
			'/api/v2/mix/order/place-order': () => fail('40099', 'exchange environment is incorrect')
		});
		const error = (await adapter
			.submitClose(await credentials(), request())
			.catch((e: unknown) => e)) as ExchangeError;
		expect(error.message).toMatch(/other Bitget environment \(demo vs production\)/);
		expect(error.message).toMatch(/Demo trading/);
		expect(error.kind).toBe('auth');
	});

	it('reads a duplicate clientOid as "it arrived", for the gate to look up, not as a refusal', async () => {
		const { adapter } = adapterWith({
			'/api/v2/mix/order/place-order': () => fail('40786', 'Duplicate clientOid')
		});
		const error = (await adapter
			.submitClose(await credentials(), request())
			.catch((e: unknown) => e)) as ExchangeError;
		expect(error.kind).toBe('duplicate');
	});

	it("shows an undocumented code with Bitget's own message and the code", async () => {
		const { adapter } = adapterWith({
			'/api/v2/mix/order/place-order': () => fail('45110', 'less than the minimum order quantity')
		});
		const error = (await adapter
			.submitClose(await credentials(), request())
			.catch((e: unknown) => e)) as ExchangeError;
		expect(error.message).toBe(
			'Bitget refused the request: less than the minimum order quantity (code 45110).'
		);
		expect(error.kind).toBe('rejected');
	});

	it('reads HTTP 429 without a JSON body as a rate limit', async () => {
		const adapter = createBitgetAdapter({
			endpoints: TEST_ENDPOINTS,
			fetch: (async () => new Response('Too Many Requests', { status: 429 })) as typeof fetch
		});
		const error = (await adapter
			.submitClose(await credentials(), request())
			.catch((e: unknown) => e)) as ExchangeError;
		expect(error.kind).toBe('rate-limit');
	});
});

describe('signed GETs', () => {
	it('sorts the query once, for the URL and the signature', async () => {
		const { adapter, requests } = adapterWith({
			'/api/v2/mix/order/detail': () => fail('40109', 'The data of the order cannot be found')
		});
		const found = await adapter.findOrder(await credentials(), 'ETHUSDT', 'perchxyz');
		expect(found).toBeNull();
		const [req] = requests;
		expect(req.url.search).toBe('?clientOid=perchxyz&productType=USDT-FUTURES&symbol=ETHUSDT');
		expect(req.headers['ACCESS-SIGN']).toBe(expectedSign(req));
		expect(req.body).toBeUndefined();
	});

	it('finds an order by clientOid and flips a hedge close back to its trade direction', async () => {
		const { adapter } = adapterWith({
			'/api/v2/mix/order/detail': () =>
				ok({
					symbol: 'BTCUSDT',
					orderId: '77',
					clientOid: 'perchxyz',
					side: 'buy',
					tradeSide: 'close',
					posMode: 'hedge_mode',
					orderType: 'market',
					size: '0.025',
					baseVolume: '0.025',
					priceAvg: '61000',
					price: '0',
					status: 'filled',
					reduceOnly: 'NO',
					cTime: '1700000000000',
					uTime: '1700000000500'
				})
		});
		const found = await adapter.findOrder(await credentials(), 'BTCUSDT', 'perchxyz');
		expect(found).toMatchObject({
			orderId: '77',
			clientOrderId: 'perchxyz',
			side: 'sell',
			reduceOnly: true,
			type: 'market',
			status: 'filled',
			filledSize: '0.025',
			updatedAt: 1700000000500
		});
	});
});

describe('account snapshot', () => {
	const position = (over: Record<string, unknown>) => ({
		symbol: 'BTCUSDT',
		marginCoin: 'USDT',
		holdSide: 'long',
		total: '0.1',
		available: '0.1',
		openPriceAvg: '60000',
		marginMode: 'crossed',
		posMode: 'hedge_mode',
		leverage: '10',
		liquidationPrice: '50000',
		marginSize: '600',
		unrealizedPL: '12.5',
		achievedProfits: '0',
		markPrice: '60125',
		cTime: '1700000000000',
		uTime: '1700000001000',
		...over
	});

	it('reads accounts, positions and pending orders; the mode from the positions', async () => {
		const { adapter, requests } = adapterWith({
			'/api/v2/mix/account/accounts': () =>
				ok([
					{
						marginCoin: 'USDT',
						locked: '0',
						available: '900',
						accountEquity: '1512.5',
						unrealizedPL: '12.5',
						crossedMargin: '600',
						isolatedMargin: '0'
					}
				]),
			'/api/v2/mix/position/all-position': () =>
				ok([position({}), position({ holdSide: 'short', total: '0.2', marginMode: 'isolated' })]),
			'/api/v2/mix/order/orders-pending': () => ok({ entrustedList: null, endId: null })
		});
		const snap = await adapter.accountSnapshot(await credentials());
		expect(snap.positionMode).toBe('hedge');
		expect(snap.balances).toEqual([
			expect.objectContaining({
				asset: 'USDT',
				equity: '1512.5',
				available: '900',
				positionMargin: '600',
				unrealizedPnl: '12.5'
			})
		]);
		expect(snap.positions.map((p) => [p.side, p.size, p.marginMode, p.positionMode])).toEqual([
			['long', '0.1', 'cross', 'hedge'],
			['short', '0.2', 'isolated', 'hedge']
		]);
		expect(snap.orders).toEqual([]);
		const paths = requests.map((r) => r.url.pathname + r.url.search).sort();
		expect(paths).toEqual([
			'/api/v2/mix/account/accounts?productType=USDT-FUTURES',
			'/api/v2/mix/order/orders-pending?productType=USDT-FUTURES',
			'/api/v2/mix/position/all-position?marginCoin=USDT&productType=USDT-FUTURES'
		]);
	});

	it('sums the positions’ margin when the accounts row does not say it', async () => {
		const { adapter } = adapterWith({
			'/api/v2/mix/account/accounts': () =>
				ok([{ marginCoin: 'USDT', locked: '0', available: '900', accountEquity: '1800' }]),
			'/api/v2/mix/position/all-position': () =>
				ok([position({ marginSize: '600' }), position({ holdSide: 'short', marginSize: '250.5' })]),
			'/api/v2/mix/order/orders-pending': () => ok({ entrustedList: [] })
		});
		const snap = await adapter.accountSnapshot(await credentials());
		expect(snap.balances[0].positionMargin).toBe('850.5');
	});

	it('asks the account for posMode when no position says it', async () => {
		const { adapter, requests } = adapterWith({
			'/api/v2/mix/account/accounts': () => ok([]),
			'/api/v2/mix/position/all-position': () => ok([]),
			'/api/v2/mix/order/orders-pending': () => ok({ entrustedList: [] }),
			'/api/v2/mix/market/contracts': () =>
				ok([
					{
						symbol: 'ETHUSDT',
						baseCoin: 'ETH',
						quoteCoin: 'USDT',
						pricePlace: '2',
						priceEndStep: '1',
						volumePlace: '2',
						sizeMultiplier: '0.01',
						minTradeNum: '0.01',
						symbolStatus: 'normal',
						supportMarginCoins: ['USDT']
					}
				]),
			'/api/v2/mix/account/account': () => ok({ marginCoin: 'USDT', posMode: 'one_way_mode' })
		});
		const snap = await adapter.accountSnapshot(await credentials());
		expect(snap.positionMode).toBe('one-way');
		const account = requests.find((r) => r.url.pathname === '/api/v2/mix/account/account');
		expect(account?.url.search).toBe('?marginCoin=USDT&productType=USDT-FUTURES&symbol=ETHUSDT');
	});
});

describe('flash close (optional capability)', () => {
	it('surfaces every failure with its reason even when code is "00000"', async () => {
		const { adapter, requests } = adapterWith({
			'/api/v2/mix/order/close-positions': () =>
				ok({
					successList: [{ orderId: '1', clientOid: 'x1', symbol: 'BTCUSDT' }],
					failureList: [
						{
							orderId: '',
							clientOid: '',
							symbol: 'ETHUSDT',
							errorMsg: 'In delivery',
							errorCode: '40762'
						}
					]
				})
		});
		const result = await adapter.flashClose!(await credentials(), {
			symbol: 'BTCUSDT',
			side: 'long',
			positionMode: 'hedge'
		});
		expect(result.closed).toEqual([{ symbol: 'BTCUSDT', orderId: '1', clientOrderId: 'x1' }]);
		expect(result.failed).toEqual([
			{ symbol: 'ETHUSDT', orderId: '', reason: 'In delivery (code 40762)', code: '40762' }
		]);
		expect(JSON.parse(requests[0].body!)).toEqual({
			symbol: 'BTCUSDT',
			productType: 'USDT-FUTURES',
			holdSide: 'long'
		});
	});

	it('leaves holdSide out in one-way mode', async () => {
		const { adapter, requests } = adapterWith({
			'/api/v2/mix/order/close-positions': () => ok({ successList: [], failureList: [] })
		});
		await adapter.flashClose!(await credentials(), {
			symbol: 'BTCUSDT',
			side: 'short',
			positionMode: 'one-way'
		});
		expect(JSON.parse(requests[0].body!)).toEqual({
			symbol: 'BTCUSDT',
			productType: 'USDT-FUTURES'
		});
	});
});
