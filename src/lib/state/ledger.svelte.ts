/**
 * The history screen's state: the stored ledger of every account, the filter, and what follows
 * from them (filtered rows, totals, chart series), plus the sync that fills the store.
 */
import { listLedgerEntries } from '$lib/db/ledger-repo';
import { directLedgerWriter, workerLedgerWriter } from '$lib/db/ledger-writer';
import { openPerchDB, type PerchDatabase } from '$lib/db/open';
import { DB_NAME } from '$lib/db/schema';
import {
	cumulativeSeries,
	fundingBySymbol,
	ledgerTotals,
	type CumulativeSeries,
	type LedgerTotals,
	type SymbolTotals
} from '$lib/domain/ledger-totals';
import { filterLedger, ledgerSymbols, type LedgerFilter } from '$lib/domain/ledger-view';
import type { LedgerEntry } from '$lib/exchanges/types';
import { LedgerSync, type LedgerSource } from './ledger-sync.svelte';

const DAY_MS = 86_400_000;

export class LedgerScreen {
	#rows = $state.raw<LedgerEntry[]>([]);
	#filter = $state.raw<LedgerFilter>({});
	#historyDays = $state(90);
	#loading = $state(false);
	#error = $state<string | null>(null);
	#filtered = $derived(filterLedger(this.#rows, this.#filter));
	#totals = $derived(ledgerTotals(this.#filtered));
	#symbols = $derived(ledgerSymbols(this.#rows));
	#series = $derived(cumulativeSeries(this.#filtered));
	#funding = $derived(fundingBySymbol(this.#filtered));

	readonly #sync: LedgerSync;
	#db: Promise<PerchDatabase> | null = null;
	#accountIds: string[] = [];

	constructor() {
		const db = () => this.#database();
		this.#sync = new LedgerSync({
			db,
			writer:
				typeof Worker === 'undefined'
					? directLedgerWriter(db)
					: workerLedgerWriter(
							() =>
								new Worker(new URL('../db/ledger-store.worker.ts', import.meta.url), {
									type: 'module',
									name: 'perch-ledger-store'
								}),
							DB_NAME,
							directLedgerWriter(db)
						)
		});
	}

	get rows(): LedgerEntry[] {
		return this.#rows;
	}
	get filtered(): LedgerEntry[] {
		return this.#filtered;
	}
	get totals(): LedgerTotals {
		return this.#totals.all;
	}
	get bySymbol(): SymbolTotals[] {
		return this.#totals.bySymbol;
	}
	get series(): CumulativeSeries {
		return this.#series;
	}
	get fundingBars(): { symbol: string; paid: string; received: string }[] {
		return this.#funding;
	}
	get symbols(): string[] {
		return this.#symbols;
	}
	get filter(): LedgerFilter {
		return this.#filter;
	}
	get historyDays(): number {
		return this.#historyDays;
	}
	get loading(): boolean {
		return this.#loading;
	}
	get error(): string | null {
		return this.#error;
	}
	get sync(): LedgerSync {
		return this.#sync;
	}

	setFilter(filter: LedgerFilter): void {
		this.#filter = filter;
	}

	setHistoryDays(days: number): void {
		if (Number.isFinite(days) && days >= 1) this.#historyDays = Math.floor(days);
	}

	/** Loads what is stored for these accounts, and where their syncs stand. */
	async open(accountIds: readonly string[]): Promise<void> {
		this.#accountIds = [...accountIds];
		this.#loading = true;
		try {
			await this.#sync.load(accountIds);
			await this.#reload();
		} catch (e) {
			this.#error = e instanceof Error ? e.message : String(e);
		} finally {
			this.#loading = false;
		}
	}

	/** Syncs these (connected) accounts, then shows what was stored. */
	async runSync(sources: readonly LedgerSource[]): Promise<void> {
		this.#error = null;
		try {
			await this.#sync.sync(sources, this.#historyDays * DAY_MS);
		} catch (e) {
			this.#error = e instanceof Error ? e.message : String(e);
		}
		await this.#reload().catch((e: unknown) => {
			this.#error = e instanceof Error ? e.message : String(e);
		});
	}

	cancel(): void {
		this.#sync.cancel();
	}

	async #reload(): Promise<void> {
		const db = await this.#database();
		this.#rows = await listLedgerEntries(db, this.#accountIds);
	}

	#database(): Promise<PerchDatabase> {
		this.#db ??= openPerchDB(undefined, undefined, {
			// Another tab upgrades the schema: let go, and open again on the next use.
			onBlocking: () => (this.#db = null),
			onTerminated: () => (this.#db = null)
		}).catch((e: unknown) => {
			this.#db = null;
			throw e;
		});
		return this.#db;
	}
}

export const ledger = new LedgerScreen();
