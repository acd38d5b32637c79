import { listAccounts } from '$lib/db/accounts-repo';
import { openPerchDB, type PerchDatabase } from '$lib/db/open';
import { getAutoLockMinutes, setAutoLockMinutes } from '$lib/db/settings-repo';
import {
	createAdapter,
	CUSTOM_PRESET_ID,
	decodesSecret,
	DEMO_VENUES,
	demoChoice,
	venueName
} from '$lib/exchanges/registry';
import type { Endpoints, VenueId } from '$lib/exchanges/types';
import { WrongPassphraseError } from '$lib/vault/errors';
import type { LastKnownState } from '$lib/vault/last-known';
import {
	describePasskeyFailure,
	passkeyPrf,
	passkeySupport,
	registerPasskey,
	type PasskeySupport
} from '$lib/vault/passkey';
import { importDecodedSigningKey, importSigningKey } from '$lib/vault/signing-key';
import { Vault, type UnlockedAccount } from '$lib/vault/vault';
import type { AdapterFactory } from './account-session.svelte';
import type { AccountMetaView } from './view-models';

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

/** What the rest of the account state does when the vault opens, unlocks, locks or forgets. */
export interface VaultHooks {
	/** Storage is open: set up what lives on it before the vault reports its phase. */
	opened(db: PerchDatabase): Promise<void>;
	/** The phase is known. */
	ready(): Promise<void>;
	/** These accounts' keys are decrypted: connect them. */
	unlocked(accounts: UnlockedAccount[]): void;
	/** Every key is about to be dropped: close every private connection. */
	closeAll(): void;
	/** The vault locked (after closeAll). */
	locked(): void;
	removed(accountId: string): void;
	wiped(): void;
}

type UnlockFailureView = { accountId: string; label: string; message: string };

const ACTIVITY_EVENTS = ['pointerdown', 'keydown', 'touchstart', 'wheel'] as const;

/**
 * The vault and what the lock screen and settings show: its phase, the stored accounts (no
 * keys), the idle lock, and the busy / error / notice of the action in progress.
 */
export class VaultKeeper {
	#phase = $state.raw<VaultPhase>('loading');
	#busy = $state.raw(false);
	#error = $state.raw<string | null>(null);
	#notice = $state.raw<string | null>(null);
	#accounts = $state.raw<AccountMetaView[]>([]);
	#failures = $state.raw<{ accountId: string; label: string; message: string }[]>([]);
	#autoLockMinutes = $state.raw(15);
	#hasPasskey = $state.raw(false);
	#passkeySupport = $state.raw<PasskeySupport | null>(null);

	#hooks: VaultHooks;
	#createAdapter: AdapterFactory;
	#db: PerchDatabase | null = null;
	#vault: Vault | null = null;
	#lastActivity = Date.now();
	#idleTimer: ReturnType<typeof setInterval> | null = null;
	#stopActivity: (() => void) | null = null;
	#init: Promise<void> | null = null;

	constructor(hooks: VaultHooks, adapterFactory: AdapterFactory = createAdapter) {
		this.#hooks = hooks;
		this.#createAdapter = adapterFactory;
	}

	get phase(): VaultPhase {
		return this.#phase;
	}
	get busy(): boolean {
		return this.#busy;
	}
	get error(): string | null {
		return this.#error;
	}
	get notice(): string | null {
		return this.#notice;
	}
	get accounts(): AccountMetaView[] {
		return this.#accounts;
	}
	get failures(): { accountId: string; label: string; message: string }[] {
		return this.#failures;
	}
	get autoLockMinutes(): number {
		return this.#autoLockMinutes;
	}
	/** A passkey can unlock this vault (its wrap of the data key is stored). */
	get hasPasskey(): boolean {
		return this.#hasPasskey;
	}
	/** Null until known; otherwise whether passkeys can work here, or why not. */
	get passkeySupport(): PasskeySupport | null {
		return this.#passkeySupport;
	}

	init(): Promise<void> {
		this.#init ??= this.#open();
		return this.#init;
	}

	async #open(): Promise<void> {
		try {
			this.#db = await openPerchDB('perch', undefined, {
				onBlocking: () => {
					this.#notice = 'Perch was updated in another tab: reload this tab to continue.';
				},
				onTerminated: () => {
					this.lock('storage closed');
					this.#phase = 'unavailable';
					this.#error = 'The browser closed Perch’s storage. Reload the page.';
				}
			});
		} catch (e) {
			this.#phase = 'unavailable';
			this.#error = `Perch cannot open its storage (IndexedDB): ${message(e)}`;
			return;
		}
		const db = this.#db;
		this.#vault = new Vault(db);
		await this.#hooks.opened(db);
		this.#autoLockMinutes = await getAutoLockMinutes(db);
		await this.#loadMeta();
		this.#phase = (await this.#vault.isInitialized()) ? 'locked' : 'new';
		await this.#hooks.ready();
		void passkeySupport().then((support) => (this.#passkeySupport = support));
	}

	async create(passphrase: string): Promise<void> {
		await this.run(async (vault) => {
			await vault.create(passphrase);
			this.#phase = 'unlocked';
			this.#armIdleLock();
		});
	}

	async unlock(passphrase: string): Promise<void> {
		await this.run(async (vault) => {
			try {
				const { accounts, failures } = await vault.unlock(passphrase);
				this.#opened(accounts, failures);
			} catch (e) {
				if (e instanceof WrongPassphraseError) {
					throw new Error('Wrong passphrase. Nothing was changed.', { cause: e });
				}
				throw e;
			}
		});
	}

	/** Asks the vault's passkey (the browser prompts for the fingerprint, face or PIN). */
	async unlockWithPasskey(): Promise<void> {
		await this.run(async (vault) => {
			const request = await vault.passkey();
			if (!request) throw new Error('No passkey is set up: unlock with the passphrase.');
			let prf: Uint8Array;
			try {
				prf = await passkeyPrf(request);
			} catch (e) {
				throw new Error(`${describePasskeyFailure(e)} You can unlock with the passphrase.`, {
					cause: e
				});
			}
			try {
				const { accounts, failures } = await vault.unlockWithPasskey(prf);
				this.#opened(accounts, failures);
			} finally {
				prf.fill(0);
			}
		});
	}

	/** Settings: checks the passphrase, then registers a passkey and wraps the data key under it. */
	async addPasskey(passphrase: string): Promise<void> {
		await this.run(async (vault) => {
			try {
				await vault.addPasskey(passphrase, registerPasskey);
			} catch (e) {
				if (e instanceof WrongPassphraseError) {
					throw new Error('Wrong passphrase: no passkey was added.', { cause: e });
				}
				throw new Error(describePasskeyFailure(e), { cause: e });
			}
			await this.#loadPasskey();
			return 'Passkey added: you can unlock Perch with it on this device.';
		});
	}

	async removePasskey(): Promise<void> {
		await this.run(async (vault) => {
			await vault.removePasskey();
			await this.#loadPasskey();
			return 'Passkey removed: unlock with the passphrase.';
		});
	}

	/** Stores what an account last showed live, sealed; quietly skipped when locked. */
	async saveLastKnown(accountId: string, state: LastKnownState): Promise<void> {
		try {
			await this.#vault?.saveLastKnown(accountId, state);
		} catch {
			// A cache: a failed write only means an older state is shown next time.
		}
	}

	#opened(accounts: UnlockedAccount[], failures: UnlockFailureView[]): void {
		this.#failures = failures;
		this.#phase = 'unlocked';
		this.#hooks.unlocked(accounts);
		this.#armIdleLock();
	}

	/** Drops keys and private sockets; public market data stays. */
	lock(reason = 'locked'): void {
		this.#vault?.lock();
		this.#hooks.closeAll();
		this.#hooks.locked();
		this.#disarmIdleLock();
		if (this.#phase === 'unlocked') {
			this.#phase = 'locked';
			this.#notice = reason === 'idle' ? 'Locked after inactivity.' : null;
		}
	}

	/** Validates the key with a read-only call before anything is stored. */
	async addAccount(input: NewAccountInput): Promise<void> {
		await this.run(async (vault) => {
			const label = input.label.trim();
			if (!label) throw new Error('Give the account a label.');
			if (!input.apiKey.trim() || !input.secret.trim()) {
				throw new Error('The API key and secret are both required.');
			}
			const presetId = input.presetId ?? CUSTOM_PRESET_ID;
			const fields = trimmed(input.fields);
			const adapter = await this.#createAdapter({
				venue: input.venue,
				presetId,
				endpoints: input.endpoints
			});
			const signingKey = await importSigningKey(input.secret.trim());
			const decodedSigningKey = decodesSecret(input.venue)
				? ((await importDecodedSigningKey(input.secret.trim())) ?? undefined)
				: undefined;
			// Sign the check with the exchange's clock, so a skewed device is told so, not refused.
			await adapter.serverTime();
			const facts = await adapter.validateKey({
				accountId: 'new',
				apiKey: input.apiKey.trim(),
				fields,
				signingKey,
				decodedSigningKey
			});
			const unlocked = await vault.addAccount({
				label,
				venue: input.venue,
				presetId,
				endpoints: input.endpoints,
				apiKey: input.apiKey.trim(),
				secret: input.secret.trim(),
				fields,
				learned: facts?.learned,
				keyExpiresAt: facts?.keyExpiresAt
			});
			await this.#loadMeta();
			this.#hooks.unlocked([unlocked]);
			return `Added ${label}.`;
		});
	}

	/** A Demo picker account: a public simulator-only key with positions to try closes on. */
	async addDemoAccount(venue: VenueId = DEMO_VENUES[0]): Promise<void> {
		const demo = await demoChoice(venue);
		await this.addAccount({
			label: demo.label,
			venue: demo.venue,
			presetId: demo.presetId,
			endpoints: demo.endpoints,
			apiKey: demo.apiKey,
			secret: demo.secret,
			fields: demo.fields
		});
	}

	async removeAccount(id: string): Promise<void> {
		await this.run(async (vault) => {
			await vault.removeAccount(id);
			this.#hooks.removed(id);
			await this.#loadMeta();
		});
	}

	async changePassphrase(oldPass: string, newPass: string): Promise<void> {
		await this.run(async (vault) => {
			try {
				await vault.changePassphrase(oldPass, newPass);
			} catch (e) {
				if (e instanceof WrongPassphraseError) {
					throw new Error('The current passphrase is wrong. Nothing was changed.', { cause: e });
				}
				throw e;
			}
			return 'Passphrase changed.';
		});
	}

	async exportBackup(): Promise<string | null> {
		let json: string | null = null;
		await this.run(async (vault) => {
			json = await vault.exportBackup();
		});
		return json;
	}

	async importBackup(json: string, passphrase: string): Promise<void> {
		await this.run(async (vault) => {
			this.#hooks.closeAll();
			const { accounts, failures } = await vault.importBackup(json, passphrase);
			await this.#loadMeta();
			this.#opened(accounts, failures);
			return `Imported ${accounts.length} account(s).`;
		});
	}

	async wipe(): Promise<void> {
		await this.run(async (vault) => {
			this.lock('wiped');
			await vault.wipe();
			await this.#loadMeta();
			this.#hooks.wiped();
			this.#phase = 'new';
			return 'All Perch data on this device was deleted.';
		});
	}

	async setAutoLock(minutes: number): Promise<void> {
		await this.run(async () => {
			if (!this.#db) return;
			await setAutoLockMinutes(this.#db, minutes);
			this.#autoLockMinutes = minutes;
			return `Auto-lock after ${minutes} min of inactivity.`;
		});
	}

	noteActivity(): void {
		this.#lastActivity = Date.now();
	}

	/**
	 * Runs one user action: busy while it runs, its error shown, the notice it returns shown.
	 * Does nothing when storage could not be opened.
	 */
	async run(work: (vault: Vault) => Promise<string | void>): Promise<void> {
		await this.init();
		const vault = this.#vault;
		if (!vault) return;
		this.#busy = true;
		this.#error = null;
		this.#notice = null;
		try {
			const notice = await work(vault);
			if (typeof notice === 'string') this.#notice = notice;
		} catch (e) {
			this.#error = message(e);
		} finally {
			this.#busy = false;
		}
	}

	async #loadPasskey(): Promise<void> {
		this.#hasPasskey = (await this.#vault?.passkey()) != null;
	}

	async #loadMeta(): Promise<void> {
		await this.#loadPasskey();
		if (!this.#db) return;
		const records = await listAccounts(this.#db);
		this.#accounts = records.map((r) => ({
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
			if (Date.now() - this.#lastActivity >= this.#autoLockMinutes * 60_000) this.lock('idle');
		}, 1000);
	}

	#disarmIdleLock(): void {
		if (this.#idleTimer) clearInterval(this.#idleTimer);
		this.#idleTimer = null;
		this.#stopActivity?.();
		this.#stopActivity = null;
	}
}

/** Credentials are pasted: stray spaces around them are never part of them. */
function trimmed(fields: Record<string, string>): Record<string, string> {
	return Object.fromEntries(Object.entries(fields).map(([id, value]) => [id, value.trim()]));
}

function message(e: unknown): string {
	return e instanceof Error ? e.message : String(e);
}
