import type { SimInstrument } from '../core';

/**
 * AscendEX USDT perpetuals as the simulator lists them. Contract size is 1 on this venue
 * (`orderQty` and `position` are base-asset units), so the shared engine's "contract" here is one
 * lot: `contractSize` = `lotSize`, and every size inside the engine is a whole number of lots.
 */
export interface AscendexContract {
	instrument: SimInstrument;
	symbol: string;
	displayName: string;
	underlying: string;
	tickSize: string;
	lotSize: string;
	minQty: string;
	maxQty: string;
	minPrice: string;
	maxPrice: string;
	tradingStartTime: number;
}

interface ContractSpec {
	base: string;
	tickSize: string;
	lotSize: string;
	minQty: string;
	maxQty: string;
	startPrice: string;
	maxLeverage: number;
	volatility: number;
	/** Typical resting size per level, in lots. */
	levelLots: number;
}

const SPECS: ContractSpec[] = [
	{
		base: 'BTC',
		tickSize: '0.1',
		lotSize: '0.0001',
		minQty: '0.0001',
		maxQty: '100',
		startPrice: '64250.0',
		maxLeverage: 100,
		volatility: 0.00008,
		levelLots: 2500
	},
	{
		base: 'ETH',
		tickSize: '0.01',
		lotSize: '0.001',
		minQty: '0.001',
		maxQty: '2000',
		startPrice: '3120.55',
		maxLeverage: 100,
		volatility: 0.0001,
		levelLots: 4000
	},
	{
		base: 'SOL',
		tickSize: '0.001',
		lotSize: '0.01',
		minQty: '0.01',
		maxQty: '50000',
		startPrice: '148.215',
		maxLeverage: 50,
		volatility: 0.00015,
		levelLots: 6000
	},
	{
		base: 'XRP',
		tickSize: '0.0001',
		lotSize: '1',
		minQty: '1',
		maxQty: '2000000',
		startPrice: '0.5321',
		maxLeverage: 50,
		volatility: 0.00015,
		levelLots: 20000
	}
];

/** 2021-01-01, a plausible listing date that never moves between runs. */
const LISTED_AT = 1_609_459_200_000;

export const ASCENDEX_CONTRACTS: readonly AscendexContract[] = SPECS.map((s) => {
	const symbol = `${s.base}-PERP`;
	return {
		symbol,
		displayName: `${s.base}USDT`,
		underlying: `${s.base}/USDT`,
		tickSize: s.tickSize,
		lotSize: s.lotSize,
		minQty: s.minQty,
		maxQty: s.maxQty,
		minPrice: s.tickSize,
		maxPrice: '10000000',
		tradingStartTime: LISTED_AT,
		instrument: {
			symbol,
			base: s.base,
			quote: 'USDT',
			contractSize: s.lotSize,
			priceTick: s.tickSize,
			startPrice: s.startPrice,
			maxLeverage: s.maxLeverage,
			maxVolume: Math.round(Number(s.maxQty) / Number(s.lotSize)),
			volatility: s.volatility,
			levelSize: s.levelLots
		}
	};
});

/** Tiered margin as the contract endpoint reports it (the simulator's own margin is flat). */
export const MARGIN_REQUIREMENTS = [
	{
		positionNotionalLowerBound: '0',
		positionNotionalUpperBound: '50000',
		initialMarginRate: '0.01',
		maintenanceMarginRate: '0.006'
	},
	{
		positionNotionalLowerBound: '50000',
		positionNotionalUpperBound: '200000',
		initialMarginRate: '0.02',
		maintenanceMarginRate: '0.012'
	},
	{
		positionNotionalLowerBound: '200000',
		positionNotionalUpperBound: '2000000',
		initialMarginRate: '0.04',
		maintenanceMarginRate: '0.024'
	}
];
