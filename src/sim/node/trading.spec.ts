import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimServer, type SimServer } from './server';
import { restClient, type TestKey } from './test-rest';

/** Positions, closes, PnL and fees through real HTTP, checked against numbers worked by hand. */

const FAST = { marketTickMs: 20, lifelessMs: 0 };
let server: SimServer;
let keys = 0;

beforeAll(async () => {
	// Rate limits are covered in rest.spec; here they would only make the flows flaky.
	server = await startSimServer({ seed: 21, timing: FAST, rateLimits: false });
});
afterAll(() => server.close());

function account(opts: { oneWay?: boolean } = {}) {
	const key: TestKey = { apiKey: `trade-key-${++keys}`, secret: `secret-${keys}`, memo: 'm' };
	const handle = server.sim.addAccount(key);
	if (opts.oneWay) handle.setPositionMode('one-way');
	return { handle, key, rest: restClient(server.url, key) };
}

type Row = Record<string, string | number | boolean>;

async function depthTop(symbol: string) {
	const res = await fetch(`${server.url}/contract/public/depth?symbol=${symbol}`);
	const { data } = (await res.json()) as { data: { bids: string[][]; asks: string[][] } };
	return { bid: data.bids[0], ask: data.asks[0] };
}

const POSITION_V2_FIELDS = [
	'account',
	'close_avg_price',
	'close_vol',
	'current_amount',
	'current_fee',
	'current_value',
	'entry_price',
	'initial_margin',
	'leverage',
	'liquidation_price',
	'maintenance_margin',
	'mark_price',
	'mark_value',
	'max_notional_value',
	'open_avg_price',
	'open_timestamp',
	'open_type',
	'position_amount',
	'position_cross',
	'position_side',
	'position_value',
	'realized_value',
	'symbol',
	'timestamp',
	'unrealized_pnl'
];

describe('positions via position-v2', () => {
	it('lists hedge positions as long and short rows in the docs’ shape, uPnL from the pinned mark', async () => {
		const { handle, rest } = account();
		handle.seedPosition({
			symbol: 'XRPUSDT',
			side: 'long',
			size: 100,
			entryPrice: '0.5000',
			leverage: 5,
			marginMode: 'isolated'
		});
		handle.seedPosition({ symbol: 'XRPUSDT', side: 'short', size: 40, entryPrice: '0.5200' });
		server.sim.setMarkPrice('XRPUSDT', '0.5100');
		const { json } = await rest.get('/contract/private/position-v2', { symbol: 'XRPUSDT' });
		const rows = json.data as Row[];
		expect(rows.map((r) => r.position_side)).toEqual(['long', 'short']);
		expect(Object.keys(rows[0]).sort()).toEqual(POSITION_V2_FIELDS);
		// Long: 100 × 10 XRP × 0.5 / 5 = 100 margin; (0.51 − 0.50) × 1000 XRP = +10.
		expect(rows[0]).toMatchObject({
			current_amount: '100',
			position_amount: '100',
			open_type: 'isolated',
			leverage: '5',
			mark_price: '0.5100',
			entry_price: '0.5',
			position_cross: '100',
			unrealized_pnl: '10',
			// 0.5 × (1 − 1/5 + 0.005)
			liquidation_price: '0.4025'
		});
		// Short: 40 × 10 × 0.52 / 10 = 20.8 margin; (0.52 − 0.51) × 400 = +4.
		expect(rows[1]).toMatchObject({
			current_amount: '40',
			position_amount: '40',
			open_type: 'cross',
			position_cross: '20.8',
			unrealized_pnl: '4'
		});
		const assets = await rest.get('/contract/private/assets-detail');
		const usdt = (assets.json.data as Row[]).find((a) => a.currency === 'USDT');
		// Wallet 10000: 120.8 held as margin, +14 unrealized.
		expect(usdt).toMatchObject({
			position_deposit: '120.8',
			available_balance: '9879.2',
			frozen_balance: '0',
			unrealized: '14',
			equity: '10014'
		});
		const mode = await rest.get('/contract/private/get-position-mode');
		expect(mode.json.data).toEqual({ position_mode: 'hedge_mode' });
		expect(handle.positions().find((p) => p.side === 'long')).toMatchObject({
			size: '100',
			margin: '100',
			liquidationPrice: '0.4025',
			unrealizedPnl: '10',
			marginMode: 'isolated'
		});
	});

	it('lists a one-way position as one "both" row with a signed position_amount', async () => {
		const { handle, rest } = account({ oneWay: true });
		handle.seedPosition({ symbol: 'LINKUSDT', side: 'short', size: 12, entryPrice: '15.000' });
		const { json } = await rest.get('/contract/private/position-v2', { symbol: 'LINKUSDT' });
		expect(json.data).toHaveLength(1);
		expect(json.data[0]).toMatchObject({
			position_side: 'both',
			current_amount: '12',
			position_amount: '-12'
		});
		const all = await rest.get('/contract/private/position-v2');
		expect((all.json.data as Row[]).map((r) => r.symbol)).toEqual(['LINKUSDT']);
		const mode = await rest.get('/contract/private/get-position-mode');
		expect(mode.json.data).toEqual({ position_mode: 'one_way_mode' });
	});
});

describe('quick closes', () => {
	it('closes 25 % then the rest of a long with side 3, booking PnL and the 0.06 % taker fee', async () => {
		const { handle, rest } = account();
		handle.seedPosition({
			symbol: 'BTCUSDT',
			side: 'long',
			size: 40,
			entryPrice: '60000',
			leverage: '10',
			marginMode: 'isolated'
		});
		server.sim.setMarkPrice('BTCUSDT', '61000.0');
		const top = await depthTop('BTCUSDT');
		// The close must fill at the pinned best bid: the level holds enough for both closes.
		expect(top.bid[0]).toBe('61000.0');
		expect(Number(top.bid[1])).toBeGreaterThanOrEqual(40);

		const quarter = await rest.post('/contract/private/submit-order', {
			symbol: 'BTCUSDT',
			client_order_id: 'perchQuarter1',
			side: 3,
			type: 'market',
			size: 10,
			open_type: 'isolated'
		});
		expect(quarter.json).toMatchObject({ code: 1000, data: { price: 'market price' } });
		const afterQuarter = await rest.get('/contract/private/position-v2', { symbol: 'BTCUSDT' });
		// Realized (61000 − 60000) × 10 × 0.001 = 10; fee 10 × 0.001 × 61000 × 0.0006 = 0.366.
		expect(afterQuarter.json.data[0]).toMatchObject({
			current_amount: '30',
			close_vol: '10',
			close_avg_price: '61000',
			realized_value: '10',
			position_cross: '180',
			unrealized_pnl: '30'
		});
		const order = await rest.get('/contract/private/order', {
			symbol: 'BTCUSDT',
			order_id: String(quarter.json.data.order_id)
		});
		expect(order.json.data).toMatchObject({
			state: 4,
			side: 3,
			type: 'market',
			size: '10',
			deal_size: '10',
			deal_avg_price: '61000',
			client_order_id: 'perchQuarter1',
			open_type: 'isolated'
		});

		const rest30 = await rest.post('/contract/private/submit-order', {
			symbol: 'BTCUSDT',
			client_order_id: 'perchRest1',
			side: 3,
			type: 'market',
			size: 30,
			open_type: 'isolated'
		});
		expect(rest30.json.code).toBe(1000);
		const gone = await rest.get('/contract/private/position-v2');
		expect(gone.json.data).toEqual([]);
		// 10000 + 10 + 30 realized − 0.366 − 1.098 fees.
		const usdt = ((await rest.get('/contract/private/assets-detail')).json.data as Row[])[0];
		expect(usdt).toMatchObject({
			currency: 'USDT',
			equity: '10038.536',
			available_balance: '10038.536',
			position_deposit: '0'
		});
		const fills = await rest.get('/contract/private/trades', { symbol: 'BTCUSDT' });
		expect(
			(fills.json.data as Row[]).map((f) => [f.vol, f.price, f.realised_profit, f.paid_fees])
		).toEqual([
			['30', '61000.0', '30', '1.098'],
			['10', '61000.0', '10', '0.366']
		]);
	});

	it('closes 25 % then the rest of a short with side 2 at the best ask', async () => {
		const { handle, rest } = account();
		handle.seedPosition({
			symbol: 'ETHUSDT',
			side: 'short',
			size: 20,
			entryPrice: '3000',
			leverage: '5',
			marginMode: 'cross'
		});
		server.sim.setMarkPrice('ETHUSDT', '2950.00');
		const top = await depthTop('ETHUSDT');
		expect(top.ask[0]).toBe('2950.01');
		expect(Number(top.ask[1])).toBeGreaterThanOrEqual(20);
		const close = (size: number, id: string) =>
			rest.post('/contract/private/submit-order', {
				symbol: 'ETHUSDT',
				client_order_id: id,
				side: 2,
				type: 'market',
				size,
				open_type: 'cross'
			});
		expect((await close(5, 'short5')).json.code).toBe(1000);
		const mid = await rest.get('/contract/private/position-v2', { symbol: 'ETHUSDT' });
		// Short realized (3000 − 2950.01) × 5 × 0.01 = 2.4995; margin 15 × 0.01 × 3000 / 5 = 90.
		expect(mid.json.data[1]).toMatchObject({
			position_side: 'short',
			current_amount: '15',
			realized_value: '2.4995',
			position_cross: '90',
			// (3000 − 2950) × 15 × 0.01
			unrealized_pnl: '7.5'
		});
		expect((await close(15, 'short15')).json.code).toBe(1000);
		const fills = (await rest.get('/contract/private/trades', { symbol: 'ETHUSDT' })).json
			.data as Row[];
		const fee5 = 5 * 0.01 * 2950.01 * 0.0006;
		const fee15 = 15 * 0.01 * 2950.01 * 0.0006;
		expect(fills.map((f) => f.price)).toEqual(['2950.01', '2950.01']);
		expect(Number(fills[0].realised_profit)).toBeCloseTo(7.4985, 8);
		expect(Number(fills[0].paid_fees)).toBeCloseTo(fee15, 8);
		expect(Number(fills[1].paid_fees)).toBeCloseTo(fee5, 8);
		const usdt = ((await rest.get('/contract/private/assets-detail')).json.data as Row[])[0];
		expect(Number(usdt.equity)).toBeCloseTo(10000 + 2.4995 + 7.4985 - fee5 - fee15, 8);
		expect(usdt.position_deposit).toBe('0');
	});

	it('refuses over-closes (40020), closes without a position (40021) and bad sizes, changing nothing', async () => {
		const { handle, rest } = account();
		handle.seedPosition({ symbol: 'SOLUSDT', side: 'long', size: 8, entryPrice: '150.000' });
		const submit = (body: Record<string, unknown>) =>
			rest.post('/contract/private/submit-order', {
				symbol: 'SOLUSDT',
				type: 'market',
				open_type: 'cross',
				...body
			});
		const over = await submit({ side: 3, size: 9 });
		expect(over.status).toBe(400);
		expect(over.json).toMatchObject({ code: 40020, message: 'Your position volume is not enough' });
		expect((await submit({ side: 2, size: 1 })).json).toMatchObject({
			code: 40021,
			message: 'The position is not exsit'
		});
		expect((await submit({ side: 3, size: 2.5 })).json.code).toBe(40043);
		expect((await submit({ side: 3, size: '2' })).json.code).toBe(40043);
		expect((await submit({ side: 3, size: 0 })).json.code).toBe(40044);
		expect((await submit({ side: 3, size: 1, open_type: undefined })).json.code).toBe(40045);
		expect((await submit({ side: 3, size: 1, client_order_id: 'bad-id!' })).json.code).toBe(40048);
		const pos = await rest.get('/contract/private/position-v2', { symbol: 'SOLUSDT' });
		expect(pos.json.data[0].current_amount).toBe('8');
		expect(handle.state.orders.size).toBe(0);
	});

	it('refuses a duplicate client_order_id with 40050', async () => {
		const { handle, rest } = account();
		handle.seedPosition({ symbol: 'SOLUSDT', side: 'long', size: 8, entryPrice: '150.000' });
		const body = {
			symbol: 'SOLUSDT',
			client_order_id: 'perchOnce',
			side: 3,
			type: 'market',
			size: 2,
			open_type: 'cross'
		};
		expect((await rest.post('/contract/private/submit-order', body)).json.code).toBe(1000);
		const again = await rest.post('/contract/private/submit-order', body);
		expect(again.status).toBe(403);
		expect(again.json).toMatchObject({
			code: 40050,
			message: 'Client OrderId duplicated with existing orders'
		});
		const pos = await rest.get('/contract/private/position-v2', { symbol: 'SOLUSDT' });
		expect(pos.json.data[0].current_amount).toBe('6');
	});

	it('keeps one-way reduce-only sides from flipping, while a plain sell flips the position', async () => {
		const { handle, rest } = account({ oneWay: true });
		handle.seedPosition({ symbol: 'DOGEUSDT', side: 'long', size: 10, entryPrice: '0.12000' });
		server.sim.setMarkPrice('DOGEUSDT', '0.12500');
		const submit = (side: number, size: number) =>
			rest.post('/contract/private/submit-order', {
				symbol: 'DOGEUSDT',
				side,
				type: 'market',
				size,
				open_type: 'cross'
			});
		expect((await submit(3, 11)).json.code).toBe(40020);
		expect((await submit(2, 1)).json.code).toBe(40021);
		const flip = await submit(4, 15);
		expect(flip.json.code).toBe(1000);
		const rows = (await rest.get('/contract/private/position-v2', { symbol: 'DOGEUSDT' })).json
			.data as Row[];
		expect(rows).toHaveLength(1);
		expect(rows[0]).toMatchObject({
			position_side: 'both',
			current_amount: '5',
			position_amount: '-5',
			entry_price: '0.125'
		});
		expect((await submit(2, 5)).json.code).toBe(1000);
		expect((await rest.get('/contract/private/position-v2')).json.data).toEqual([]);
	});
});

describe('order queries and cancels', () => {
	it('rests limit orders, lists them by symbol, and cancels by id, client id and symbol', async () => {
		const { handle, rest } = account();
		const a = handle.seedOrder({ symbol: 'ETHUSDT', side: 1, price: '1000.00', size: 3 });
		handle.seedOrder({
			symbol: 'ETHUSDT',
			side: 1,
			price: '1001.00',
			size: 2,
			clientOrderId: 'restB'
		});
		handle.seedOrder({ symbol: 'SOLUSDT', side: 4, price: '900.000', size: 1 });
		const eth = await rest.get('/contract/private/get-open-orders', { symbol: 'ETHUSDT' });
		expect((eth.json.data as Row[]).map((o) => [o.price, o.size, o.state, o.type])).toEqual([
			['1000.00', '3', 2, 'limit'],
			['1001.00', '2', 2, 'limit']
		]);
		// 3 × 0.01 × 1000 / 10 + 2 × 0.01 × 1001 / 10 + 1 × 1 × 900 / 10 frozen for opening orders.
		const usdt = ((await rest.get('/contract/private/assets-detail')).json.data as Row[])[0];
		expect(usdt).toMatchObject({ frozen_balance: '95.002', available_balance: '9904.998' });

		const byId = await rest.post('/contract/private/cancel-order', {
			symbol: 'ETHUSDT',
			order_id: a.orderId
		});
		expect(byId.json).toMatchObject({ code: 1000, data: {} });
		const canceled = await rest.get('/contract/private/order', {
			symbol: 'ETHUSDT',
			order_id: a.orderId
		});
		expect(canceled.json.data).toMatchObject({ state: 4, deal_size: '0' });
		expect(
			(
				await rest.post('/contract/private/cancel-order', {
					symbol: 'ETHUSDT',
					order_id: a.orderId
				})
			).json.code
		).toBe(40036);
		expect(
			(await rest.post('/contract/private/cancel-order', { symbol: 'ETHUSDT', order_id: '1' })).json
				.code
		).toBe(40035);
		const byClient = await rest.post('/contract/private/cancel-order', {
			symbol: 'ETHUSDT',
			client_order_id: 'restB'
		});
		expect(byClient.json.code).toBe(1000);
		expect((await rest.get('/contract/private/get-open-orders')).json.data).toHaveLength(1);
		await rest.post('/contract/private/cancel-orders', { symbol: 'SOLUSDT' });
		expect((await rest.get('/contract/private/get-open-orders')).json.data).toEqual([]);
		const history = await rest.get('/contract/private/order-history', {
			symbol: 'ETHUSDT',
			client_order_id: 'restB'
		});
		expect(history.json.data).toHaveLength(1);
		expect(history.json.data[0]).toMatchObject({ client_order_id: 'restB', state: 4 });
	});

	it('filters order-history by time in seconds and refuses an inverted or > 90-day window', async () => {
		const { handle, rest } = account();
		handle.seedOrder({ symbol: 'BTCUSDT', side: 1, price: '1000.0', size: 1, clientOrderId: 'h1' });
		const now = Math.floor(Date.now() / 1000);
		const inside = await rest.get('/contract/private/order-history', {
			symbol: 'BTCUSDT',
			start_time: now - 60,
			end_time: now + 60
		});
		expect((inside.json.data as Row[]).map((o) => o.client_order_id)).toEqual(['h1']);
		const before = await rest.get('/contract/private/order-history', {
			symbol: 'BTCUSDT',
			start_time: now - 7200,
			end_time: now - 3600
		});
		expect(before.json.data).toEqual([]);
		const inverted = await rest.get('/contract/private/order-history', {
			symbol: 'BTCUSDT',
			start_time: now,
			end_time: now - 10
		});
		expect(inverted.json.code).toBe(40039);
		const tooLong = await rest.get('/contract/private/order-history', {
			symbol: 'BTCUSDT',
			start_time: now - 91 * 86400,
			end_time: now
		});
		expect(tooLong.json.code).toBe(40039);
		expect((await rest.get('/contract/private/order-history', {})).json.code).toBe(40007);
	});

	it('writes realized PnL and fee rows to transaction-history, filtered by flow_type and paged', async () => {
		const { handle, rest } = account();
		handle.seedPosition({ symbol: 'LINKUSDT', side: 'long', size: 50, entryPrice: '14.000' });
		server.sim.setMarkPrice('LINKUSDT', '15.000');
		const close = await rest.post('/contract/private/submit-order', {
			symbol: 'LINKUSDT',
			side: 3,
			type: 'market',
			size: 50,
			open_type: 'cross'
		});
		expect(close.json.code).toBe(1000);
		const pnl = await rest.get('/contract/private/transaction-history', { flow_type: 2 });
		expect(pnl.json.data).toHaveLength(1);
		expect(Object.keys(pnl.json.data[0]).sort()).toEqual([
			'account',
			'amount',
			'asset',
			'flow_type',
			'symbol',
			'time',
			'tran_id',
			'type'
		]);
		// (15 − 14) × 50 × 1 LINK = 50; fee 50 × 15 × 0.0006 = 0.45.
		expect(pnl.json.data[0]).toMatchObject({
			symbol: 'LINKUSDT',
			type: 'Realized PNL',
			flow_type: 2,
			amount: '50',
			asset: 'USDT',
			account: 'futures'
		});
		expect(typeof pnl.json.data[0].time).toBe('string');
		const fees = await rest.get('/contract/private/transaction-history', {
			flow_type: 4,
			symbol: 'LINKUSDT'
		});
		expect((fees.json.data as Row[]).map((r) => [r.type, r.amount])).toEqual([
			['Commission Fee', '-0.45']
		]);
		const all = await rest.get('/contract/private/transaction-history');
		expect((all.json.data as Row[]).map((r) => r.type).sort()).toEqual([
			'Commission Fee',
			'Realized PNL',
			'Transfer'
		]);
		const paged = await rest.get('/contract/private/transaction-history', { page_size: 1 });
		expect(paged.json.data).toHaveLength(1);
		const start = Date.now() - 60_000;
		const windowed = await rest.get('/contract/private/transaction-history', {
			start_time: start,
			end_time: Date.now() + 1000,
			flow_type: 2
		});
		expect(windowed.json.data).toHaveLength(1);
		expect(
			(await rest.get('/contract/private/transaction-history', { flow_type: 9 })).json.code
		).toBe(40007);
	});
});
