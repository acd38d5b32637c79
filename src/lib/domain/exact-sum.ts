/**
 * Exact running sums of decimal strings, fast enough for 100,000 ledger rows per keystroke.
 *
 * `parseDecimal` + `addScaled` allocate a BigInt (and a power of ten) per row and per add, which
 * made the history's totals and chart series take hundreds of milliseconds. Ledger amounts are
 * short ("-0.01250000"), so here a plain amount of at most 15 digits is read into an integer
 * count of units held in a double, which is exact, and summed in doubles while the sum stays a
 * safe integer. Whatever does not fit (exponents, long amounts, sums past 2^53 units) goes through
 * BigInt, so every result is exact: the totals equal `addScaled` digit for digit.
 */
import { parseDecimal, toDecimalString, type ScaledDecimal } from './decimal';

/** One amount as read by `readAmount`: units / 10^scale, or `exact` when it did not fit. */
export class Amount {
	units = 0;
	scale = 0;
	exact: ScaledDecimal | null = null;

	/** Below zero (a "-0" is not). */
	get negative(): boolean {
		return this.exact ? this.exact.int < 0n : this.units < 0;
	}
}

// 10^0 … 10^22 are exact doubles.
const POW10: number[] = Array.from({ length: 23 }, (_, i) => 10 ** i);
const MAX_FAST_DIGITS = 15;

/**
 * Reads `text` into `into` (reused, so a loop over rows allocates nothing for plain amounts).
 * Accepts what `parseDecimal` accepts and throws what it throws.
 */
export function readAmount(text: string, into: Amount): Amount {
	const n = typeof text === 'string' ? text.length : 0;
	let i = 0;
	let negative = false;
	if (n > 0) {
		const first = text.charCodeAt(0);
		if (first === 45) {
			negative = true;
			i = 1;
		} else if (first === 43) {
			i = 1;
		}
	}
	let units = 0;
	let scale = 0;
	let digits = 0;
	let dot = false;
	let plain = n > 0;
	for (; i < n; i++) {
		const c = text.charCodeAt(i);
		if (c >= 48 && c <= 57) {
			units = units * 10 + (c - 48);
			digits++;
			if (dot) scale++;
		} else if (c === 46 && !dot) {
			dot = true;
		} else {
			plain = false;
			break;
		}
	}
	if (plain && digits > 0 && digits <= MAX_FAST_DIGITS) {
		into.units = negative ? -units : units;
		into.scale = scale;
		into.exact = null;
		return into;
	}
	// Exponents, long amounts, and malformed text (parseDecimal throws the usual error).
	into.exact = parseDecimal(text);
	into.units = 0;
	into.scale = 0;
	return into;
}

/** An exact running sum. `add` never loses a digit; `toNumber` is for drawing only. */
export class ExactSum {
	/** Overflow of `#small`, in units of 10^-#scale. */
	#big = 0n;
	/** Units of 10^-#scale, always a safe integer. */
	#small = 0;
	#scale = 0;

	add(a: Amount): void {
		if (a.exact) {
			this.#addExact(a.exact);
			return;
		}
		let units = a.units;
		if (a.scale > this.#scale) this.#rescale(a.scale);
		else if (a.scale < this.#scale) {
			units *= POW10[this.#scale - a.scale] ?? Infinity;
			// A product that is still a safe integer is exact; otherwise take the slow road.
			if (!Number.isSafeInteger(units)) {
				this.#addExact({ int: BigInt(a.units), scale: a.scale });
				return;
			}
		}
		const next = this.#small + units;
		// Two safe integers add exactly when the result is safe (past 2^53 rounding cannot
		// bring it back below), so only then is the double kept.
		if (Number.isSafeInteger(next)) this.#small = next;
		else {
			this.#big += BigInt(this.#small) + BigInt(units);
			this.#small = 0;
		}
	}

	/** The exact sum. */
	value(): ScaledDecimal {
		return { int: this.#big + BigInt(this.#small), scale: this.#scale };
	}

	/** Canonical text of the exact sum. */
	toString(): string {
		return toDecimalString(this.value());
	}

	/**
	 * For drawing: the double nearest the sum (an integer below 2^53 over an exact power of ten
	 * rounds once); larger sums go through their text.
	 */
	toNumber(): number {
		if (this.#big === 0n && this.#scale < POW10.length) return this.#small / POW10[this.#scale];
		return Number(this.toString());
	}

	#addExact(d: ScaledDecimal): void {
		if (d.scale > this.#scale) this.#rescale(d.scale);
		this.#big += d.int * 10n ** BigInt(this.#scale - d.scale);
	}

	#rescale(scale: number): void {
		const grown = this.#small * (POW10[scale - this.#scale] ?? Infinity);
		// Kept in the double while it stays exact, so drawing needs no BigInt.
		if (this.#big === 0n && Number.isSafeInteger(grown)) this.#small = grown;
		else {
			this.#big = (this.#big + BigInt(this.#small)) * 10n ** BigInt(scale - this.#scale);
			this.#small = 0;
		}
		this.#scale = scale;
	}
}
