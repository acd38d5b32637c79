/**
 * Exact decimal strings for the wire. Prices live as integer tick counts and sizes as integer
 * contracts inside the simulator, so nothing on the wire is a float that happened to round well.
 */

/**
 * Decimal places of a tick written as "0.01" / "1": the simulator's own ticks only. Kept apart
 * from the app's `decimalsOf` (domain/decimal) for the same reason as hmac.ts: the exchange's
 * stand-in does not borrow the client's arithmetic.
 */
export function decimalsOf(step: string): number {
	const dot = step.indexOf('.');
	return dot < 0 ? 0 : step.length - dot - 1;
}

/** An integer count of units of 10^-decimals, as a decimal string ("12345", 2 → "123.45"). */
export function formatScaled(units: number | bigint, decimals: number): string {
	const big = BigInt(units);
	const negative = big < 0n;
	const digits = (negative ? -big : big).toString().padStart(decimals + 1, '0');
	const whole = decimals === 0 ? digits : digits.slice(0, -decimals);
	const frac = decimals === 0 ? '' : digits.slice(-decimals);
	return `${negative ? '-' : ''}${whole}${frac ? '.' + frac : ''}`;
}

/**
 * Parse a decimal string into units of 10^-decimals; undefined when it is not a plain decimal or
 * has more places than allowed (the exchange rejects off-tick prices rather than rounding them).
 */
export function parseScaled(text: string, decimals: number): bigint | undefined {
	const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
	if (!match) return undefined;
	const frac = (match[3] ?? '').replace(/0+$/, '');
	if (frac.length > decimals) return undefined;
	const units = BigInt(match[2] + frac.padEnd(decimals, '0'));
	return match[1] ? -units : units;
}

/** A float as a plain decimal with at most `places` places, trailing zeros dropped. */
export function formatFloat(value: number, places: number): string {
	const fixed = value.toFixed(places);
	const trimmed = fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
	return trimmed === '-0' ? '0' : trimmed;
}
