import type { ClosePlan } from '$lib/domain/close-planner';
import { createAdapter } from '$lib/exchanges/registry';
import type { Order, PositionSide } from '$lib/exchanges/types';
import type { LastKnownState } from '$lib/vault/last-known';
import type { UnlockedAccount } from '$lib/vault/vault';
import { AccountSession, type AdapterFactory, type ClosePreview } from './account-session.svelte';
import { positionKey, type CloseResult, type OrderGate } from './order-gate';

/** One order of a "close all" sheet. */
export interface CloseAllLine {
	accountId: string;
	accountLabel: string;
	key: string;
	preview: ClosePreview;
}

/**
 * One AccountSession per unlocked account, and the actions on them: every close goes through the
 * order gate; a refused one is reported through `refuse`, next to its position.
 */
export class AccountSessions {
	#list = $state.raw<AccountSession[]>([]);

	#gate: OrderGate | null = null;
	#refuse: (key: string, reason: string) => void;
	#createAdapter: AdapterFactory;
	#save: ((accountId: string, state: LastKnownState) => void) | null = null;

	constructor(
		refuse: (key: string, reason: string) => void,
		adapterFactory: AdapterFactory = createAdapter
	) {
		this.#refuse = refuse;
		this.#createAdapter = adapterFactory;
	}

	get list(): AccountSession[] {
		return this.#list;
	}

	/** Live positions across every session. */
	get positionCount(): number {
		return this.#list.reduce((n, s) => n + s.positions.length, 0);
	}

	/** The gate every session's closes go through; sessions start only once it is set. */
	use(gate: OrderGate): void {
		this.#gate = gate;
	}

	/** Where sessions keep what they last showed live (sealed by the vault). */
	persistWith(save: (accountId: string, state: LastKnownState) => void): void {
		this.#save = save;
	}

	start(accounts: UnlockedAccount[]): void {
		const gate = this.#gate;
		if (!gate) return;
		const started = accounts.map((a) => {
			const session = new AccountSession(
				{
					id: a.id,
					label: a.label,
					venue: a.venue,
					presetId: a.presetId,
					endpoints: a.endpoints,
					keyExpiresAt: a.keyExpiresAt
				},
				{
					accountId: a.id,
					apiKey: a.apiKey,
					fields: a.fields,
					signingKey: a.signingKey,
					decodedSigningKey: a.decodedSigningKey,
					learned: a.learned
				},
				gate,
				this.#createAdapter
			);
			const save = this.#save;
			if (save) session.remember({ lastKnown: a.lastKnown, save: (state) => save(a.id, state) });
			return session;
		});
		this.#list = [...this.#list, ...started];
		// Connecting waits for the next task: the last-known numbers render first (in this
		// task's microtasks), not after the adapters load and the first requests are made.
		setTimeout(() => {
			for (const session of started) if (!session.stopped) void session.start();
		}, 0);
	}

	stopAll(): void {
		for (const s of this.#list) s.stop();
		this.#list = [];
	}

	remove(accountId: string): void {
		const s = this.get(accountId);
		s?.stop();
		this.#list = this.#list.filter((x) => x !== s);
	}

	get(accountId: string): AccountSession | undefined {
		return this.#list.find((s) => s.identity.id === accountId);
	}

	/** What a close of this share of the live position would send, for the confirm sheet. */
	previewClose(
		accountId: string,
		symbol: string,
		side: PositionSide,
		fraction: number
	): ClosePreview {
		const s = this.get(accountId);
		if (!s) return { ok: false, reason: 'The account is locked.' };
		return s.previewClose(symbol, side, fraction);
	}

	/** One full close per live position of these accounts, as a "close all" sheet lists them. */
	previewCloseAll(accountIds: string[]): CloseAllLine[] {
		return this.#list
			.filter((s) => accountIds.includes(s.identity.id))
			.flatMap((s) =>
				s.positions.map((p) => ({
					accountId: s.identity.id,
					accountLabel: s.identity.label,
					key: positionKey(p),
					preview: s.previewClose(p.symbol, p.side, 1)
				}))
			);
	}

	/** Sends exactly the confirmed order (the gate refuses it if the position changed). */
	async closePosition(
		accountId: string,
		plan: ClosePlan,
		fraction: number,
		override = false
	): Promise<CloseResult> {
		const s = this.get(accountId);
		const key = positionKey({ accountId, symbol: plan.symbol, side: plan.positionSide });
		if (!s) return this.#refused(key, 'The account is locked.');
		const result = await s.closePosition(plan, fraction, override);
		if (result.status === 'refused') this.#refuse(key, result.reason);
		return result;
	}

	/**
	 * Close all / close everything: exactly the orders the sheet listed, each through the gate;
	 * a line whose position changed is refused, and its card says why.
	 */
	closeListed(lines: CloseAllLine[]): Promise<CloseResult[]> {
		return Promise.all(
			lines.map((line) =>
				line.preview.ok
					? this.closePosition(line.accountId, line.preview.plan, 1)
					: Promise.resolve(this.#refused(line.key, line.preview.reason))
			)
		);
	}

	async cancelOrder(accountId: string, order: Pick<Order, 'symbol' | 'orderId'>): Promise<void> {
		await this.get(accountId)?.cancelOrder(order);
	}

	async cancelAll(accountId: string): Promise<void> {
		await this.get(accountId)?.cancelAll();
	}

	#refused(key: string, reason: string): CloseResult {
		this.#refuse(key, reason);
		return { status: 'refused', reason };
	}
}
