import { getClose, recordCloseIntent, updateClose } from '$lib/db/closes-repo';
import type { PerchDatabase } from '$lib/db/open';
import type { CloseOutcome, CloseRecord } from '$lib/db/schema';
import { describeClose, planClose, type ClosePlan } from '$lib/domain/close-planner';
import {
	ExchangeError,
	type AccountCredentials,
	type ExchangeAdapter,
	type Instrument,
	type Order,
	type Position
} from '$lib/exchanges/types';

/**
 * The only way an order leaves Perch. One close intent gets one client order id, recorded in
 * IndexedDB before the request is sent; the position stays locked until the order is final; after
 * a timeout or network error the gate asks the exchange about that id before anything else, and
 * it never re-sends the same intent. The confirmation comes from the private order stream (or a
 * query by id), not from the HTTP reply alone.
 */

export interface CloseIntent {
	accountId: string;
	accountLabel: string;
	adapter: ExchangeAdapter;
	creds: AccountCredentials;
	position: Position;
	instrument: Instrument;
	fraction: number;
	/** The private stream is live: Perch refuses to act on numbers it cannot vouch for. */
	streamLive: boolean;
	/** The size the user confirmed; if the position changed meanwhile, the gate refuses. */
	expectedSize?: string;
}

export type CloseResult =
	| { status: 'refused'; reason: string }
	| { status: 'filled'; clientOrderId: string; order: Order; message: string }
	| { status: 'rejected'; clientOrderId: string; message: string }
	| { status: 'not-placed'; clientOrderId: string; message: string }
	| { status: 'unconfirmed'; clientOrderId: string; message: string };

export interface GateFeedback {
	key: string;
	tone: 'info' | 'success' | 'error';
	message: string;
}

export interface OrderGateOptions {
	db: PerchDatabase;
	now?: () => number;
	/** Give up waiting for the HTTP reply after this long and ask the exchange instead. */
	submitTimeoutMs?: number;
	/** How long to wait for the order to reach a final state. */
	settleTimeoutMs?: number;
	/** Queries by client order id after an unclear submit. */
	queryAttempts?: number;
	queryIntervalMs?: number;
}

interface Waiter {
	latest: Order | null;
	wake: (() => void) | null;
}

const FINAL = new Set<Order['status']>(['filled', 'canceled', 'rejected']);

export function positionKey(p: Pick<Position, 'accountId' | 'symbol' | 'side'>): string {
	return `${p.accountId}:${p.symbol}:${p.side}`;
}

export class OrderGate {
	readonly #db: PerchDatabase;
	readonly #now: () => number;
	readonly #submitTimeoutMs: number;
	readonly #settleTimeoutMs: number;
	readonly #queryAttempts: number;
	readonly #queryIntervalMs: number;
	readonly #inflight = new Map<string, string>();
	readonly #waiters = new Map<string, Waiter>();
	readonly #listeners = new Set<(f: GateFeedback) => void>();
	readonly #changes = new Set<() => void>();

	constructor(options: OrderGateOptions) {
		this.#db = options.db;
		this.#now = options.now ?? Date.now;
		this.#submitTimeoutMs = options.submitTimeoutMs ?? 8000;
		this.#settleTimeoutMs = options.settleTimeoutMs ?? 15000;
		this.#queryAttempts = options.queryAttempts ?? 4;
		this.#queryIntervalMs = options.queryIntervalMs ?? 1000;
	}

	isClosing(key: string): boolean {
		return this.#inflight.has(key);
	}

	onFeedback(listener: (f: GateFeedback) => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	/** Called when the set of in-flight closes changes (for disabling controls). */
	onChange(listener: () => void): () => void {
		this.#changes.add(listener);
		return () => this.#changes.delete(listener);
	}

	/** Every order report from a private stream goes through here. */
	observeOrder(order: Order): void {
		if (!order.clientOrderId) return;
		const waiter = this.#waiters.get(order.clientOrderId);
		if (!waiter) return;
		waiter.latest = order;
		waiter.wake?.();
	}

	plan(intent: Pick<CloseIntent, 'position' | 'instrument' | 'fraction'>) {
		return planClose(intent);
	}

	async close(intent: CloseIntent): Promise<CloseResult> {
		const key = positionKey(intent.position);
		// Synchronous checks first, so a double tap cannot slip between two awaits.
		if (this.#inflight.has(key)) {
			return { status: 'refused', reason: 'A close for this position is already in flight.' };
		}
		if (!intent.streamLive) {
			return {
				status: 'refused',
				reason: 'The private stream is not live, so positions may be stale; not sending a close.'
			};
		}
		const planned = planClose(intent);
		if (!planned.ok) return { status: 'refused', reason: planned.reason };
		const plan = planned.order;
		if (intent.expectedSize !== undefined && intent.expectedSize !== plan.size) {
			return {
				status: 'refused',
				reason: `The position changed (now ${plan.size} contracts to close, not ${intent.expectedSize}); review and confirm again.`
			};
		}
		const clientOrderId = intent.adapter.newClientOrderId();
		this.#inflight.set(key, clientOrderId);
		this.#changed();
		const waiter: Waiter = { latest: null, wake: null };
		this.#waiters.set(clientOrderId, waiter);
		const description = describeClose(plan, { accountLabel: intent.accountLabel });
		try {
			await recordCloseIntent(this.#db, this.#record(intent, plan, clientOrderId));
			this.#feedback(key, 'info', `Sending: ${description}`);
			return await this.#send(intent, plan, clientOrderId, waiter, key);
		} catch (error) {
			const message = `Close not sent: ${errorText(error)}`;
			this.#feedback(key, 'error', message);
			return { status: 'refused', reason: message };
		} finally {
			this.#waiters.delete(clientOrderId);
			this.#inflight.delete(key);
			this.#changed();
		}
	}

	async #send(
		intent: CloseIntent,
		plan: ClosePlan,
		clientOrderId: string,
		waiter: Waiter,
		key: string
	): Promise<CloseResult> {
		const { adapter, creds } = intent;
		let orderId: string | undefined;
		try {
			const submitted = await withTimeout(
				adapter.submitClose(creds, {
					symbol: plan.symbol,
					positionSide: plan.positionSide,
					size: plan.size,
					marginMode: plan.marginMode,
					clientOrderId
				}),
				this.#submitTimeoutMs
			);
			orderId = submitted.orderId;
			await this.#update(clientOrderId, 'sent', { orderId, at: this.#now() });
		} catch (error) {
			if (error instanceof ExchangeError && answeredByExchange(error)) {
				const message = `Rejected: ${error.message}`;
				await this.#update(clientOrderId, 'rejected', {
					error: error.message,
					errorCode: error.code,
					at: this.#now()
				});
				this.#feedback(key, 'error', message);
				return { status: 'rejected', clientOrderId, message };
			}
			// The request may or may not have reached the exchange (or it did, twice: a 'duplicate'
			// means a transport-level retry of this same intent): ask before doing anything else.
			await this.#update(clientOrderId, 'unknown', { error: errorText(error), at: this.#now() });
			this.#feedback(key, 'info', 'No clear reply; asking the exchange about this close…');
			const found = waiter.latest ?? (await this.#query(intent, plan.symbol, clientOrderId));
			if (!found) {
				const message = `Not placed: the exchange has no order ${clientOrderId} (${errorText(error)}). Nothing was re-sent.`;
				await this.#update(clientOrderId, 'rejected', { error: message, at: this.#now() });
				this.#feedback(key, 'error', message);
				return { status: 'not-placed', clientOrderId, message };
			}
			waiter.latest ??= found;
			orderId = found.orderId;
			await this.#update(clientOrderId, 'sent', { orderId, at: this.#now() });
		}
		return this.#settle(intent, plan, clientOrderId, waiter, key);
	}

	/** Waits for a final state from the stream, asking the exchange if the stream stays quiet. */
	async #settle(
		intent: CloseIntent,
		plan: ClosePlan,
		clientOrderId: string,
		waiter: Waiter,
		key: string
	): Promise<CloseResult> {
		const deadline = this.#now() + this.#settleTimeoutMs;
		while (!isFinal(waiter.latest) && this.#now() < deadline) {
			await new Promise<void>((resolve) => {
				const timer = setTimeout(resolve, this.#queryIntervalMs * 2);
				waiter.wake = () => {
					clearTimeout(timer);
					resolve();
				};
			});
			waiter.wake = null;
			if (!isFinal(waiter.latest)) {
				const polled = await this.#safeFind(intent, plan.symbol, clientOrderId);
				if (polled && !isFinal(waiter.latest)) waiter.latest = polled;
			}
		}
		const order = waiter.latest;
		if (!order || !isFinal(order)) {
			const message = 'Sent, but not confirmed yet: check the position before acting again.';
			await this.#update(clientOrderId, 'unknown', { error: message, at: this.#now() }, order);
			this.#feedback(key, 'error', message);
			return { status: 'unconfirmed', clientOrderId, message };
		}
		const outcome: CloseOutcome = {
			orderId: order.orderId,
			filledSize: order.filledSize,
			avgFillPrice: order.avgFillPrice,
			at: this.#now()
		};
		if (order.status === 'filled') {
			const summary = await this.#fillSummary(intent, plan.symbol, order.orderId);
			if (summary) {
				outcome.realizedPnl = summary.realizedPnl;
				outcome.fees = summary.fees;
			}
			const settle = intent.instrument.settle;
			const pnl = summary
				? `, realized PnL ${summary.realizedPnl} ${settle} (fees ${summary.fees})`
				: '';
			const message = `Filled ${order.filledSize} ${plan.symbol} at ${order.avgFillPrice}${pnl}`;
			await this.#update(clientOrderId, 'confirmed', outcome, order);
			this.#feedback(key, 'success', message);
			return { status: 'filled', clientOrderId, order, message };
		}
		const message = `The exchange ${order.status === 'canceled' ? 'canceled' : 'rejected'} the close (filled ${order.filledSize || '0'}).`;
		await this.#update(clientOrderId, 'rejected', { ...outcome, error: message }, order);
		this.#feedback(key, 'error', message);
		return { status: 'rejected', clientOrderId, message };
	}

	async #query(intent: CloseIntent, symbol: string, clientOrderId: string): Promise<Order | null> {
		for (let attempt = 0; attempt < this.#queryAttempts; attempt++) {
			if (attempt > 0) await sleep(this.#queryIntervalMs);
			try {
				return await intent.adapter.findOrder(intent.creds, symbol, clientOrderId);
			} catch {
				// The network is still unhappy: try again; never re-send the order itself.
			}
		}
		throw new Error(
			`could not reach the exchange to check order ${clientOrderId}; check the position before acting again`
		);
	}

	/** Best effort: the exchange's realized PnL for the fills; the close is final without it. */
	async #fillSummary(intent: CloseIntent, symbol: string, orderId: string) {
		try {
			return await withTimeout(
				intent.adapter.fillSummary(intent.creds, symbol, orderId),
				this.#submitTimeoutMs
			);
		} catch {
			return null;
		}
	}

	async #safeFind(intent: CloseIntent, symbol: string, id: string): Promise<Order | null> {
		try {
			return await intent.adapter.findOrder(intent.creds, symbol, id);
		} catch {
			return null;
		}
	}

	#record(intent: CloseIntent, plan: ClosePlan, clientOrderId: string): CloseRecord {
		const at = this.#now();
		return {
			id: clientOrderId,
			accountId: intent.accountId,
			createdAt: at,
			updatedAt: at,
			state: 'pending',
			request: {
				venue: intent.adapter.venue,
				symbol: plan.symbol,
				positionSide: plan.positionSide,
				orderSide: plan.side,
				size: plan.size,
				type: 'market',
				fraction: String(intent.fraction)
			}
		};
	}

	async #update(
		id: string,
		state: CloseRecord['state'],
		outcome: CloseOutcome,
		order?: Order | null
	): Promise<void> {
		await updateClose(this.#db, id, { state, outcome, order: order ?? undefined, at: this.#now() });
	}

	#feedback(key: string, tone: GateFeedback['tone'], message: string): void {
		for (const l of this.#listeners) l({ key, tone, message });
	}

	#changed(): void {
		for (const l of this.#changes) l();
	}

	/** For the audit view. */
	record(id: string): Promise<CloseRecord | undefined> {
		return getClose(this.#db, id);
	}
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

function isFinal(order: Order | null): order is Order {
	return order !== null && FINAL.has(order.status);
}

function errorText(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

class TimeoutError extends Error {
	constructor(ms: number) {
		super(`no reply within ${Math.round(ms / 1000)} s`);
		this.name = 'TimeoutError';
	}
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
	return new Promise<T>((resolve, reject) => {
		const timer = setTimeout(() => reject(new TimeoutError(ms)), ms);
		promise.then(
			(v) => {
				clearTimeout(timer);
				resolve(v);
			},
			(e: unknown) => {
				clearTimeout(timer);
				reject(e instanceof Error ? e : new Error(String(e)));
			}
		);
	});
}
