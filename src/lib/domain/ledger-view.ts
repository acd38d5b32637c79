/** Filtering ledger rows and writing them as CSV: pure, for the history screen and its tests. */
import type { LedgerEntry, LedgerType } from '$lib/exchanges/types';

export interface LedgerFilter {
	/** Empty: every account. */
	accountId?: string;
	type?: LedgerType;
	symbol?: string;
	/** Unix ms, inclusive. */
	from?: number;
	/** Unix ms, inclusive. */
	to?: number;
}

export function filterLedger(rows: readonly LedgerEntry[], f: LedgerFilter): LedgerEntry[] {
	const from = f.from ?? -Infinity;
	const to = f.to ?? Infinity;
	return rows.filter(
		(r) =>
			r.time >= from &&
			r.time <= to &&
			(!f.accountId || r.accountId === f.accountId) &&
			(!f.type || r.type === f.type) &&
			(!f.symbol || r.symbol === f.symbol)
	);
}

export const CSV_HEADER = ['time', 'account', 'type', 'symbol', 'amount', 'asset', 'id'] as const;

/** RFC 4180 quoting, and a leading quote mark for text a spreadsheet would run as a formula. */
function cell(value: string): string {
	const safe = /^[=+\-@\t\r]/.test(value) && !/^-?\d/.test(value) ? `'${value}` : value;
	return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * CSV of the rows: a header row, ISO 8601 UTC times, amounts exactly as stored (never through a
 * float), accounts by label. Lines end with CRLF, as RFC 4180 has them.
 */
export function ledgerCsv(
	rows: readonly LedgerEntry[],
	accountLabel: (accountId: string) => string
): string {
	const lines = [CSV_HEADER.join(',')];
	for (const r of rows) {
		lines.push(
			[
				new Date(r.time).toISOString(),
				accountLabel(r.accountId),
				r.type,
				r.symbol ?? '',
				r.amount,
				r.asset,
				r.id
			]
				.map(cell)
				.join(',')
		);
	}
	return lines.join('\r\n') + '\r\n';
}

/** Symbols present in the rows, sorted, for the filter's choices. */
export function ledgerSymbols(rows: readonly LedgerEntry[]): string[] {
	const set = new Set<string>();
	for (const r of rows) if (r.symbol) set.add(r.symbol);
	return [...set].sort();
}
