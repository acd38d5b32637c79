/**
 * The overview's totals: balances of every account summed per settle asset, exactly.
 */
import type { Balance } from '$lib/exchanges/types';
import { addScaled, parseDecimal, toDecimalString, type ScaledDecimal } from './decimal';

export interface AssetTotals {
	asset: string;
	equity: string;
	available: string;
	positionMargin: string;
	unrealizedPnl: string;
	/** How many distinct accounts hold this asset. */
	accounts: number;
}

const SUMMED = ['equity', 'available', 'positionMargin', 'unrealizedPnl'] as const;
type SummedField = (typeof SUMMED)[number];

/**
 * Sums per asset, sorted by asset name. Expects one balance per account and asset (a snapshot,
 * not a history). A malformed amount throws naming the account and field: a silently wrong total
 * would be worse than a visible error.
 */
export function aggregateBalances(balances: readonly Balance[]): AssetTotals[] {
	const sums = new Map<string, { totals: Record<SummedField, ScaledDecimal>; ids: Set<string> }>();
	for (const balance of balances) {
		let entry = sums.get(balance.asset);
		if (!entry) {
			const zero = { int: 0n, scale: 0 };
			entry = {
				totals: { equity: zero, available: zero, positionMargin: zero, unrealizedPnl: zero },
				ids: new Set()
			};
			sums.set(balance.asset, entry);
		}
		for (const field of SUMMED) {
			entry.totals[field] = addScaled(entry.totals[field], readAmount(balance, field));
		}
		entry.ids.add(balance.accountId);
	}
	return [...sums.entries()]
		.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
		.map(([asset, { totals, ids }]) => ({
			asset,
			equity: toDecimalString(totals.equity),
			available: toDecimalString(totals.available),
			positionMargin: toDecimalString(totals.positionMargin),
			unrealizedPnl: toDecimalString(totals.unrealizedPnl),
			accounts: ids.size
		}));
}

function readAmount(balance: Balance, field: SummedField): ScaledDecimal {
	try {
		return parseDecimal(balance[field]);
	} catch (error) {
		throw new Error(
			`Balance ${field} of account ${balance.accountId} (${balance.asset}): ${(error as Error).message}`
		);
	}
}
