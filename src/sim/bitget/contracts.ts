import { formatScaled, parseScaled } from '../core/decimal';
import type { SimInstrument } from '../core/instruments';

/**
 * Bitget USDT-M contracts as `/api/v2/mix/market/contracts` describes them. Sizes on Bitget's wire
 * are in base coin; the shared market engine counts whole units, so one engine "contract" here is
 * one `sizeMultiplier` of base coin (`contractSize` = `sizeMultiplier`). Price ticks are
 * 10^-pricePlace (priceEndStep 1): the engine only walks power-of-ten ticks.
 */
export interface BitgetContract extends SimInstrument {
	pricePlace: number;
	priceEndStep: string;
	volumePlace: number;
	sizeMultiplier: string;
	minTradeNum: string;
	minTradeUSDT: string;
}

function contract(
	c: Omit<BitgetContract, 'base' | 'quote' | 'contractSize' | 'priceTick' | 'priceEndStep'>
): BitgetContract {
	return {
		...c,
		base: c.symbol.replace(/USDT$/, ''),
		quote: 'USDT',
		contractSize: c.sizeMultiplier,
		priceTick: c.pricePlace === 0 ? '1' : `0.${'0'.repeat(c.pricePlace - 1)}1`,
		priceEndStep: '1'
	};
}

export const BITGET_CONTRACTS: readonly BitgetContract[] = [
	contract({
		symbol: 'BTCUSDT',
		pricePlace: 1,
		volumePlace: 3,
		sizeMultiplier: '0.001',
		minTradeNum: '0.001',
		minTradeUSDT: '5',
		startPrice: '64250.0',
		maxLeverage: 125,
		maxVolume: 1_000_000,
		volatility: 0.00008,
		levelSize: 900
	}),
	contract({
		symbol: 'ETHUSDT',
		pricePlace: 2,
		volumePlace: 2,
		sizeMultiplier: '0.01',
		minTradeNum: '0.01',
		minTradeUSDT: '5',
		startPrice: '3120.55',
		maxLeverage: 100,
		maxVolume: 1_000_000,
		volatility: 0.0001,
		levelSize: 1200
	}),
	contract({
		symbol: 'SOLUSDT',
		pricePlace: 3,
		volumePlace: 1,
		sizeMultiplier: '0.1',
		minTradeNum: '0.1',
		minTradeUSDT: '5',
		startPrice: '148.215',
		maxLeverage: 75,
		maxVolume: 1_000_000,
		volatility: 0.00015,
		levelSize: 300
	}),
	// Minimum above the step: 10 XRP minimum, 1 XRP step.
	contract({
		symbol: 'XRPUSDT',
		pricePlace: 4,
		volumePlace: 0,
		sizeMultiplier: '1',
		minTradeNum: '10',
		minTradeUSDT: '5',
		startPrice: '0.5321',
		maxLeverage: 75,
		maxVolume: 5_000_000,
		volatility: 0.00015,
		levelSize: 2500
	}),
	// A step coarser than the last size decimal: sizes are multiples of 10 DOGE.
	contract({
		symbol: 'DOGEUSDT',
		pricePlace: 5,
		volumePlace: 0,
		sizeMultiplier: '10',
		minTradeNum: '100',
		minTradeUSDT: '5',
		startPrice: '0.12340',
		maxLeverage: 75,
		maxVolume: 2_000_000,
		volatility: 0.0002,
		levelSize: 1800
	})
];

/** Engine units per `sizeMultiplier`, in 10^-volumePlace steps. */
function multiplierUnits(c: BitgetContract): bigint {
	const units = parseScaled(c.sizeMultiplier, c.volumePlace);
	if (units === undefined || units <= 0n) throw new Error(`simulator: bad contract ${c.symbol}`);
	return units;
}

export type SizeCheck =
	{ ok: true; units: number } | { ok: false; reason: 'scale' | 'multiple' | 'minimum' | 'format' };

/** A base-coin size string as engine units, checked against volumePlace/sizeMultiplier/minTradeNum. */
export function parseSize(c: BitgetContract, text: string): SizeCheck {
	if (!/^\d+(\.\d+)?$/.test(text)) return { ok: false, reason: 'format' };
	const scaled = parseScaled(text, c.volumePlace);
	if (scaled === undefined) return { ok: false, reason: 'scale' };
	const step = multiplierUnits(c);
	if (scaled % step !== 0n) return { ok: false, reason: 'multiple' };
	const minimum = parseScaled(c.minTradeNum, c.volumePlace) ?? 0n;
	if (scaled < minimum || scaled === 0n) return { ok: false, reason: 'minimum' };
	return { ok: true, units: Number(scaled / step) };
}

/** Engine units as a base-coin size string, trailing zeros dropped ("0.500" → "0.5"). */
export function formatSize(c: BitgetContract, units: number): string {
	return trimZeros(formatScaled(BigInt(units) * multiplierUnits(c), c.volumePlace));
}

export function trimZeros(text: string): string {
	return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}
