import {
	CloseInFlightError,
	getClose,
	isFinalClose,
	listOpenCloses,
	recordCloseIntent,
	updateClose,
	type CloseUpdate
} from '$lib/db/closes-repo';
import type { PerchDatabase } from '$lib/db/open';
import type { CloseRecord } from '$lib/db/schema';
import {
	describeClose,
	planClose,
	type ClosePlan,
	type SizeRules
} from '$lib/domain/close-planner';
import {
	ExchangeError,
	type AccountCredentials,
	type CloseOrderRequest,
	type ExchangeAdapter,
	type Instrument,
	type Order,
	type Position,
	type PositionMode,
	type PositionSide
} from '$lib/exchanges/types';

/**
 * The only way an order leaves Perch.
 *
 * One close intent gets one client order id, recorded in IndexedDB (with the exchange-clock time
 * it is signed with) before the request is sent. An intent is final only when the exchange says
 * so: filled, canceled or rejected with a code, or proven absent once its signature can no longer
 * be accepted and the venue lists no order with that id. Until then it is "unknown", the position
 * stays locked (in every tab: the record is checked and written in one IndexedDB transaction),
 * and the gate keeps asking the exchange by client order id while it watches the order stream.
 * Nothing is ever re-sent with new content; the only re-send is the same intent, newly signed,
 * after a timestamp rejection, which the exchange did not execute.
 */

/** An unlocked account, as the gate needs it: the adapter, credentials and live state. */
export interface CloseTarget {
	accountId: string;
	accountLabel: string;
	adapter: ExchangeAdapter;
	creds: AccountCredentials;
	/** The position as the session holds it right now; undefined when it is gone. */
	livePosition(symbol: string, side: PositionSide): Position | undefined;
	instrument(symbol: string): Instrument | undefined;
	/** How the account's venue counts and rounds sizes (from the venue registry). */
	sizeRules: SizeRules;
	/** Null when the private stream answers right now, otherwise the reason it does not. */
	probe(): Promise<string | null>;
	/** An intent of this account reached a final state: its positions and balances moved. */
	settled?(): void;
}

/** What the user confirmed: the exact order the sheet showed at that moment. */
export interface ConfirmedClose {
	plan: ClosePlan;
	fraction: number;
	/**
	 * "I checked, send a new close": a deliberate second gesture that lets a new intent go out
	 * while earlier ones on this position are still unknown. Recorded in the audit log.
	 */
	override?: boolean;
}

export type CloseResult =
	| { status: 'refused'; reason: string }
	| { status: 'filled'; clientOrderId: string; order: Order; message: string }
	| { status: 'rejected'; clientOrderId: string; message: string }
	| { status: 'not-placed'; clientOrderId: string; message: string }
	| { status: 'unknown'; clientOrderId: string; message: string };

export interface GateFeedback {
	key: string;
	tone: 'info' | 'success' | 'error';
	message: string;
}

/** A position the gate will not close right now, and why. */
export interface PositionLock {
	key: string;
	/** 'sending' while this tab sends; 'checking' while an intent's outcome is unknown. */
	state: 'sending' | 'checking';
	clientOrderIds: string[];
}

export interface OrderGateOptions {
	db: PerchDatabase;
	/** Wall clock for record times (display and audit only). */
	now?: () => number;
	/** Abort the HTTP request after this long and ask the exchange instead. */
	submitTimeoutMs?: number;
	/** How long `close()` waits for a final state before it answers "unknown" (checks go on). */
	settleTimeoutMs?: number;
	/** First and longest pause between checks by client order id (backoff doubles). */
	queryIntervalMs?: number;
	maxQueryIntervalMs?: number;
	/** Extra wait past the venue's acceptance window before absence counts as proof. */
	absenceMarginMs?: number;
	/** After a send with no clear reply, how long `close()` waits before it answers "unknown". */
	unclearGraceMs?: number;
	/** Cross-tab news about close records; defaults to a BroadcastChannel where there is one. */
	channel?: { post(id: string): void; listen(onId: (id: string) => void): () => void } | null;
}

const MESSAGES = {
	sending: 'A close for this position is already being sent.',
	checking: (ids: string[]) =>
		`An earlier close of this position (client order id ${ids.join(', ')}) is still being checked with the exchange. Wait for its outcome, or use “I checked, send a new close”.`,
	otherTab: (ids: string[]) =>
		`Another Perch tab or window is closing this position (client order id ${ids.join(', ')}); nothing was sent.`
};

/** Records written before `signedAt` existed: their signature time is only known roughly. */
const LEGACY_SIGNATURE_SLACK_MS = 5 * 60_000;

const ORDER_FINAL = new Set<Order['status']>(['filled', 'canceled', 'rejected']);

export function positionKey(p: Pick<Position, 'accountId' | 'symbol' | 'side'>): string {
	return `${p.accountId}:${p.symbol}:${p.side}`;
}

function recordKey(r: CloseRecord): string {
	return `${r.accountId}:${r.request.symbol}:${r.request.positionSide}`;
}

/** The re-planned close, with the mode of the live position it closes. */
interface LiveClose {
	plan: ClosePlan;
	positionMode: PositionMode;
}

interface Watch {
	latest: Order | null;
	wake: (() => void) | null;
	done: Promise<CloseResult>;
	/** The send got no clear answer: the outcome is now unknown. */
	unclear: Promise<void>;
	markUnclear: () => void;
}

export class OrderGate {
	readonly #db: PerchDatabase;
	readonly #now: () => number;
	readonly #submitTimeoutMs: number;
	readonly #settleTimeoutMs: number;
	readonly #queryIntervalMs: number;
	readonly #maxQueryIntervalMs: number;
	readonly #absenceMarginMs: number;
	readonly #unclearGraceMs: number;
	/** Positions this tab is sending a close for (the synchronous double-tap guard). */
	readonly #sending = new Set<string>();
	/** Intents whose outcome is not final, by client order id (this tab's and other tabs'). */
	readonly #open = new Map<string, CloseRecord>();
	/** Reconciliation loops running in this tab, by client order id. */
	readonly #watches = new Map<string, Watch>();
	readonly #targets = new Map<string, CloseTarget>();
	readonly #listeners = new Set<(f: GateFeedback) => void>();
	readonly #changes = new Set<() => void>();
	readonly #channel: OrderGateOptions['channel'];
	#stopChannel: (() => void) | null = null;

	constructor(options: OrderGateOptions) {
		this.#db = options.db;
		this.#now = options.now ?? Date.now;
		this.#submitTimeoutMs = options.submitTimeoutMs ?? 8000;
		this.#settleTimeoutMs = options.settleTimeoutMs ?? 15000;
		this.#queryIntervalMs = options.queryIntervalMs ?? 1000;
		this.#maxQueryIntervalMs = options.maxQueryIntervalMs ?? 15000;
		this.#absenceMarginMs = options.absenceMarginMs ?? 10_000;
		this.#unclearGraceMs = options.unclearGraceMs ?? 1500;
		this.#channel = options.channel === undefined ? broadcastChannel() : options.channel;
		this.#stopChannel = this.#channel?.listen((id) => void this.#reload(id)) ?? null;
	}

	/** Loads every open intent from IndexedDB: their positions are locked until they are final. */
	async load(): Promise<void> {
		for (const record of await listOpenCloses(this.#db)) this.#open.set(record.id, record);
		this.#changed();
	}

	/** The lock on a position, if any: closes are refused while it holds. */
	lockOf(key: string): PositionLock | null {
		if (this.#sending.has(key)) return { key, state: 'sending', clientOrderIds: [] };
		const ids = this.#openIdsFor(key);
		return ids.length > 0 ? { key, state: 'checking', clientOrderIds: ids } : null;
	}

	/** Every locked position, for the UI. */
	allLocks(): PositionLock[] {
		const keys = new Set([...this.#sending, ...[...this.#open.values()].map(recordKey)]);
		return [...keys].map((key) => this.lockOf(key)).filter((lock) => lock !== null);
	}

	isClosing(key: string): boolean {
		return this.lockOf(key) !== null;
	}

	onFeedback(listener: (f: GateFeedback) => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	/** Called when the set of locked positions changes (for disabling controls). */
	onChange(listener: () => void): () => void {
		this.#changes.add(listener);
		return () => this.#changes.delete(listener);
	}

	/**
	 * An unlocked account: the gate can now send for it and reconcile its open intents (after a
	 * reload, an unlock, or a reconnect, call `reconcile`). Returns the detach function.
	 */
	attach(target: CloseTarget): () => void {
		this.#targets.set(target.accountId, target);
		this.reconcile(target.accountId);
		return () => {
			if (this.#targets.get(target.accountId) === target) this.#targets.delete(target.accountId);
		};
	}

	/** Asks the exchange about every open intent of the account (unlock, stream reconnect). */
	reconcile(accountId: string): void {
		for (const record of this.#open.values()) {
			if (record.accountId === accountId && !this.#watches.has(record.id)) {
				void this.#watch(record.id);
			}
		}
	}

	/** Every order report from a private stream goes through here. */
	observeOrder(order: Order): void {
		const id = order.clientOrderId;
		if (!id) return;
		const watch = this.#watches.get(id);
		if (watch) {
			// A late, older report never replaces a final one.
			if (!isFinalOrder(watch.latest)) watch.latest = order;
			watch.wake?.();
		} else if (ORDER_FINAL.has(order.status)) {
			// A late report about an intent this tab is not watching: the record follows it.
			void this.#lateReport(id, order);
		}
	}

	/** Stops listening to other tabs (tests, teardown). */
	dispose(): void {
		this.#stopChannel?.();
		this.#stopChannel = null;
	}

	async close(target: CloseTarget, confirmed: ConfirmedClose): Promise<CloseResult> {
		const plan = confirmed.plan;
		const key = positionKey({
			accountId: target.accountId,
			symbol: plan.symbol,
			side: plan.positionSide
		});
		// Synchronous checks first, so a double tap cannot slip between two awaits.
		if (this.#sending.has(key)) return refused(MESSAGES.sending);
		if (!this.#targets.has(target.accountId)) return refused('The account is locked.');
		const openIds = this.#openIdsFor(key);
		if (openIds.length > 0 && !confirmed.override) return refused(MESSAGES.checking(openIds));
		this.#sending.add(key);
		this.#changed();
		try {
			const ready = await this.#checkLive(target, confirmed);
			if (typeof ready === 'string') return this.#refuse(key, ready);
			return await this.#recordAndSend(target, ready, confirmed, key, openIds);
		} catch (error) {
			return this.#refuse(key, `Close not sent: ${errorText(error)}`);
		} finally {
			this.#sending.delete(key);
			this.#changed();
		}
	}

	/**
	 * Proves the stream answers, then re-plans from the live position: the order sent is the one
	 * the user confirmed, or nothing is sent.
	 */
	async #checkLive(target: CloseTarget, confirmed: ConfirmedClose): Promise<LiveClose | string> {
		const problem = await target.probe();
		if (problem !== null) {
			return `Not sent: the private stream is not live (${problem}), so positions may be stale.`;
		}
		const { plan } = confirmed;
		const live = target.livePosition(plan.symbol, plan.positionSide);
		if (!live)
			return `The ${plan.symbol} ${plan.positionSide} position is no longer open; nothing was sent.`;
		const instrument = target.instrument(plan.symbol);
		if (!instrument) return `No contract details for ${plan.symbol} yet; nothing was sent.`;
		const planned = planClose({
			position: live,
			instrument,
			fraction: confirmed.fraction,
			rules: target.sizeRules
		});
		if (!planned.ok) return `${planned.reason}; nothing was sent.`;
		const change = difference(plan, planned.order);
		if (change) {
			return `The position changed since you confirmed (${change}); nothing was sent. Review and confirm again.`;
		}
		return { plan: planned.order, positionMode: live.positionMode };
	}

	async #recordAndSend(
		target: CloseTarget,
		{ plan, positionMode }: LiveClose,
		confirmed: ConfirmedClose,
		key: string,
		openIds: string[]
	): Promise<CloseResult> {
		const clientOrderId = target.adapter.newClientOrderId();
		const record = this.#record(target, plan, positionMode, confirmed, clientOrderId, openIds);
		try {
			await recordCloseIntent(this.#db, record, { override: confirmed.override });
		} catch (error) {
			if (error instanceof CloseInFlightError) {
				for (const id of error.openIds) void this.#reload(id);
				return this.#refuse(key, MESSAGES.otherTab(error.openIds));
			}
			throw error;
		}
		this.#open.set(record.id, record);
		this.#channel?.post(record.id);
		const description = describeClose(plan, {
			accountLabel: target.accountLabel,
			rules: target.sizeRules,
			base: target.instrument(plan.symbol)?.base
		});
		this.#feedback(key, 'info', `Sending: ${description}`);
		const watch = this.#startWatch(record.id, () => this.#send(target, record, key));
		return this.#awaitOutcome(watch, record, key);
	}

	/** Sends the intent; a timestamp rejection re-measures the clock and sends it once more. */
	async #send(target: CloseTarget, record: CloseRecord, key: string): Promise<CloseResult> {
		const { adapter, creds } = target;
		let signedAt = record.signedAt ?? adapter.serverNow();
		for (let attempt = 0; ; attempt++) {
			const abort = new AbortController();
			const timer = setTimeout(() => abort.abort(), this.#submitTimeoutMs);
			try {
				const sent = adapter.submitClose(creds, requestOf(record), {
					timestamp: signedAt,
					signal: abort.signal
				});
				// Also stop waiting ourselves: a transport that ignores the abort must not hang a close.
				const submitted = await untilAborted(sent, abort.signal, this.#submitTimeoutMs);
				await this.#update(record.id, {
					state: 'sent',
					outcome: { orderId: submitted.orderId, at: this.#now() }
				});
				return this.#follow(record, key, true);
			} catch (error) {
				if (error instanceof ExchangeError && error.kind === 'clock-skew' && attempt === 0) {
					// Not executed: the exchange refused the timestamp. Re-measure, then the same
					// intent with the same client order id goes once more, newly signed.
					const remeasured = await this.#remeasure(adapter);
					if (remeasured) {
						signedAt = adapter.serverNow();
						await this.#update(record.id, { state: 'pending', signedAt, at: this.#now() });
						this.#feedback(
							key,
							'info',
							'The exchange refused the timestamp; re-measured its clock and sending the same close again.'
						);
						continue;
					}
				}
				if (error instanceof ExchangeError && answeredByExchange(error)) {
					return this.#finishRejected(target, record, key, error);
				}
				// It may or may not have reached the exchange ('duplicate': it did): ask, never re-send.
				await this.#update(record.id, {
					state: 'unknown',
					outcome: { error: errorText(error), at: this.#now() }
				});
				this.#feedback(
					key,
					'info',
					`No clear reply (${errorText(error)}); checking with the exchange, client order id ${record.id}…`
				);
				this.#watches.get(record.id)?.markUnclear();
				return this.#follow(record, key, false);
			} finally {
				clearTimeout(timer);
			}
		}
	}

	/**
	 * Follows an intent to a final state: the order stream wakes it, queries by client order id
	 * run with backoff. `acknowledged` means the exchange accepted the request, so it cannot be
	 * "not placed". Stops (still open) when the account is locked; unlock resumes it.
	 */
	async #follow(record: CloseRecord, key: string, acknowledged: boolean): Promise<CloseResult> {
		const watch = this.#watches.get(record.id);
		let pause = this.#queryIntervalMs;
		// Fresh from the exchange: the stream usually reports first, so the first query waits.
		let skipQuery = acknowledged;
		let lastStatus: Order['status'] | null = null;
		for (;;) {
			const target = this.#targets.get(record.accountId);
			if (!target) {
				return {
					status: 'unknown',
					clientOrderId: record.id,
					message: `Close ${record.id} is unconfirmed; Perch checks it again after unlock.`
				};
			}
			let order = watch?.latest ?? null;
			if (!isFinalOrder(order) && !skipQuery) {
				const found = await this.#find(target, record);
				if (found && found !== 'error') {
					const streamed = watch?.latest ?? null;
					order = isFinalOrder(streamed) ? streamed : found;
					acknowledged = true;
				} else if (found === null && !acknowledged && (await this.#absenceProven(target, record))) {
					return this.#finishNotPlaced(target, record, key);
				}
			}
			skipQuery = false;
			if (isFinalOrder(order)) return this.#finishFinal(target, record, key, order);
			if (order && order.status !== lastStatus) {
				lastStatus = order.status;
				await this.#update(record.id, { state: 'sent', order });
			}
			await this.#sleep(watch, pause);
			pause = Math.min(pause * 2, this.#maxQueryIntervalMs);
		}
	}

	async #find(target: CloseTarget, record: CloseRecord): Promise<Order | null | 'error'> {
		try {
			const { orderSide, size } = record.request;
			return await target.adapter.findOrder(target.creds, record.request.symbol, record.id, {
				side: orderSide,
				size,
				reduceOnly: true
			});
		} catch {
			return 'error';
		}
	}

	/**
	 * Absence is proof only once the request can no longer be accepted: the exchange's own clock
	 * (measured now) is past the signed time plus the venue's window, and a last look by client
	 * order id still finds nothing.
	 */
	async #absenceProven(target: CloseTarget, record: CloseRecord): Promise<boolean> {
		const { adapter } = target;
		const signedAt = record.signedAt ?? record.createdAt + LEGACY_SIGNATURE_SLACK_MS;
		const deadline = signedAt + adapter.acceptanceWindowMs + this.#absenceMarginMs;
		if (adapter.serverNow() <= deadline) return false;
		if (!(await this.#remeasure(adapter)) || adapter.serverNow() <= deadline) return false;
		const again = await this.#find(target, record);
		return again === null;
	}

	async #remeasure(adapter: ExchangeAdapter): Promise<boolean> {
		try {
			await adapter.serverTime();
			return true;
		} catch {
			return false;
		}
	}

	#startWatch(id: string, run: () => Promise<CloseResult>): Watch {
		let markUnclear = () => {};
		const unclear = new Promise<void>((resolve) => (markUnclear = resolve));
		const watch: Watch = {
			latest: null,
			wake: null,
			done: Promise.resolve(null as never),
			unclear,
			markUnclear
		};
		this.#watches.set(id, watch);
		watch.done = run()
			.catch(async (error: unknown): Promise<CloseResult> => {
				// Storage or a bug failed the loop: the intent stays open and is checked again later.
				const message = `Close ${id} is unconfirmed (${errorText(error)}); check the position before acting again.`;
				return { status: 'unknown', clientOrderId: id, message };
			})
			.finally(() => {
				if (this.#watches.get(id) === watch) this.#watches.delete(id);
			});
		return watch;
	}

	/** Reconciles one open intent in the background (after a reload, unlock or reconnect). */
	#watch(id: string): Promise<CloseResult> {
		const record = this.#open.get(id);
		const target = record && this.#targets.get(record.accountId);
		if (!record || !target) return Promise.resolve(refused('not open'));
		const key = recordKey(record);
		const acknowledged = record.state === 'sent' && record.outcome?.orderId !== undefined;
		return this.#startWatch(id, () => this.#follow(record, key, acknowledged)).done;
	}

	async #awaitOutcome(watch: Watch, record: CloseRecord, key: string): Promise<CloseResult> {
		let timer: ReturnType<typeof setTimeout> | undefined;
		let graceTimer: ReturnType<typeof setTimeout> | undefined;
		const waited = new Promise<null>((resolve) => {
			timer = setTimeout(() => resolve(null), this.#settleTimeoutMs);
		});
		// No clear reply: give the first lookup a moment, then show the position as being checked
		// (and free this tab's send lock: the open record keeps the position locked).
		const unclear = watch.unclear.then(
			() =>
				new Promise<null>(
					(resolve) => (graceTimer = setTimeout(() => resolve(null), this.#unclearGraceMs))
				)
		);
		const result = await Promise.race([watch.done, waited, unclear]);
		clearTimeout(timer);
		clearTimeout(graceTimer);
		if (result) return result;
		const message = `Sent, not confirmed yet: Perch keeps checking with the exchange (client order id ${record.id}). The position stays locked until the exchange answers.`;
		this.#feedback(key, 'info', message);
		return { status: 'unknown', clientOrderId: record.id, message };
	}

	async #finishFinal(
		target: CloseTarget,
		record: CloseRecord,
		key: string,
		order: Order
	): Promise<CloseResult> {
		const base = {
			orderId: order.orderId,
			filledSize: order.filledSize,
			avgFillPrice: order.avgFillPrice,
			at: this.#now()
		};
		if (order.status === 'filled') {
			const summary = await this.#fillSummary(target, record.request.symbol, order.orderId);
			const outcome = summary
				? { ...base, realizedPnl: summary.realizedPnl, fees: summary.fees }
				: base;
			const settle = target.instrument(record.request.symbol)?.settle;
			const pnl = summary
				? `, realized PnL ${summary.realizedPnl}${settle ? ` ${settle}` : ''} (fees ${summary.fees})`
				: '';
			const message = `Filled ${order.filledSize} ${record.request.symbol} at ${order.avgFillPrice}${pnl}`;
			await this.#settleRecord(target, record.id, {
				state: 'confirmed',
				outcome,
				order,
				at: this.#now()
			});
			this.#feedback(key, 'success', message);
			return { status: 'filled', clientOrderId: record.id, order, message };
		}
		const verb = order.status === 'canceled' ? 'canceled' : 'rejected';
		const message = `The exchange ${verb} the close (filled ${order.filledSize || '0'}).`;
		await this.#settleRecord(target, record.id, {
			state: 'rejected',
			outcome: { ...base, error: message },
			order,
			at: this.#now()
		});
		this.#feedback(key, 'error', message);
		return { status: 'rejected', clientOrderId: record.id, message };
	}

	async #finishRejected(
		target: CloseTarget,
		record: CloseRecord,
		key: string,
		error: ExchangeError
	): Promise<CloseResult> {
		const message = `Rejected: ${error.message}`;
		await this.#settleRecord(target, record.id, {
			state: 'rejected',
			outcome: { error: error.message, errorCode: error.code, at: this.#now() },
			at: this.#now()
		});
		this.#feedback(key, 'error', message);
		return { status: 'rejected', clientOrderId: record.id, message };
	}

	async #finishNotPlaced(
		target: CloseTarget,
		record: CloseRecord,
		key: string
	): Promise<CloseResult> {
		const message = `Not placed: the exchange has no order ${record.id}, and its signature expired, so it can no longer be accepted. Nothing was re-sent.`;
		await this.#settleRecord(target, record.id, {
			state: 'not-placed',
			outcome: { error: message, at: this.#now() },
			at: this.#now()
		});
		this.#feedback(key, 'error', message);
		return { status: 'not-placed', clientOrderId: record.id, message };
	}

	async #settleRecord(target: CloseTarget, id: string, update: CloseUpdate): Promise<void> {
		await this.#update(id, update);
		target.settled?.();
	}

	/** Best effort: the exchange's realized PnL for the fills; the close is final without it. */
	async #fillSummary(target: CloseTarget, symbol: string, orderId: string) {
		let timer: ReturnType<typeof setTimeout> | undefined;
		try {
			return await Promise.race([
				target.adapter.fillSummary(target.creds, symbol, orderId),
				new Promise<null>(
					(resolve) => (timer = setTimeout(() => resolve(null), this.#submitTimeoutMs))
				)
			]);
		} catch {
			return null;
		} finally {
			clearTimeout(timer);
		}
	}

	async #lateReport(id: string, order: Order): Promise<void> {
		const record = await getClose(this.#db, id);
		if (!record || record.order?.status === order.status) return;
		const state = order.status === 'filled' ? 'confirmed' : 'rejected';
		if (record.state === state) return;
		await this.#update(id, { state, order, at: this.#now() });
		this.#targets.get(record.accountId)?.settled?.();
	}

	#record(
		target: CloseTarget,
		plan: ClosePlan,
		positionMode: PositionMode,
		confirmed: ConfirmedClose,
		clientOrderId: string,
		openIds: string[]
	): CloseRecord {
		const at = this.#now();
		const record: CloseRecord = {
			id: clientOrderId,
			accountId: target.accountId,
			createdAt: at,
			updatedAt: at,
			state: 'pending',
			signedAt: target.adapter.serverNow(),
			request: {
				venue: target.adapter.venue,
				symbol: plan.symbol,
				positionSide: plan.positionSide,
				orderSide: plan.side,
				size: plan.size,
				type: 'market',
				marginMode: plan.marginMode,
				positionMode,
				fraction: String(confirmed.fraction)
			}
		};
		if (confirmed.override) record.overrides = openIds;
		return record;
	}

	async #update(id: string, update: Omit<CloseUpdate, 'at'> & { at?: number }): Promise<void> {
		const next = await updateClose(this.#db, id, { ...update, at: update.at ?? this.#now() });
		this.#track(next);
		this.#channel?.post(id);
	}

	#track(record: CloseRecord): void {
		const wasOpen = this.#open.has(record.id);
		if (isFinalClose(record)) this.#open.delete(record.id);
		else this.#open.set(record.id, record);
		if (wasOpen !== this.#open.has(record.id)) this.#changed();
	}

	/** Another tab changed a record: follow it, so its lock shows here too. */
	async #reload(id: string): Promise<void> {
		const record = await getClose(this.#db, id);
		if (record) this.#track(record);
	}

	#openIdsFor(key: string): string[] {
		const ids: string[] = [];
		for (const record of this.#open.values()) if (recordKey(record) === key) ids.push(record.id);
		return ids;
	}

	#sleep(watch: Watch | undefined, ms: number): Promise<void> {
		return new Promise<void>((resolve) => {
			const timer = setTimeout(done, ms);
			function done() {
				clearTimeout(timer);
				if (watch) watch.wake = null;
				resolve();
			}
			if (watch) watch.wake = done;
		});
	}

	#refuse(key: string, reason: string): CloseResult {
		this.#feedback(key, 'error', reason);
		return refused(reason);
	}

	#feedback(key: string, tone: GateFeedback['tone'], message: string): void {
		for (const l of this.#listeners) l({ key, tone, message });
	}

	#changed(): void {
		for (const l of this.#changes) l();
	}
}

function refused(reason: string): CloseResult {
	return { status: 'refused', reason };
}

function requestOf(record: CloseRecord): CloseOrderRequest {
	return {
		symbol: record.request.symbol,
		positionSide: record.request.positionSide,
		size: record.request.size,
		marginMode: record.request.marginMode ?? 'cross',
		// Records without it predate other venues: the one venue then did not read it for a close.
		positionMode: record.request.positionMode ?? 'hedge',
		clientOrderId: record.id
	};
}

/** What differs between the confirmed order and the one the live position asks for, in words. */
function difference(confirmed: ClosePlan, live: ClosePlan): string | null {
	if (confirmed.side !== live.side) return `side now ${live.side}, not ${confirmed.side}`;
	if (confirmed.size !== live.size) return `now ${live.size} to close, not ${confirmed.size}`;
	if (confirmed.marginMode !== live.marginMode) {
		return `margin mode now ${live.marginMode}, not ${confirmed.marginMode}`;
	}
	return null;
}

/** The exchange answered and said no: the order was not placed. */
function answeredByExchange(e: ExchangeError): boolean {
	return (
		e.kind === 'rejected' ||
		e.kind === 'signature' ||
		e.kind === 'clock-skew' ||
		e.kind === 'auth' ||
		e.kind === 'rate-limit'
	);
}

type FinalOrder = Order & { status: 'filled' | 'canceled' | 'rejected' };

function isFinalOrder(order: Order | null): order is FinalOrder {
	return order !== null && ORDER_FINAL.has(order.status);
}

function errorText(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal, ms: number): Promise<T> {
	return new Promise<T>((resolve, reject) => {
		const onAbort = () =>
			reject(new Error(`no reply within ${ms / 1000} s; the request was abandoned`));
		if (signal.aborted) return onAbort();
		signal.addEventListener('abort', onAbort, { once: true });
		promise.then(
			(value) => {
				signal.removeEventListener('abort', onAbort);
				resolve(value);
			},
			(error: unknown) => {
				signal.removeEventListener('abort', onAbort);
				reject(error instanceof Error ? error : new Error(String(error)));
			}
		);
	});
}

function broadcastChannel(): OrderGateOptions['channel'] {
	if (typeof BroadcastChannel === 'undefined') return null;
	const channel = new BroadcastChannel('perch-closes');
	return {
		post: (id) => channel.postMessage(id),
		listen(onId) {
			const handler = (e: MessageEvent) => {
				if (typeof e.data === 'string') onId(e.data);
			};
			channel.addEventListener('message', handler);
			return () => {
				channel.removeEventListener('message', handler);
				channel.close();
			};
		}
	};
}
