/**
 * Decimal text → number, equal to `Number(text)` but several times faster on the short plain
 * decimals a book is made of ("65000.1", "0.00001234", "341"). It matters: the book parses a price
 * and a size per level, and `Number()` on a string was most of the cost of an update.
 *
 * Exact by construction: up to 15 digits the mantissa is an exact integer below 2^53, 10^d is exact
 * for d ≤ 22, and IEEE division rounds correctly, so `mantissa / 10^d` is the double nearest to the
 * decimal — the same double `Number()` returns. Anything else (longer, signed, exponent, spaces)
 * goes to `Number()` itself. Empty text is NaN, not 0.
 */

/** Literals, so each is exactly the power of ten. */
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/** The longest text taking the fast path: 15 digits and a point. */
const FAST_LENGTH = 16;

export function parseDecimal(text: string): number {
	const length = text.length;
	// One unsigned compare rejects both "" and anything too long.
	if ((length - 1) >>> 0 >= FAST_LENGTH) return parseUnusual(text);
	let mantissa = 0;
	let point = -1;
	for (let i = 0; i < length; i++) {
		const digit = text.charCodeAt(i) - 48;
		if (digit >>> 0 <= 9) mantissa = mantissa * 10 + digit;
		// -2 is '.'; a second point, a sign, an exponent or a space: not ours to judge.
		else if (digit === -2 && point < 0) point = i;
		else return parseUnusual(text);
	}
	if (point < 0) return length < FAST_LENGTH ? mantissa : parseUnusual(text);
	// "5." and ".5": rare enough to leave to Number().
	if (point === 0 || point === length - 1) return parseUnusual(text);
	return mantissa / POW10[length - point - 1];
}

/**
 * Out of line on purpose: it keeps `parseDecimal` small, so V8 inlines it more readily into the
 * book's per-level loop (a few per cent per update on `npx tsx bench/run.ts book`).
 */
function parseUnusual(text: string): number {
	return text.length === 0 ? NaN : Number(text);
}
