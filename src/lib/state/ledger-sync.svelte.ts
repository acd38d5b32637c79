/**
 * The ledger sync: walks each account's ledger endpoints back in the windows the venue accepts,
 * within its rate limits, and stores every page with its cursor. Cancelled or interrupted by a
 * reload, it resumes from the stored cursor; a later run fetches only what is newer than what is
 * stored (reaching back an hour for late rows).
 */
import { getLedgerCursor, newestLedgerTime, putLedgerCursor } from '$lib/db/ledger-repo';
import type { LedgerCursorRecord } from '$lib/db/ledger-schema';
import { directLedgerWriter, type LedgerPageWriter } from '$lib/db/ledger-writer';
import type { PerchDatabase } from '$lib/db/open';
import { initialWindows, judgePage, syncRange } from '$lib/domain/ledger-walk';
import {
	ExchangeError,
	type AccountCredentials,
	type ExchangeAdapter,
	type LedgerPaging,
	type LedgerStream,
	type LedgerWindow
} from '$lib/exchanges/types';
import { backoffDelay } from '$lib/net/backoff';
import { RequestBudget } from '$lib/net/request-budget';

export interface LedgerSource {
	accountId: string;
	adapter: ExchangeAdapter;
	creds: AccountCredentials;
}

export type SyncPhase = 'idle' | 'running' | 'waiting' | 'done' | 'cancelled' | 'failed';

export interface StreamProgress {
	accountId: string;
	stream: LedgerStream;
	phase: SyncPhase;
	/** Rows fetched (new or not) and windows asked for by the current run. */
	rows: number;
	windows: number;
	/** Windows still to ask for. */
	pending: number;
	/** The oldest instant the run has completed back to (ms), if any. */
	reachedAt?: number;
	runFrom?: number;
	runTo?: number;
	/** Answers of "too many requests" this run. */
	throttled: number;
	truncated: number;
	error?: string;
}

export interface LedgerSyncOptions {
	db: () => Promise<PerchDatabase>;
	/** Wall clock (Unix ms): what the windows are in. */
	now?: () => number;
	/** Rate budgets and backoff run on this clock. */
	monotonicNow?: () => number;
	random?: () => number;
	/** Where pages are stored; on this thread unless given (the app passes its Worker's). */
	writer?: LedgerPageWriter;
}

const STREAMS: readonly LedgerStream[] = ['entries', 'fills'];
const RETRY = { initialDelayMs: 1000, maxDelayMs: 30_000, jitter: 0.3, maxAttempts: 6 };
const THROTTLE = { initialDelayMs: 2000, maxDelayMs: 30_000, jitter: 0.3, maxAttempts: Infinity };

class Cancelled extends Error {}

export class LedgerSync {
	#progress = $state.raw<Record<string, StreamProgress>>({});
	#running = $state(false);

	readonly #db: () => Promise<PerchDatabase>;
	readonly #now: () => number;
	readonly #mono: () => number;
	readonly #random: () => number;
	readonly #writer: LedgerPageWriter;
	readonly #budgets = new Map<string, RequestBudget>();
	#abort: AbortController | null = null;

	constructor(opts: LedgerSyncOptions) {
		this.#db = opts.db;
		this.#now = opts.now ?? (() => Date.now());
		this.#mono = opts.monotonicNow ?? (() => performance.now());
		this.#random = opts.random ?? Math.random;
		this.#writer = opts.writer ?? directLedgerWriter(opts.db);
	}

	/** Per account and endpoint, keyed `${accountId}|${stream}`. */
	get progress(): Record<string, StreamProgress> {
		return this.#progress;
	}
	get running(): boolean {
		return this.#running;
	}

	/** Reads the stored cursors, so a screen opened after a reload shows what is left to do. */
	async load(accountIds: readonly string[]): Promise<void> {
		const db = await this.#db();
		for (const accountId of accountIds) {
			for (const stream of STREAMS) {
				const cursor = await getLedgerCursor(db, accountId, stream);
				if (!cursor) continue;
				const phase: SyncPhase = cursor.pending.length > 0 ? 'cancelled' : 'done';
				this.#set(accountId, stream, fromCursor(cursor, phase));
			}
		}
	}

	/** Syncs every source's ledger endpoints back `historyMs`; resolves when all are done. */
	async sync(sources: readonly LedgerSource[], historyMs: number): Promise<void> {
		if (this.#running) return;
		this.#running = true;
		const abort = new AbortController();
		this.#abort = abort;
		try {
			const db = await this.#db();
			const jobs: Promise<void>[] = [];
			for (const source of sources) {
				for (const stream of STREAMS) {
					const paging = source.adapter.ledgerPaging?.[stream];
					if (!paging) continue;
					jobs.push(this.#syncStream(db, source, stream, paging, historyMs, abort.signal));
				}
			}
			await Promise.all(jobs);
		} finally {
			this.#running = false;
			this.#abort = null;
		}
	}

	/** Stops after the request in flight; what was stored stays, and the next sync resumes. */
	cancel(): void {
		this.#abort?.abort();
	}

	async #syncStream(
		db: PerchDatabase,
		source: LedgerSource,
		stream: LedgerStream,
		paging: LedgerPaging,
		historyMs: number,
		signal: AbortSignal
	): Promise<void> {
		const { accountId } = source;
		let cursor = await getLedgerCursor(db, accountId, stream);
		if (!cursor || cursor.pending.length === 0) {
			cursor = await this.#newRun(db, accountId, stream, paging, historyMs, cursor);
		}
		let progress = fromCursor(cursor, 'running');
		this.#set(accountId, stream, progress);
		const budget = this.#budget(accountId, stream, paging);
		let failures = 0;
		let throttles = 0;
		try {
			while (cursor.pending.length > 0) {
				if (signal.aborted) throw new Cancelled();
				const window: LedgerWindow = cursor.pending[0];
				await budget.take((ms) => this.#sleep(ms, signal));
				let page;
				try {
					page =
						stream === 'entries'
							? await source.adapter.ledgerPage!(source.creds, window)
							: await source.adapter.fillsPage!(source.creds, window);
				} catch (error) {
					if (signal.aborted) throw new Cancelled();
					if (error instanceof ExchangeError && error.kind === 'rate-limit') {
						budget.exhaust();
						progress = { ...progress, phase: 'waiting', throttled: progress.throttled + 1 };
						this.#set(accountId, stream, progress);
						await this.#sleep(backoffDelay(throttles++, THROTTLE, this.#random), signal);
						continue;
					}
					if (!retryable(error) || ++failures >= RETRY.maxAttempts) throw error;
					progress = { ...progress, phase: 'waiting', error: describe(error) };
					this.#set(accountId, stream, progress);
					await this.#sleep(backoffDelay(failures - 1, RETRY, this.#random), signal);
					continue;
				}
				failures = 0;
				throttles = 0;
				const verdict = judgePage(window, page.rows.length, paging, page.next);
				const rest = cursor.pending.slice(1);
				const complete = verdict.kind === 'complete' || verdict.kind === 'truncated';
				const ahead =
					verdict.kind === 'split'
						? verdict.windows
						: verdict.kind === 'continue'
							? [verdict.window]
							: [];
				cursor = {
					...cursor,
					pending: [...ahead, ...rest],
					rows: cursor.rows + page.rows.length,
					windows: cursor.windows + 1,
					truncated: cursor.truncated + (verdict.kind === 'truncated' ? 1 : 0),
					updatedAt: this.#now()
				};
				if (complete && rest.every((w) => w.to <= window.to)) {
					cursor.reachedAt = Math.min(cursor.reachedAt ?? window.from, window.from);
				}
				if (cursor.pending.length === 0) {
					cursor.completeFrom = Math.min(cursor.completeFrom ?? cursor.runFrom, cursor.runFrom);
					cursor.completeTo = Math.max(cursor.completeTo ?? cursor.runTo, cursor.runTo);
				}
				await this.#writer.store(stream, page.rows, cursor);
				progress = fromCursor(cursor, 'running', progress.throttled);
				this.#set(accountId, stream, progress);
			}
			this.#set(accountId, stream, { ...progress, phase: 'done', error: undefined });
		} catch (error) {
			if (error instanceof Cancelled) {
				this.#set(accountId, stream, { ...progress, phase: 'cancelled' });
				return;
			}
			this.#set(accountId, stream, { ...progress, phase: 'failed', error: describe(error) });
		}
	}

	/** The windows of a new run: everything in range at first, then only what is newer. */
	async #newRun(
		db: PerchDatabase,
		accountId: string,
		stream: LedgerStream,
		paging: LedgerPaging,
		historyMs: number,
		previous: LedgerCursorRecord | undefined
	): Promise<LedgerCursorRecord> {
		const to = this.#now();
		let newest: number | undefined;
		// Only a completed earlier run covering the whole chosen range makes this a refresh.
		if (previous?.completeTo !== undefined && (previous.completeFrom ?? to) <= to - historyMs) {
			newest = (await newestLedgerTime(db, accountId, stream)) ?? previous.completeTo;
		}
		const { from } = syncRange(to, historyMs, newest);
		const cursor: LedgerCursorRecord = {
			accountId,
			stream,
			pending: initialWindows(from, to, paging),
			runFrom: from,
			runTo: to,
			completeFrom: previous?.completeFrom,
			completeTo: previous?.completeTo,
			rows: 0,
			windows: 0,
			truncated: 0,
			updatedAt: to
		};
		await putLedgerCursor(db, cursor);
		return cursor;
	}

	#budget(accountId: string, stream: LedgerStream, paging: LedgerPaging): RequestBudget {
		const key = `${accountId}|${stream}`;
		let budget = this.#budgets.get(key);
		if (!budget) {
			budget = new RequestBudget(paging.rateLimit, paging.ratePeriodMs, this.#mono);
			this.#budgets.set(key, budget);
		}
		return budget;
	}

	#set(accountId: string, stream: LedgerStream, p: StreamProgress): void {
		this.#progress = { ...this.#progress, [`${accountId}|${stream}`]: p };
	}

	#sleep(ms: number, signal: AbortSignal): Promise<void> {
		return new Promise((resolve, reject) => {
			if (signal.aborted) return reject(new Cancelled());
			const timer = setTimeout(() => {
				signal.removeEventListener('abort', onAbort);
				resolve();
			}, ms);
			const onAbort = () => {
				clearTimeout(timer);
				reject(new Cancelled());
			};
			signal.addEventListener('abort', onAbort, { once: true });
		});
	}
}

function fromCursor(c: LedgerCursorRecord, phase: SyncPhase, throttled = 0): StreamProgress {
	return {
		accountId: c.accountId,
		stream: c.stream,
		phase,
		rows: c.rows,
		windows: c.windows,
		pending: c.pending.length,
		reachedAt: c.reachedAt,
		runFrom: c.runFrom,
		runTo: c.runTo,
		throttled,
		truncated: c.truncated
	};
}

/** A refused key or a malformed answer will not get better by asking again. */
function retryable(error: unknown): boolean {
	if (!(error instanceof ExchangeError)) return true;
	return error.kind === 'network' || error.kind === 'rate-limit' || error.kind === 'cors';
}

function describe(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}
