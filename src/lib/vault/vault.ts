/**
 * The key vault: a passphrase-derived AES key that is held only while unlocked, over account
 * records that hold their credentials only as ciphertext.
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
import type { AccountRecord, VaultMeta } from '$lib/db/schema';
import {
	createVaultMeta,
	getVaultMeta,
	putAccountUnderKey,
	rekeyVault,
	replaceVault,
	resealAccounts
} from '$lib/db/vault-repo';
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
	BackupFormatError,
	CorruptAccountError,
	DecryptionError,
	InvalidInputError,
	MalformedAccountError,
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
import { importDecodedSigningKey, importSigningKey } from './signing-key';

export const MIN_PASSPHRASE_LENGTH = 8;
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
	key: CryptoKey;
	/** The salt the key was derived with: tells whether the stored vault still matches it. */
	salt: Uint8Array<ArrayBuffer>;
}

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
		const { meta, key } = await this.#newMeta(passphrase);
		if (!(await createVaultMeta(this.#db, meta))) throw new VaultAlreadyInitializedError();
		if (generation === this.#generation) this.#open = { key, salt: meta.kdf.salt };
	}

	/** Throws WrongPassphraseError without touching storage when the verifier does not open. */
	async unlock(passphrase: string): Promise<UnlockResult> {
		const generation = this.#generation;
		const meta = await this.#requireMeta();
		const key = await keyIfCorrect(passphrase, meta, this.#minIterations);
		const { result, outdated } = await unlockAccounts(key, await listAccounts(this.#db));
		if (generation !== this.#generation) throw new VaultLockedError();
		this.#open = { key, salt: meta.kdf.salt };
		await this.#resealOutdated(key, meta.kdf.salt, outdated);
		return result;
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
				resealed.map((after, i) => ({ before: outdated[i][0], after }))
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
		await putAccountUnderKey(this.#db, open.salt, record);
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
		await putAccountUnderKey(this.#db, open.salt, record);
		return unlocked;
	}

	async removeAccount(id: string): Promise<void> {
		this.#requireOpen();
		if (!(await deleteAccount(this.#db, id))) throw new UnknownAccountError(id);
	}

	/**
	 * Re-encrypts the verifier and every account under a new salt and key. Everything is decrypted
	 * and re-encrypted before anything is stored, then written in one transaction: a record that cannot be
	 * opened stops the change before anything is written.
	 */
	async changePassphrase(oldPassphrase: string, newPassphrase: string): Promise<void> {
		checkNewPassphrase(newPassphrase);
		const meta = await this.#requireMeta();
		const oldKey = await keyIfCorrect(oldPassphrase, meta, this.#minIterations);
		const accounts = await listAccounts(this.#db);
		const opened: [AccountRecord, Credentials][] = [];
		for (const account of accounts) {
			opened.push([account, (await openStored(oldKey, account)).credentials]);
		}

		const iterations = Math.max(this.#iterations, meta.kdf.iterations);
		const next = await this.#newMeta(newPassphrase, iterations, meta.createdAt);
		const resealed = await resealAll(next.key, opened);
		const expected = { salt: meta.kdf.salt, accountIds: accounts.map((a) => a.id) };
		await rekeyVault(this.#db, expected, next.meta, resealed);
		if (this.#open) this.#open = { key: next.key, salt: next.meta.kdf.salt };
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
		const key = await keyIfCorrect(passphrase, meta, this.#minIterations);
		const { result, outdated } = await unlockAccounts(key, accounts);
		const broken = result.failures[0];
		if (broken) throw new BackupFormatError(`the keys of account "${broken.label}" are damaged`);
		// A backup from an earlier version is stored in the current format straight away.
		const resealed = new Map((await resealAll(key, outdated)).map((r) => [r.id, r]));
		await replaceVault(
			this.#db,
			meta,
			accounts.map((a) => resealed.get(a.id) ?? a)
		);
		if (generation === this.#generation) this.#open = { key, salt: meta.kdf.salt };
		else throw new VaultLockedError();
		return result;
	}

	/** Deletes everything Perch stored on this device: vault, accounts, closes, settings, snapshots. */
	async wipe(): Promise<void> {
		this.lock();
		await clearPerchDB(this.#db);
	}

	async #newMeta(
		passphrase: string,
		iterations = this.#iterations,
		createdAt = this.#now()
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

async function unlockAccounts(key: CryptoKey, records: AccountRecord[]): Promise<OpenedVault> {
	const result: UnlockResult = { accounts: [], failures: [] };
	const outdated: [AccountRecord, Credentials][] = [];
	for (const record of records) {
		try {
			const { credentials, outdated: old } = await openStored(key, record);
			result.accounts.push(await toUnlocked(record, credentials));
			if (old) outdated.push([record, credentials]);
		} catch (error) {
			if (!(error instanceof CorruptAccountError || error instanceof MalformedAccountError)) {
				throw error;
			}
			result.failures.push({
				accountId: error.accountId,
				label: error.label,
				message: error.message
			});
		}
	}
	return { result, outdated };
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
