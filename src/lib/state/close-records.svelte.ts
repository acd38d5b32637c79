import { listRecentCloses } from '$lib/db/closes-repo';
import type { PerchDatabase } from '$lib/db/open';
import { describeClose } from '$lib/domain/close-planner';
import { sizeRulesOf } from '$lib/exchanges/registry';
import type { OrderGate, PositionLock } from './order-gate';
import type { AccountMetaView, CloseAuditView, CloseFeedback } from './view-models';

/**
 * What the user is told about closes: the feedback next to each position, the positions the gate
 * holds (a close in flight, or one whose outcome is unknown), and the audit log.
 */
export class CloseRecords {
	#feedback = $state.raw<Record<string, CloseFeedback>>({});
	#locks = $state.raw<Record<string, PositionLock>>({});
	#audit = $state.raw<CloseAuditView[]>([]);

	#db: PerchDatabase | null = null;
	#gate: OrderGate | null = null;
	#accounts: () => AccountMetaView[];

	/** `accounts` gives the stored accounts, for the labels the audit log shows. */
	constructor(accounts: () => AccountMetaView[]) {
		this.#accounts = accounts;
	}

	get feedback(): Record<string, CloseFeedback> {
		return this.#feedback;
	}
	/** Positions the gate will not close now (a close is being sent, or its outcome is unknown). */
	get locks(): Record<string, PositionLock> {
		return this.#locks;
	}
	get audit(): CloseAuditView[] {
		return this.#audit;
	}

	/** Follows this gate; call before the gate loads, so the locks it finds reach the UI. */
	follow(gate: OrderGate, db: PerchDatabase): void {
		this.#db = db;
		this.#gate = gate;
		gate.onChange(() => this.#syncLocks());
		gate.onFeedback((f) => {
			this.#feedback = { ...this.#feedback, [f.key]: { ...f, at: Date.now() } };
			void this.load();
		});
	}

	/** Shows why an action on a position did not happen, next to that position. */
	report(key: string, message: string): void {
		this.#feedback = { ...this.#feedback, [key]: { key, tone: 'error', message, at: Date.now() } };
	}

	clearFeedback(): void {
		this.#feedback = {};
	}

	clearAudit(): void {
		this.#audit = [];
	}

	async load(): Promise<void> {
		if (!this.#db) return;
		const records = await listRecentCloses(this.#db, 100);
		const labels = new Map(this.#accounts().map((a) => [a.id, a.label]));
		this.#audit = records.map((r) => {
			const accountLabel = labels.get(r.accountId) ?? r.accountId;
			return {
				id: r.id,
				createdAt: r.createdAt,
				accountLabel,
				description: describeClose(
					{
						accountId: r.accountId,
						symbol: r.request.symbol,
						side: r.request.orderSide,
						reduceOnly: true,
						type: 'market',
						size: r.request.size,
						marginMode: r.request.marginMode ?? 'cross',
						positionSide: r.request.positionSide
					},
					{ accountLabel, rules: sizeRulesOf(r.request.venue) }
				),
				request: JSON.stringify({ clientOrderId: r.id, ...r.request }),
				state: r.state,
				overrides: r.overrides ?? [],
				outcome: r.outcome?.error ?? outcomeText(r.outcome)
			};
		});
	}

	#syncLocks(): void {
		const locks: Record<string, PositionLock> = {};
		for (const lock of this.#gate?.allLocks() ?? []) locks[lock.key] = lock;
		this.#locks = locks;
	}
}

function outcomeText(
	o: { filledSize?: string; avgFillPrice?: string; orderId?: string } | undefined
) {
	if (!o) return '—';
	if (o.filledSize && o.avgFillPrice) return `filled ${o.filledSize} at ${o.avgFillPrice}`;
	return o.orderId ? `order ${o.orderId}` : '—';
}
