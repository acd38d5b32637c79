/**
 * Position maths for linear (USDT-settled) contracts, where one contract is `contractSize` units
 * of the base asset.
 *
 * These feed the screen, so most return JS numbers: products and differences are computed exactly
 * on the decimal strings and turned into a double only at the end (ratios then divide two such
 * doubles), so the error is one or two roundings of the last bit. Never feed these numbers back
 * into an order — `baseQuantity` stays an exact string because an order may need it.
 */
import type { PositionSide } from '$lib/exchanges/types';
import {
	compareScaled,
	mulScaled,
	parseDecimal,
	subScaled,
	toDecimalString,
	toNumber,
	toScaled,
	type ScaledDecimal
} from './decimal';

const ZERO: ScaledDecimal = { int: 0n, scale: 0 };

function quantity(size: string, contractSize: string): ScaledDecimal {
	return mulScaled(parseDecimal(size), parseDecimal(contractSize));
}

/** Base-asset quantity of `size` contracts, exact: baseQuantity("12", "0.001") → "0.012". */
export function baseQuantity(size: string, contractSize: string): string {
	return toDecimalString(quantity(size, contractSize));
}

/** Quote value of the position at `price`: size × contractSize × price. */
export function notional(size: string, contractSize: string, price: string): number {
	return toNumber(mulScaled(quantity(size, contractSize), parseDecimal(price)));
}

export interface UnrealizedPnlInput {
	side: PositionSide;
	/** Contracts, as reported (positive for both sides). */
	size: string;
	contractSize: string;
	entry: string;
	mark: string;
}

/** Long: (mark − entry) × qty; short: (entry − mark) × qty; qty = size × contractSize. */
export function unrealizedPnl({
	side,
	size,
	contractSize,
	entry,
	mark
}: UnrealizedPnlInput): number {
	const move =
		side === 'long'
			? subScaled(parseDecimal(mark), parseDecimal(entry))
			: subScaled(parseDecimal(entry), parseDecimal(mark));
	return toNumber(mulScaled(quantity(size, contractSize), move));
}

/**
 * Return on margin as a fraction (0.25 = +25 %). Null when there is no margin to divide by (a
 * margin of zero or below would only show as infinity or a sign flip).
 */
export function roe(upnl: number | string, margin: number | string): number | null {
	// No margin of its own (a venue's cross position): no return on it either.
	if (margin === '') return null;
	const m = toScaled(margin);
	if (compareScaled(m, ZERO) <= 0) return null;
	return toNumber(toScaled(upnl)) / toNumber(m);
}

export interface LiquidationDistanceInput {
	side: PositionSide;
	mark: string;
	liquidation?: string;
}

/**
 * How far the mark can move against the position before liquidation, as a signed fraction of the
 * mark: long (mark − liq) / mark, short (liq − mark) / mark. Positive means room is left; negative
 * means the mark is already past the liquidation price. Null when there is no liquidation price
 * (missing, "" or ≤ 0: venues report "0" for positions that cannot be liquidated) or no mark.
 */
export function liquidationDistance({
	side,
	mark,
	liquidation
}: LiquidationDistanceInput): number | null {
	if (liquidation === undefined || liquidation === '' || mark === '') return null;
	const liq = parseDecimal(liquidation);
	const m = parseDecimal(mark);
	if (compareScaled(liq, ZERO) <= 0 || compareScaled(m, ZERO) <= 0) return null;
	const room = side === 'long' ? subScaled(m, liq) : subScaled(liq, m);
	return toNumber(room) / toNumber(m);
}

/** Share of equity held as position margin (0.4 = 40 %). Null when equity is zero or below. */
export function marginUsage(positionMargin: string, equity: string): number | null {
	const e = parseDecimal(equity);
	if (compareScaled(e, ZERO) <= 0) return null;
	return toNumber(parseDecimal(positionMargin)) / toNumber(e);
}
