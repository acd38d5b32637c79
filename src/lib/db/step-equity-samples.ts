/**
 * Schema step "equity samples": one new store, nothing else touched, so it can take whichever
 * version number it lands as (see open.ts). A sample per connected account a minute: a year of one
 * account is ~525,000 small records, read back by account and time.
 */
import type { IDBPDatabase } from 'idb';
import type { PerchDB } from './schema';

/** One account's equity at one instant, exact decimal strings in the settle asset. */
export interface EquitySampleRecord {
	accountId: string;
	/** Wall-clock Unix ms when it was taken. */
	time: number;
	asset: string;
	/** The balance's cash (its equity less the unrealized PnL it carried) plus `unrealizedPnl`. */
	equity: string;
	/** Summed over the positions from their live marks. */
	unrealizedPnl: string;
	/** Positions priced from a mark, and positions with neither a mark nor the venue's own figure. */
	priced: number;
	unpriced: number;
}

export interface EquityStores {
	equitySamples: {
		key: [string, number];
		value: EquitySampleRecord;
	};
}

export const EQUITY_STORES = ['equitySamples'] as const;

export function addEquitySamplesStore(db: IDBPDatabase<PerchDB>): void {
	if (!db.objectStoreNames.contains('equitySamples')) {
		db.createObjectStore('equitySamples', { keyPath: ['accountId', 'time'] });
	}
}
