/**
 * The history screen's state: the stored ledger of every account, the filter, and what follows
 * from them (filtered rows, totals, chart series), plus the sync that fills the store.
 */
import { listEquitySamples } from '$lib/db/equity-repo';
import { listLedgerEntries } from '$lib/db/ledger-repo';
import type { EquitySampleRecord } from '$lib/db/step-equity-samples';
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
import { equitySeries, type EquitySeries } from '$lib/domain/equity';
import { filterLedger, ledgerSymbols, type LedgerFilter } from '$lib/domain/ledger-view';
import type { LedgerEntry } from '$lib/exchanges/types';
import { LedgerSync, type LedgerSource } from './ledger-sync.svelte';
import { readFlag, writeFlag } from './local-flag';

const DAY_MS = 86_400_000;
/** The chosen sync range, remembered across reloads (not secret: a number of days). */
const DAYS_KEY = 'perch.history.days.v1';
const DEFAULT_DAYS = 90;
const MAX_DAYS = 3650;

function storedDays(): number {
	const days = Number(readFlag(DAYS_KEY));
	return Number.isInteger(days) && days >= 1 && days <= MAX_DAYS ? days : DEFAULT_DAYS;
}

export class LedgerScreen {
	#rows = $state.raw<LedgerEntry[]>([]);
	#filter = $state.raw<LedgerFilter>({});
	#historyDays = $state(storedDays());
	#samples = $state.raw<EquitySampleRecord[]>([]);
	#loading = $state(false);
	#error = $state<string | null>(null);
	#filtered = $derived(filterLedger(this.#rows, this.#filter));
	#totals = $derived(ledgerTotals(this.#filtered));
	#symbols = $derived(ledgerSymbols(this.#rows));
	#series = $derived(cumulativeSeries(this.#filtered));
	#funding = $derived(fundingBySymbol(this.#filtered));
	#equity = $derived(equitySeries(this.#filteredSamples()));

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
	/** Equity and unrealized PnL over time, for the filter's account (all when none) and dates. */
	get equity(): EquitySeries {
		return this.#equity;
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
		if (!Number.isFinite(days) || days < 1) return;
		this.#historyDays = Math.min(MAX_DAYS, Math.floor(days));
		writeFlag(DAYS_KEY, String(this.#historyDays));
	}

	/** Reads the stored equity samples again (they grow by one a minute per live account). */
	async refreshSamples(): Promise<void> {
		const db = await this.#database();
		this.#samples = await listEquitySamples(db, this.#accountIds);
	}

	#filteredSamples(): EquitySampleRecord[] {
		const f = this.#filter;
		const from = f.from ?? -Infinity;
		const to = f.to ?? Infinity;
		return this.#samples.filter(
			(s) => s.time >= from && s.time <= to && (!f.accountId || s.accountId === f.accountId)
		);
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
		this.#samples = await listEquitySamples(db, this.#accountIds);
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
