import { describe, expect, it } from 'vitest';
import type { Instrument } from '$lib/exchanges/types';
import {
	normalizeCandle,
	normalizeContract,
	normalizeDepthIncrease,
	normalizeFundingPoint,
	normalizeRestDepth,
	normalizeRestFunding,
	normalizeRestTrade,
	normalizeStreamFunding,
	normalizeStreamTrade,
	normalizeTicker
} from './normalize';
import { WireFormatError } from './fields';

// Rows copied from the docs (seeds/001), trimmed where noted.
const btcContract = {
	symbol: 'BTCUSDT',
	product_type: 1,
	base_currency: 'BTC',
	quote_currency: 'USDT',
	last_price: '23920',
	volume_24h: '18969368',
	turnover_24h: '458933659.7858',
	contract_size: '0.001',
	price_precision: '0.1',
	vol_precision: '1',
	max_volume: '500000',
	min_volume: '1',
	funding_rate: '0.0001',
	expected_funding_rate: '0.00011',
	change_24h: '0.004',
	funding_interval_hours: 8,
	status: 'Delisted'
};

describe('normalizeContract', () => {
	it('maps the docs example, keeping decimal strings as sent', () => {
		expect(normalizeContract(btcContract)).toEqual({
			venue: 'bitmart',
			symbol: 'BTCUSDT',
			base: 'BTC',
			quote: 'USDT',
			settle: 'USDT',
			contractSize: '0.001',
			priceTick: '0.1',
			sizeStep: '1',
			minSize: '1',
			maxSize: '500000',
			linear: true,
			fundingIntervalHours: 8,
			trading: false,
			turnover24h: '458933659.7858',
			lastPrice: '23920'
		});
	});

	it('reads status Trading as trading and tags the venue it is given', () => {
		const i = normalizeContract({ ...btcContract, status: 'Trading' }, 'demo');
		expect(i.trading).toBe(true);
		expect(i.venue).toBe('demo');
	});

	it('marks only USDT-settled contracts linear', () => {
		const usd = normalizeContract({ ...btcContract, symbol: 'BTCUSD', quote_currency: 'USD' });
		expect(usd.linear).toBe(false);
		expect(usd.settle).toBe('BTC');
		const usdc = normalizeContract({ ...btcContract, symbol: 'BTCUSDC', quote_currency: 'USDC' });
		expect(usdc.linear).toBe(false);
		expect(usdc.settle).toBe('USDC');
	});

	it('falls back to volume_precision, the name in the docs field table', () => {
		const { vol_precision: _omit, ...rest } = btcContract;
		expect(normalizeContract({ ...rest, volume_precision: '10' }).sizeStep).toBe('10');
	});

	it('throws a WireFormatError naming a missing field', () => {
		const { contract_size: _omit, ...rest } = btcContract;
		expect(() => normalizeContract(rest)).toThrow(WireFormatError);
		expect(() => normalizeContract(rest)).toThrow(/contract_size/);
		expect(() => normalizeContract(null)).toThrow(WireFormatError);
	});
});

describe('normalizeTicker', () => {
	it('maps the docs frame, using range as the fractional change', () => {
		const data = {
			symbol: 'BTCUSDT',
			last_price: '97153.6',
			volume_24: '25502894',
			range: '0.0016599204475393',
			mark_price: '97153.7',
			index_price: '97185.614',
			ask_price: '97153.9',
			ask_vol: '28',
			bid_price: '97153.4',
			bid_vol: '428'
		};
		expect(normalizeTicker(data, 1_700_000_000_000)).toEqual({
			symbol: 'BTCUSDT',
			last: '97153.6',
			mark: '97153.7',
			index: '97185.614',
			change24h: '0.0016599204475393',
			volume24h: '25502894',
			bid: '97153.4',
			ask: '97153.9',
			ts: 1_700_000_000_000
		});
	});
});

describe('funding', () => {
	it('takes the next settlement from nextFundingTime on the stream, not the now-ish fundingTime', () => {
		const data = {
			symbol: 'BTCUSDT',
			fundingRate: '0.000098800809',
			fundingTime: 1732525864000,
			nextFundingRate: '0.0000947',
			nextFundingTime: 1732550400000,
			funding_upper_limit: '0.0375',
			funding_lower_limit: '-0.0375',
			ts: 1732525864601
		};
		expect(normalizeStreamFunding(data)).toEqual({
			symbol: 'BTCUSDT',
			lastRate: '0.000098800809',
			nextRate: '0.0000947',
			nextFundingTime: 1732550400000,
			ts: 1732525864601
		});
	});

	it('reads the REST rate_value as the previous period and expected_rate as the next', () => {
		const data = {
			timestamp: 1662518172178,
			symbol: 'BTCUSDT',
			rate_value: '0.000164',
			expected_rate: '0.000165',
			funding_time: 1709971200000,
			funding_upper_limit: '0.0375',
			funding_lower_limit: '-0.0375'
		};
		expect(normalizeRestFunding(data)).toEqual({
			symbol: 'BTCUSDT',
			lastRate: '0.000164',
			nextRate: '0.000165',
			nextFundingTime: 1709971200000,
			ts: 1662518172178
		});
	});

	it('parses a history row whose time is a millisecond string', () => {
		expect(
			normalizeFundingPoint({
				symbol: 'BTCUSDT',
				funding_rate: '0.000090600584',
				funding_time: '1733979600000'
			})
		).toEqual({ time: 1733979600000, rate: '0.000090600584' });
	});
});

describe('normalizeCandle', () => {
	it('turns the seconds timestamp into milliseconds', () => {
		expect(
			normalizeCandle({
				timestamp: 1662518160,
				open_price: '100',
				close_price: '120',
				high_price: '130',
				low_price: '90',
				volume: '941008'
			})
		).toEqual({
			time: 1662518160000,
			open: '100',
			high: '130',
			low: '90',
			close: '120',
			volume: '941008'
		});
	});
});

describe('depth', () => {
	it('maps a depthIncrease update with absolute sizes, zero kept for removal', () => {
		const data = {
			symbol: 'BTCUSDT',
			asks: [
				{ price: '70395.3', vol: '341' },
				{ price: '70395.4', vol: '323' }
			],
			bids: [
				{ price: '70391.2', vol: '0' },
				{ price: '70353.4', vol: '11435' }
			],
			ms_t: 1730400086194,
			version: 980362,
			type: 'update'
		};
		expect(normalizeDepthIncrease(data)).toEqual({
			kind: 'update',
			symbol: 'BTCUSDT',
			version: 980362,
			asks: [
				{ price: '70395.3', size: '341' },
				{ price: '70395.4', size: '323' }
			],
			bids: [
				{ price: '70391.2', size: '0' },
				{ price: '70353.4', size: '11435' }
			],
			ts: 1730400086194
		});
	});

	it('accepts an update with no levels (it still advances the version)', () => {
		const m = normalizeDepthIncrease({
			symbol: 'BTCUSDT',
			asks: [],
			ms_t: 1,
			version: 5,
			type: 'update'
		});
		expect(m).toMatchObject({ kind: 'update', version: 5, asks: [], bids: [] });
	});

	it('rejects an unknown type and a level without vol', () => {
		const base = { symbol: 'X', ms_t: 1, version: 1, bids: [], asks: [] };
		expect(() => normalizeDepthIncrease({ ...base, type: 'delta' })).toThrow(/delta/);
		expect(() =>
			normalizeDepthIncrease({ ...base, type: 'snapshot', bids: [{ price: '1' }] })
		).toThrow(/vol/);
	});

	it('maps the REST depth arrays, dropping the cumulative column', () => {
		expect(
			normalizeRestDepth({
				asks: [['23935.4', '65', '65']],
				bids: [['23935.3', '10', '10']],
				timestamp: 1660285421287,
				symbol: 'BTCUSDT'
			})
		).toEqual({
			kind: 'snapshot',
			symbol: 'BTCUSDT',
			version: 0,
			asks: [{ price: '23935.4', size: '65' }],
			bids: [{ price: '23935.3', size: '10' }],
			ts: 1660285421287
		});
	});
});

describe('trades', () => {
	it('reads the stream trade side from m (buyer is maker → taker sold)', () => {
		const row = {
			trade_id: 1409495322,
			symbol: 'BTCUSDT',
			deal_price: '117387.58',
			deal_vol: '1445',
			m: true,
			created_at: '2023-02-24T07:54:11.124940968Z'
		};
		expect(normalizeStreamTrade(row)).toEqual({
			symbol: 'BTCUSDT',
			price: '117387.58',
			size: '1445',
			side: 'sell',
			ts: Date.UTC(2023, 1, 24, 7, 54, 11, 124)
		});
		expect(normalizeStreamTrade({ ...row, m: false }).side).toBe('buy');
	});

	it('falls back to the way code and accepts a millisecond created_at', () => {
		const row = { symbol: 'BTCUSDT', deal_price: '1', deal_vol: '2', created_at: 1700000000123 };
		expect(normalizeStreamTrade({ ...row, way: 2 })).toMatchObject({
			side: 'buy',
			ts: 1700000000123
		});
		expect(normalizeStreamTrade({ ...row, way: 7 }).side).toBe('sell');
		expect(() => normalizeStreamTrade(row)).toThrow(WireFormatError);
		expect(() => normalizeStreamTrade({ ...row, m: true, created_at: 'yesterday' })).toThrow(
			/created_at/
		);
	});

	const linear: Instrument = normalizeContract({ ...btcContract, status: 'Trading' });

	it('converts a REST trade from coin into contracts and seconds into ms', () => {
		const row = {
			symbol: 'BTCUSDT',
			price: '104146.5',
			qty: '0.037',
			quote_qty: '3853.4205',
			time: 1750347973,
			is_buyer_maker: true
		};
		expect(normalizeRestTrade(row, linear)).toEqual({
			symbol: 'BTCUSDT',
			price: '104146.5',
			size: '37',
			side: 'sell',
			ts: 1750347973000
		});
		expect(normalizeRestTrade({ ...row, is_buyer_maker: false }, linear).side).toBe('buy');
	});

	it('converts a coin-margined REST trade from its quote value', () => {
		const inverse = normalizeContract({
			...btcContract,
			symbol: 'BTCUSD',
			quote_currency: 'USD',
			contract_size: '100'
		});
		const row = {
			symbol: 'BTCUSD',
			price: '100000',
			qty: '0.05',
			quote_qty: '5000',
			time: 1750347973,
			is_buyer_maker: false
		};
		expect(normalizeRestTrade(row, inverse).size).toBe('50');
	});
});
