/**
 * The data-key layout: migration of vaults written before it, the passkey wrap, passphrase
 * changes, backups, and the last-known state sealed under the data key.
 *
 * fixtures/backup-format2-before-data-key.json was produced by the code of this branch's base
 * (c455862, before the data key): a vault with two accounts at 1000 iterations, exported with
 * `Vault.exportBackup()`. A backup is the vault exactly as stored, so it also rebuilds the database
 * that code left behind.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dumpBinary, dumpDatabase } from '$lib/db/dump';
import { openPerchDB, type PerchDatabase } from '$lib/db/open';
import type { AccountRecord, VaultMeta, VaultMetaV2 } from '$lib/db/schema';
import type { Position } from '$lib/exchanges/types';
import { accountContext } from '$lib/vault/account-secret';
import { base64ToBytes } from '$lib/vault/base64';
import { decryptJson } from '$lib/vault/crypto';
import { PASSPHRASE_WRAP, unwrapDataKey } from '$lib/vault/data-key';
import {
	CorruptAccountError,
	DataKeyDamagedError,
	DecryptionError,
	NoPasskeyError,
	PasskeyKeyError,
	WrongPassphraseError
} from '$lib/vault/errors';
import { deriveVaultKey } from '$lib/vault/kdf';
import type { LastKnownState } from '$lib/vault/last-known';
import { Vault, type NewPasskey, type UnlockedAccount } from '$lib/vault/vault';

const PASSPHRASE = 'orange-kettle-42';
const TODAY = readFileSync(
	new URL('./fixtures/backup-format2-before-data-key.json', import.meta.url),
	'utf8'
);
const FORMAT1 = readFileSync(new URL('./fixtures/backup-format1.json', import.meta.url), 'utf8');
const LOGIN_MESSAGE = '1589267764859#test001#bitmart.WebSocket';
const LOGIN_SIGNATURE = '3ceeb7e1b8cb165a975e28a2e2dfaca4d30b358873c0351c1a071d8c83314556';

interface BlobJson {
	iv: string;
	ciphertext: string;
}
const blob = (json: BlobJson) => ({
	iv: base64ToBytes(json.iv),
	ciphertext: base64ToBytes(json.ciphertext).buffer
});

/** The database the code before the data key left behind, rebuilt from its export. */
async function vaultWrittenByOldCode(file = TODAY): Promise<PerchDatabase> {
	const json = JSON.parse(file);
	const db = await openPerchDB('perch', new IDBFactory());
	const meta: VaultMeta = {
		version: 1,
		kdf: {
			algorithm: 'PBKDF2-SHA256',
			iterations: json.kdf.iterations,
			salt: base64ToBytes(json.kdf.salt)
		},
		verifier: blob(json.verifier),
		createdAt: json.exportedAt
	};
	await db.put('vault', meta, 'meta');
	for (const a of json.accounts) await db.put('accounts', { ...a, secret: blob(a.secret) });
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

function expectTodaysAccounts(accounts: UnlockedAccount[]) {
	expect(accounts.map((a) => [a.id, a.label, a.presetId, a.apiKey, a.fields])).toEqual([
		['acct-1', 'BitMart main', 'production', 'ak-7f3e9c21d4b8a6e0-perch', { memo: 'test001' }],
		['acct-2', 'Local sim', 'custom', 'ak-local-sim-0002', { memo: ' memo with spaces ' }]
	]);
}

async function meta(db: PerchDatabase): Promise<VaultMeta> {
	return (await db.get('vault', 'meta'))!;
}

async function passphraseKey(db: PerchDatabase, passphrase = PASSPHRASE): Promise<CryptoKey> {
	const m = await meta(db);
	return deriveVaultKey(passphrase, m.kdf.salt, m.kdf.iterations);
}

/** The data key as stored under the passphrase, unwrapped extractable so tests can look at it. */
async function rawDataKey(db: PerchDatabase): Promise<Uint8Array> {
	const m = (await meta(db)) as VaultMetaV2;
	const key = await unwrapDataKey(m.dataKey, await passphraseKey(db), PASSPHRASE_WRAP, true);
	return new Uint8Array(await crypto.subtle.exportKey('raw', key));
}

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
	outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
		for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
		return true;
	}
	return false;
}

/** What an authenticator's PRF would answer: 32 bytes, fixed per passkey in these tests. */
function passkey(fill: number): NewPasskey {
	return {
		credentialId: new Uint8Array([1, 2, 3, fill]),
		rpId: 'localhost',
		prfSalt: new Uint8Array(32).fill(7),
		prfOutput: new Uint8Array(32).fill(fill)
	};
}

const POSITION: Position = {
	accountId: 'acct-1',
	symbol: 'BTCUSDT',
	side: 'long',
	size: '12',
	entryPrice: '64000.5',
	liquidationPrice: '51000',
	margin: '76.8',
	leverage: '10',
	marginMode: 'cross',
	positionMode: 'hedge',
	updatedAt: 1770000000000
};
const STATE: LastKnownState = {
	positions: [POSITION],
	balances: [],
	orders: [],
	positionMode: 'hedge',
	savedAt: 1770000000500
};

describe('a vault written before the data key', () => {
	it('moves to the data-key layout at the first unlock, with every account intact', async () => {
		const db = await vaultWrittenByOldCode();
		const before = await db.getAll('accounts');
		const oldKey = await passphraseKey(db);

		const { accounts, failures } = await vaultOn(db).unlock(PASSPHRASE);
		expect(failures).toEqual([]);
		expectTodaysAccounts(accounts);
		expect(await sign(accounts[0], LOGIN_MESSAGE)).toBe(LOGIN_SIGNATURE);

		const after = await meta(db);
		expect(after.version).toBe(2);
		// Same passphrase key (salt, count, verifier); the accounts are now under the data key.
		expect(after.kdf).toEqual((await vaultWrittenByOldCode().then(meta)).kdf);
		const stored = await db.getAll('accounts');
		const dataKey = await unwrapDataKey((after as VaultMetaV2).dataKey, oldKey, PASSPHRASE_WRAP);
		for (const [i, record] of stored.entries()) {
			expect({ ...record, secret: null }).toEqual({ ...before[i], secret: null });
			await expect(decryptJson(oldKey, record.secret, accountContext(record))).rejects.toThrow(
				DecryptionError
			);
			expect(await decryptJson(dataKey, record.secret, accountContext(record))).toMatchObject({
				v: 2,
				apiKey: accounts[i].apiKey
			});
		}

		// Moved once: the next unlock writes nothing and opens the same accounts.
		const moved = await dumpDatabase(db);
		const again = await vaultOn(db).unlock(PASSPHRASE);
		expectTodaysAccounts(again.accounts);
		expect(await dumpDatabase(db)).toEqual(moved);
		await expect(vaultOn(db).unlock('not-the-passphrase')).rejects.toThrow(WrongPassphraseError);
	});

	it('also moves a vault of the first credential format', async () => {
		const db = await vaultWrittenByOldCode(FORMAT1);
		const { accounts, failures } = await vaultOn(db).unlock(PASSPHRASE);
		expect(failures).toEqual([]);
		expect(accounts.map((a) => a.fields)).toEqual([
			{ memo: 'test001' },
			{ memo: ' memo with spaces ' }
		]);
		expect((await meta(db)).version).toBe(2);
		expect((await db.getAll('accounts')).map((r) => r.presetId)).toEqual(['production', 'custom']);
	});

	it('keeps the old layout, still working, while a record cannot be opened; nothing is lost', async () => {
		const db = await vaultWrittenByOldCode();
		const second = (await db.get('accounts', 'acct-2'))!;
		const bytes = new Uint8Array(second.secret.ciphertext.slice(0));
		bytes[3] ^= 1;
		await db.put('accounts', { ...second, secret: { ...second.secret, ciphertext: bytes.buffer } });
		const untouched = await dumpDatabase(db);

		const vault = vaultOn(db);
		const { accounts, failures } = await vault.unlock(PASSPHRASE);
		expect(accounts.map((a) => a.label)).toEqual(['BitMart main']);
		expect(failures.map((f) => f.message)).toEqual([
			new CorruptAccountError('acct-2', 'Local sim').message
		]);
		expect(await dumpDatabase(db)).toEqual(untouched);
		// Accounts added meanwhile are sealed like the rest, and open at the next unlock.
		await vault.removeAccount('acct-2');
		const { accounts: after } = await vaultOn(db).unlock(PASSPHRASE);
		expect(after.map((a) => a.label)).toEqual(['BitMart main']);
		expect((await meta(db)).version).toBe(2);
	});

	it('still unlocks when the move cannot be written, and the next unlock does it', async () => {
		const db = await vaultWrittenByOldCode();
		const untouched = await dumpDatabase(db);
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
		expectTodaysAccounts((await vaultOn(readOnly).unlock(PASSPHRASE)).accounts);
		expect(await dumpDatabase(db)).toEqual(untouched);
		expectTodaysAccounts((await vaultOn(db).unlock(PASSPHRASE)).accounts);
		expect((await meta(db)).version).toBe(2);
	});

	it('imports backups of both earlier formats into the data-key layout', async () => {
		for (const file of [TODAY, FORMAT1]) {
			const db = await openPerchDB('perch', new IDBFactory());
			const vault = vaultOn(db);
			const { accounts, failures } = await vault.importBackup(file, PASSPHRASE);
			expect(failures).toEqual([]);
			expect(accounts.map((a) => a.label)).toEqual(['BitMart main', 'Local sim']);
			expect((await meta(db)).version).toBe(2);
			const exported = JSON.parse(await vault.exportBackup());
			expect(exported.version).toBe(3);
			const elsewhere = vaultOn(await openPerchDB('perch', new IDBFactory()));
			const back = await elsewhere.importBackup(JSON.stringify(exported), PASSPHRASE);
			expect(back.accounts.map((a) => a.apiKey)).toEqual(accounts.map((a) => a.apiKey));
		}
	});
});

describe('the data key', () => {
	async function fresh() {
		const db = await openPerchDB('perch', new IDBFactory());
		const vault = vaultOn(db);
		const { accounts } = await vault.importBackup(TODAY, PASSPHRASE);
		return { db, vault, accounts };
	}

	it('is stored only wrapped: its bytes, the PRF output and the wrapping keys never reach storage', async () => {
		const { db, vault } = await fresh();
		const prf = passkey(0x5a);
		await vault.addPasskey(PASSPHRASE, prf);
		await vault.saveLastKnown('acct-1', STATE);
		const raw = await rawDataKey(db);
		const binaries = [
			...(await dumpBinary(db)),
			new TextEncoder().encode(await vault.exportBackup())
		];
		for (const bytes of binaries) {
			expect(contains(bytes, raw)).toBe(false);
			expect(contains(bytes, prf.prfOutput)).toBe(false);
		}
		const text = JSON.stringify(await dumpDatabase(db));
		expect(text).not.toContain('BTCUSDT');
		expect(text).not.toContain('64000.5');
		// The passkey's wrap is this device's: a backup carries only the passphrase wrap.
		expect(JSON.stringify(JSON.parse(await vault.exportBackup()))).not.toContain('passkey');
	});

	it('a damaged passphrase wrap is a clear error, not "wrong passphrase", and changes nothing', async () => {
		const { db } = await fresh();
		const m = (await meta(db)) as VaultMetaV2;
		const bytes = new Uint8Array(m.dataKey.ciphertext.slice(0));
		bytes[0] ^= 1;
		await db.put('vault', { ...m, dataKey: { ...m.dataKey, ciphertext: bytes.buffer } }, 'meta');
		const before = await dumpDatabase(db);
		const error = await vaultOn(db)
			.unlock(PASSPHRASE)
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(DataKeyDamagedError);
		expect((error as Error).message).toMatch(/passphrase is right/);
		await expect(vaultOn(db).unlock('not-the-passphrase')).rejects.toThrow(WrongPassphraseError);
		expect(await dumpDatabase(db)).toEqual(before);
	});

	it('a passphrase change rewraps the data key in one write; the passkey keeps working', async () => {
		const { db, vault } = await fresh();
		await vault.addPasskey(PASSPHRASE, passkey(1));
		const accountsBefore = await db.getAll('accounts');
		const rawBefore = await rawDataKey(db);
		await vault.changePassphrase(PASSPHRASE, 'violet-lantern-7');
		expect(await db.getAll('accounts')).toEqual(accountsBefore);
		vault.lock();
		await expect(vault.unlock(PASSPHRASE)).rejects.toThrow(WrongPassphraseError);
		expectTodaysAccounts((await vault.unlock('violet-lantern-7')).accounts);
		vault.lock();
		expectTodaysAccounts((await vault.unlockWithPasskey(passkey(1).prfOutput)).accounts);
		const m = (await meta(db)) as VaultMetaV2;
		const again = await unwrapDataKey(
			m.dataKey,
			await passphraseKey(db, 'violet-lantern-7'),
			PASSPHRASE_WRAP,
			true
		);
		expect(new Uint8Array(await crypto.subtle.exportKey('raw', again))).toEqual(rawBefore);
	});
});

describe('passkey unlock', () => {
	async function withPasskey() {
		const db = await openPerchDB('perch', new IDBFactory());
		const vault = vaultOn(db);
		await vault.importBackup(TODAY, PASSPHRASE);
		await vault.addPasskey(PASSPHRASE, passkey(9));
		vault.lock();
		return { db, vault };
	}

	it('opens the same accounts as the passphrase, and tells the browser what to ask', async () => {
		const { vault } = await withPasskey();
		expect(await vault.passkey()).toEqual({
			credentialId: new Uint8Array([1, 2, 3, 9]),
			rpId: 'localhost',
			prfSalt: new Uint8Array(32).fill(7)
		});
		const { accounts } = await vault.unlockWithPasskey(passkey(9).prfOutput);
		expectTodaysAccounts(accounts);
		expect(await sign(accounts[0], LOGIN_MESSAGE)).toBe(LOGIN_SIGNATURE);
		vault.lock();
		expectTodaysAccounts((await vault.unlock(PASSPHRASE)).accounts);
	});

	it('refuses another PRF output or a tampered wrap with a clear error; the passphrase still works', async () => {
		const { db, vault } = await withPasskey();
		await expect(vault.unlockWithPasskey(passkey(8).prfOutput)).rejects.toThrow(PasskeyKeyError);
		const m = (await meta(db)) as VaultMetaV2;
		const bytes = new Uint8Array(m.passkey!.dataKey.ciphertext.slice(0));
		bytes[5] ^= 0x40;
		const tampered = {
			...m.passkey!,
			dataKey: { ...m.passkey!.dataKey, ciphertext: bytes.buffer }
		};
		await db.put('vault', { ...m, passkey: tampered }, 'meta');
		const error = await vault.unlockWithPasskey(passkey(9).prfOutput).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(PasskeyKeyError);
		expect((error as Error).message).toMatch(/Unlock with the passphrase/);
		expect(vault.isUnlocked).toBe(false);
		expectTodaysAccounts((await vault.unlock(PASSPHRASE)).accounts);
	});

	it('adding asks for the right passphrase; a wrong one writes nothing', async () => {
		const db = await openPerchDB('perch', new IDBFactory());
		const vault = vaultOn(db);
		await vault.importBackup(TODAY, PASSPHRASE);
		const before = await dumpDatabase(db);
		await expect(vault.addPasskey('not-the-passphrase', passkey(3))).rejects.toThrow(
			WrongPassphraseError
		);
		expect(await dumpDatabase(db)).toEqual(before);
		expect(await vault.passkey()).toBeNull();
	});

	it('removing it leaves the passphrase path intact', async () => {
		const { db, vault } = await withPasskey();
		const passphraseWrap = ((await meta(db)) as VaultMetaV2).dataKey;
		await vault.unlock(PASSPHRASE);
		await vault.removePasskey();
		expect(await vault.passkey()).toBeNull();
		expect(((await meta(db)) as VaultMetaV2).passkey).toBeUndefined();
		expect(((await meta(db)) as VaultMetaV2).dataKey).toEqual(passphraseWrap);
		vault.lock();
		await expect(vault.unlockWithPasskey(passkey(9).prfOutput)).rejects.toThrow(NoPasskeyError);
		expectTodaysAccounts((await vault.unlock(PASSPHRASE)).accounts);
	});
});

describe('last-known state', () => {
	it('is sealed under the data key and comes back with the accounts at either unlock', async () => {
		const db = await openPerchDB('perch', new IDBFactory());
		const vault = vaultOn(db);
		await vault.importBackup(TODAY, PASSPHRASE);
		await vault.addPasskey(PASSPHRASE, passkey(4));
		expect(await vault.saveLastKnown('acct-1', STATE)).toBe(true);
		vault.lock();
		expect(await vault.saveLastKnown('acct-1', STATE)).toBe(false);
		const byPassphrase = await vault.unlock(PASSPHRASE);
		expect(byPassphrase.accounts[0].lastKnown).toEqual(STATE);
		expect(byPassphrase.accounts[1].lastKnown).toBeUndefined();
		vault.lock();
		const byPasskey = await vault.unlockWithPasskey(passkey(4).prfOutput);
		expect(byPasskey.accounts[0].lastKnown).toEqual(STATE);
	});

	it('is dropped, never shown, when altered or moved to another account; goes with its account', async () => {
		const db = await openPerchDB('perch', new IDBFactory());
		const vault = vaultOn(db);
		await vault.importBackup(TODAY, PASSPHRASE);
		await vault.saveLastKnown('acct-1', STATE);
		const record = (await db.get('lastKnown', 'acct-1'))!;
		await db.put('lastKnown', { ...record, accountId: 'acct-2' });
		vault.lock();
		let { accounts } = await vault.unlock(PASSPHRASE);
		expect(accounts.map((a) => a.lastKnown)).toEqual([STATE, undefined]);
		const bytes = new Uint8Array(record.state.ciphertext.slice(0));
		bytes[1] ^= 1;
		await db.put('lastKnown', {
			accountId: 'acct-1',
			state: { ...record.state, ciphertext: bytes.buffer }
		});
		vault.lock();
		({ accounts } = await vault.unlock(PASSPHRASE));
		expect(accounts[0].lastKnown).toBeUndefined();
		await vault.saveLastKnown('acct-1', STATE);
		await vault.removeAccount('acct-1');
		expect(await db.get('lastKnown', 'acct-1')).toBeUndefined();
		expect(await vault.saveLastKnown('acct-1', STATE)).toBe(false);
	});

	it('is not written for a vault still in the old layout', async () => {
		const db = await vaultWrittenByOldCode();
		const record = (await db.get('accounts', 'acct-2')) as AccountRecord;
		await db.put('accounts', { ...record, label: 'edited behind its back' });
		const vault = vaultOn(db);
		await vault.unlock(PASSPHRASE);
		expect((await meta(db)).version).toBe(1);
		expect(await vault.saveLastKnown('acct-1', STATE)).toBe(false);
		expect(await db.count('lastKnown')).toBe(0);
	});
});
