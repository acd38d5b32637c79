import { describe, expect, it } from 'vitest';
import {
	balanceExtent,
	normalizeBalanceHistory,
	normalizeFundingPayment,
	parseStep,
	snapshotDate
} from './ledger';

// The docs' own samples ([FUT] "Funding Payment History", "Futures Order and Balance Detail").
const FUNDING_SAMPLE = {
	data: [
		{
			fundingRate: '0.00003666',
			paymentInUSDT: '-0.000142423',
			symbol: 'BTC-PERP',
			timestamp: 1642780800000
		},
		{
			fundingRate: '0.000109429',
			paymentInUSDT: '-0.000428031',
			symbol: 'BTC-PERP',
			timestamp: 1642752000000
		}
	],
	hasNext: true,
	page: 1,
	pageSize: 2
};

const BALANCE_SAMPLE = {
	balance: [
		{
			data: [{ asset: 'XPRTPC', curBalance: '-7.873230189', deltaQty: '0.004117158' }],
			eventType: 'Fundingpayment',
			sn: 18591022051,
			transactTime: 1634947227877
		},
		{
			data: [
				{ asset: 'BTCPC', curBalance: '-307.654491085', deltaQty: '10.673854479' },
				{ asset: 'USDT', curBalance: '149.493187792', deltaQty: '10.673854479' }
			],
			eventType: 'Futuressettlement',
			sn: 18590550015,
			transactTime: 1634913817331
		}
	],
	meta: { ac: 'futures', accountId: 'futfi7p9j312936d2hkjJpAahWyb4RCJ' },
	order: [
		{
			data: [
				{ asset: 'PORTP', curBalance: '1', dataType: 'trade', deltaQty: '1' },
				{ asset: 'PORTPC', curBalance: '-6.213726', dataType: 'trade', deltaQty: '-6.21' },
				{ asset: 'PORTPC', curBalance: '-6.213726', dataType: 'fee', deltaQty: '-0.003726' }
			],
			liquidityInd: 'RemovedLiquidity',
			orderId: 'r17ca5840c64U7684578612bportL84r',
			orderType: 'Market',
			side: 'Buy',
			sn: 18589783182,
			transactTime: 1634864467246
		}
	]
};

describe('AscendEX funding payments → ledger rows', () => {
	it('maps the documented sample, amount exactly as sent, one id per symbol and funding time', () => {
		const rows = FUNDING_SAMPLE.data.map((r) => normalizeFundingPayment(r, 'a1'));
		expect(rows[0]).toEqual({
			id: 'funding|BTC-PERP|1642780800000',
			accountId: 'a1',
			time: 1642780800000,
			type: 'funding',
			amount: '-0.000142423',
			asset: 'USDT',
			symbol: 'BTC-PERP'
		});
		expect(new Set(rows.map((r) => r.id)).size).toBe(2);
		// Fetched again (a page that shifted as new payments arrived): the same ids, stored once.
		expect(normalizeFundingPayment(FUNDING_SAMPLE.data[1], 'a1').id).toBe(rows[1].id);
	});
});

describe('AscendEX balance history → ledger rows', () => {
	const rows = normalizeBalanceHistory(BALANCE_SAMPLE, 'a1');

	it('books the settlement’s USDT line as realized PnL and leaves its …PC line out', () => {
		expect(rows.filter((r) => r.type === 'realized-pnl')).toEqual([
			{
				id: '18590550015|USDT',
				accountId: 'a1',
				time: 1634913817331,
				type: 'realized-pnl',
				amount: '10.673854479',
				asset: 'USDT'
			}
		]);
	});

	it('books the fill’s fee line (reference cost, valued in USDT); its trade lines are no money', () => {
		expect(rows.filter((r) => r.type === 'fee')).toEqual([
			{
				id: '18589783182|fee|PORTPC',
				accountId: 'a1',
				time: 1634864467246,
				type: 'fee',
				amount: '-0.003726',
				asset: 'USDT'
			}
		]);
		expect(rows).toHaveLength(2);
	});

	it('leaves Fundingpayment events out: funding comes from the funding-payments pages', () => {
		expect(rows.some((r) => r.type === 'funding')).toBe(false);
	});

	it('types deposits and withdrawals as transfers', () => {
		const moved = normalizeBalanceHistory(
			{
				balance: [
					{
						eventType: 'deposit',
						sn: 5,
						transactTime: 10,
						data: [{ asset: 'USDT', curBalance: '100', deltaQty: '100' }]
					},
					{
						eventType: 'withdrawal',
						sn: 6,
						transactTime: 11,
						data: [{ asset: 'USDT', curBalance: '60', deltaQty: '-40' }]
					}
				],
				order: []
			},
			'a1'
		);
		expect(moved.map((r) => [r.id, r.type, r.amount])).toEqual([
			['5|USDT', 'transfer', '100'],
			['6|USDT', 'transfer', '-40']
		]);
	});

	it('continues from the largest sn + 1 of all records, balance and order alike', () => {
		expect(balanceExtent(BALANCE_SAMPLE)).toEqual({ maxSn: 18591022051, records: 3 });
	});
});

describe('AscendEX ledger cursor', () => {
	it('walks funding pages, then the snapshot, then the balance history by sn', () => {
		expect(parseStep(undefined)).toEqual({ kind: 'funding', page: 1 });
		expect(parseStep('f:3')).toEqual({ kind: 'funding', page: 3 });
		expect(parseStep('s')).toEqual({ kind: 'snapshot' });
		expect(parseStep('b:18590550016')).toEqual({ kind: 'balance', sn: 18590550016 });
		expect(parseStep('nonsense')).toEqual({ kind: 'funding', page: 1 });
	});

	it('starts the balance history at the window’s day, or 7 days back at most', () => {
		const now = Date.UTC(2026, 10, 29, 12);
		expect(snapshotDate({ from: Date.UTC(2026, 10, 27, 5), to: now }, now)).toBe('2026-11-27');
		expect(snapshotDate({ from: Date.UTC(2026, 7, 1), to: now }, now)).toBe('2026-11-22');
	});
});
