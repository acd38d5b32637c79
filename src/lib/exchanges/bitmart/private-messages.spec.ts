import { describe, expect, it } from 'vitest';
import { parsePrivateMessage } from './private-messages';

const ACCOUNT = 'acc-1';
const NOW = 1_700_000_000_000;

// Frames copied from the docs (seeds/001, "【Private】Assets/Position/Order Channel") unless noted.
const docOrderFrame = (action: number, order: Record<string, unknown> = {}) => ({
	group: 'futures/order',
	data: [
		{
			action,
			order: {
				order_id: '220906179895578',
				client_order_id: 'BM1234',
				price: '1',
				size: '1000',
				symbol: 'BTCUSDT',
				state: 2,
				side: 1,
				type: 'limit',
				leverage: '5',
				open_type: 'isolated',
				deal_avg_price: '0',
				deal_size: '0',
				create_time: 1662368173000,
				update_time: 1662368173000,
				plan_order_id: '220901412155341',
				last_trade: {
					lastTradeID: 1247592391,
					fillQty: '1',
					fillPrice: '25667.2',
					fee: '-0.00027',
					feeCcy: 'USDT'
				},
				trigger_price: '-',
				trigger_price_type: '-',
				execution_price: '-',
				activation_price_type: '-',
				activation_price: '-',
				callback_rate: '-',
				position_mode: 'hedge_mode',
				...order
			}
		}
	]
});

describe('parsePrivateMessage: asset channel', () => {
	it('turns the docs’ asset frame into a partial balance with only the fields it carries', () => {
		const events = parsePrivateMessage(
			{
				group: 'futures/asset:BTC',
				data: {
					currency: 'BTC',
					available_balance: '1000',
					position_deposit: '1000',
					frozen_balance: '1000'
				}
			},
			ACCOUNT,
			NOW
		);
		expect(events).toEqual([
			{
				type: 'balance',
				balance: {
					accountId: ACCOUNT,
					asset: 'BTC',
					available: '1000',
					positionMargin: '1000',
					frozen: '1000',
					updatedAt: NOW
				}
			}
		]);
	});

	it('keeps equity and unrealized PnL when a frame has them', () => {
		const [event] = parsePrivateMessage(
			{
				group: 'futures/asset:USDT',
				data: { currency: 'USDT', available_balance: '5', equity: '7.5', unrealized: '-0.25' }
			},
			ACCOUNT,
			NOW
		);
		expect(event).toEqual({
			type: 'balance',
			balance: {
				accountId: ACCOUNT,
				asset: 'USDT',
				available: '5',
				equity: '7.5',
				unrealizedPnl: '-0.25',
				updatedAt: NOW
			}
		});
	});
});

describe('parsePrivateMessage: position channel', () => {
	const docRow = {
		symbol: 'BTCUSDT',
		hold_volume: '2000',
		position_type: 1,
		open_type: 1,
		frozen_volume: '0',
		close_volume: '0',
		hold_avg_price: '19406.2092',
		close_avg_price: '0',
		open_avg_price: '19406.2092',
		liquidate_price: '15621.998406',
		create_time: 1662692862255,
		update_time: 1662692862255,
		position_mode: 'hedge_mode'
	};

	it('reads the docs’ row: size from hold_volume, numeric side and margin mode', () => {
		const events = parsePrivateMessage({ group: 'futures/position', data: [docRow] }, ACCOUNT, NOW);
		expect(events).toEqual([
			{
				type: 'position',
				position: {
					accountId: ACCOUNT,
					symbol: 'BTCUSDT',
					side: 'long',
					size: '2000',
					entryPrice: '19406.2092',
					liquidationPrice: '15621.998406',
					marginMode: 'isolated',
					positionMode: 'hedge',
					updatedAt: 1662692862255
				}
			}
		]);
	});

	it('maps position_type 2 to short, open_type 2 to cross and passes a zero size on', () => {
		const events = parsePrivateMessage(
			{
				group: 'futures/position',
				data: [
					{
						...docRow,
						position_type: 2,
						open_type: 2,
						hold_volume: '0',
						position_mode: 'one_way_mode'
					}
				]
			},
			ACCOUNT,
			NOW
		);
		expect(events[0]).toMatchObject({
			type: 'position',
			position: { side: 'short', size: '0', marginMode: 'cross', positionMode: 'one-way' }
		});
	});

	it('reports a bad row as an error and still delivers the good ones', () => {
		const events = parsePrivateMessage(
			{
				group: 'futures/position',
				data: [{ ...docRow, position_type: 7 }, { ...docRow, symbol: 'ETHUSDT' }, 'junk']
			},
			ACCOUNT,
			NOW
		);
		expect(events.map((e) => e.type)).toEqual(['error', 'position', 'error']);
		expect(events[0]).toMatchObject({ message: expect.stringMatching(/position_type/) });
		expect(events[1]).toMatchObject({ position: { symbol: 'ETHUSDT' } });
	});
});

describe('parsePrivateMessage: order channel', () => {
	it('reads the docs’ frame (action 3 = cancel order) as a canceled order', () => {
		const events = parsePrivateMessage(docOrderFrame(3), ACCOUNT, NOW);
		expect(events).toEqual([
			{
				type: 'order',
				order: {
					accountId: ACCOUNT,
					orderId: '220906179895578',
					clientOrderId: 'BM1234',
					symbol: 'BTCUSDT',
					side: 'buy',
					reduceOnly: false,
					type: 'limit',
					price: '1',
					size: '1000',
					filledSize: '0',
					// Nothing filled: the frame's last_trade does not make up an average.
					avgFillPrice: '0',
					status: 'canceled',
					createdAt: 1662368173000,
					updatedAt: 1662368173000
				}
			}
		]);
	});

	it.each([
		[2, { state: 2, deal_size: '0' }, 'open'],
		[2, { state: 1, deal_size: '0' }, 'pending'],
		[1, { state: 2, deal_size: '400' }, 'partially-filled'],
		[1, { state: 4, deal_size: '1000' }, 'filled'],
		[1, { state: 4, deal_size: '1000.0' }, 'filled'],
		[8, { state: 4, deal_size: '1000' }, 'filled'],
		[9, { state: 2, deal_size: '10' }, 'partially-filled'],
		[4, { state: 4, deal_size: '0' }, 'canceled'],
		[5, { state: 4, deal_size: '300' }, 'canceled'],
		[6, { state: 2, deal_size: '300' }, 'partially-filled'],
		[7, { state: 4, deal_size: '1000' }, 'filled']
	] as const)('action %i with %o is %s', (action, order, status) => {
		const [event] = parsePrivateMessage(docOrderFrame(action, order), ACCOUNT, NOW);
		expect(event).toMatchObject({ type: 'order', order: { status } });
	});

	it('reads close sides as reduce-only and keeps the running average price', () => {
		const [closeLong] = parsePrivateMessage(
			docOrderFrame(1, {
				side: 3,
				type: 'market',
				state: 4,
				deal_size: '1000',
				deal_avg_price: '25660.1'
			}),
			ACCOUNT,
			NOW
		);
		expect(closeLong).toMatchObject({
			order: { side: 'sell', reduceOnly: true, type: 'market', avgFillPrice: '25660.1' }
		});
		const [firstFill] = parsePrivateMessage(
			docOrderFrame(1, { deal_size: '1', deal_avg_price: '0' }),
			ACCOUNT,
			NOW
		);
		// Filled, but no running average yet: the last fill's price stands in.
		expect(firstFill).toMatchObject({ order: { filledSize: '1', avgFillPrice: '25667.2' } });
		const [closeShort] = parsePrivateMessage(
			docOrderFrame(2, { side: 2, client_order_id: '', type: 'take_profit' }),
			ACCOUNT,
			NOW
		);
		expect(closeShort).toMatchObject({
			order: { side: 'buy', reduceOnly: true, type: 'other', clientOrderId: undefined }
		});
	});
});

describe('parsePrivateMessage: everything else', () => {
	it('ignores subscribe acks, pongs and unknown groups', () => {
		for (const msg of [
			{
				action: 'subscribe',
				group: 'futures/position',
				success: true,
				request: { action: 'subscribe', args: ['futures/position'] }
			},
			{ group: 'System', data: 'pong+abc' },
			{ group: 'futures/unicast', data: { anything: 1 } },
			{ hello: 'world' }
		]) {
			expect(parsePrivateMessage(msg, ACCOUNT, NOW)).toEqual([]);
		}
	});

	it('turns the docs’ refusal into an error event', () => {
		expect(
			parsePrivateMessage(
				{
					action: 'subscribe',
					group: 'futures/order',
					success: false,
					error: 'futures/order need authenication'
				},
				ACCOUNT,
				NOW
			)
		).toEqual([
			{
				type: 'error',
				message:
					'BitMart refused a subscribe request (futures/order): futures/order need authenication'
			}
		]);
	});

	it.each([
		null,
		'text',
		42,
		[1, 2],
		{ group: 'futures/order', data: 'nope' },
		{ group: 'futures/asset:USDT', data: { available_balance: '1' } },
		{ group: 'futures/order', data: [{ action: 1 }] },
		{ group: 'futures/order', data: [{ action: 1, order: { order_id: '1', side: 9 } }] }
	])('never throws on garbage (%j): it reports an error', (msg) => {
		const events = parsePrivateMessage(msg, ACCOUNT, NOW);
		expect(events).toHaveLength(1);
		expect(events[0].type).toBe('error');
	});
});

describe('parsePrivateMessage: decimal fields are checked before they are passed on', () => {
	const row = {
		symbol: 'BTCUSDT',
		hold_volume: '5',
		position_type: 1,
		open_type: 2,
		hold_avg_price: '60000',
		open_avg_price: '60000',
		liquidate_price: '50000',
		update_time: 1_700_000_000_500,
		position_mode: 'hedge_mode'
	};
	const position = (fields: Record<string, unknown>) =>
		parsePrivateMessage({ group: 'futures/position', data: [{ ...row, ...fields }] }, ACCOUNT, NOW);

	it.each([' ', '', 'abc', 'NaN', 'Infinity', '1.2.3', '5 ', '--5'])(
		'drops a position row whose hold_volume is %j and says so',
		(volume) => {
			const events = position({ hold_volume: volume });
			expect(events).toHaveLength(1);
			expect(events[0]).toMatchObject({
				type: 'error',
				message: expect.stringMatching(/futures\/position.*hold_volume/)
			});
		}
	);

	it.each(['hold_avg_price', 'liquidate_price', 'mark_price', 'leverage'])(
		'drops a position row whose %s is not a decimal',
		(field) => {
			const events = position({ [field]: 'NaN' });
			expect(events.map((e) => e.type)).toEqual(['error']);
			expect(events[0]).toMatchObject({ message: expect.stringContaining(field) });
		}
	);

	it('still passes a well-formed row, a signed size and an exponent the decimal parser reads', () => {
		expect(position({ hold_volume: '-7' })[0]).toMatchObject({ position: { size: '7' } });
		expect(position({ hold_volume: '0' })[0]).toMatchObject({ position: { size: '0' } });
	});

	it.each(['available_balance', 'position_deposit', 'frozen_balance', 'equity', 'unrealized'])(
		'drops an asset frame whose %s is not a decimal',
		(field) => {
			const events = parsePrivateMessage(
				{
					group: 'futures/asset:USDT',
					data: { currency: 'USDT', available_balance: '5', [field]: 'abc' }
				},
				ACCOUNT,
				NOW
			);
			expect(events.map((e) => e.type)).toEqual(['error']);
			expect(events[0]).toMatchObject({ message: expect.stringContaining(field) });
		}
	);

	it.each(['size', 'price', 'deal_size', 'deal_avg_price'])(
		'drops an order row whose %s is not a decimal',
		(field) => {
			const events = parsePrivateMessage(docOrderFrame(2, { [field]: 'abc' }), ACCOUNT, NOW);
			expect(events.map((e) => e.type)).toEqual(['error']);
			expect(events[0]).toMatchObject({ message: expect.stringContaining(field) });
		}
	);

	it('never hands an unreadable value on: every decimal it passes parses', () => {
		const [event] = position({});
		expect(event).toMatchObject({
			type: 'position',
			position: { size: '5', entryPrice: '60000', updatedAt: 1_700_000_000_500 }
		});
	});
});
