/** The vault singleton and the writes that must change it together with the accounts. */
import { atomically } from './atomic';
import type { PerchDatabase } from './open';
import type { AccountRecord, EncryptedBlob, VaultMeta, VaultMetaV2 } from './schema';

const META_KEY = 'meta';

/** Another tab (or call) changed the vault between our read and our write. */
export class VaultChangedError extends Error {
	constructor() {
		super('The vault changed while this was in progress (another tab?). Try again.');
		this.name = 'VaultChangedError';
	}
}

export function getVaultMeta(db: PerchDatabase): Promise<VaultMeta | undefined> {
	return db.get('vault', META_KEY);
}

/** Writes the meta only if there is none yet; false if a vault already exists. */
export function createVaultMeta(db: PerchDatabase, meta: VaultMeta): Promise<boolean> {
	return atomically(db.transaction('vault', 'readwrite'), async (tx) => {
		if (await tx.store.getKey(META_KEY)) return false;
		await tx.store.add(meta, META_KEY);
		return true;
	});
}

/**
 * Adds or rewrites one account, but only while the vault still has the salt the caller's key was
 * derived with: after another tab changed the passphrase, our key would write an unreadable record.
 */
export function putAccountUnderKey(
	db: PerchDatabase,
	expectedSalt: Uint8Array,
	account: AccountRecord,
	expectedLayout?: VaultMeta['version']
): Promise<void> {
	return atomically(db.transaction(['vault', 'accounts'], 'readwrite'), async (tx) => {
		const current = await tx.objectStore('vault').get(META_KEY);
		if (!current || !sameBytes(current.kdf.salt, expectedSalt)) throw new VaultChangedError();
		// Another tab moved the vault to the data-key layout: our key no longer seals accounts.
		if (expectedLayout !== undefined && current.version !== expectedLayout) {
			throw new VaultChangedError();
		}
		await tx.objectStore('accounts').put(account);
	});
}

export interface ResealedAccount {
	/** The record as it was read and opened. */
	before: AccountRecord;
	/** The same account sealed in the current format under the same key. */
	after: AccountRecord;
}

/**
 * Replaces records with their re-sealed versions in one transaction, while the vault still has the
 * key's salt; a record that changed since it was read is left as it now is. Returns the ids written.
 */
export function resealAccounts(
	db: PerchDatabase,
	expectedSalt: Uint8Array,
	accounts: ResealedAccount[],
	expectedLayout?: VaultMeta['version']
): Promise<string[]> {
	return atomically(db.transaction(['vault', 'accounts'], 'readwrite'), async (tx) => {
		const current = await tx.objectStore('vault').get(META_KEY);
		if (!current || !sameBytes(current.kdf.salt, expectedSalt)) throw new VaultChangedError();
		if (expectedLayout !== undefined && current.version !== expectedLayout) {
			throw new VaultChangedError();
		}
		const written: string[] = [];
		for (const { before, after } of accounts) {
			const stored = await tx.objectStore('accounts').get(before.id);
			if (!stored || !sameRecord(stored, before)) continue;
			await tx.objectStore('accounts').put(after);
			written.push(after.id);
		}
		return written;
	});
}

export interface VaultSnapshotCheck {
	/** The salt of the meta the new records were derived from. */
	salt: Uint8Array;
	/** The ids of every account that was re-encrypted. */
	accountIds: string[];
}

/**
 * Replaces the meta and re-encrypted accounts in one transaction, but only if the vault still is
 * what the caller read: an account added meanwhile would otherwise stay under the old key.
 */
export function rekeyVault(
	db: PerchDatabase,
	expected: VaultSnapshotCheck,
	meta: VaultMeta,
	accounts: AccountRecord[]
): Promise<void> {
	return atomically(db.transaction(['vault', 'accounts'], 'readwrite'), async (tx) => {
		const current = await tx.objectStore('vault').get(META_KEY);
		const ids = await tx.objectStore('accounts').getAllKeys();
		if (!current || !sameBytes(current.kdf.salt, expected.salt)) throw new VaultChangedError();
		if (!sameIds(ids, expected.accountIds)) throw new VaultChangedError();
		await tx.objectStore('vault').put(meta, META_KEY);
		for (const account of accounts) await tx.objectStore('accounts').put(account);
	});
}

/**
 * Moves a vault written before the data key existed to the data-key layout: the new meta and every
 * account re-sealed under the data key, in one transaction, only while the stored vault is still
 * the old layout with the same salt and accounts. Otherwise nothing is written.
 */
export function migrateVault(
	db: PerchDatabase,
	expected: VaultSnapshotCheck,
	meta: VaultMetaV2,
	accounts: AccountRecord[]
): Promise<void> {
	return atomically(db.transaction(['vault', 'accounts', 'lastKnown'], 'readwrite'), async (tx) => {
		const current = await tx.objectStore('vault').get(META_KEY);
		const ids = await tx.objectStore('accounts').getAllKeys();
		if (!current || current.version !== 1) throw new VaultChangedError();
		if (!sameBytes(current.kdf.salt, expected.salt)) throw new VaultChangedError();
		if (!sameIds(ids, expected.accountIds)) throw new VaultChangedError();
		await tx.objectStore('vault').put(meta, META_KEY);
		for (const account of accounts) await tx.objectStore('accounts').put(account);
		// Nothing was sealed with a data key before; anything here is not ours to read.
		await tx.objectStore('lastKnown').clear();
	});
}

/**
 * Replaces the meta (passphrase change, passkey added or removed) only while the stored one still
 * wraps the same data key under the same salt: the accounts are untouched, since the data key
 * does not change.
 */
export function replaceVaultMeta(
	db: PerchDatabase,
	expected: VaultMetaV2,
	next: VaultMetaV2
): Promise<void> {
	return atomically(db.transaction('vault', 'readwrite'), async (tx) => {
		const current = await tx.store.get(META_KEY);
		if (
			!current ||
			current.version !== 2 ||
			!sameBytes(current.kdf.salt, expected.kdf.salt) ||
			!sameBlob(current.dataKey, expected.dataKey) ||
			!samePasskey(current, expected)
		) {
			throw new VaultChangedError();
		}
		await tx.store.put(next, META_KEY);
	});
}

/**
 * The whole vault becomes `meta` + `accounts` (restore from a backup). Every last-known state goes
 * too (the data key changed); close records stay as the audit trail.
 */
export function replaceVault(
	db: PerchDatabase,
	meta: VaultMeta,
	accounts: AccountRecord[]
): Promise<void> {
	const stores = ['vault', 'accounts', 'lastKnown'] as const;
	return atomically(db.transaction([...stores], 'readwrite'), async (tx) => {
		await tx.objectStore('lastKnown').clear();
		await tx.objectStore('accounts').clear();
		await tx.objectStore('vault').put(meta, META_KEY);
		for (const account of accounts) await tx.objectStore('accounts').put(account);
	});
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
	return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

function sameBlob(a: EncryptedBlob, b: EncryptedBlob): boolean {
	return (
		sameBytes(a.iv, b.iv) && sameBytes(new Uint8Array(a.ciphertext), new Uint8Array(b.ciphertext))
	);
}

function samePasskey(a: VaultMetaV2, b: VaultMetaV2): boolean {
	if (!a.passkey || !b.passkey) return !a.passkey && !b.passkey;
	return (
		sameBytes(a.passkey.credentialId, b.passkey.credentialId) &&
		sameBlob(a.passkey.dataKey, b.passkey.dataKey)
	);
}

function sameRecord(a: AccountRecord, b: AccountRecord): boolean {
	const clear = (r: AccountRecord) =>
		JSON.stringify([r.id, r.label, r.venue, r.endpoints, r.presetId, r.createdAt]);
	return (
		clear(a) === clear(b) &&
		sameBytes(a.secret.iv, b.secret.iv) &&
		sameBytes(new Uint8Array(a.secret.ciphertext), new Uint8Array(b.secret.ciphertext))
	);
}

function sameIds(a: string[], b: string[]): boolean {
	const set = new Set(a);
	return set.size === b.length && b.every((id) => set.has(id));
}
