import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { collectBinary, dumpBinary, dumpDatabase } from '$lib/db/dump';
import { openPerchDB, type PerchDatabase } from '$lib/db/open';
import { putSetting } from '$lib/db/settings-repo';
import { VaultChangedError } from '$lib/db/vault-repo';
import type { AccountRecord } from '$lib/db/schema';
import { sealCredentials } from '$lib/vault/account-secret';
import { bytesToBase64 } from '$lib/vault/base64';
import {
	BackupFormatError,
	CorruptAccountError,
	InvalidInputError,
	UnknownAccountError,
	UnsafeKdfError,
	VaultAlreadyInitializedError,
	VaultLockedError,
	VaultNotInitializedError,
	WrongPassphraseError
} from '$lib/vault/errors';
import { DEFAULT_ITERATIONS, MAX_ITERATIONS, deriveVaultKey } from '$lib/vault/kdf';
import { Vault, type NewAccount, type UnlockedAccount } from '$lib/vault/vault';

// Backup files are edited freely in the bad-file cases.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type LooseJson = any;

const PASSPHRASE = 'orange-kettle-42';
const TEST_ITERATIONS = 1000;
const endpoints = {
	rest: 'http://127.0.0.1:9100',
	publicWs: 'ws://127.0.0.1:9100/public',
	privateWs: 'ws://127.0.0.1:9100/private'
};

/** BitMart's documented WS login vector (seeds/001, "Login"). */
const BITMART: NewAccount = {
	label: 'BitMart main',
	venue: 'bitmart',
	endpoints,
	apiKey: 'ak-7f3e9c21d4b8a6e0-perch',
	secret: '6c6c98544461bbe71db2bca4c6d7fd0021e0ba9efc215f9c6ad41852df9d9df9',
	fields: { memo: 'test001' }
};
const LOGIN_MESSAGE = '1589267764859#test001#bitmart.WebSocket';
const LOGIN_SIGNATURE = '3ceeb7e1b8cb165a975e28a2e2dfaca4d30b358873c0351c1a071d8c83314556';

const BITGET: NewAccount = {
	label: 'Bitget scalps',
	venue: 'bitget',
	endpoints,
	apiKey: 'bg_a1b2c3d4e5f6a7b8c9d0',
	secret: 'bitget-secret-QWxhZGRpbjpvcGVuIHNlc2FtZQ',
	fields: { passphrase: 'my Bitget passphrase!' }
};

async function setup(factory = new IDBFactory()) {
	const db = await openPerchDB('perch', factory);
	const vault = new Vault(db, { iterations: TEST_ITERATIONS, allowWeakKdf: true });
	return { db, vault };
}

async function withTwoAccounts() {
	const { db, vault } = await setup();
	await vault.create(PASSPHRASE);
	const bitmart = await vault.addAccount(BITMART);
	const bitget = await vault.addAccount(BITGET);
	return { db, vault, bitmart, bitget };
}

async function sign(account: UnlockedAccount, message: string): Promise<string> {
	const mac = await crypto.subtle.sign(
		'HMAC',
		account.signingKey,
		new TextEncoder().encode(message)
	);
	return Array.from(new Uint8Array(mac), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Flips one bit of the stored ciphertext of an account, as a disk error or an attacker would. */
async function tamperCiphertext(db: PerchDatabase, id: string): Promise<void> {
	const record = (await db.get('accounts', id))!;
	const bytes = new Uint8Array(record.secret.ciphertext.slice(0));
	bytes[3] ^= 0x40;
	await db.put('accounts', { ...record, secret: { ...record.secret, ciphertext: bytes.buffer } });
}

function byLabel(accounts: UnlockedAccount[], label: string): UnlockedAccount {
	const found = accounts.find((a) => a.label === label);
	if (!found) throw new Error(`no account ${label}`);
	return found;
}

function containsBytes(haystack: Uint8Array, needle: Uint8Array): boolean {
	outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
		for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
		return true;
	}
	return false;
}

describe('Vault options', () => {
	it('uses at least 600 000 iterations in production and refuses fewer without the test flag', async () => {
		const { db } = await setup();
		expect(DEFAULT_ITERATIONS).toBeGreaterThanOrEqual(600_000);
		expect(() => new Vault(db, { iterations: TEST_ITERATIONS })).toThrow(RangeError);
		const production = new Vault(db);
		await production.create(PASSPHRASE);
		const meta = await db.get('vault', 'meta');
		expect(meta?.kdf.iterations).toBe(DEFAULT_ITERATIONS);
		expect(meta?.kdf.algorithm).toBe('PBKDF2-SHA256');
		expect(meta?.kdf.salt.length).toBeGreaterThanOrEqual(16);
	});
});

describe('create and unlock', () => {
	it('round-trips accounts through a lock and a fresh Vault on the same database', async () => {
		const { db, vault } = await setup();
		expect(await vault.isInitialized()).toBe(false);
		await expect(vault.unlock(PASSPHRASE)).rejects.toBeInstanceOf(VaultNotInitializedError);
		await vault.create(PASSPHRASE);
		expect(await vault.isInitialized()).toBe(true);
		expect(vault.isUnlocked).toBe(true);
		await vault.addAccount(BITMART);
		await vault.addAccount({
			...BITGET,
			fields: undefined,
			venue: 'ascendex',
			label: 'AscendEX',
			// 64 letters and digits, which also read as base64: a decoded-secret key is made too.
			secret: 'hV8FgjyJtpvVeAcMAgzgAFQCN36wmbWuN7o3WPcYcYhFd8qvE43gzFGVsFcCqMNk',
			learned: { accountGroup: '6', keyForm: 'raw' },
			keyExpiresAt: Date.UTC(2027, 0, 1)
		});
		vault.lock();
		expect(vault.isUnlocked).toBe(false);
		await expect(vault.addAccount(BITGET)).rejects.toBeInstanceOf(VaultLockedError);

		const reloaded = new Vault(db, { iterations: TEST_ITERATIONS, allowWeakKdf: true });
		const { accounts, failures } = await reloaded.unlock(PASSPHRASE);
		expect(failures).toEqual([]);
		expect(reloaded.isUnlocked).toBe(true);
		expect(accounts.map((a) => a.label)).toEqual(['BitMart main', 'AscendEX']);
		const bitmart = byLabel(accounts, 'BitMart main');
		expect(bitmart).toMatchObject({
			venue: 'bitmart',
			endpoints,
			apiKey: BITMART.apiKey,
			fields: { memo: 'test001' }
		});
		const third = byLabel(accounts, 'AscendEX');
		expect(third.fields).toEqual({});
		// What the key check learned is sealed with the account and comes back with it.
		expect(third.learned).toEqual({ accountGroup: '6', keyForm: 'raw' });
		expect(third.keyExpiresAt).toBe(Date.UTC(2027, 0, 1));
		expect(third.decodedSigningKey?.extractable).toBe(false);
		expect(bitmart.decodedSigningKey).toBeUndefined();
		expect(bitmart.learned).toEqual({});
		expect(await sign(bitmart, LOGIN_MESSAGE)).toBe(LOGIN_SIGNATURE);
		// Nothing but these fields: the plaintext secret is not on the object.
		expect(Object.keys(bitmart).sort()).toEqual(
			[
				'apiKey',
				'createdAt',
				'endpoints',
				'fields',
				'id',
				'label',
				'learned',
				'presetId',
				'signingKey',
				'venue'
			].sort()
		);
	});

	it('gives a non-extractable, sign-only HMAC key that signs the BitMart login vector', async () => {
		const { bitmart } = await withTwoAccounts();
		const key = bitmart.signingKey;
		expect(key.extractable).toBe(false);
		expect(key.type).toBe('secret');
		expect(key.algorithm).toMatchObject({ name: 'HMAC', hash: { name: 'SHA-256' } });
		expect([...key.usages]).toEqual(['sign']);
		await expect(crypto.subtle.exportKey('raw', key)).rejects.toThrow();
		await expect(crypto.subtle.exportKey('jwk', key)).rejects.toThrow();
		expect(await sign(bitmart, LOGIN_MESSAGE)).toBe(LOGIN_SIGNATURE);
	});

	it('refuses a second vault and a short passphrase', async () => {
		const { vault } = await setup();
		await expect(vault.create('short')).rejects.toBeInstanceOf(InvalidInputError);
		expect(await vault.isInitialized()).toBe(false);
		await vault.create(PASSPHRASE);
		await expect(vault.create('another-passphrase')).rejects.toBeInstanceOf(
			VaultAlreadyInitializedError
		);
	});

	it('refuses accounts without a name, key or secret', async () => {
		const { vault, db } = await withTwoAccounts();
		const before = await dumpDatabase(db);
		for (const bad of [
			{ ...BITMART, label: '  ' },
			{ ...BITMART, apiKey: '' },
			{ ...BITMART, secret: ' ' },
			{ ...BITMART, endpoints: { ...endpoints, privateWs: '' } }
		]) {
			await expect(vault.addAccount(bad)).rejects.toBeInstanceOf(InvalidInputError);
		}
		expect(await dumpDatabase(db)).toEqual(before);
	});

	it('stays locked when lock() comes while an unlock is still deriving the key', async () => {
		const { vault } = await withTwoAccounts();
		vault.lock();
		const unlocking = vault.unlock(PASSPHRASE);
		vault.lock();
		await expect(unlocking).rejects.toBeInstanceOf(VaultLockedError);
		expect(vault.isUnlocked).toBe(false);
	});
});

describe('wrong passphrase', () => {
	it('throws WrongPassphraseError and leaves every stored byte as it was', async () => {
		const { db, vault } = await withTwoAccounts();
		vault.lock();
		const before = await dumpDatabase(db);
		const error = await vault.unlock('orange-kettle-43').catch((e: unknown) => e);
		expect(error).toBeInstanceOf(WrongPassphraseError);
		expect((error as Error).message).toBe('Wrong passphrase');
		expect(vault.isUnlocked).toBe(false);
		await expect(
			vault.changePassphrase('orange-kettle-43', 'new-passphrase-1')
		).rejects.toBeInstanceOf(WrongPassphraseError);
		expect(await dumpDatabase(db)).toEqual(before);
		expect(vault.isUnlocked).toBe(false);
	});
});

describe('tampered records', () => {
	it('names the tampered account and still unlocks the others', async () => {
		const { db, vault, bitmart, bitget } = await withTwoAccounts();
		await tamperCiphertext(db, bitget.id);
		vault.lock();
		const { accounts, failures } = await vault.unlock(PASSPHRASE);
		expect(accounts.map((a) => a.id)).toEqual([bitmart.id]);
		expect(await sign(accounts[0], LOGIN_MESSAGE)).toBe(LOGIN_SIGNATURE);
		expect(failures).toHaveLength(1);
		expect(failures[0].accountId).toBe(bitget.id);
		expect(failures[0].label).toBe('Bitget scalps');
		expect(failures[0].message).toContain('Bitget scalps');
	});

	it('detects records whose label or endpoints were changed, or whose blobs were swapped', async () => {
		const { db, vault, bitmart, bitget } = await withTwoAccounts();
		const a = (await db.get('accounts', bitmart.id))!;
		const b = (await db.get('accounts', bitget.id))!;
		await db.put('accounts', { ...a, secret: b.secret });
		await db.put('accounts', { ...b, secret: a.secret });
		vault.lock();
		let result = await vault.unlock(PASSPHRASE);
		expect(result.accounts).toEqual([]);
		expect(result.failures.map((f) => f.accountId).sort()).toEqual([bitmart.id, bitget.id].sort());

		await db.put('accounts', a);
		await db.put('accounts', {
			...b,
			endpoints: { ...b.endpoints, rest: 'http://127.0.0.1:6666' }
		});
		result = await vault.unlock(PASSPHRASE);
		expect(result.accounts.map((x) => x.id)).toEqual([bitmart.id]);
		expect(result.failures.map((f) => f.accountId)).toEqual([bitget.id]);

		await db.put('accounts', { ...a, label: 'Renamed behind our back' });
		result = await vault.unlock(PASSPHRASE);
		expect(result.failures.map((f) => f.label)).toContain('Renamed behind our back');
	});
});

describe('what is stored', () => {
	it('uses a different IV for the verifier, the wrapped data key and every account, also after a passphrase change', async () => {
		const { db, vault } = await setup();
		await vault.create(PASSPHRASE);
		for (let i = 0; i < 6; i++) await vault.addAccount({ ...BITMART, label: `acct ${i}` });
		const ivsOf = async () => {
			const meta = (await db.get('vault', 'meta'))!;
			if (meta.version !== 2) throw new Error('expected the data-key layout');
			const accounts = await db.getAll('accounts');
			return [meta.verifier.iv, meta.dataKey.iv, ...accounts.map((a) => a.secret.iv)].map((iv) =>
				iv.join(',')
			);
		};
		const first = await ivsOf();
		expect(first).toHaveLength(8);
		expect(new Set(first).size).toBe(8);
		await vault.changePassphrase(PASSPHRASE, 'a-new-passphrase');
		const second = await ivsOf();
		// The verifier and the data key's wrap are new; the accounts stay sealed under the data key.
		expect(new Set([...first, ...second]).size).toBe(10);
		expect(second.slice(2)).toEqual(first.slice(2));
	});

	it('holds neither the secret, the memo nor the API key in plaintext, in any store or export', async () => {
		const { db, vault, bitmart } = await withTwoAccounts();
		await putSetting(db, 'theme', 'dark');
		await db.put('lastKnown', {
			accountId: bitmart.id,
			state: { iv: new Uint8Array(12), ciphertext: new ArrayBuffer(16) }
		});
		await db.put('closes', {
			id: 'perch-1',
			accountId: bitmart.id,
			createdAt: 1,
			updatedAt: 1,
			state: 'pending',
			request: {
				venue: 'bitmart',
				symbol: 'BTCUSDT',
				positionSide: 'long',
				orderSide: 'sell',
				size: '1',
				type: 'market'
			}
		});
		const encoder = new TextEncoder();
		const text = JSON.stringify(await dumpDatabase(db));
		const binaries = await dumpBinary(db);
		expect(binaries.length).toBeGreaterThanOrEqual(6);
		const backup = await vault.exportBackup();
		const backupBinaries = collectBinary(JSON.parse(backup));
		expect(backupBinaries).toEqual([]);

		for (const account of [BITMART, BITGET]) {
			for (const plain of [account.secret, ...Object.values(account.fields!), account.apiKey]) {
				expect(text).not.toContain(plain);
				expect(backup).not.toContain(plain);
				expect(backup).not.toContain(bytesToBase64(encoder.encode(plain)).slice(0, 16));
				const bytes = encoder.encode(plain);
				const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
				expect(text).not.toContain(hex);
				for (const binary of binaries) expect(containsBytes(binary, bytes)).toBe(false);
				expect(containsBytes(encoder.encode(text), bytes)).toBe(false);
			}
		}
		// The searches themselves work: clear fields and stored bytes are found.
		expect(text).toContain('BitMart main');
		expect(containsBytes(encoder.encode(text), encoder.encode('BitMart main'))).toBe(true);
		expect(containsBytes(binaries[1], binaries[1].slice(3, 9))).toBe(true);
	});
});

describe('account changes', () => {
	it('removes an account only while unlocked and only if it exists', async () => {
		const { db, vault, bitmart, bitget } = await withTwoAccounts();
		vault.lock();
		await expect(vault.removeAccount(bitget.id)).rejects.toBeInstanceOf(VaultLockedError);
		await vault.unlock(PASSPHRASE);
		await vault.removeAccount(bitget.id);
		await expect(vault.removeAccount(bitget.id)).rejects.toBeInstanceOf(UnknownAccountError);
		expect(await db.getAllKeys('accounts')).toEqual([bitmart.id]);
	});

	it('renames an account and re-seals it so it still unlocks', async () => {
		const { vault, bitmart } = await withTwoAccounts();
		const renamed = await vault.updateAccount(bitmart.id, { label: 'BitMart hedge' });
		expect(renamed.label).toBe('BitMart hedge');
		vault.lock();
		const { accounts, failures } = await vault.unlock(PASSPHRASE);
		expect(failures).toEqual([]);
		const again = byLabel(accounts, 'BitMart hedge');
		expect(again.id).toBe(bitmart.id);
		expect(await sign(again, LOGIN_MESSAGE)).toBe(LOGIN_SIGNATURE);
	});

	it('refuses to add an account under a key that another tab has since replaced', async () => {
		const factory = new IDBFactory();
		const tab1 = await setup(factory);
		await tab1.vault.create(PASSPHRASE);
		const tab2 = new Vault(tab1.db, { iterations: TEST_ITERATIONS, allowWeakKdf: true });
		await tab2.changePassphrase(PASSPHRASE, 'changed-elsewhere');
		await expect(tab1.vault.addAccount(BITMART)).rejects.toBeInstanceOf(VaultChangedError);
		expect(await tab1.db.count('accounts')).toBe(0);
	});
});

describe('changePassphrase', () => {
	it('re-encrypts everything: the old passphrase stops working, the accounts stay usable', async () => {
		const { db, vault } = await withTwoAccounts();
		const saltBefore = (await db.get('vault', 'meta'))!.kdf.salt.slice();
		await vault.changePassphrase(PASSPHRASE, 'violet-lantern-7');
		expect((await db.get('vault', 'meta'))!.kdf.salt).not.toEqual(saltBefore);
		vault.lock();
		await expect(vault.unlock(PASSPHRASE)).rejects.toBeInstanceOf(WrongPassphraseError);
		const { accounts, failures } = await vault.unlock('violet-lantern-7');
		expect(failures).toEqual([]);
		expect(accounts).toHaveLength(2);
		expect(await sign(byLabel(accounts, 'BitMart main'), LOGIN_MESSAGE)).toBe(LOGIN_SIGNATURE);
		expect(byLabel(accounts, 'Bitget scalps').fields).toEqual(BITGET.fields);
	});

	it('rewraps only the data key: a damaged record stays exactly as it was, and is still named', async () => {
		const { db, vault, bitget } = await withTwoAccounts();
		await tamperCiphertext(db, bitget.id);
		const accountsBefore = await db.getAll('accounts');
		await vault.changePassphrase(PASSPHRASE, 'violet-lantern-7');
		expect(await db.getAll('accounts')).toEqual(accountsBefore);
		vault.lock();
		await expect(vault.unlock(PASSPHRASE)).rejects.toBeInstanceOf(WrongPassphraseError);
		const { accounts, failures } = await vault.unlock('violet-lantern-7');
		expect(accounts.map((a) => a.label)).toEqual(['BitMart main']);
		expect(failures.map((f) => f.message)).toEqual([
			new CorruptAccountError(bitget.id, 'Bitget scalps').message
		]);
	});
});

describe('backup', () => {
	it('exports, wipes everything and imports back to working accounts', async () => {
		const { db, vault } = await withTwoAccounts();
		await putSetting(db, 'theme', 'dark');
		const backup = await vault.exportBackup();
		const parsed = JSON.parse(backup) as Record<string, unknown>;
		expect(parsed).toMatchObject({ format: 'perch-backup', version: 3 });
		expect(parsed.kdf).toMatchObject({ algorithm: 'PBKDF2-SHA256', iterations: TEST_ITERATIONS });

		await vault.wipe();
		expect(vault.isUnlocked).toBe(false);
		expect(await vault.isInitialized()).toBe(false);
		for (const store of ['vault', 'accounts', 'closes', 'settings', 'lastKnown'] as const) {
			expect(await db.count(store)).toBe(0);
		}

		const imported = await vault.importBackup(backup, PASSPHRASE);
		expect(imported.failures).toEqual([]);
		expect(vault.isUnlocked).toBe(true);
		expect(await sign(byLabel(imported.accounts, 'BitMart main'), LOGIN_MESSAGE)).toBe(
			LOGIN_SIGNATURE
		);
		const reloaded = new Vault(db, { iterations: TEST_ITERATIONS, allowWeakKdf: true });
		const { accounts } = await reloaded.unlock(PASSPHRASE);
		// Both accounts may share a createdAt millisecond, so compare without relying on order.
		expect(accounts.map((a) => [a.label, a.apiKey, a.fields]).sort()).toEqual(
			[
				['BitMart main', BITMART.apiKey, BITMART.fields],
				['Bitget scalps', BITGET.apiKey, BITGET.fields]
			].sort()
		);
		const again = JSON.parse(await reloaded.exportBackup()) as Record<string, unknown>;
		expect({ ...again, exportedAt: 0 }).toEqual({ ...parsed, exportedAt: 0 });
	});

	it('replaces the vault: accounts not in the backup are gone, and its passphrase applies', async () => {
		const other = await setup();
		await other.vault.create('backup-passphrase');
		await other.vault.addAccount({ ...BITGET, label: 'From backup' });
		const backup = await other.vault.exportBackup();

		const { vault } = await withTwoAccounts();
		const { accounts } = await vault.importBackup(backup, 'backup-passphrase');
		expect(accounts.map((a) => a.label)).toEqual(['From backup']);
		vault.lock();
		await expect(vault.unlock(PASSPHRASE)).rejects.toBeInstanceOf(WrongPassphraseError);
		expect((await vault.unlock('backup-passphrase')).accounts).toHaveLength(1);
	});

	it('rejects bad files with a clear error and keeps the stored vault intact', async () => {
		const { db, vault, bitget } = await withTwoAccounts();
		const good = JSON.parse(await vault.exportBackup()) as LooseJson;
		const variant = (change: (f: LooseJson) => void) => {
			const copy = structuredClone(good);
			change(copy);
			return JSON.stringify(copy);
		};
		const before = await dumpDatabase(db);
		const cases: [string, string][] = [
			['{not json', 'not JSON'],
			[JSON.stringify({ hello: 'world' }), 'format'],
			[variant((f) => (f.version = 4)), 'version 4'],
			[variant((f) => (f.kdf.salt = 'AAAA')), 'salt'],
			[variant((f) => (f.verifier.iv = '!!!')), 'base64'],
			[variant((f) => (f.accounts[0].secret.ciphertext = 'AAAA')), 'truncated'],
			[variant((f) => (f.accounts[1].venue = 'mtgox')), 'venue'],
			[variant((f) => delete f.accounts), 'accounts'],
			[variant((f) => (f.accounts[1] = { ...f.accounts[0] })), 'duplicate'],
			[variant((f) => (f.kdf.iterations = 1e12)), 'iteration'],
			[variant((f) => (f.accounts[1].label = 'Edited label')), 'Edited label']
		];
		for (const [file, reason] of cases) {
			const error = await vault.importBackup(file, PASSPHRASE).catch((e: unknown) => e);
			expect(error, reason).toBeInstanceOf(BackupFormatError);
			expect((error as Error).message).toContain(reason);
		}
		await expect(
			vault.importBackup(JSON.stringify(good), 'not-the-passphrase')
		).rejects.toBeInstanceOf(WrongPassphraseError);
		expect(await dumpDatabase(db)).toEqual(before);
		vault.lock();
		expect((await vault.unlock(PASSPHRASE)).accounts.map((a) => a.id)).toContain(bitget.id);
	});

	it('refuses a backup below 600 000 iterations in a production vault', async () => {
		const { vault } = await withTwoAccounts();
		const weak = await vault.exportBackup();
		const fresh = await openPerchDB('perch', new IDBFactory());
		const production = new Vault(fresh);
		await expect(production.importBackup(weak, PASSPHRASE)).rejects.toThrow(/iteration/);
		expect(await production.isInitialized()).toBe(false);
	});

	it('exports while locked but not without a vault', async () => {
		const { vault } = await setup();
		await expect(vault.exportBackup()).rejects.toBeInstanceOf(VaultNotInitializedError);
		await vault.create(PASSPHRASE);
		vault.lock();
		expect(JSON.parse(await vault.exportBackup())).toMatchObject({ accounts: [] });
	});
});

/**
 * Writes an account record sealed under the vault's real key, the way an older Perch (one that
 * checked less) could have written it: it decrypts fine, so only validation can refuse it.
 */
async function putSealedRecord(
	db: PerchDatabase,
	clear: Pick<AccountRecord, 'id' | 'label' | 'venue' | 'endpoints'>
): Promise<void> {
	const meta = (await db.get('vault', 'meta'))!;
	const key = await deriveVaultKey(PASSPHRASE, meta.kdf.salt, meta.kdf.iterations);
	const bound = { ...clear, presetId: 'custom' };
	const record: AccountRecord = {
		...bound,
		createdAt: 5,
		secret: await sealCredentials(key, bound, {
			apiKey: BITMART.apiKey,
			secret: BITMART.secret,
			fields: { memo: 'm' }
		})
	};
	await db.put('accounts', record);
}

describe('malformed stored records', () => {
	it('makes a record without endpoints, and a junk record, one failure each; the others unlock', async () => {
		const { db, vault, bitmart, bitget } = await withTwoAccounts();
		const stored = (await db.get('accounts', bitget.id))!;
		const { endpoints: _dropped, ...noEndpoints } = stored;
		await db.put('accounts', noEndpoints as AccountRecord);
		await db.put('accounts', { id: 'junk-1', hello: 'world' } as unknown as AccountRecord);
		vault.lock();

		const { accounts, failures } = await vault.unlock(PASSPHRASE);
		expect(accounts.map((a) => a.id)).toEqual([bitmart.id]);
		expect(await sign(accounts[0], LOGIN_MESSAGE)).toBe(LOGIN_SIGNATURE);
		expect(failures.map((f) => f.accountId).sort()).toEqual([bitget.id, 'junk-1'].sort());
		const broken = failures.find((f) => f.accountId === bitget.id)!;
		expect(broken.label).toBe('Bitget scalps');
		expect(broken.message).toContain('Bitget scalps');
		expect(broken.message).toMatch(/endpoints/);
		expect(failures.find((f) => f.accountId === 'junk-1')!.message).toContain('junk-1');
		// Nothing stored is deleted: the user decides what to remove.
		expect(await db.get('accounts', bitget.id)).toEqual(noEndpoints);
		expect(await db.get('accounts', 'junk-1')).toEqual({ id: 'junk-1', hello: 'world' });
	});

	it("makes a record with a non-loopback plain-http endpoint that account's failure", async () => {
		const { db, vault, bitmart } = await withTwoAccounts();
		await putSealedRecord(db, {
			id: 'lan-1',
			label: 'LAN box',
			venue: 'bitmart',
			endpoints: { ...endpoints, rest: 'http://10.0.0.2:9100' }
		});
		vault.lock();
		const { accounts, failures } = await vault.unlock(PASSPHRASE);
		expect(accounts.map((a) => a.id)).toContain(bitmart.id);
		expect(accounts.map((a) => a.id)).not.toContain('lan-1');
		expect(failures).toHaveLength(1);
		expect(failures[0]).toMatchObject({ accountId: 'lan-1', label: 'LAN box' });
		expect(failures[0].message).toMatch(/LAN box.*http:\/\/ is only allowed for localhost/s);
		expect(await db.get('accounts', 'lan-1')).toBeDefined();
	});

	it('refuses to add or re-point an account at an endpoint with a bad scheme or host', async () => {
		const { vault, bitmart } = await withTwoAccounts();
		const bad: [string, Partial<typeof endpoints>][] = [
			['ftp', { rest: 'ftp://127.0.0.1:9100' }],
			['plain http off loopback', { rest: 'http://127.0.0.1.evil.example' }],
			['plain ws off loopback', { privateWs: 'ws://10.0.0.2/private' }],
			['javascript', { publicWs: 'javascript:alert(1)' }]
		];
		for (const [what, change] of bad) {
			const changed = { ...endpoints, ...change };
			await expect(
				vault.addAccount({ ...BITMART, label: what, endpoints: changed }),
				what
			).rejects.toBeInstanceOf(InvalidInputError);
			await expect(
				vault.updateAccount(bitmart.id, { endpoints: changed }),
				what
			).rejects.toBeInstanceOf(InvalidInputError);
		}
	});

	it('refuses a backup whose account points at a non-loopback plain-http host', async () => {
		const { db, vault } = await withTwoAccounts();
		await putSealedRecord(db, {
			id: 'lan-1',
			label: 'LAN box',
			venue: 'bitmart',
			endpoints: { ...endpoints, publicWs: 'ws://192.168.1.20/public' }
		});
		const backup = await vault.exportBackup();
		const fresh = new Vault(await openPerchDB('perch', new IDBFactory()), {
			iterations: TEST_ITERATIONS,
			allowWeakKdf: true
		});
		const error = await fresh.importBackup(backup, PASSPHRASE).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(BackupFormatError);
		expect((error as Error).message).toMatch(/accounts\[\d\]\.endpoints\.publicWs.*ws:\/\//);
		expect(await fresh.isInitialized()).toBe(false);
	});
});

describe('KDF bounds at unlock', () => {
	afterEach(() => vi.restoreAllMocks());

	async function withStoredIterations(iterations: number, options = { allowWeakKdf: true }) {
		const { db, vault } = await withTwoAccounts();
		const meta = (await db.get('vault', 'meta'))!;
		await db.put('vault', { ...meta, kdf: { ...meta.kdf, iterations } }, 'meta');
		vault.lock();
		const before = await dumpDatabase(db);
		// The KDF must not even start: 2e9 iterations would hold the page for an hour.
		const derive = vi.spyOn(crypto.subtle, 'deriveKey').mockRejectedValue(new Error('the KDF ran'));
		const reopened = new Vault(
			db,
			options.allowWeakKdf ? { iterations: TEST_ITERATIONS, allowWeakKdf: true } : {}
		);
		return { db, vault: reopened, derive, before };
	}

	for (const iterations of [2_000_000_000, MAX_ITERATIONS + 1, 0, 1.5, Number.NaN]) {
		it(`refuses a stored count of ${iterations} without running the KDF`, async () => {
			const { db, vault, derive, before } = await withStoredIterations(iterations);
			const error = await vault.unlock(PASSPHRASE).catch((e: unknown) => e);
			expect(error).toBeInstanceOf(UnsafeKdfError);
			expect((error as Error).message).toMatch(/iteration/);
			await expect(vault.changePassphrase(PASSPHRASE, 'another-passphrase')).rejects.toBeInstanceOf(
				UnsafeKdfError
			);
			expect(derive).not.toHaveBeenCalled();
			expect(vault.isUnlocked).toBe(false);
			expect(await dumpDatabase(db)).toEqual(before);
		});
	}

	it('refuses a stored count below 600 000 in a production vault, as import does', async () => {
		const { vault, derive } = await withStoredIterations(TEST_ITERATIONS, { allowWeakKdf: false });
		await expect(vault.unlock(PASSPHRASE)).rejects.toThrow(/600000 to 10000000/);
		expect(derive).not.toHaveBeenCalled();
	});
});
