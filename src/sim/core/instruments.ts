import { decimalsOf } from './decimal';

/** What the simulator needs to know about one USDT-margined perpetual. */
export interface SimInstrument {
	symbol: string;
	base: string;
	quote: string;
	/** Base units per contract, as the venue writes it. */
	contractSize: string;
	/** Price tick; must be a power of ten ("0.1", "0.0001", "1"). */
	priceTick: string;
	/** Opening last price, in ticks. */
	startPrice: string;
	maxLeverage: number;
	maxVolume: number;
	/** Rough share of price moved per market tick (standard deviation). */
	volatility: number;
	/** Typical resting size per level, in contracts. */
	levelSize: number;
}

export const DEFAULT_INSTRUMENTS: readonly SimInstrument[] = [
	{
		symbol: 'BTCUSDT',
		base: 'BTC',
		quote: 'USDT',
		contractSize: '0.001',
		priceTick: '0.1',
		startPrice: '64250.0',
		maxLeverage: 100,
		maxVolume: 500000,
		volatility: 0.00008,
		levelSize: 900
	},
	{
		symbol: 'ETHUSDT',
		base: 'ETH',
		quote: 'USDT',
		contractSize: '0.01',
		priceTick: '0.01',
		startPrice: '3120.55',
		maxLeverage: 100,
		maxVolume: 500000,
		volatility: 0.0001,
		levelSize: 1200
	},
	{
		symbol: 'SOLUSDT',
		base: 'SOL',
		quote: 'USDT',
		contractSize: '1',
		priceTick: '0.001',
		startPrice: '148.215',
		maxLeverage: 50,
		maxVolume: 200000,
		volatility: 0.00015,
		levelSize: 300
	},
	{
		symbol: 'XRPUSDT',
		base: 'XRP',
		quote: 'USDT',
		contractSize: '10',
		priceTick: '0.0001',
		startPrice: '0.5321',
		maxLeverage: 50,
		maxVolume: 1000000,
		volatility: 0.00015,
		levelSize: 2500
	},
	{
		symbol: 'DOGEUSDT',
		base: 'DOGE',
		quote: 'USDT',
		contractSize: '100',
		priceTick: '0.00001',
		startPrice: '0.12340',
		maxLeverage: 50,
		maxVolume: 2000000,
		volatility: 0.0002,
		levelSize: 1800
	},
	{
		symbol: 'LINKUSDT',
		base: 'LINK',
		quote: 'USDT',
		contractSize: '1',
		priceTick: '0.001',
		startPrice: '14.532',
		maxLeverage: 50,
		maxVolume: 300000,
		volatility: 0.00015,
		levelSize: 600
	}
];

export function tickDecimals(instrument: SimInstrument): number {
	return decimalsOf(instrument.priceTick);
}
