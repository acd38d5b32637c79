import type { ClosePlan } from '$lib/domain/close-planner';
import { createAdapter } from '$lib/exchanges/registry';
import type { Order, PositionSide, VenueId } from '$lib/exchanges/types';
import type { AccountSession, AdapterFactory, ClosePreview } from './account-session.svelte';
import { AccountSessions, type CloseAllLine } from './account-sessions.svelte';
import { CloseRecords } from './close-records.svelte';
import { EquitySampler } from './equity-sampler';
import { sessionEquitySource } from './equity-source';
import { OrderGate, type CloseResult, type PositionLock } from './order-gate';
import { VaultKeeper, type NewAccountInput, type VaultPhase } from './vault-keeper.svelte';
import type { AccountMetaView, CloseAuditView, CloseFeedback } from './view-models';
import type { PasskeySupport } from '$lib/vault/passkey';
import { putEquitySamples } from '$lib/db/equity-repo';

export type { CloseAllLine } from './account-sessions.svelte';
export type { NewAccountInput, VaultPhase } from './vault-keeper.svelte';

/**
 * Keys, accounts and everything private, for the pages: the vault and its idle lock
 * (VaultKeeper), one session per unlocked account with the close / cancel actions through the
 * order gate (AccountSessions), and the feedback and audit log of closes (CloseRecords).
 * Pages read its getters and change it only through its methods.
 * Locking drops the keys and private sockets; public market data stays on screen.
 */
export class AccountsManager {
	#records: CloseRecords;
	#sessions: AccountSessions;
	#vault: VaultKeeper;
	#equity: EquitySampler | null = null;

	constructor(adapterFactory: AdapterFactory = createAdapter) {
		this.#records = new CloseRecords(() => this.#vault.accounts);
		this.#sessions = new AccountSessions(
			(key, reason) => this.#records.report(key, reason),
			adapterFactory
		);
		this.#vault = new VaultKeeper(
			{
				opened: async (db) => {
					const gate = new OrderGate({ db });
					this.#records.follow(gate, db);
					this.#sessions.use(gate);
					// Equity over time, which no venue keeps: a sample a minute per live account.
					const wasRunning = this.#equity?.running ?? false;
					this.#equity?.stop();
					this.#equity = new EquitySampler({
						sources: () => this.#sessions.list.map(sessionEquitySource),
						save: (samples) => putEquitySamples(db, samples)
					});
					if (wasRunning) this.#equity.start();
					await gate.load();
				},
				ready: () => this.#records.load(),
				unlocked: (list) => {
					this.#sessions.start(list);
					this.#equity?.start();
				},
				closeAll: () => {
					this.#equity?.stop();
					this.#sessions.stopAll();
				},
				locked: () => this.#records.clearFeedback(),
				removed: (id) => this.#sessions.remove(id),
				wiped: () => this.#records.clearAudit()
			},
			adapterFactory
		);
		this.#sessions.persistWith((id, state) => void this.#vault.saveLastKnown(id, state));
	}

	get phase(): VaultPhase {
		return this.#vault.phase;
	}
	get busy(): boolean {
		return this.#vault.busy;
	}
	get error(): string | null {
		return this.#vault.error;
	}
	get notice(): string | null {
		return this.#vault.notice;
	}
	/** The stored accounts, without keys. */
	get accounts(): AccountMetaView[] {
		return this.#vault.accounts;
	}
	get failures(): { accountId: string; label: string; message: string }[] {
		return this.#vault.failures;
	}
	get autoLockMinutes(): number {
		return this.#vault.autoLockMinutes;
	}
	get hasPasskey(): boolean {
		return this.#vault.hasPasskey;
	}
	get passkeySupport(): PasskeySupport | null {
		return this.#vault.passkeySupport;
	}
	get sessions(): AccountSession[] {
		return this.#sessions.list;
	}
	get positionCount(): number {
		return this.#sessions.positionCount;
	}
	get feedback(): Record<string, CloseFeedback> {
		return this.#records.feedback;
	}
	/** Positions the gate will not close now (a close is being sent, or its outcome is unknown). */
	get locks(): Record<string, PositionLock> {
		return this.#records.locks;
	}
	get audit(): CloseAuditView[] {
		return this.#records.audit;
	}

	init(): Promise<void> {
		return this.#vault.init();
	}
	create(passphrase: string): Promise<void> {
		return this.#vault.create(passphrase);
	}
	unlock(passphrase: string): Promise<void> {
		return this.#vault.unlock(passphrase);
	}
	unlockWithPasskey(): Promise<void> {
		return this.#vault.unlockWithPasskey();
	}
	addPasskey(passphrase: string): Promise<void> {
		return this.#vault.addPasskey(passphrase);
	}
	removePasskey(): Promise<void> {
		return this.#vault.removePasskey();
	}
	lock(reason?: string): void {
		this.#vault.lock(reason);
	}
	addAccount(input: NewAccountInput): Promise<void> {
		return this.#vault.addAccount(input);
	}
	/** A Demo picker account of this venue (default: the Demo venue's own). */
	addDemoAccount(venue?: VenueId): Promise<void> {
		return this.#vault.addDemoAccount(venue);
	}
	removeAccount(id: string): Promise<void> {
		return this.#vault.removeAccount(id);
	}
	changePassphrase(oldPass: string, newPass: string): Promise<void> {
		return this.#vault.changePassphrase(oldPass, newPass);
	}
	exportBackup(): Promise<string | null> {
		return this.#vault.exportBackup();
	}
	importBackup(json: string, passphrase: string): Promise<void> {
		return this.#vault.importBackup(json, passphrase);
	}
	wipe(): Promise<void> {
		return this.#vault.wipe();
	}
	setAutoLock(minutes: number): Promise<void> {
		return this.#vault.setAutoLock(minutes);
	}
	noteActivity(): void {
		this.#vault.noteActivity();
	}

	session(accountId: string): AccountSession | undefined {
		return this.#sessions.get(accountId);
	}
	previewClose(
		accountId: string,
		symbol: string,
		side: PositionSide,
		fraction: number
	): ClosePreview {
		return this.#sessions.previewClose(accountId, symbol, side, fraction);
	}
	previewCloseAll(accountIds: string[]): CloseAllLine[] {
		return this.#sessions.previewCloseAll(accountIds);
	}
	closePosition(
		accountId: string,
		plan: ClosePlan,
		fraction: number,
		override = false
	): Promise<CloseResult> {
		return this.#sessions.closePosition(accountId, plan, fraction, override);
	}
	closeListed(lines: CloseAllLine[]): Promise<CloseResult[]> {
		return this.#sessions.closeListed(lines);
	}
	cancelOrder(accountId: string, order: Pick<Order, 'symbol' | 'orderId'>): Promise<void> {
		return this.#vault.run(async () => {
			await this.#sessions.cancelOrder(accountId, order);
			return `Canceled order ${order.orderId}.`;
		});
	}
	cancelAll(accountId: string): Promise<void> {
		return this.#vault.run(async () => {
			await this.#sessions.cancelAll(accountId);
			return 'Canceled all open orders.';
		});
	}

	/** Shows why an action on a position did not happen, next to that position. */
	reportRefusal(key: string, message: string): void {
		this.#records.report(key, message);
	}
	loadAudit(): Promise<void> {
		return this.#records.load();
	}
}

export const accounts = new AccountsManager();
