/** Display formatting. Inputs are the wire's decimal strings; outputs are for eyes, never for orders. */

import { decimalsOf } from './domain/decimal';

/**
 * Display decimals for a tick or step: the one rule, `decimalsOf`, with a fallback of 2 while the
 * instrument is not known yet or its tick is not a decimal, since a label must not throw.
 */
export function stepDecimals(step: string | undefined): number {
	if (!step) return 2;
	try {
		return decimalsOf(step);
	} catch {
		return 2;
	}
}

const groupers = new Map<number, Intl.NumberFormat>();
function grouper(decimals: number): Intl.NumberFormat {
	let f = groupers.get(decimals);
	if (!f) {
		f = new Intl.NumberFormat('en-US', {
			minimumFractionDigits: decimals,
			maximumFractionDigits: decimals
		});
		groupers.set(decimals, f);
	}
	return f;
}

/** A price at the instrument's tick precision, with thousands separators. */
export function formatPrice(value: string | number | undefined | null, decimals: number): string {
	if (value === undefined || value === null || value === '') return '—';
	const n = typeof value === 'number' ? value : Number(value);
	if (!Number.isFinite(n)) return '—';
	return grouper(decimals).format(n);
}

/** A size in contracts; whole numbers stay whole. */
export function formatSize(value: string | number, decimals = 0): string {
	const n = typeof value === 'number' ? value : Number(value);
	if (!Number.isFinite(n)) return '—';
	if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
	if (n >= 1e4) return `${(n / 1e3).toFixed(1)}K`;
	return grouper(decimals).format(n);
}

/** A fraction as a signed percentage: "0.0001" → "+0.0100%". */
export function formatPercent(
	value: string | number | undefined | null,
	decimals = 2,
	signed = true
): string {
	if (value === undefined || value === null || value === '') return '—';
	const n = (typeof value === 'number' ? value : Number(value)) * 100;
	if (!Number.isFinite(n)) return '—';
	const sign = signed && n > 0 ? '+' : '';
	return `${sign}${n.toFixed(decimals)}%`;
}

/** How old a number is, short: "0.4s", "12s", "3m", "2h". */
export function formatAge(ms: number): string {
	if (ms < 0) ms = 0;
	if (ms < 10_000) return `${(ms / 1000).toFixed(1)}s`;
	if (ms < 60_000) return `${Math.floor(ms / 1000)}s`;
	if (ms < 3_600_000) return `${Math.floor(ms / 60_000)}m`;
	return `${Math.floor(ms / 3_600_000)}h`;
}

/** A countdown "07:59:12". */
export function formatCountdown(ms: number): string {
	const total = Math.max(0, Math.floor(ms / 1000));
	const h = Math.floor(total / 3600);
	const m = Math.floor((total % 3600) / 60);
	const s = total % 60;
	return [h, m, s].map((v) => String(v).padStart(2, '0')).join(':');
}

export function formatClock(ts: number): string {
	const d = new Date(ts);
	return [d.getHours(), d.getMinutes(), d.getSeconds()]
		.map((v) => String(v).padStart(2, '0'))
		.join(':');
}
