/**
 * The user's own stored funding rows for the market screen's symbol. Only the market screen's
 * lazily loaded chunk imports this (and through it IndexedDB), after the first book is painted.
 *
 * No unlock is needed: ledger rows are stored as the venue sent them, not sealed by the vault,
 * and /history lists them without unlocking too. Rows of every stored account count: removing an
 * account deletes its rows (db/accounts-repo.ts).
 */
import { openPerchDB, type PerchDatabase } from '$lib/db/open';
import { fundingForSymbol } from '$lib/db/own-funding-repo';
import type { LedgerEntry } from '$lib/exchanges/types';

export class OwnFunding {
	#rows = $state.raw<LedgerEntry[]>([]);
	#symbol = $state<string | null>(null);
	#error = $state<string | null>(null);
	#db: Promise<PerchDatabase> | null = null;
	#asked = 0;

	/** Funding rows of `symbol` (empty until loaded, and when another symbol's are loaded). */
	rowsFor(symbol: string): LedgerEntry[] {
		return this.#symbol === symbol ? this.#rows : [];
	}

	get error(): string | null {
		return this.#error;
	}

	/** Reads the stored rows of `symbol` since `sinceMs`; a later call's answer wins. */
	async load(symbol: string, sinceMs: number): Promise<void> {
		const asked = ++this.#asked;
		try {
			const rows = await fundingForSymbol(await this.#database(), symbol, sinceMs);
			if (asked !== this.#asked) return;
			this.#rows = rows;
			this.#symbol = symbol;
			this.#error = null;
		} catch (e) {
			if (asked !== this.#asked) return;
			this.#error = e instanceof Error ? e.message : String(e);
		}
	}

	#database(): Promise<PerchDatabase> {
		this.#db ??= openPerchDB(undefined, undefined, {
			// Another tab upgrades the schema: let go, and open again on the next read.
			onBlocking: () => (this.#db = null),
			onTerminated: () => (this.#db = null)
		}).catch((e: unknown) => {
			this.#db = null;
			throw e;
		});
		return this.#db;
	}
}

export const ownFunding = new OwnFunding();
