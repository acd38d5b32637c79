import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { deleteAccount, getAccount, listAccounts, putAccount } from './accounts-repo';
import { listEquitySamples, putEquitySamples } from './equity-repo';
import { countLedger, getLedgerCursor, storeLedgerPage } from './ledger-repo';
import { openPerchDB } from './open';
import { accountRecord } from './account-fixture';

const account = accountRecord;

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

	it('deletes the account’s stored history with it, and only that account’s', async () => {
		const db = await openPerchDB('perch', new IDBFactory());
		await putAccount(db, account('a', 1));
		await putAccount(db, account('b', 2));
		for (const id of ['a', 'b']) {
			await storeLedgerPage(
				db,
				'entries',
				[
					{
						id: `${id}-f1`,
						accountId: id,
						time: 10,
						type: 'funding',
						amount: '-0.1',
						asset: 'USDT'
					}
				],
				{
					accountId: id,
					stream: 'entries',
					pending: [],
					runFrom: 0,
					runTo: 20,
					rows: 1,
					windows: 1,
					truncated: 0,
					updatedAt: 20
				}
			);
			await db.put('fills', {
				id: `${id}-t1`,
				accountId: id,
				time: 11,
				symbol: 'BTCUSDT',
				orderId: 'o1',
				side: 'sell',
				price: '1',
				size: '1',
				fee: '0',
				realizedPnl: '0'
			});
			await putEquitySamples(db, [
				{
					accountId: id,
					time: 60_000,
					asset: 'USDT',
					equity: '1',
					unrealizedPnl: '0',
					priced: 0,
					unpriced: 0
				}
			]);
		}
		expect(await deleteAccount(db, 'a')).toBe(true);
		expect(await countLedger(db, 'a', 'entries')).toBe(0);
		expect(await countLedger(db, 'a', 'fills')).toBe(0);
		expect(await getLedgerCursor(db, 'a', 'entries')).toBeUndefined();
		expect(await listEquitySamples(db, ['a'])).toEqual([]);
		// The other account keeps all of its own.
		expect(await countLedger(db, 'b', 'entries')).toBe(1);
		expect(await countLedger(db, 'b', 'fills')).toBe(1);
		expect(await getLedgerCursor(db, 'b', 'entries')).toBeDefined();
		expect(await listEquitySamples(db, ['b'])).toHaveLength(1);
	});
});
