/**
 * The key vault: a random data key, held only while unlocked and stored only wrapped (under the
 * passphrase-derived key, and optionally under a passkey's PRF-derived key; see data-key.ts), over
 * account records that hold their credentials only as ciphertext. Vaults written before the data
 * key existed (the passphrase key sealed the accounts) move to this layout at their first unlock.
 *
 * What an unlocked account keeps: the API key (it goes in every request header) and the venue's
 * extra credentials (signed into a prehash or sent as a header, depending on the venue) stay as
 * strings; the API secret exists only inside a non-extractable HMAC CryptoKey. An injected script
 * can therefore read the API key and the extras and sign while unlocked, but cannot take the
 * secret away. JavaScript strings cannot be wiped, so "not kept" means no reference survives the
 * import.
 */
import { deleteAccount, getAccount, listAccounts } from '$lib/db/accounts-repo';
import { clearPerchDB, type PerchDatabase } from '$lib/db/open';
import { putLastKnown, readSealedAccounts } from '$lib/db/last-known-repo';
import type { AccountRecord, PasskeyWrap, VaultMeta, VaultMetaV2 } from '$lib/db/schema';
import {
	createVaultMeta,
	getVaultMeta,
	migrateVault,
	putAccountUnderKey,
	rekeyVault,
	replaceVault,
	replaceVaultMeta,
	resealAccounts
} from '$lib/db/vault-repo';
import { VaultChangedError } from '$lib/db/vault-repo';
import { checkAccountEndpoints, describeEndpointProblems } from '$lib/exchanges/endpoints';
import { decodesSecret, isPresetId, isVenueId, presetIdFor } from '$lib/exchanges/registry';
import type { Endpoints, VenueId } from '$lib/exchanges/types';
import {
	openCredentials,
	sealCredentials,
	type Credentials,
	type OpenedCredentials
} from './account-secret';
import { parseBackup, serializeBackup } from './backup';
import { decryptJson, encryptJson } from './crypto';
import {
	HKDF_SALT_BYTES,
	PASSKEY_WRAP,
	PASSPHRASE_WRAP,
	newDataKey,
	passkeyWrappingKey,
	randomBytes,
	unwrapDataKey,
	wrapDataKey
} from './data-key';
import {
	BackupFormatError,
	CorruptAccountError,
	DataKeyDamagedError,
	DecryptionError,
	InvalidInputError,
	MalformedAccountError,
	NoPasskeyError,
	PasskeyKeyError,
	UnknownAccountError,
	UnsafeKdfError,
	VaultAlreadyInitializedError,
	VaultLockedError,
	VaultNotInitializedError,
	WrongPassphraseError
} from './errors';
import {
	DEFAULT_ITERATIONS,
	MIN_ITERATIONS,
	SALT_BYTES,
	checkIterations,
	deriveVaultKey,
	newSalt
} from './kdf';
import { openLastKnown, sealLastKnown, type LastKnownState } from './last-known';
import { importDecodedSigningKey, importSigningKey } from './signing-key';

export const MIN_PASSPHRASE_LENGTH = 8;
/** A performance mark set when an unlock's key derivation is done (read by the bench). */
export const KEY_DERIVED_MARK = 'perch:vault-key-derived';
const VERIFIER_VALUE = 'perch-vault-verifier-v1';
const VERIFIER_CONTEXT = 'perch-vault-verifier';

export interface UnlockedAccount {
	id: string;
	label: string;
	venue: VenueId;
	/** The endpoint preset (see the registry), or "custom". */
	presetId: string;
	endpoints: Endpoints;
	createdAt: number;
	apiKey: string;
	/** The venue's extra credentials by field id; empty when it has none. */
	fields: Record<string, string>;
	/** HMAC-SHA256 over the API secret; non-extractable, usage 'sign'. */
	signingKey: CryptoKey;
	/** The same over the base64-decoded secret, for venues that may sign that way (see the registry). */
	decodedSigningKey?: CryptoKey;
	/** What the adapter learned about the key when it was added. */
	learned: Record<string, string>;
	/** When the venue said the key expires, Unix ms. */
	keyExpiresAt?: number;
	/** What was last known live about this account, if anything was saved. */
	lastKnown?: LastKnownState;
}

export interface UnlockFailure {
	accountId: string;
	label: string;
	message: string;
}

export interface UnlockResult {
	accounts: UnlockedAccount[];
	/** Records that could not be opened; the rest still unlocked. */
	failures: UnlockFailure[];
}

export interface NewAccount {
	label: string;
	venue: VenueId;
	/** The preset the endpoints came from; found from the endpoints when not given. */
	presetId?: string;
	endpoints: Endpoints;
	apiKey: string;
	secret: string;
	/** The venue's extra credentials by field id, kept exactly as typed. */
	fields?: Record<string, string>;
	/** What the adapter's key check learned (see KeyFacts), sealed with the credentials. */
	learned?: Record<string, string>;
	keyExpiresAt?: number;
}

export interface VaultOptions {
	/** PBKDF2 iterations for a new vault or passphrase; at least MIN_ITERATIONS unless allowWeakKdf. */
	iterations?: number;
	/** Tests only: allows a low iteration count so the suite stays fast. */
	allowWeakKdf?: boolean;
	now?: () => number;
	newId?: () => string;
}

interface OpenKey {
	/** The key the accounts are sealed with: the data key, or the passphrase key (layout 1). */
	key: CryptoKey;
	/** The salt of the passphrase key: tells whether the stored vault still matches it. */
	salt: Uint8Array<ArrayBuffer>;
	/** The vault layout the key belongs to. */
	layout: 1 | 2;
}

/** What the browser needs to ask the passkey for its PRF output; nothing here is secret. */
export interface PasskeyRequest {
	credentialId: Uint8Array<ArrayBuffer>;
	rpId: string;
	prfSalt: Uint8Array<ArrayBuffer>;
}

/** A passkey just registered, with the PRF output it gave for `prfSalt`. */
export interface NewPasskey extends PasskeyRequest {
	prfOutput: Uint8Array;
}

type SealedAccounts = Awaited<ReturnType<typeof readSealedAccounts>>;

export class Vault {
	readonly #db: PerchDatabase;
	readonly #iterations: number;
	readonly #minIterations: number;
	readonly #now: () => number;
	readonly #newId: () => string;
	#open: OpenKey | null = null;
	/** Bumped by lock(): an unlock that finishes after a lock must not unlock. */
	#generation = 0;

	constructor(db: PerchDatabase, options: VaultOptions = {}) {
		this.#db = db;
		this.#minIterations = options.allowWeakKdf ? 1 : MIN_ITERATIONS;
		this.#iterations = options.iterations ?? DEFAULT_ITERATIONS;
		const problem = checkIterations(this.#iterations, this.#minIterations);
		if (problem) throw new RangeError(`PBKDF2: ${problem}`);
		this.#now = options.now ?? Date.now;
		this.#newId = options.newId ?? (() => crypto.randomUUID());
	}

	get isUnlocked(): boolean {
		return this.#open !== null;
	}

	async isInitialized(): Promise<boolean> {
		return (await getVaultMeta(this.#db)) !== undefined;
	}

	/** Creates an empty vault and leaves it unlocked. */
	async create(passphrase: string): Promise<void> {
		checkNewPassphrase(passphrase);
		if (await this.isInitialized()) throw new VaultAlreadyInitializedError();
		const generation = this.#generation;
		const dataKey = await newDataKey();
		const { meta, passphraseKey } = await this.#newMeta(passphrase, dataKey);
		const key = await unwrapDataKey(meta.dataKey, passphraseKey, PASSPHRASE_WRAP);
		if (!(await createVaultMeta(this.#db, meta))) throw new VaultAlreadyInitializedError();
		if (generation === this.#generation) this.#open = { key, salt: meta.kdf.salt, layout: 2 };
	}

	/**
	 * Throws WrongPassphraseError without touching storage when the verifier does not open, and
	 * DataKeyDamagedError when it opens but the data key wrapped under it does not. A vault of the
	 * old layout is moved to the data-key layout here (see #migrate).
	 */
	async unlock(passphrase: string): Promise<UnlockResult> {
		const generation = this.#generation;
		const meta = await this.#requireMeta();
		const sealed = meta.version === 2 ? this.#readSealed() : null;
		const passphraseKey = await keyIfCorrect(passphrase, meta, this.#minIterations);
		// npm run bench measures from here: what unlock costs beyond the key derivation.
		performance.mark(KEY_DERIVED_MARK);
		if (meta.version === 2) {
			let dataKey: CryptoKey;
			try {
				dataKey = await unwrapDataKey(meta.dataKey, passphraseKey, PASSPHRASE_WRAP);
			} catch (error) {
				if (error instanceof DecryptionError) throw new DataKeyDamagedError();
				throw error;
			}
			return this.#openWith(generation, dataKey, meta, sealed!);
		}
		const records = await listAccounts(this.#db);
		const { result, outdated } = await unlockAccounts(passphraseKey, records);
		if (generation !== this.#generation) throw new VaultLockedError();
		const migrated = await this.#migrate(passphraseKey, meta, records, result);
		if (migrated) {
			if (generation !== this.#generation) throw new VaultLockedError();
			this.#open = { key: migrated, salt: meta.kdf.salt, layout: 2 };
			return result;
		}
		this.#open = { key: passphraseKey, salt: meta.kdf.salt, layout: 1 };
		await this.#resealOutdated(passphraseKey, meta.kdf.salt, outdated);
		return result;
	}

	/** Unlocks with the PRF output of the vault's passkey; the caller zeroes `prfOutput` after. */
	async unlockWithPasskey(prfOutput: Uint8Array): Promise<UnlockResult> {
		const generation = this.#generation;
		const meta = await this.#requireMeta();
		if (meta.version !== 2 || !meta.passkey) throw new NoPasskeyError();
		const sealed = this.#readSealed();
		const wrappingKey = await passkeyWrappingKey(prfOutput as BufferSource, meta.passkey.hkdfSalt);
		performance.mark(KEY_DERIVED_MARK);
		let dataKey: CryptoKey;
		try {
			dataKey = await unwrapDataKey(meta.passkey.dataKey, wrappingKey, PASSKEY_WRAP);
		} catch (error) {
			if (error instanceof DecryptionError) throw new PasskeyKeyError();
			throw error;
		}
		return this.#openWith(generation, dataKey, meta, sealed);
	}

	/** The passkey to ask at unlock, or null when none was added. Works locked. */
	async passkey(): Promise<PasskeyRequest | null> {
		const meta = await getVaultMeta(this.#db);
		if (meta?.version !== 2 || !meta.passkey) return null;
		const { credentialId, rpId, prfSalt } = meta.passkey;
		return { credentialId, rpId, prfSalt };
	}

	/**
	 * Wraps the data key under the new passkey's PRF-derived key, replacing any earlier passkey.
	 * Asks for the passphrase: the only way to get a copy of the data key that can be wrapped.
	 */
	/**
	 * `passkey` may be a function that registers it: it runs only once the passphrase is checked,
	 * so a wrong passphrase never leaves a useless passkey on the device.
	 */
	async addPasskey(
		passphrase: string,
		register: NewPasskey | (() => Promise<NewPasskey>)
	): Promise<void> {
		this.#requireOpen();
		const meta = await this.#requireMeta();
		const passphraseKey = await keyIfCorrect(passphrase, meta, this.#minIterations);
		if (meta.version !== 2) throw new VaultChangedError();
		const dataKey = await unwrapDataKey(meta.dataKey, passphraseKey, PASSPHRASE_WRAP, true).catch(
			(error: unknown) => {
				throw error instanceof DecryptionError ? new DataKeyDamagedError() : error;
			}
		);
		const passkey = typeof register === 'function' ? await register() : register;
		const hkdfSalt = randomBytes(HKDF_SALT_BYTES);
		const wrappingKey = await passkeyWrappingKey(passkey.prfOutput as BufferSource, hkdfSalt);
		// The registered output is ours to wipe; a caller's own buffer is the caller's.
		if (typeof register === 'function') passkey.prfOutput.fill(0);
		const wrap: PasskeyWrap = {
			credentialId: new Uint8Array(passkey.credentialId),
			rpId: passkey.rpId,
			prfSalt: new Uint8Array(passkey.prfSalt),
			hkdfSalt,
			dataKey: await wrapDataKey(dataKey, wrappingKey, PASSKEY_WRAP),
			createdAt: this.#now()
		};
		await replaceVaultMeta(this.#db, meta, { ...meta, passkey: wrap });
	}

	/** Forgets the passkey's wrap of the data key; the passphrase wrap is untouched. */
	async removePasskey(): Promise<void> {
		this.#requireOpen();
		const meta = await this.#requireMeta();
		if (meta.version !== 2 || !meta.passkey) return;
		const next: VaultMetaV2 = { ...meta };
		delete next.passkey;
		await replaceVaultMeta(this.#db, meta, next);
	}

	/** Seals and stores an account's last-known state with the data key; false when not stored. */
	async saveLastKnown(accountId: string, state: LastKnownState): Promise<boolean> {
		const open = this.#open;
		// The old layout has no data key; its cache would not survive a passphrase change.
		if (!open || open.layout !== 2) return false;
		const sealed = await sealLastKnown(open.key, accountId, state);
		if (this.#open !== open) return false;
		return putLastKnown(this.#db, { accountId, state: sealed });
	}

	/**
	 * Starts reading the sealed accounts and last-known states. Called before the key derivation,
	 * which leaves the page idle for hundreds of milliseconds on a phone: the reads are done by
	 * the time the key is, instead of after it. A read that fails is reported by #openWith.
	 */
	#readSealed(): Promise<SealedAccounts> {
		const reading = readSealedAccounts(this.#db);
		// A wrong passphrase ends the unlock before anyone waits for this read.
		reading.catch(() => undefined);
		return reading;
	}

	async #openWith(
		generation: number,
		dataKey: CryptoKey,
		meta: VaultMetaV2,
		sealed: Promise<SealedAccounts>
	): Promise<UnlockResult> {
		const { accounts: records, lastKnown } = await sealed;
		// Every record and every state is opened at once: each is a separate WebCrypto call.
		const [{ result, outdated }, states] = await Promise.all([
			unlockAccounts(dataKey, records),
			Promise.all(
				records.map((r) => {
					const stored = lastKnown.get(r.id);
					return stored ? openLastKnown(dataKey, r.id, stored.state) : undefined;
				})
			)
		]);
		const stateOf = new Map(records.map((r, i) => [r.id, states[i]]));
		for (const account of result.accounts) {
			const state = stateOf.get(account.id);
			if (state) account.lastKnown = state;
		}
		if (generation !== this.#generation) throw new VaultLockedError();
		this.#open = { key: dataKey, salt: meta.kdf.salt, layout: 2 };
		await this.#resealOutdated(dataKey, meta.kdf.salt, outdated);
		return result;
	}

	/**
	 * Moves an old-layout vault to the data-key layout: a new data key, every account re-sealed
	 * under it, one transaction. Only when every record opened, so nothing the old key could still
	 * read is left behind unreadable; otherwise the old layout stays and keeps working, and the
	 * next unlock tries again. Returns the (non-extractable) data key, or null.
	 */
	async #migrate(
		passphraseKey: CryptoKey,
		meta: VaultMeta,
		records: AccountRecord[],
		opened: UnlockResult
	): Promise<CryptoKey | null> {
		if (opened.failures.length > 0) return null;
		try {
			const all: [AccountRecord, Credentials][] = [];
			for (const record of records) {
				all.push([record, (await openStored(passphraseKey, record)).credentials]);
			}
			const extractable = await newDataKey();
			const next: VaultMetaV2 = {
				version: 2,
				kdf: meta.kdf,
				verifier: meta.verifier,
				dataKey: await wrapDataKey(extractable, passphraseKey, PASSPHRASE_WRAP),
				createdAt: meta.createdAt
			};
			const dataKey = await unwrapDataKey(next.dataKey, passphraseKey, PASSPHRASE_WRAP);
			const resealed = await resealAll(dataKey, all);
			const expected = { salt: meta.kdf.salt, accountIds: records.map((r) => r.id) };
			await migrateVault(this.#db, expected, next, resealed);
			return dataKey;
		} catch {
			// Nothing written: the old layout still opens with the passphrase key.
			return null;
		}
	}

	/**
	 * Rewrites records sealed in an earlier format in the current one, at the first unlock after an
	 * update (a database upgrade cannot: it has no key). One transaction, under the same salt
	 * check as every write; if it fails, the old records stay as they were and still open, and the
	 * next unlock tries again.
	 */
	async #resealOutdated(
		key: CryptoKey,
		salt: Uint8Array,
		outdated: [AccountRecord, Credentials][]
	): Promise<void> {
		if (outdated.length === 0) return;
		try {
			const resealed = await resealAll(key, outdated);
			await resealAccounts(
				this.#db,
				salt,
				resealed.map((after, i) => ({ before: outdated[i][0], after })),
				this.#open?.layout
			);
		} catch {
			// Nothing lost: the records are untouched and open as before.
		}
	}

	lock(): void {
		this.#open = null;
		this.#generation++;
	}

	async addAccount(input: NewAccount): Promise<UnlockedAccount> {
		const open = this.#requireOpen();
		const credentials = checkNewAccount(input);
		const endpoints = checkEndpoints(input.venue, input.endpoints);
		const record = {
			id: this.#newId(),
			label: input.label.trim(),
			venue: input.venue,
			presetId: checkPreset(input.venue, input.presetId ?? presetIdFor(input.venue, endpoints)),
			endpoints,
			createdAt: this.#now(),
			secret: { iv: new Uint8Array(12), ciphertext: new ArrayBuffer(0) }
		} satisfies AccountRecord;
		record.secret = await sealCredentials(open.key, record, credentials);
		const unlocked = await toUnlocked(record, credentials);
		await putAccountUnderKey(this.#db, open.salt, record, open.layout);
		return unlocked;
	}

	/** Renames an account or points it at other endpoints; the credentials are re-sealed to match. */
	async updateAccount(
		id: string,
		changes: { label?: string; endpoints?: Endpoints; presetId?: string }
	): Promise<UnlockedAccount> {
		const open = this.#requireOpen();
		const current = await getAccount(this.#db, id);
		if (!current) throw new UnknownAccountError(id);
		const { credentials } = await openStored(open.key, current);
		const endpoints = changes.endpoints
			? checkEndpoints(current.venue, changes.endpoints)
			: current.endpoints;
		let presetId = presetOf(current);
		if (changes.presetId !== undefined) presetId = checkPreset(current.venue, changes.presetId);
		else if (changes.endpoints) presetId = presetIdFor(current.venue, endpoints);
		const record = {
			...current,
			label: changes.label === undefined ? current.label : checkLabel(changes.label),
			endpoints,
			presetId
		} satisfies AccountRecord;
		record.secret = await sealCredentials(open.key, record, credentials);
		const unlocked = await toUnlocked(record, credentials);
		await putAccountUnderKey(this.#db, open.salt, record, open.layout);
		return unlocked;
	}

	async removeAccount(id: string): Promise<void> {
		this.#requireOpen();
		if (!(await deleteAccount(this.#db, id))) throw new UnknownAccountError(id);
	}

	/**
	 * Data-key layout: re-wraps the data key (and a new verifier) under a new salt and passphrase
	 * key, in one write of the vault record; accounts, last-known state and the passkey's wrap stay
	 * as they are, since the data key does not change. Old layout: re-encrypts the verifier and every
	 * account under the new key, everything prepared before one transaction writes it (a record
	 * that cannot be opened stops the change before anything is written).
	 */
	async changePassphrase(oldPassphrase: string, newPassphrase: string): Promise<void> {
		checkNewPassphrase(newPassphrase);
		const meta = await this.#requireMeta();
		const oldKey = await keyIfCorrect(oldPassphrase, meta, this.#minIterations);
		const iterations = Math.max(this.#iterations, meta.kdf.iterations);
		if (meta.version === 2) {
			const dataKey = await unwrapDataKey(meta.dataKey, oldKey, PASSPHRASE_WRAP, true).catch(
				(error: unknown) => {
					throw error instanceof DecryptionError ? new DataKeyDamagedError() : error;
				}
			);
			const next = await this.#newMeta(newPassphrase, dataKey, iterations, meta.createdAt);
			const rewrapped: VaultMetaV2 = meta.passkey
				? { ...next.meta, passkey: meta.passkey }
				: next.meta;
			await replaceVaultMeta(this.#db, meta, rewrapped);
			if (this.#open) this.#open = { ...this.#open, salt: rewrapped.kdf.salt };
			return;
		}
		const accounts = await listAccounts(this.#db);
		const opened: [AccountRecord, Credentials][] = [];
		for (const account of accounts) {
			opened.push([account, (await openStored(oldKey, account)).credentials]);
		}

		const next = await this.#newOldLayoutMeta(newPassphrase, iterations, meta.createdAt);
		const resealed = await resealAll(next.key, opened);
		const expected = { salt: meta.kdf.salt, accountIds: accounts.map((a) => a.id) };
		await rekeyVault(this.#db, expected, next.meta, resealed);
		if (this.#open) this.#open = { key: next.key, salt: next.meta.kdf.salt, layout: 1 };
	}

	/** The vault as stored, still encrypted under its passphrase. Works locked. */
	async exportBackup(): Promise<string> {
		const tx = this.#db.transaction(['vault', 'accounts']);
		const meta = await tx.objectStore('vault').get('meta');
		const accounts = await tx.objectStore('accounts').getAll();
		await tx.done;
		if (!meta) throw new VaultNotInitializedError();
		// Only the shape: a file with a host this build does not allow may suit another build.
		for (const account of accounts) {
			const problem = shapeProblem(account);
			if (problem) throw new MalformedAccountError(account, problem);
		}
		accounts.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
		return serializeBackup(meta, accounts, this.#now());
	}

	/**
	 * Replaces this device's vault with the backup (not a merge: a merge would need both
	 * passphrases and would leave one vault under two). The backup's passphrase becomes the vault's.
	 * The file, the passphrase and every account are checked before anything is written, so a bad
	 * file or a wrong passphrase leaves the stored vault as it was. Leaves the vault unlocked.
	 */
	async importBackup(json: string, passphrase: string): Promise<UnlockResult> {
		const generation = this.#generation;
		const { meta, accounts } = parseBackup(json, this.#minIterations);
		const passphraseKey = await keyIfCorrect(passphrase, meta, this.#minIterations);
		let stored: VaultMetaV2;
		let dataKey: CryptoKey;
		let toOpen: AccountRecord[];
		if (meta.version === 2) {
			stored = meta;
			dataKey = await unwrapDataKey(meta.dataKey, passphraseKey, PASSPHRASE_WRAP).catch(
				(error: unknown) => {
					throw error instanceof DecryptionError
						? new BackupFormatError('the vault key in the file is damaged')
						: error;
				}
			);
			toOpen = accounts;
		} else {
			// A backup from before the data key: opened with the passphrase key, stored re-sealed
			// under a new data key, in the current format.
			const { result } = await unlockAccounts(passphraseKey, accounts);
			const broken = result.failures[0];
			if (broken) throw new BackupFormatError(`the keys of account "${broken.label}" are damaged`);
			const opened: [AccountRecord, Credentials][] = [];
			for (const a of accounts) opened.push([a, (await openStored(passphraseKey, a)).credentials]);
			const extractable = await newDataKey();
			stored = {
				version: 2,
				kdf: meta.kdf,
				verifier: meta.verifier,
				dataKey: await wrapDataKey(extractable, passphraseKey, PASSPHRASE_WRAP),
				createdAt: meta.createdAt
			};
			dataKey = await unwrapDataKey(stored.dataKey, passphraseKey, PASSPHRASE_WRAP);
			toOpen = await resealAll(dataKey, opened);
		}
		const { result, outdated } = await unlockAccounts(dataKey, toOpen);
		const broken = result.failures[0];
		if (broken) throw new BackupFormatError(`the keys of account "${broken.label}" are damaged`);
		// A backup from an earlier version is stored in the current format straight away.
		const resealed = new Map((await resealAll(dataKey, outdated)).map((r) => [r.id, r]));
		await replaceVault(
			this.#db,
			stored,
			toOpen.map((a) => resealed.get(a.id) ?? a)
		);
		if (generation === this.#generation) {
			this.#open = { key: dataKey, salt: stored.kdf.salt, layout: 2 };
		} else throw new VaultLockedError();
		return result;
	}

	/** Deletes everything Perch stored on this device: vault, accounts, last-known state, closes… */
	async wipe(): Promise<void> {
		this.lock();
		await clearPerchDB(this.#db);
	}

	/** A data-key-layout meta under a new salt, wrapping `dataKey` (which must be extractable). */
	async #newMeta(
		passphrase: string,
		dataKey: CryptoKey,
		iterations = this.#iterations,
		createdAt = this.#now()
	): Promise<{ meta: VaultMetaV2; passphraseKey: CryptoKey }> {
		const salt = newSalt();
		const key = await deriveVaultKey(passphrase, salt, iterations);
		const verifier = await encryptJson(key, VERIFIER_VALUE, VERIFIER_CONTEXT);
		const meta: VaultMetaV2 = {
			version: 2,
			kdf: { algorithm: 'PBKDF2-SHA256', iterations, salt },
			verifier,
			dataKey: await wrapDataKey(dataKey, key, PASSPHRASE_WRAP),
			createdAt
		};
		return { meta, passphraseKey: key };
	}

	/** Used only by a passphrase change on a vault that could not move to the data-key layout. */
	async #newOldLayoutMeta(
		passphrase: string,
		iterations: number,
		createdAt: number
	): Promise<{ meta: VaultMeta; key: CryptoKey }> {
		const salt = newSalt();
		const key = await deriveVaultKey(passphrase, salt, iterations);
		const verifier = await encryptJson(key, VERIFIER_VALUE, VERIFIER_CONTEXT);
		const meta: VaultMeta = {
			version: 1,
			kdf: { algorithm: 'PBKDF2-SHA256', iterations, salt },
			verifier,
			createdAt
		};
		return { meta, key };
	}

	async #requireMeta(): Promise<VaultMeta> {
		const meta = await getVaultMeta(this.#db);
		if (!meta) throw new VaultNotInitializedError();
		return meta;
	}

	#requireOpen(): OpenKey {
		if (!this.#open) throw new VaultLockedError();
		return this.#open;
	}
}

/**
 * Checks the stored KDF parameters before deriving: a count of 2e9 (a damaged or planted record)
 * would otherwise hold the page for an hour with no way out.
 */
async function keyIfCorrect(
	passphrase: string,
	meta: VaultMeta,
	minIterations: number
): Promise<CryptoKey> {
	const kdf: Partial<VaultMeta['kdf']> = meta.kdf ?? {};
	if (kdf.algorithm !== 'PBKDF2-SHA256') throw new UnsafeKdfError('unknown key derivation');
	const problem = checkIterations(kdf.iterations, minIterations);
	if (problem) throw new UnsafeKdfError(problem);
	if (!(kdf.salt instanceof Uint8Array) || kdf.salt.length < SALT_BYTES) {
		throw new UnsafeKdfError(`the salt is shorter than ${SALT_BYTES} bytes`);
	}
	const key = await deriveVaultKey(passphrase, meta.kdf.salt, meta.kdf.iterations);
	try {
		const value = await decryptJson<unknown>(key, meta.verifier, VERIFIER_CONTEXT);
		if (value === VERIFIER_VALUE) return key;
	} catch (error) {
		if (!(error instanceof DecryptionError)) throw error;
	}
	throw new WrongPassphraseError();
}

interface OpenedVault {
	result: UnlockResult;
	/** The records sealed in an earlier format, with what they hold. */
	outdated: [AccountRecord, Credentials][];
}

/** Opens every record at once (each is a few WebCrypto calls); the result keeps their order. */
async function unlockAccounts(key: CryptoKey, records: AccountRecord[]): Promise<OpenedVault> {
	const opened = await Promise.all(records.map((record) => unlockOne(key, record)));
	const result: UnlockResult = { accounts: [], failures: [] };
	const outdated: [AccountRecord, Credentials][] = [];
	for (const one of opened) {
		if ('failure' in one) {
			result.failures.push(one.failure);
			continue;
		}
		result.accounts.push(one.account);
		if (one.outdated) outdated.push(one.outdated);
	}
	return { result, outdated };
}

async function unlockOne(
	key: CryptoKey,
	record: AccountRecord
): Promise<
	| { account: UnlockedAccount; outdated: [AccountRecord, Credentials] | null }
	| { failure: UnlockFailure }
> {
	try {
		const { credentials, outdated: old } = await openStored(key, record);
		const account = await toUnlocked(record, credentials);
		return { account, outdated: old ? [record, credentials] : null };
	} catch (error) {
		if (!(error instanceof CorruptAccountError || error instanceof MalformedAccountError)) {
			throw error;
		}
		return {
			failure: { accountId: error.accountId, label: error.label, message: error.message }
		};
	}
}

/** Each account sealed under `key` in the current format, with its preset id filled in. */
async function resealAll(
	key: CryptoKey,
	opened: [AccountRecord, Credentials][]
): Promise<AccountRecord[]> {
	const resealed: AccountRecord[] = [];
	for (const [account, credentials] of opened) {
		const next = { ...account, presetId: presetOf(account) };
		resealed.push({ ...next, secret: await sealCredentials(key, next, credentials) });
	}
	return resealed;
}

function presetOf(record: AccountRecord): string {
	return record.presetId ?? presetIdFor(record.venue, record.endpoints);
}

/**
 * Opens a stored record after checking its shape and endpoints: storage is outside the vault's
 * control (another version of Perch, a browser extension, a disk error), so a bad record is that
 * account's error, never a TypeError that stops every other account from unlocking.
 */
async function openStored(key: CryptoKey, record: AccountRecord): Promise<OpenedCredentials> {
	const problem = recordProblem(record);
	if (problem) throw new MalformedAccountError(record, problem);
	return openCredentials(key, record);
}

/** What is wrong with a stored account record, or null. */
function recordProblem(value: unknown): string | null {
	const problem = shapeProblem(value);
	if (problem) return problem;
	const record = value as AccountRecord;
	return describeEndpointProblems(checkAccountEndpoints(record.venue, record.endpoints));
}

function shapeProblem(value: unknown): string | null {
	if (typeof value !== 'object' || value === null) return 'it is not a record';
	const record = value as Partial<Record<keyof AccountRecord, unknown>>;
	if (typeof record.id !== 'string' || record.id === '') return 'the id is missing';
	if (typeof record.label !== 'string') return 'the label is missing';
	if (!isVenueId(record.venue)) return 'the exchange is unknown';
	if (record.presetId !== undefined && typeof record.presetId !== 'string') {
		return 'the endpoint preset is not a name';
	}
	if (typeof record.createdAt !== 'number') return 'the creation time is missing';
	const secret = record.secret as Partial<AccountRecord['secret']> | undefined;
	if (!(secret?.iv instanceof Uint8Array) || !(secret.ciphertext instanceof ArrayBuffer)) {
		return 'the encrypted keys are missing';
	}
	const endpoints = record.endpoints as Partial<Endpoints> | null | undefined;
	if (
		typeof endpoints?.rest !== 'string' ||
		typeof endpoints.publicWs !== 'string' ||
		typeof endpoints.privateWs !== 'string'
	) {
		return 'the endpoints are missing';
	}
	return null;
}

async function toUnlocked(
	record: AccountRecord,
	credentials: Credentials
): Promise<UnlockedAccount> {
	return {
		id: record.id,
		label: record.label,
		venue: record.venue,
		presetId: presetOf(record),
		endpoints: { ...record.endpoints },
		createdAt: record.createdAt,
		apiKey: credentials.apiKey,
		fields: { ...credentials.fields },
		signingKey: await importSigningKey(credentials.secret),
		...(decodesSecret(record.venue)
			? { decodedSigningKey: (await importDecodedSigningKey(credentials.secret)) ?? undefined }
			: {}),
		learned: { ...credentials.learned },
		...(credentials.keyExpiresAt !== undefined ? { keyExpiresAt: credentials.keyExpiresAt } : {})
	};
}

function checkNewPassphrase(passphrase: string): void {
	if (typeof passphrase !== 'string' || passphrase.length < MIN_PASSPHRASE_LENGTH) {
		throw new InvalidInputError(
			`The passphrase must be at least ${MIN_PASSPHRASE_LENGTH} characters`
		);
	}
}

function checkNewAccount(input: NewAccount): Credentials {
	checkLabel(input.label);
	const apiKey = typeof input.apiKey === 'string' ? input.apiKey.trim() : '';
	const secret = typeof input.secret === 'string' ? input.secret.trim() : '';
	if (!apiKey) throw new InvalidInputError('The API key is empty');
	if (!secret) throw new InvalidInputError('The API secret is empty');
	// The extras are user-chosen text (a passphrase, say): kept exactly as typed.
	const fields: Record<string, string> = {};
	for (const [id, value] of Object.entries(input.fields ?? {})) {
		if (typeof value !== 'string') throw new InvalidInputError(`The ${id} is not text`);
		fields[id] = value;
	}
	const credentials: Credentials = { apiKey, secret, fields };
	if (input.learned) {
		const learned: Record<string, string> = {};
		for (const [id, value] of Object.entries(input.learned)) {
			if (typeof value !== 'string') throw new InvalidInputError(`The learned ${id} is not text`);
			learned[id] = value;
		}
		credentials.learned = learned;
	}
	if (input.keyExpiresAt !== undefined) {
		if (!Number.isFinite(input.keyExpiresAt))
			throw new InvalidInputError('The key expiry is not a time');
		credentials.keyExpiresAt = input.keyExpiresAt;
	}
	return credentials;
}

function checkPreset(venue: VenueId, presetId: string): string {
	if (!isPresetId(venue, presetId)) {
		throw new InvalidInputError(`Unknown endpoint preset ${JSON.stringify(presetId)}`);
	}
	return presetId;
}

function checkLabel(label: string): string {
	const trimmed = typeof label === 'string' ? label.trim() : '';
	if (!trimmed) throw new InvalidInputError('The account needs a name');
	return trimmed;
}

function checkEndpoints(venue: VenueId, endpoints: Endpoints): Endpoints {
	const problem = describeEndpointProblems(checkAccountEndpoints(venue, endpoints));
	if (problem) throw new InvalidInputError(`The endpoints are not usable: ${problem}`);
	const { rest, publicWs, privateWs } = endpoints;
	return { rest, publicWs, privateWs };
}
