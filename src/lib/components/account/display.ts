/** Small display helpers the account components share. For eyes only, never for orders. */
import { formatPrice } from '$lib/format';

/**
 * A signed amount already computed as a number (PnL, funding): "+12.34", "−0.0042".
 * Small amounts keep more places so a funding estimate of a few cents does not read "0.00".
 */
export function formatSignedAmount(value: number | null | undefined, decimals?: number): string {
	if (value === null || value === undefined || !Number.isFinite(value)) return '—';
	const places = decimals ?? (Math.abs(value) < 1 ? 4 : 2);
	// One cached formatter per precision: toLocaleString with options builds a new one per call,
	// which on a throttled phone cost more than the rest of an unlocked screen's first render.
	const abs = formatPrice(Math.abs(value), places);
	if (Number(abs.replace(/,/g, '')) === 0) return abs;
	// A real minus sign: the hyphen is easy to miss in a dense column of numbers.
	return `${value < 0 ? '\u2212' : '+'}${abs}`;
}

/** Which colour a signed value takes: 'pos', 'neg' or '' for zero and unknown. */
export function signTone(value: number | string | null | undefined): 'pos' | 'neg' | '' {
	const n = typeof value === 'string' ? Number(value) : value;
	if (n === null || n === undefined || !Number.isFinite(n) || n === 0) return '';
	return n > 0 ? 'pos' : 'neg';
}

/** A local date and time, compact: "03-14 09:05:07". */
export function formatStamp(ts: number): string {
	const d = new Date(ts);
	const two = (v: number) => String(v).padStart(2, '0');
	return `${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** How close the liquidation price is, from its signed distance as a fraction of the mark. */
export function liquidationRisk(distance: number | null): 'unknown' | 'ok' | 'warn' | 'danger' {
	if (distance === null || !Number.isFinite(distance)) return 'unknown';
	if (distance < 0.03) return 'danger';
	if (distance < 0.1) return 'warn';
	return 'ok';
}

/** Stale when the mark is older than this, or its age is unknown. */
export const MARK_STALE_MS = 5000;

export function isMarkStale(markAgeMs: number | null): boolean {
	return markAgeMs === null || markAgeMs > MARK_STALE_MS;
}
