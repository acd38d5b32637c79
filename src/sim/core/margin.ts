/**
 * The simulator's money rules, in one place so tests can compute the same numbers by hand.
 *
 * - Taker fee: 0.06 % of the fill's notional (size × contract size × fill price), the rate the
 *   docs' `trade-fee-rate` sample shows. Every market fill is a taker fill.
 * - Position margin: size × contract size × entry price / leverage (cross and isolated alike).
 * - Unrealized PnL: (mark − entry) × size × contract size for a long, the negative for a short.
 * - Maintenance margin: 0.5 % of the notional at entry.
 * - Liquidation price, with q = size × contract size and mm = entry × q × 0.005:
 *     isolated long  L = entry − (margin − mm) / q   = entry × (1 − 1/leverage + 0.005)
 *     isolated short L = entry + (margin − mm) / q   = entry × (1 + 1/leverage − 0.005)
 *     cross: the same with `margin + available` in place of `margin`, because a cross position can
 *     draw on the account's free balance (each cross position is priced as if it alone could).
 *   Never below 0.
 */

export const TAKER_FEE_RATE = 0.0006;
export const MAKER_FEE_RATE = 0.0002;
export const MAINTENANCE_MARGIN_RATE = 0.005;

export interface MarginInputs {
	side: 'long' | 'short';
	size: number;
	entryPrice: number;
	leverage: string;
	openType: 'cross' | 'isolated';
}

export function positionMargin(p: MarginInputs, contractSize: number): number {
	return (p.size * contractSize * p.entryPrice) / Number(p.leverage);
}

export function unrealizedPnl(p: MarginInputs, contractSize: number, mark: number): number {
	const pnl = (mark - p.entryPrice) * p.size * contractSize;
	return p.side === 'long' ? pnl : -pnl;
}

export function takerFee(vol: number, contractSize: number, price: number): number {
	return vol * contractSize * price * TAKER_FEE_RATE;
}

/** `available` is the account's free balance; only a cross position uses it. */
export function liquidationPrice(p: MarginInputs, contractSize: number, available: number): number {
	if (p.size === 0) return 0;
	const q = p.size * contractSize;
	const maintenance = p.entryPrice * q * MAINTENANCE_MARGIN_RATE;
	const buffer =
		positionMargin(p, contractSize) +
		(p.openType === 'cross' ? Math.max(0, available) : 0) -
		maintenance;
	const price = p.side === 'long' ? p.entryPrice - buffer / q : p.entryPrice + buffer / q;
	return Math.max(0, price);
}
