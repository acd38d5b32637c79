import { listAccounts } from '$lib/db/accounts-repo';
import { listRecentCloses } from '$lib/db/closes-repo';
import { openPerchDB, type PerchDatabase } from '$lib/db/open';
import { getAutoLockMinutes, setAutoLockMinutes } from '$lib/db/settings-repo';
import { describeClose, type ClosePlan } from '$lib/domain/close-planner';
import { createAdapter, CUSTOM_PRESET_ID, demoAccount, venueName } from '$lib/exchanges/registry';
import type { Endpoints, Order, PositionSide, VenueId } from '$lib/exchanges/types';
import { WrongPassphraseError } from '$lib/vault/errors';
import { importSigningKey } from '$lib/vault/signing-key';
import { Vault, type UnlockedAccount } from '$lib/vault/vault';
import { AccountSession, type ClosePreview } from './account-session.svelte';
import { OrderGate, positionKey, type CloseResult, type PositionLock } from './order-gate';
import type { AccountMetaView, CloseAuditView, CloseFeedback } from './view-models';

/** One order of a "close all" sheet. */
export interface CloseAllLine {
	accountId: string;
	accountLabel: string;
	key: string;
	preview: ClosePreview;
}

export type VaultPhase = 'loading' | 'new' | 'locked' | 'unlocked' | 'unavailable';

export interface NewAccountInput {
	label: string;
	venue: VenueId;
	/** The endpoint preset chosen (its headers are sent); custom when not given. */
	presetId?: string;
	endpoints: Endpoints;
	apiKey: string;
	secret: string;
	/** The venue's extra credentials by field id (see the registry). */
	fields: Record<string, string>;
}

const ACTIVITY_EVENTS = ['pointerdown', 'keydown', 'touchstart', 'wheel'] as const;

/**
 * Keys, accounts and everything private: the vault (unlock, lock, idle lock), one AccountSession
 * per unlocked account, the order gate every close goes through, and the audit log.
 * Locking drops the keys and private sockets; public market data stays on screen.
 */
export class AccountsManager {
	phase = $state.raw<VaultPhase>('loading');
	busy = $state.raw(false);
	error = $state.raw<string | null>(null);
	notice = $state.raw<string | null>(null);
	accounts = $state.raw<AccountMetaView[]>([]);
	sessions = $state.raw<AccountSession[]>([]);
	failures = $state.raw<{ accountId: string; label: string; message: string }[]>([]);
	feedback = $state.raw<Record<string, CloseFeedback>>({});
	/** Positions the gate will not close now (a close is being sent, or its outcome is unknown). */
	locks = $state.raw<Record<string, PositionLock>>({});
	audit = $state.raw<CloseAuditView[]>([]);
	autoLockMinutes = $state.raw(15);

	#db: PerchDatabase | null = null;
	#vault: Vault | null = null;
	#gate: OrderGate | null = null;
	#lastActivity = Date.now();
	#idleTimer: ReturnType<typeof setInterval> | null = null;
	#stopActivity: (() => void) | null = null;
	#init: Promise<void> | null = null;

	init(): Promise<void> {
		this.#init ??= this.#open();
		return this.#init;
	}

	async #open(): Promise<void> {
		try {
			this.#db = await openPerchDB('perch', undefined, {
				onBlocking: () => {
					this.notice = 'Perch was updated in another tab: reload this tab to continue.';
				},
				onTerminated: () => {
					this.lock('storage closed');
					this.phase = 'unavailable';
					this.error = 'The browser closed Perch’s storage. Reload the page.';
				}
			});
		} catch (e) {
			this.phase = 'unavailable';
			this.error = `Perch cannot open its storage (IndexedDB): ${message(e)}`;
			return;
		}
		const db = this.#db;
		this.#vault = new Vault(db);
		this.#gate = new OrderGate({ db });
		// Listen before loading: the locks that load() finds must reach the UI.
		this.#gate.onChange(() => this.#syncClosing());
		this.#gate.onFeedback((f) => {
			this.feedback = { ...this.feedback, [f.key]: { ...f, at: Date.now() } };
			void this.loadAudit();
		});
		await this.#gate.load();
		this.autoLockMinutes = await getAutoLockMinutes(db);
		await this.#loadMeta();
		this.phase = (await this.#vault.isInitialized()) ? 'locked' : 'new';
		await this.loadAudit();
	}

	async create(passphrase: string): Promise<void> {
		await this.#run(async (vault) => {
			await vault.create(passphrase);
			this.phase = 'unlocked';
			this.#armIdleLock();
		});
	}

	async unlock(passphrase: string): Promise<void> {
		await this.#run(async (vault) => {
			try {
				const { accounts, failures } = await vault.unlock(passphrase);
				this.failures = failures;
				this.phase = 'unlocked';
				this.#startSessions(accounts);
				this.#armIdleLock();
			} catch (e) {
				if (e instanceof WrongPassphraseError) {
					throw new Error('Wrong passphrase. Nothing was changed.', { cause: e });
				}
				throw e;
			}
		});
	}

	/** Drops keys and private sockets; public market data stays. */
	lock(reason = 'locked'): void {
		this.#vault?.lock();
		for (const s of this.sessions) s.stop();
		this.sessions = [];
		this.feedback = {};
		this.#disarmIdleLock();
		if (this.phase === 'unlocked') {
			this.phase = 'locked';
			this.notice = reason === 'idle' ? 'Locked after inactivity.' : null;
		}
	}

	/** Validates the key with a read-only call before anything is stored. */
	async addAccount(input: NewAccountInput): Promise<void> {
		await this.#run(async (vault) => {
			const label = input.label.trim();
			if (!label) throw new Error('Give the account a label.');
			if (!input.apiKey.trim() || !input.secret.trim()) {
				throw new Error('The API key and secret are both required.');
			}
			const presetId = input.presetId ?? CUSTOM_PRESET_ID;
			const fields = trimmed(input.fields);
			const adapter = await createAdapter({
				venue: input.venue,
				presetId,
				endpoints: input.endpoints
			});
			const signingKey = await importSigningKey(input.secret.trim());
			// Sign the check with the exchange's clock, so a skewed device is told so, not refused.
			await adapter.serverTime();
			await adapter.validateKey({
				accountId: 'new',
				apiKey: input.apiKey.trim(),
				fields,
				signingKey
			});
			const unlocked = await vault.addAccount({
				label,
				venue: input.venue,
				presetId,
				endpoints: input.endpoints,
				apiKey: input.apiKey.trim(),
				secret: input.secret.trim(),
				fields
			});
			await this.#loadMeta();
			this.#startSessions([unlocked]);
			this.notice = `Added ${label}.`;
		});
	}

	/** The Demo venue's account: a public simulator-only key with positions to try closes on. */
	async addDemoAccount(): Promise<void> {
		const { account: DEMO_ACCOUNT, endpoints } = await demoAccount();
		await this.addAccount({
			label: DEMO_ACCOUNT.label,
			venue: 'demo',
			presetId: 'demo',
			endpoints,
			apiKey: DEMO_ACCOUNT.apiKey,
			secret: DEMO_ACCOUNT.secret,
			fields: { ...DEMO_ACCOUNT.fields }
		});
	}

	async removeAccount(id: string): Promise<void> {
		await this.#run(async (vault) => {
			await vault.removeAccount(id);
			const s = this.sessions.find((x) => x.identity.id === id);
			s?.stop();
			this.sessions = this.sessions.filter((x) => x !== s);
			await this.#loadMeta();
		});
	}

	async changePassphrase(oldPass: string, newPass: string): Promise<void> {
		await this.#run(async (vault) => {
			try {
				await vault.changePassphrase(oldPass, newPass);
			} catch (e) {
				if (e instanceof WrongPassphraseError) {
					throw new Error('The current passphrase is wrong. Nothing was changed.', { cause: e });
				}
				throw e;
			}
			this.notice = 'Passphrase changed.';
		});
	}

	async exportBackup(): Promise<string | null> {
		let json: string | null = null;
		await this.#run(async (vault) => {
			json = await vault.exportBackup();
		});
		return json;
	}

	async importBackup(json: string, passphrase: string): Promise<void> {
		await this.#run(async (vault) => {
			for (const s of this.sessions) s.stop();
			this.sessions = [];
			const { accounts, failures } = await vault.importBackup(json, passphrase);
			this.failures = failures;
			await this.#loadMeta();
			this.phase = 'unlocked';
			this.#startSessions(accounts);
			this.#armIdleLock();
			this.notice = `Imported ${accounts.length} account(s).`;
		});
	}

	async wipe(): Promise<void> {
		await this.#run(async (vault) => {
			this.lock('wiped');
			await vault.wipe();
			await this.#loadMeta();
			this.audit = [];
			this.phase = 'new';
			this.notice = 'All Perch data on this device was deleted.';
		});
	}

	async setAutoLock(minutes: number): Promise<void> {
		await this.#run(async () => {
			if (!this.#db) return;
			await setAutoLockMinutes(this.#db, minutes);
			this.autoLockMinutes = minutes;
			this.notice = `Auto-lock after ${minutes} min of inactivity.`;
		});
	}

	session(accountId: string): AccountSession | undefined {
		return this.sessions.find((s) => s.identity.id === accountId);
	}

	/** What a close of this share of the live position would send, for the confirm sheet. */
	previewClose(
		accountId: string,
		symbol: string,
		side: PositionSide,
		fraction: number
	): ClosePreview {
		const s = this.session(accountId);
		if (!s) return { ok: false, reason: 'The account is locked.' };
		return s.previewClose(symbol, side, fraction);
	}

	/** One full close per live position of these accounts, as a "close all" sheet lists them. */
	previewCloseAll(accountIds: string[]): CloseAllLine[] {
		return this.sessions
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
	closePosition(
		accountId: string,
		plan: ClosePlan,
		fraction: number,
		override = false
	): Promise<CloseResult> {
		const s = this.session(accountId);
		const key = positionKey({ accountId, symbol: plan.symbol, side: plan.positionSide });
		if (!s) return Promise.resolve(this.#refused(key, 'The account is locked.'));
		return this.#withFeedback(key, s.closePosition(plan, fraction, override));
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

	/** Shows why an action on a position did not happen, next to that position. */
	reportRefusal(key: string, message: string): void {
		this.feedback = { ...this.feedback, [key]: { key, tone: 'error', message, at: Date.now() } };
	}

	async cancelOrder(accountId: string, order: Pick<Order, 'symbol' | 'orderId'>): Promise<void> {
		await this.#run(async () => {
			await this.session(accountId)?.cancelOrder(order);
			this.notice = `Canceled order ${order.orderId}.`;
		});
	}

	async cancelAll(accountId: string): Promise<void> {
		await this.#run(async () => {
			await this.session(accountId)?.cancelAll();
			this.notice = 'Canceled all open orders.';
		});
	}

	async loadAudit(): Promise<void> {
		if (!this.#db) return;
		const records = await listRecentCloses(this.#db, 100);
		const labels = new Map(this.accounts.map((a) => [a.id, a.label]));
		this.audit = records.map((r) => {
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
					{ accountLabel }
				),
				request: JSON.stringify({ clientOrderId: r.id, ...r.request }),
				state: r.state,
				overrides: r.overrides ?? [],
				outcome: r.outcome?.error ?? outcomeText(r.outcome)
			};
		});
	}

	noteActivity(): void {
		this.#lastActivity = Date.now();
	}

	async #withFeedback(key: string, pending: Promise<CloseResult>): Promise<CloseResult> {
		const result = await pending;
		if (result.status === 'refused') this.reportRefusal(key, result.reason);
		return result;
	}

	#refused(key: string, reason: string): CloseResult {
		this.reportRefusal(key, reason);
		return { status: 'refused', reason };
	}

	#syncClosing(): void {
		const locks: Record<string, PositionLock> = {};
		for (const lock of this.#gate?.allLocks() ?? []) locks[lock.key] = lock;
		this.locks = locks;
	}

	#startSessions(accounts: UnlockedAccount[]): void {
		const gate = this.#gate;
		if (!gate) return;
		const started = accounts.map((a) => {
			const session = new AccountSession(
				{
					id: a.id,
					label: a.label,
					venue: a.venue,
					presetId: a.presetId,
					endpoints: a.endpoints
				},
				{ accountId: a.id, apiKey: a.apiKey, fields: a.fields, signingKey: a.signingKey },
				gate
			);
			void session.start();
			return session;
		});
		this.sessions = [...this.sessions, ...started];
	}

	async #loadMeta(): Promise<void> {
		if (!this.#db) return;
		const records = await listAccounts(this.#db);
		this.accounts = records.map((r) => ({
			id: r.id,
			label: r.label,
			venue: r.venue,
			venueName: venueName(r.venue),
			endpoints: r.endpoints
		}));
	}

	#armIdleLock(): void {
		this.#disarmIdleLock();
		this.#lastActivity = Date.now();
		if (typeof window !== 'undefined') {
			const onActivity = () => this.noteActivity();
			for (const e of ACTIVITY_EVENTS) window.addEventListener(e, onActivity, { passive: true });
			this.#stopActivity = () => {
				for (const e of ACTIVITY_EVENTS) window.removeEventListener(e, onActivity);
			};
		}
		// Compares wall-clock time, so a phone that slept past the limit locks on waking.
		this.#idleTimer = setInterval(() => {
			if (Date.now() - this.#lastActivity >= this.autoLockMinutes * 60_000) this.lock('idle');
		}, 1000);
	}

	#disarmIdleLock(): void {
		if (this.#idleTimer) clearInterval(this.#idleTimer);
		this.#idleTimer = null;
		this.#stopActivity?.();
		this.#stopActivity = null;
	}

	async #run(work: (vault: Vault) => Promise<void>): Promise<void> {
		await this.init();
		const vault = this.#vault;
		if (!vault) return;
		this.busy = true;
		this.error = null;
		this.notice = null;
		try {
			await work(vault);
		} catch (e) {
			this.error = message(e);
		} finally {
			this.busy = false;
		}
	}
}

/** Credentials are pasted: stray spaces around them are never part of them. */
function trimmed(fields: Record<string, string>): Record<string, string> {
	return Object.fromEntries(Object.entries(fields).map(([id, value]) => [id, value.trim()]));
}

function message(e: unknown): string {
	return e instanceof Error ? e.message : String(e);
}

function outcomeText(
	o: { filledSize?: string; avgFillPrice?: string; orderId?: string } | undefined
) {
	if (!o) return '—';
	if (o.filledSize && o.avgFillPrice) return `filled ${o.filledSize} at ${o.avgFillPrice}`;
	return o.orderId ? `order ${o.orderId}` : '—';
}

export const accounts = new AccountsManager();
