import { describe, expect, it } from 'vitest';
import {
	normalizeAssetRow,
	normalizePositionMode,
	normalizeRestPosition
} from './account-normalize';
import { WireFormatError } from './fields';
import { normalizeRestOrder, statusFromState } from './order-normalize';

const ACCOUNT = 'acc-1';
const AT = 1_700_000_000_000;

// Rows copied from the docs (seeds/001, "Get Current Position V2"), with amounts filled in.
const hedgeLong = {
	symbol: 'BTCUSDT',
	leverage: '51',
	timestamp: 1746687096451,
	current_fee: '0.0000397',
	open_timestamp: 0,
	current_value: '0',
	mark_price: '98911.62032609',
	position_value: '0',
	position_cross: '19.4',
	maintenance_margin: '0',
	close_vol: '0',
	close_avg_price: '0',
	open_avg_price: '98000.1',
	entry_price: '98000.5',
	current_amount: '1000',
	position_amount: '1000',
	realized_value: '-0.3',
	mark_value: '0',
	account: 'futures',
	open_type: 'isolated',
	position_side: 'long',
	unrealized_pnl: '911.1',
	liquidation_price: '96100',
	max_notional_value: '500000',
	initial_margin: '19.2'
};

describe('normalizeRestPosition', () => {
	it('reads a hedge-mode row exactly as written', () => {
		expect(normalizeRestPosition(hedgeLong, ACCOUNT, 'hedge', AT)).toEqual({
			accountId: ACCOUNT,
			symbol: 'BTCUSDT',
			side: 'long',
			size: '1000',
			entryPrice: '98000.5',
			markPrice: '98911.62032609',
			liquidationPrice: '96100',
			margin: '19.4',
			leverage: '51',
			marginMode: 'isolated',
			positionMode: 'hedge',
			unrealizedPnl: '911.1',
			realizedPnl: '-0.3',
			updatedAt: 1746687096451
		});
	});

	it('takes a one-way row’s side from the sign of position_amount, the size without it', () => {
		const row = {
			...hedgeLong,
			position_side: 'both',
			current_amount: '25',
			position_amount: '-25',
			open_type: 'cross'
		};
		expect(normalizeRestPosition(row, ACCOUNT, 'one-way', AT)).toMatchObject({
			side: 'short',
			size: '25',
			marginMode: 'cross',
			positionMode: 'one-way'
		});
	});

	it('prefers position_type when a row has it, and open_avg_price when entry_price is 0', () => {
		const row = { ...hedgeLong, position_side: undefined, position_type: 2, entry_price: '0' };
		expect(normalizeRestPosition(row, ACCOUNT, 'hedge', AT)).toMatchObject({
			side: 'short',
			entryPrice: '98000.1'
		});
	});

	it('drops empty rows (the docs’ own examples are all empty)', () => {
		expect(normalizeRestPosition({ ...hedgeLong, current_amount: '0' }, ACCOUNT, 'hedge', AT)).toBe(
			null
		);
	});

	it('refuses a row with an unknown margin mode', () => {
		expect(() =>
			normalizeRestPosition({ ...hedgeLong, open_type: 'portfolio' }, ACCOUNT, 'hedge', AT)
		).toThrow(WireFormatError);
	});
});

describe('normalizeAssetRow and normalizePositionMode', () => {
	it('reads the docs’ asset row', () => {
		expect(
			normalizeAssetRow(
				{
					currency: 'USDT',
					position_deposit: '100',
					frozen_balance: '101',
					available_balance: '102',
					equity: '103',
					unrealized: '104'
				},
				ACCOUNT,
				AT
			)
		).toEqual({
			accountId: ACCOUNT,
			asset: 'USDT',
			equity: '103',
			available: '102',
			positionMargin: '100',
			frozen: '101',
			unrealizedPnl: '104',
			updatedAt: AT
		});
	});

	it('maps the position mode words', () => {
		expect(normalizePositionMode({ position_mode: 'hedge_mode' })).toBe('hedge');
		expect(normalizePositionMode({ position_mode: 'one_way_mode' })).toBe('one-way');
		expect(() => normalizePositionMode({ position_mode: 'both' })).toThrow(WireFormatError);
	});
});

describe('REST order status', () => {
	it.each([
		[1, '10', '0', 'pending'],
		[2, '10', '0', 'open'],
		[2, '10', '4', 'partially-filled'],
		[4, '10', '10', 'filled'],
		[4, '10', '4', 'canceled'],
		[4, '10', '0', 'canceled']
	] as const)('state %i, size %s, filled %s → %s', (state, size, filled, status) => {
		expect(statusFromState({ state, size, filled })).toBe(status);
	});

	it('reads the docs’ order-history row (a finished market close of a short)', () => {
		const order = normalizeRestOrder(
			{
				order_id: '3000101684062644',
				client_order_id: 'PLAN_3000097492004577',
				price: '0',
				size: '1',
				symbol: 'BTCUSDT',
				state: 4,
				side: 2,
				type: 'market',
				deal_avg_price: '84802',
				deal_size: '1',
				create_time: 1743160485193,
				update_time: 1743160485258
			},
			ACCOUNT
		);
		expect(order).toEqual({
			accountId: ACCOUNT,
			orderId: '3000101684062644',
			clientOrderId: 'PLAN_3000097492004577',
			symbol: 'BTCUSDT',
			side: 'buy',
			reduceOnly: true,
			type: 'market',
			price: '0',
			size: '1',
			filledSize: '1',
			avgFillPrice: '84802',
			status: 'filled',
			createdAt: 1743160485193,
			updatedAt: 1743160485258
		});
	});
});

describe('REST rows: decimals are checked strictly', () => {
	it.each([
		['current_amount', ' '],
		['current_amount', 'abc'],
		['mark_price', 'NaN'],
		['liquidation_price', ''],
		['leverage', '1.2.3']
	])('refuses a position row whose %s is %j rather than reading it as a number', (field, value) => {
		expect(() =>
			normalizeRestPosition({ ...hedgeLong, [field]: value }, ACCOUNT, 'hedge', AT)
		).toThrow(new RegExp(`${field}.*not a decimal`));
	});

	it('refuses an asset row with a malformed balance', () => {
		const row = { currency: 'USDT', equity: '10', available_balance: 'NaN' };
		expect(() => normalizeAssetRow(row, ACCOUNT, AT)).toThrow(WireFormatError);
	});
});
