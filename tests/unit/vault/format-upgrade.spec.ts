/**
 * Vaults and backups written before credentials were venue-neutral still open, and are re-sealed.
 *
 * fixtures/backup-format1.json was captured from the code of main at ba3abd6 (before this change):
 * a vault with two accounts, exported with `Vault.exportBackup()`. A backup is the vault exactly as
 * stored, so the same file also rebuilds the database that code left behind.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dumpDatabase } from '$lib/db/dump';
import { openPerchDB, type PerchDatabase } from '$lib/db/open';
import type { AccountRecord, VaultMeta } from '$lib/db/schema';
import { accountContext } from '$lib/vault/account-secret';
import { base64ToBytes } from '$lib/vault/base64';
import { decryptJson } from '$lib/vault/crypto';
import { PASSPHRASE_WRAP, unwrapDataKey } from '$lib/vault/data-key';
import { CorruptAccountError } from '$lib/vault/errors';
import { deriveVaultKey } from '$lib/vault/kdf';
import { Vault, type UnlockedAccount } from '$lib/vault/vault';

const FILE = readFileSync(new URL('./fixtures/backup-format1.json', import.meta.url), 'utf8');
const PASSPHRASE = 'orange-kettle-42';
/** BitMart's documented WS login vector (seeds/001, "Login"), signed with the first account's secret. */
const LOGIN_MESSAGE = '1589267764859#test001#bitmart.WebSocket';
const LOGIN_SIGNATURE = '3ceeb7e1b8cb165a975e28a2e2dfaca4d30b358873c0351c1a071d8c83314556';

interface BlobJson {
	iv: string;
	ciphertext: string;
}

function blob(json: BlobJson) {
	return { iv: base64ToBytes(json.iv), ciphertext: base64ToBytes(json.ciphertext).buffer };
}

/** The records exactly as the old code stored them: no preset id, format-1 sealed JSON. */
function storedByOldCode(): { meta: VaultMeta; accounts: AccountRecord[] } {
	const file = JSON.parse(FILE);
	const meta: VaultMeta = {
		version: 1,
		kdf: {
			algorithm: 'PBKDF2-SHA256',
			iterations: file.kdf.iterations,
			salt: base64ToBytes(file.kdf.salt)
		},
		verifier: blob(file.verifier),
		createdAt: file.exportedAt
	};
	const accounts = file.accounts.map((a: AccountRecord & { secret: BlobJson }): AccountRecord => ({
		id: a.id,
		label: a.label,
		venue: a.venue,
		endpoints: a.endpoints,
		createdAt: a.createdAt,
		secret: blob(a.secret)
	}));
	return { meta, accounts };
}

async function oldVault(factory = new IDBFactory()): Promise<PerchDatabase> {
	const db = await openPerchDB('perch', factory);
	const { meta, accounts } = storedByOldCode();
	await db.put('vault', meta, 'meta');
	for (const account of accounts) await db.put('accounts', account);
	return db;
}

function vaultOn(db: PerchDatabase): Vault {
	return new Vault(db, { iterations: 1000, allowWeakKdf: true });
}

async function sign(account: UnlockedAccount, message: string): Promise<string> {
	const mac = await crypto.subtle.sign(
		'HMAC',
		account.signingKey,
		new TextEncoder().encode(message)
	);
	return Array.from(new Uint8Array(mac), (b) => b.toString(16).padStart(2, '0')).join('');
}

function byLabel(accounts: UnlockedAccount[], label: string): UnlockedAccount {
	const found = accounts.find((a) => a.label === label);
	if (!found) throw new Error(`no account ${label}`);
	return found;
}

/**
 * What a stored record's ciphertext holds, opened the way the current code binds it: under the
 * data key once the vault has moved to the data-key layout.
 */
async function sealedJson(db: PerchDatabase, record: AccountRecord): Promise<unknown> {
	const meta = (await db.get('vault', 'meta'))!;
	const passphraseKey = await deriveVaultKey(PASSPHRASE, meta.kdf.salt, meta.kdf.iterations);
	const key =
		meta.version === 2
			? await unwrapDataKey(meta.dataKey, passphraseKey, PASSPHRASE_WRAP)
			: passphraseKey;
	return decryptJson(key, record.secret, accountContext(record));
}

/** The accounts as the old fixture holds them, in the current shape. */
function expectOldAccounts(accounts: UnlockedAccount[]) {
	expect(accounts.map((a) => a.label)).toEqual(['BitMart main', 'Local sim']);
	expect(byLabel(accounts, 'BitMart main')).toMatchObject({
		venue: 'bitmart',
		presetId: 'production',
		apiKey: 'ak-7f3e9c21d4b8a6e0-perch',
		fields: { memo: 'test001' }
	});
	// The memo is kept exactly as it was stored, spaces and all.
	expect(byLabel(accounts, 'Local sim')).toMatchObject({
		presetId: 'custom',
		apiKey: 'ak-local-sim-0002',
		fields: { memo: ' memo with spaces ' }
	});
}

describe('a vault written before credentials were venue-neutral', () => {
	it('unlocks with every memo intact, and re-seals the records once, in the new format', async () => {
		const db = await oldVault();
		const before = storedByOldCode().accounts;

		const { accounts, failures } = await vaultOn(db).unlock(PASSPHRASE);
		expect(failures).toEqual([]);
		expectOldAccounts(accounts);
		expect(await sign(byLabel(accounts, 'BitMart main'), LOGIN_MESSAGE)).toBe(LOGIN_SIGNATURE);

		const stored = await db.getAll('accounts');
		expect(stored.map((r) => r.presetId)).toEqual(['production', 'custom']);
		for (const [i, record] of stored.entries()) {
			expect(record.secret.iv).not.toEqual(before[i].secret.iv);
			expect({ ...record, secret: null, presetId: null }).toEqual({
				...before[i],
				secret: null,
				presetId: null
			});
		}
		expect(await sealedJson(db, stored[0])).toEqual({
			v: 2,
			apiKey: 'ak-7f3e9c21d4b8a6e0-perch',
			secret: '6c6c98544461bbe71db2bca4c6d7fd0021e0ba9efc215f9c6ad41852df9d9df9',
			fields: { memo: 'test001' }
		});
		expect(await sealedJson(db, stored[1])).toMatchObject({
			fields: { memo: ' memo with spaces ' }
		});

		// Already current: the next unlock writes nothing, and opens the same accounts.
		const resealed = await dumpDatabase(db);
		const again = await vaultOn(db).unlock(PASSPHRASE);
		expect(await dumpDatabase(db)).toEqual(resealed);
		expectOldAccounts(again.accounts);
		expect(await sign(byLabel(again.accounts, 'BitMart main'), LOGIN_MESSAGE)).toBe(
			LOGIN_SIGNATURE
		);
	});

	it('still unlocks, with nothing changed, when the re-seal cannot be written; the next unlock does it', async () => {
		const db = await oldVault();
		const untouched = await dumpDatabase(db);
		// Storage that refuses every write, as a full disk or a closing connection would.
		const readOnly = new Proxy(db, {
			get(target, prop, receiver) {
				if (prop === 'transaction') {
					return (stores: never, mode?: IDBTransactionMode) => {
						if (mode === 'readwrite') throw new DOMException('refused', 'QuotaExceededError');
						return target.transaction(stores, mode);
					};
				}
				const value = Reflect.get(target, prop, receiver);
				return typeof value === 'function' ? value.bind(receiver) : value;
			}
		});
		const { accounts, failures } = await vaultOn(readOnly).unlock(PASSPHRASE);
		expect(failures).toEqual([]);
		expectOldAccounts(accounts);
		expect(await dumpDatabase(db)).toEqual(untouched);

		await vaultOn(db).unlock(PASSPHRASE);
		expect((await db.getAll('accounts')).map((r) => r.presetId)).toEqual(['production', 'custom']);
	});

	it('refuses a record whose preset id was added or changed behind its back', async () => {
		const db = await oldVault();
		const [first] = storedByOldCode().accounts;
		// A format-1 record given a preset id no longer matches what its keys were sealed with.
		await db.put('accounts', { ...first, presetId: 'production' });
		let result = await vaultOn(db).unlock(PASSPHRASE);
		expect(result.failures.map((f) => f.accountId)).toEqual([first.id]);
		expect(result.failures[0].message).toBe(new CorruptAccountError(first.id, first.label).message);

		// After the re-seal the preset is bound: switching it fails the same way.
		await db.put('accounts', first);
		await vaultOn(db).unlock(PASSPHRASE);
		const resealed = (await db.get('accounts', first.id))!;
		expect(resealed.presetId).toBe('production');
		await db.put('accounts', { ...resealed, presetId: 'simulated-trading' });
		result = await vaultOn(db).unlock(PASSPHRASE);
		expect(result.failures.map((f) => f.accountId)).toEqual([first.id]);
		const { presetId: _dropped, ...withoutPreset } = resealed;
		await db.put('accounts', withoutPreset);
		result = await vaultOn(db).unlock(PASSPHRASE);
		expect(result.failures.map((f) => f.accountId)).toEqual([first.id]);
	});
});

describe('a backup file written before credentials were venue-neutral', () => {
	it('imports with every memo intact and is stored in the new format', async () => {
		const db = await openPerchDB('perch', new IDBFactory());
		const vault = vaultOn(db);
		const { accounts, failures } = await vault.importBackup(FILE, PASSPHRASE);
		expect(failures).toEqual([]);
		expectOldAccounts(accounts);

		const stored = await db.getAll('accounts');
		expect(stored.map((r) => r.presetId)).toEqual(['production', 'custom']);
		expect(await sealedJson(db, stored[0])).toMatchObject({ v: 2, fields: { memo: 'test001' } });
		// Nothing left to re-seal at the next unlock.
		const imported = await dumpDatabase(db);
		vault.lock();
		expectOldAccounts((await vault.unlock(PASSPHRASE)).accounts);
		expect(await dumpDatabase(db)).toEqual(imported);

		// Its export is the current format, and imports again.
		const exported = JSON.parse(await vault.exportBackup());
		expect(exported.version).toBe(3);
		expect(exported.accounts.map((a: { presetId: string }) => a.presetId)).toEqual([
			'production',
			'custom'
		]);
		const elsewhere = vaultOn(await openPerchDB('perch', new IDBFactory()));
		expectOldAccounts(
			(await elsewhere.importBackup(JSON.stringify(exported), PASSPHRASE)).accounts
		);
	});
});
