import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { deleteAccount, getAccount, listAccounts, putAccount } from './accounts-repo';
import { openPerchDB } from './open';
import type { AccountRecord } from './schema';

function account(id: string, createdAt: number): AccountRecord {
	return {
		id,
		label: id,
		venue: 'demo',
		endpoints: {
			rest: 'http://127.0.0.1:1',
			publicWs: 'ws://127.0.0.1:2',
			privateWs: 'ws://127.0.0.1:3'
		},
		createdAt,
		secret: { iv: new Uint8Array(12), ciphertext: new ArrayBuffer(16) }
	};
}

describe('accounts-repo', () => {
	it('lists accounts oldest first and round-trips binary fields', async () => {
		const db = await openPerchDB('perch', new IDBFactory());
		await putAccount(db, account('late', 30));
		await putAccount(db, account('early', 10));
		expect((await listAccounts(db)).map((a) => a.id)).toEqual(['early', 'late']);
		const stored = await getAccount(db, 'early');
		expect(stored?.secret.iv).toBeInstanceOf(Uint8Array);
		expect(stored?.secret.ciphertext).toBeInstanceOf(ArrayBuffer);
	});

	it('deletes the account and its last-known state, keeps its closes, and says whether it existed', async () => {
		const db = await openPerchDB('perch', new IDBFactory());
		await putAccount(db, account('a', 1));
		await db.put('lastKnown', {
			accountId: 'a',
			state: { iv: new Uint8Array(12), ciphertext: new ArrayBuffer(16) }
		});
		await db.put('closes', {
			id: 'c1',
			accountId: 'a',
			createdAt: 1,
			updatedAt: 1,
			state: 'sent',
			request: {
				venue: 'demo',
				symbol: 'BTCUSDT',
				positionSide: 'short',
				orderSide: 'buy',
				size: '2',
				type: 'market'
			}
		});
		expect(await deleteAccount(db, 'a')).toBe(true);
		expect(await getAccount(db, 'a')).toBeUndefined();
		expect(await db.get('lastKnown', 'a')).toBeUndefined();
		expect(await db.get('closes', 'c1')).toBeDefined();
		expect(await deleteAccount(db, 'a')).toBe(false);
	});
});
