import { describe, expect, it } from 'vitest';
import type { AccountCredentials } from '$lib/exchanges/types';
import {
	BITGET_LEDGER_PAGING,
	BitgetLedgerApi,
	billQuery,
	billType,
	fillQuery,
	normalizeBill,
	normalizeFill
} from './ledger';
import { BitgetRest } from './rest';

const DAY = 86_400_000;

describe('Bitget bills → ledger rows', () => {
	it('maps the documented transfer sample (ccxt fetchLedger capture) to one transfer row', () => {
		const rows = normalizeBill(
			{
				billId: '1111499428100472833',
				symbol: '',
				amount: '-11.64958799',
				fee: '0',
				feeByCoupon: '',
				businessType: 'trans_to_exchange',
				coin: 'USDT',
				cTime: '1700728034996'
			},
			'a1'
		);
		expect(rows).toEqual([
			{
				id: '1111499428100472833',
				accountId: 'a1',
				time: 1700728034996,
				type: 'transfer',
				amount: '-11.64958799',
				asset: 'USDT'
			}
		]);
	});

	it('splits a closing trade into realized PnL and its fee, each with its own stable id', () => {
		const bill = {
			billId: '1111499428100472900',
			symbol: 'BTCUSDT',
			amount: '12.5',
			fee: '-0.0372',
			feeByCoupon: '',
			businessType: 'close_long',
			coin: 'USDT',
			balance: '1012.46',
			cTime: '1700728035000'
		};
		const rows = normalizeBill(bill, 'a1');
		expect(rows.map((r) => [r.id, r.type, r.amount, r.symbol])).toEqual([
			['1111499428100472900', 'realized-pnl', '12.5', 'BTCUSDT'],
			['1111499428100472900|fee', 'fee', '-0.0372', 'BTCUSDT']
		]);
		// The same bill fetched twice gives the same ids: the store keeps it once.
		expect(normalizeBill(bill, 'a1').map((r) => r.id)).toEqual(rows.map((r) => r.id));
	});

	it('an opening trade has no PnL: only its fee is a row', () => {
		const rows = normalizeBill(
			{
				billId: '7',
				symbol: 'ETHUSDT',
				amount: '0',
				fee: '-0.1',
				businessType: 'open_short',
				coin: 'USDT',
				cTime: '1'
			},
			'a1'
		);
		expect(rows.map((r) => [r.type, r.amount])).toEqual([['fee', '-0.1']]);
	});

	it('types the documented business types', () => {
		expect(billType('contract_settle_fee')).toBe('funding');
		expect(billType('open_long')).toBe('realized-pnl');
		expect(billType('sell')).toBe('realized-pnl');
		expect(billType('force_close_short')).toBe('liquidation');
		expect(billType('burst_long_loss_query')).toBe('liquidation');
		expect(billType('trans_from_exchange')).toBe('transfer');
		expect(billType('append_margin')).toBe('transfer');
		expect(billType('delivery_long')).toBe('realized-pnl');
		expect(billType('bonus_issue')).toBe('other');
	});

	it('keeps a funding bill of zero fee as one funding row, amount exactly as sent', () => {
		const rows = normalizeBill(
			{
				billId: '9',
				symbol: 'BTCUSDT',
				amount: '-0.00012300',
				fee: '0',
				businessType: 'contract_settle_fee',
				coin: 'USDT',
				cTime: '1700726400000'
			},
			'a1'
		);
		expect(rows).toHaveLength(1);
		expect(rows[0]).toMatchObject({ type: 'funding', amount: '-0.00012300', id: '9' });
	});
});

describe('Bitget fills → ledger fills', () => {
	// ccxt's captured fill-history row (bitget.js, parseTrade comment).
	const fill = {
		tradeId: '1111468664328269825',
		symbol: 'BTCUSDT',
		orderId: '1111468664264753162',
		price: '37271.4',
		baseVolume: '0.001',
		feeDetail: [
			{ deduction: 'no', feeCoin: 'USDT', totalDeductionFee: null, totalFee: '-0.02236284' }
		],
		side: 'buy',
		quoteVolume: '37.2714',
		profit: '-0.0007',
		enterPointSource: 'web',
		tradeSide: 'close',
		posMode: 'hedge_mode',
		tradeScope: 'taker',
		cTime: '1700720700342'
	};

	it('reads a hedge-mode close: "buy" + close closes a long, so the trade sold', () => {
		expect(normalizeFill(fill, 'a1')).toEqual({
			id: '1111468664328269825|1111468664264753162',
			accountId: 'a1',
			time: 1700720700342,
			symbol: 'BTCUSDT',
			orderId: '1111468664264753162',
			side: 'sell',
			price: '37271.4',
			size: '0.001',
			fee: '-0.02236284',
			realizedPnl: '-0.0007',
			maker: false
		});
	});

	it('in one-way mode the side is the trade side', () => {
		expect(normalizeFill({ ...fill, posMode: 'one_way_mode' }, 'a1').side).toBe('buy');
	});
});

describe('Bitget ledger queries and paging', () => {
	it('asks in ms with the documented page size, continuing by idLessThan', () => {
		expect(billQuery({ from: 1000, to: 2000 })).toEqual({
			productType: 'USDT-FUTURES',
			startTime: 1000,
			endTime: 2000,
			limit: 100
		});
		expect(fillQuery({ from: 1, to: 2, cursor: '55', symbol: 'BTCUSDT' })).toMatchObject({
			idLessThan: '55',
			symbol: 'BTCUSDT',
			limit: 100
		});
		expect(BITGET_LEDGER_PAGING.entries!.maxWindowMs).toBe(30 * DAY);
		expect(BITGET_LEDGER_PAGING.fills!.maxWindowMs).toBe(7 * DAY);
		expect(BITGET_LEDGER_PAGING.entries!.cursor).toBe(true);
	});

	async function pageWith(bills: number, endId: string | null) {
		const urls: string[] = [];
		const rest = new BitgetRest({
			baseUrl: 'http://127.0.0.1:1',
			fetch: (async (url: string) => {
				urls.push(url);
				const list = Array.from({ length: bills }, (_, i) => ({
					billId: String(1000 - i),
					symbol: 'BTCUSDT',
					amount: '-0.1',
					fee: '0',
					businessType: 'contract_settle_fee',
					coin: 'USDT',
					cTime: String(5000 - i)
				}));
				return new Response(
					JSON.stringify({ code: '00000', msg: 'success', data: { bills: list, endId } })
				);
			}) as typeof fetch
		});
		const signingKey = await crypto.subtle.importKey(
			'raw',
			new TextEncoder().encode('secret'),
			{ name: 'HMAC', hash: 'SHA-256' },
			false,
			['sign']
		);
		const creds: AccountCredentials = {
			accountId: 'a1',
			apiKey: 'k',
			fields: { passphrase: 'p' },
			signingKey
		};
		const page = await new BitgetLedgerApi(rest).entries(creds, {
			from: 1000,
			to: 9000,
			cursor: '2000'
		});
		return { page, url: new URL(urls[0]) };
	}

	it('a full page hands its endId on as the cursor', async () => {
		const { page, url } = await pageWith(100, '901');
		expect(page.next).toBe('901');
		expect(page.rows).toHaveLength(100);
		expect(url.searchParams.get('idLessThan')).toBe('2000');
		expect(url.searchParams.get('startTime')).toBe('1000');
		expect(url.searchParams.get('limit')).toBe('100');
	});

	it('a short page ends the window even when it names an endId', async () => {
		const { page } = await pageWith(40, '961');
		expect(page.next).toBeUndefined();
	});
});
