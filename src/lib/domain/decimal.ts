/**
 * Exact decimal arithmetic on the strings exchanges send.
 *
 * A value is held as a scaled BigInt: `{ int: 12345n, scale: 2 }` is 123.45. Nothing in here goes
 * through a JS number except `toNumber` (for display) and the number inputs of `formatDecimal`,
 * which are read through their shortest round-trip text so 0.1 stays "0.1".
 */

/** value = int / 10^scale; scale is never negative. */
export interface ScaledDecimal {
	int: bigint;
	scale: number;
}

export class DecimalFormatError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'DecimalFormatError';
	}
}

const DECIMAL_PATTERN = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
// Wire values never need more; the cap stops "1e999999999" from allocating a huge BigInt.
const MAX_EXPONENT = 1000;

function describe(value: unknown): string {
	const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
	return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

function pow10(n: number): bigint {
	return 10n ** BigInt(n);
}

/**
 * Reads "123", "-0.5", "+1.50", ".5", "5.", "1e-5", "2.5E3". Rejects everything else ("", "abc",
 * "1.2.3", "NaN", "Infinity", " 1") with a DecimalFormatError. The scale is kept as written
 * ("1.50" → { int: 150n, scale: 2 }); exponents are folded in.
 */
export function parseDecimal(text: string): ScaledDecimal {
	const match = typeof text === 'string' ? DECIMAL_PATTERN.exec(text) : null;
	const whole = match?.[2] ?? '';
	const fraction = match?.[3] ?? '';
	if (!match || whole.length + fraction.length === 0) {
		throw new DecimalFormatError(`Not a decimal number: ${describe(text)}`);
	}
	const exponent = match[4] === undefined ? 0 : Number(match[4]);
	if (Math.abs(exponent) > MAX_EXPONENT) {
		throw new DecimalFormatError(`Exponent out of range in ${describe(text)}`);
	}
	const magnitude = BigInt(whole + fraction);
	const signed = match[1] === '-' ? -magnitude : magnitude;
	const scale = fraction.length - exponent;
	return scale >= 0 ? { int: signed, scale } : { int: signed * pow10(-scale), scale: 0 };
}

/** True when `parseDecimal` would accept the text. */
export function isDecimalString(text: unknown): text is string {
	if (typeof text !== 'string') return false;
	try {
		parseDecimal(text);
		return true;
	} catch {
		return false;
	}
}

/** A finite JS number read through its shortest round-trip text (0.1 → "0.1"), or a decimal string. */
export function toScaled(value: string | number): ScaledDecimal {
	if (typeof value === 'number') {
		if (!Number.isFinite(value)) throw new DecimalFormatError(`Not a finite number: ${value}`);
		return parseDecimal(String(value));
	}
	return parseDecimal(value);
}

/** Drops trailing fractional zeros: { 1500n, 3 } → { 15n, 1 }. */
export function normalizeScaled(d: ScaledDecimal): ScaledDecimal {
	let { int, scale } = d;
	while (scale > 0 && int % 10n === 0n) {
		int /= 10n;
		scale -= 1;
	}
	return { int, scale };
}

function rescale(d: ScaledDecimal, scale: number): bigint {
	return d.int * pow10(scale - d.scale);
}

function align(a: ScaledDecimal, b: ScaledDecimal): [bigint, bigint, number] {
	const scale = Math.max(a.scale, b.scale);
	return [rescale(a, scale), rescale(b, scale), scale];
}

/** Canonical text: no exponent, no trailing fractional zeros, never "-0". */
export function toDecimalString(d: ScaledDecimal): string {
	const { int, scale } = normalizeScaled(d);
	const negative = int < 0n;
	const digits = (negative ? -int : int).toString().padStart(scale + 1, '0');
	const whole = digits.slice(0, digits.length - scale);
	const fraction = digits.slice(digits.length - scale);
	return `${negative ? '-' : ''}${whole}${scale > 0 ? `.${fraction}` : ''}`;
}

export function compareScaled(a: ScaledDecimal, b: ScaledDecimal): -1 | 0 | 1 {
	const [x, y] = align(a, b);
	return x < y ? -1 : x > y ? 1 : 0;
}

export function addScaled(a: ScaledDecimal, b: ScaledDecimal): ScaledDecimal {
	const [x, y, scale] = align(a, b);
	return { int: x + y, scale };
}

export function subScaled(a: ScaledDecimal, b: ScaledDecimal): ScaledDecimal {
	const [x, y, scale] = align(a, b);
	return { int: x - y, scale };
}

export function mulScaled(a: ScaledDecimal, b: ScaledDecimal): ScaledDecimal {
	return { int: a.int * b.int, scale: a.scale + b.scale };
}

/** Division that rounds toward minus infinity (BigInt `/` truncates toward zero). */
export function floorDiv(a: bigint, b: bigint): bigint {
	const q = a / b;
	return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** The largest multiple of `step` that is ≤ `value`. The step must be above zero. */
export function floorScaledToStep(value: ScaledDecimal, step: ScaledDecimal): ScaledDecimal {
	if (step.int <= 0n)
		throw new DecimalFormatError(`Step must be above zero: ${toDecimalString(step)}`);
	const [v, s, scale] = align(value, step);
	return { int: floorDiv(v, s) * s, scale };
}

/** Rounds a non-negative value to the nearest multiple of step; an exact half goes down (closes less). */
export function roundScaledToStep(value: ScaledDecimal, step: ScaledDecimal): ScaledDecimal {
	if (step.int <= 0n)
		throw new DecimalFormatError(`Step must be above zero: ${toDecimalString(step)}`);
	const [v, s, scale] = align(value, step);
	return { int: floorDiv(2n * v + s - 1n, 2n * s) * s, scale };
}

export function compareDecimals(a: string, b: string): -1 | 0 | 1 {
	return compareScaled(parseDecimal(a), parseDecimal(b));
}

export function addDecimals(a: string, b: string): string {
	return toDecimalString(addScaled(parseDecimal(a), parseDecimal(b)));
}

export function subDecimals(a: string, b: string): string {
	return toDecimalString(subScaled(parseDecimal(a), parseDecimal(b)));
}

export function mulDecimals(a: string, b: string): string {
	return toDecimalString(mulScaled(parseDecimal(a), parseDecimal(b)));
}

/** floorToStep("1.2345", "0.01") → "1.23"; floorToStep("7", "5") → "5"; canonical text. */
export function floorToStep(value: string, step: string): string {
	return toDecimalString(floorScaledToStep(parseDecimal(value), parseDecimal(step)));
}

/** Fractional digits a step needs: "0.01" → 2, "1" → 0, "1e-5" → 5, "0.010" → 2. */
export function decimalsOf(step: string): number {
	return normalizeScaled(parseDecimal(step)).scale;
}

/** For display maths only: the nearest double to the exact value. */
export function toNumber(value: string | ScaledDecimal): number {
	return Number(
		typeof value === 'string' ? toDecimalString(parseDecimal(value)) : toDecimalString(value)
	);
}

export interface FormatOptions {
	/** Prefix "+" on values above zero (negatives always carry "-"). */
	sign?: boolean;
	/** Thousands separators in the whole part: 1,234,567.89. */
	grouping?: boolean;
}

/**
 * Display text with exactly `decimals` fractional digits, rounded half away from zero (the way
 * people round money). A value that rounds to zero shows no sign.
 */
export function formatDecimal(
	value: string | number,
	decimals: number,
	options: FormatOptions = {}
): string {
	if (!Number.isInteger(decimals) || decimals < 0 || decimals > MAX_EXPONENT) {
		throw new DecimalFormatError(`Decimals must be a whole number from 0: ${describe(decimals)}`);
	}
	const d = toScaled(value);
	let magnitude = d.int < 0n ? -d.int : d.int;
	if (d.scale > decimals) {
		const factor = pow10(d.scale - decimals);
		const remainder = magnitude % factor;
		magnitude = magnitude / factor + (2n * remainder >= factor ? 1n : 0n);
	} else {
		magnitude *= pow10(decimals - d.scale);
	}
	const digits = magnitude.toString().padStart(decimals + 1, '0');
	let whole = digits.slice(0, digits.length - decimals);
	const fraction = digits.slice(digits.length - decimals);
	if (options.grouping) whole = whole.replace(/\B(?=(\d{3})+$)/g, ',');
	const sign = magnitude === 0n ? '' : d.int < 0n ? '-' : options.sign ? '+' : '';
	return `${sign}${whole}${decimals > 0 ? `.${fraction}` : ''}`;
}
