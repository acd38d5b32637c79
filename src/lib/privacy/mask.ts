/**
 * Privacy mode: balances, equity, PnL and sizes are replaced by a fixed mask, so neither the value
 * nor its number of digits can be read over a shoulder. Prices, percentages and times stay.
 */
export const MASK = '•••';

/** The value itself, or the mask. */
export function maskValue(text: string, hidden: boolean): string {
	return hidden ? MASK : text;
}

/**
 * Every standalone number in a free text (a feedback line, an audit description) masked. Digits
 * inside a word (a client order id, "BTCUSDT") are left alone: they are not amounts.
 */
export function maskNumbers(text: string, hidden: boolean): string {
	if (!hidden) return text;
	return text.replace(/(?<![\w.])[-+\u2212]?\d[\d,]*(?:\.\d+)?(?![\w])/g, MASK);
}
