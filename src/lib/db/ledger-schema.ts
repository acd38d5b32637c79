/**
 * The ledger's stores, added by one self-contained upgrade step. The step knows nothing of its
 * version number: open.ts calls it from whichever `if (oldVersion < N)` it lands in.
 */
import type { LedgerEntry, LedgerFill, LedgerStream, LedgerWindow } from '$lib/exchanges/types';

/** Where one account's sync of one endpoint stands; written after every stored page. */
export interface LedgerCursorRecord {
	accountId: string;
	stream: LedgerStream;
	/** Windows still to ask for, newest first: a reload resumes with these. Empty when done. */
	pending: LedgerWindow[];
	/** The range the current run covers (ms). */
	runFrom: number;
	runTo: number;
	/** After a run completed: the oldest instant the stored rows are complete from. */
	completeFrom?: number;
	/** After a run completed: the newest instant the stored rows are complete to. */
	completeTo?: number;
	/** The oldest instant the current run has completed back to (its windows go newest first). */
	reachedAt?: number;
	/** Rows and windows fetched by the current run. */
	rows: number;
	windows: number;
	/** Full windows too narrow to split: rows there may be missing. */
	truncated: number;
	updatedAt: number;
}

export interface LedgerStores {
	ledger: {
		key: [string, string];
		value: LedgerEntry;
		indexes: { 'by-account-time': [string, number]; 'by-symbol': string; 'by-type': string };
	};
	fills: {
		key: [string, string];
		value: LedgerFill;
		indexes: { 'by-account-time': [string, number]; 'by-symbol': string };
	};
	ledgerCursors: {
		key: [string, string];
		value: LedgerCursorRecord;
	};
}

export const LEDGER_STORES = ['ledger', 'fills', 'ledgerCursors'] as const;

/** Rows are keyed by (account, venue row id): the same row fetched twice is stored once. */
export function addLedgerStores(raw: IDBDatabase): void {
	const ledger = raw.createObjectStore('ledger', { keyPath: ['accountId', 'id'] });
	ledger.createIndex('by-account-time', ['accountId', 'time']);
	ledger.createIndex('by-symbol', 'symbol');
	ledger.createIndex('by-type', 'type');
	const fills = raw.createObjectStore('fills', { keyPath: ['accountId', 'id'] });
	fills.createIndex('by-account-time', ['accountId', 'time']);
	fills.createIndex('by-symbol', 'symbol');
	raw.createObjectStore('ledgerCursors', { keyPath: ['accountId', 'stream'] });
}
