import { describe, expect, it } from 'vitest';
import {
	normalizeTradeRow,
	normalizeTransactionRow,
	tradesQuery,
	transactionQuery
} from './ledger';

/** The docs' own transaction-history sample: two rows of different types share one tran_id. */
const DOCS_SAMPLE = [
	{
		symbol: '',
		type: 'Transfer',
		amount: '-0.37500000',
		asset: 'USDT',
		account: 'futures',
		time: '1570608000000',
		tran_id: '9689322392'
	},
	{
		symbol: 'BTCUSDT',
		type: 'Commission Fee',
		amount: '-0.01000000',
		asset: 'USDT',
		account: 'futures',
		time: '1570636800000',
		tran_id: '9689322392'
	}
];

describe('transaction-history rows', () => {
	it('keeps the two docs-sample rows that share a tran_id apart', () => {
		const [a, b] = DOCS_SAMPLE.map((r) => normalizeTransactionRow(r, 'acc'));
		expect(a.id).not.toBe(b.id);
		expect(a).toMatchObject({
			type: 'transfer',
			amount: '-0.37500000',
			asset: 'USDT',
			time: 1570608000000
		});
		expect(a.symbol).toBeUndefined();
		expect(b).toMatchObject({ type: 'fee', symbol: 'BTCUSDT', amount: '-0.01000000' });
	});

	it('gives a row fetched twice the same id', () => {
		const first = normalizeTransactionRow(DOCS_SAMPLE[1], 'acc');
		const again = normalizeTransactionRow({ ...DOCS_SAMPLE[1] }, 'acc');
		expect(again.id).toBe(first.id);
	});

	it('maps every documented type and keeps unknown ones as other', () => {
		const types = ['Realized PNL', 'Funding Fee', 'Liquidation Clearance', 'Bonus'].map(
			(type) => normalizeTransactionRow({ ...DOCS_SAMPLE[1], type }, 'acc').type
		);
		expect(types).toEqual(['realized-pnl', 'funding', 'liquidation', 'other']);
	});

	it('refuses an amount that is not a decimal rather than storing it', () => {
		expect(() => normalizeTransactionRow({ ...DOCS_SAMPLE[1], amount: 'NaN' }, 'acc')).toThrow();
	});

	it('asks in milliseconds with the largest documented page', () => {
		expect(transactionQuery({ from: 1662368173000, to: 1662368179000 })).toEqual({
			start_time: 1662368173000,
			end_time: 1662368179000,
			page_size: 1000
		});
	});
});

describe('trades rows', () => {
	const DOCS_TRADE = {
		order_id: '220921197409432',
		trade_id: '1141853921',
		symbol: 'BTCUSDT',
		side: 1,
		price: '19313.3',
		vol: '108',
		exec_type: 'Maker',
		profit: false,
		realised_profit: '-0.00832',
		paid_fees: '0',
		account: 'futures',
		create_time: 1663663818589
	};

	it('maps the docs sample', () => {
		expect(normalizeTradeRow(DOCS_TRADE, 'acc')).toEqual({
			id: '1141853921|220921197409432',
			accountId: 'acc',
			time: 1663663818589,
			symbol: 'BTCUSDT',
			orderId: '220921197409432',
			side: 'buy',
			price: '19313.3',
			size: '108',
			fee: '0',
			realizedPnl: '-0.00832',
			maker: true
		});
		expect(normalizeTradeRow({ ...DOCS_TRADE, side: 3 }, 'acc').side).toBe('sell');
	});

	it('asks in whole seconds, rounded outwards so no millisecond of the window is lost', () => {
		expect(tradesQuery({ from: 1662368173500, to: 1662368179001, symbol: 'BTCUSDT' })).toEqual({
			symbol: 'BTCUSDT',
			start_time: 1662368173,
			end_time: 1662368180
		});
		// The docs: end_time must be greater than start_time, even for a sub-second window.
		expect(tradesQuery({ from: 1662368173000, to: 1662368173000 })).toEqual({
			start_time: 1662368173,
			end_time: 1662368174
		});
	});
});
