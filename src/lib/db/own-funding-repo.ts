/**
 * The market screen's one read of the ledger: funding rows of one symbol. Kept apart from
 * ledger-repo so the market route's lazily loaded chunk pulls in this read only.
 */
import type { LedgerEntry } from '$lib/exchanges/types';
import type { PerchDatabase } from './open';

/**
 * Every stored funding row of exactly `symbol`, of every account, at or after `sinceMs`, oldest
 * first. Reads the symbol index (a symbol's rows are few next to the whole ledger) and keeps the
 * funding ones.
 */
export async function fundingForSymbol(
	db: PerchDatabase,
	symbol: string,
	sinceMs: number
): Promise<LedgerEntry[]> {
	const rows = await db.getAllFromIndex('ledger', 'by-symbol', symbol);
	return rows
		.filter((r) => r.type === 'funding' && r.time >= sinceMs)
		.sort((a, b) => a.time - b.time);
}
