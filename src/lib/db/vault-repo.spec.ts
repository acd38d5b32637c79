import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { dumpDatabase } from './dump';
import { openPerchDB } from './open';
import type { AccountRecord, VaultMeta } from './schema';
import {
	VaultChangedError,
	createVaultMeta,
	getVaultMeta,
	putAccountUnderKey,
	rekeyVault,
	replaceVault
} from './vault-repo';

function meta(saltByte: number): VaultMeta {
	return {
		version: 1,
		kdf: {
			algorithm: 'PBKDF2-SHA256',
			iterations: 600_000,
			salt: new Uint8Array(16).fill(saltByte)
		},
		verifier: { iv: new Uint8Array(12).fill(saltByte), ciphertext: new Uint8Array(32).buffer },
		createdAt: 1
	};
}

function account(id: string, marker: number): AccountRecord {
	return {
		id,
		label: `account ${id}`,
		venue: 'demo',
		endpoints: {
			rest: 'http://127.0.0.1:1',
			publicWs: 'ws://127.0.0.1:2',
			privateWs: 'ws://127.0.0.1:3'
		},
		createdAt: marker,
		secret: {
			iv: new Uint8Array(12).fill(marker),
			ciphertext: new Uint8Array(40).fill(marker).buffer
		}
	};
}

async function seeded() {
	const db = await openPerchDB('perch', new IDBFactory());
	await createVaultMeta(db, meta(1));
	await db.put('accounts', account('a', 1));
	await db.put('accounts', account('b', 2));
	await db.put('lastKnown', {
		accountId: 'a',
		state: { iv: new Uint8Array(12), ciphertext: new ArrayBuffer(16) }
	});
	await db.put('lastKnown', {
		accountId: 'b',
		state: { iv: new Uint8Array(12), ciphertext: new ArrayBuffer(16) }
	});
	return db;
}

describe('vault-repo', () => {
	it('creates the meta only once', async () => {
		const db = await seeded();
		expect(await createVaultMeta(db, meta(9))).toBe(false);
		expect((await getVaultMeta(db))?.kdf.salt[0]).toBe(1);
	});

	it('rekeys meta and accounts together', async () => {
		const db = await seeded();
		const expected = { salt: meta(1).kdf.salt, accountIds: ['a', 'b'] };
		await rekeyVault(db, expected, meta(7), [account('a', 70), account('b', 71)]);
		expect((await getVaultMeta(db))?.kdf.salt[0]).toBe(7);
		expect((await db.get('accounts', 'a'))?.secret.iv[0]).toBe(70);
		expect((await db.get('accounts', 'b'))?.secret.iv[0]).toBe(71);
	});

	it('writes nothing when one record of a rekey is invalid mid-batch', async () => {
		const db = await seeded();
		const before = await dumpDatabase(db);
		const broken = { ...account('b', 71), id: undefined } as unknown as AccountRecord;
		const expected = { salt: meta(1).kdf.salt, accountIds: ['a', 'b'] };
		// 'a' and the meta are put before the record without a key fails.
		await expect(rekeyVault(db, expected, meta(7), [account('a', 70), broken])).rejects.toThrow();
		expect(await dumpDatabase(db)).toEqual(before);
	});

	it('refuses to rekey when an account appeared since the caller read the vault', async () => {
		const db = await seeded();
		const before = await dumpDatabase(db);
		const expected = { salt: meta(1).kdf.salt, accountIds: ['a'] };
		await expect(rekeyVault(db, expected, meta(7), [account('a', 70)])).rejects.toBeInstanceOf(
			VaultChangedError
		);
		expect(await dumpDatabase(db)).toEqual(before);
	});

	it('refuses to write an account under a key whose salt is no longer the vault salt', async () => {
		const db = await seeded();
		await expect(putAccountUnderKey(db, meta(3).kdf.salt, account('c', 3))).rejects.toBeInstanceOf(
			VaultChangedError
		);
		expect(await db.get('accounts', 'c')).toBeUndefined();
		await putAccountUnderKey(db, meta(1).kdf.salt, account('c', 3));
		expect((await db.get('accounts', 'c'))?.createdAt).toBe(3);
	});

	it('replaces the vault, dropping accounts and snapshots that are not in the new one', async () => {
		const db = await seeded();
		await db.put('closes', {
			id: 'close-1',
			accountId: 'a',
			createdAt: 1,
			updatedAt: 1,
			state: 'confirmed',
			request: {
				venue: 'demo',
				symbol: 'BTCUSDT',
				positionSide: 'long',
				orderSide: 'sell',
				size: '1',
				type: 'market'
			}
		});
		await replaceVault(db, meta(8), [account('b', 80), account('z', 81)]);
		expect((await db.getAllKeys('accounts')).sort()).toEqual(['b', 'z']);
		expect((await db.get('accounts', 'b'))?.secret.iv[0]).toBe(80);
		expect(await db.getAllKeys('lastKnown')).toEqual([]);
		expect(await db.getAllKeys('closes')).toEqual(['close-1']);
		expect((await getVaultMeta(db))?.kdf.salt[0]).toBe(8);
	});
});
