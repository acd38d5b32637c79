/**
 * Exact decimal-string division for converting trade quantities into contracts for display.
 * Floats would turn "0.037" / "0.001" into 36.99999…; BigInt keeps it 37.
 */

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

interface Scaled {
	units: bigint;
	scale: number;
}

function parseDecimal(value: string): Scaled | undefined {
	const match = DECIMAL.exec(value.trim());
	if (!match) return undefined;
	const [, sign, whole, fraction = ''] = match;
	return { units: BigInt(`${sign}${whole}${fraction}`), scale: fraction.length };
}

/** a ÷ b, truncated to `maxScale` decimals, trailing zeros dropped; undefined if not decimals or b is 0. */
export function divideDecimal(a: string, b: string, maxScale = 12): string | undefined {
	const dividend = parseDecimal(a);
	const divisor = parseDecimal(b);
	if (!dividend || !divisor || divisor.units === 0n) return undefined;
	const numerator = dividend.units * 10n ** BigInt(divisor.scale + maxScale);
	const denominator = divisor.units * 10n ** BigInt(dividend.scale);
	return formatScaled(numerator / denominator, maxScale);
}

function formatScaled(units: bigint, scale: number): string {
	const negative = units < 0n;
	const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
	const whole = digits.slice(0, digits.length - scale);
	const fraction = digits.slice(digits.length - scale).replace(/0+$/, '');
	const text = fraction ? `${whole}.${fraction}` : whole;
	return negative && text !== '0' ? `-${text}` : text;
}
