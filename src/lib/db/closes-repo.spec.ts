import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import {
	CloseInFlightError,
	DuplicateCloseError,
	UnknownCloseError,
	getClose,
	listClosesForAccount,
	listOpenCloses,
	listRecentCloses,
	recordCloseIntent,
	updateClose
} from './closes-repo';
import { openPerchDB } from './open';
import type { CloseRecord } from './schema';

function close(id: string, accountId: string, createdAt: number): CloseRecord {
	return {
		id,
		accountId,
		createdAt,
		updatedAt: createdAt,
		state: 'pending',
		request: {
			venue: 'demo',
			symbol: 'BTCUSDT',
			positionSide: 'long',
			orderSide: 'sell',
			size: '3',
			type: 'market',
			fraction: '0.5'
		}
	};
}

async function fresh() {
	return openPerchDB('perch', new IDBFactory());
}

describe('closes-repo', () => {
	it('reserves a client order id once', async () => {
		const db = await fresh();
		await recordCloseIntent(db, close('cid-1', 'acc', 100));
		const again = recordCloseIntent(db, { ...close('cid-1', 'acc', 200), state: 'sent' });
		await expect(again).rejects.toBeInstanceOf(DuplicateCloseError);
		const stored = await getClose(db, 'cid-1');
		expect(stored?.createdAt).toBe(100);
		expect(stored?.state).toBe('pending');
	});

	it('moves a close through its states and records the outcome', async () => {
		const db = await fresh();
		await recordCloseIntent(db, close('cid-1', 'acc', 100));
		await updateClose(db, 'cid-1', { state: 'sent', at: 110 });
		const done = await updateClose(db, 'cid-1', {
			state: 'confirmed',
			outcome: { orderId: '777', filledSize: '3', avgFillPrice: '64000.5', at: 120 },
			at: 120
		});
		expect(done.state).toBe('confirmed');
		expect(await getClose(db, 'cid-1')).toEqual(done);
		expect(done.updatedAt).toBe(120);
		expect(done.outcome?.orderId).toBe('777');
	});

	it('does not let a later timeout overwrite a confirmed close', async () => {
		const db = await fresh();
		await recordCloseIntent(db, close('cid-1', 'acc', 100));
		await updateClose(db, 'cid-1', { state: 'confirmed', outcome: { orderId: '1', at: 5 }, at: 5 });
		const after = await updateClose(db, 'cid-1', {
			state: 'unknown',
			outcome: { error: 'timeout', at: 6 },
			at: 6
		});
		expect(after.state).toBe('confirmed');
		expect(after.outcome).toEqual({ orderId: '1', at: 5 });
	});

	it('fails to update a close that was never recorded', async () => {
		const db = await fresh();
		await expect(updateClose(db, 'nope', { state: 'sent', at: 1 })).rejects.toBeInstanceOf(
			UnknownCloseError
		);
		expect(await db.count('closes')).toBe(0);
	});

	it('lists by account and by time, newest first, and finds unresolved closes', async () => {
		const db = await fresh();
		await recordCloseIntent(db, close('c1', 'a', 100));
		await recordCloseIntent(db, close('c2', 'b', 300));
		await updateClose(db, 'c1', { state: 'rejected', at: 150 });
		await recordCloseIntent(db, close('c3', 'a', 200));
		await updateClose(db, 'c3', { state: 'rejected', at: 201 });
		await updateClose(db, 'c1', { state: 'unknown', at: 250 });
		await updateClose(db, 'c2', { state: 'unknown', at: 301 });
		expect((await listClosesForAccount(db, 'a')).map((c) => c.id)).toEqual(['c3', 'c1']);
		expect((await listRecentCloses(db, 2)).map((c) => c.id)).toEqual(['c2', 'c3']);
		// A final state is kept against later, vaguer news.
		expect((await listOpenCloses(db)).map((c) => c.id)).toEqual(['c2']);
	});

	it('records one open intent per position, across tabs; an override names what it overrides', async () => {
		const db = await fresh();
		await recordCloseIntent(db, close('c1', 'a', 100));
		await expect(recordCloseIntent(db, close('c2', 'a', 110))).rejects.toBeInstanceOf(
			CloseInFlightError
		);
		const other = {
			...close('c3', 'a', 120),
			request: { ...close('c3', 'a', 120).request, positionSide: 'short' as const }
		};
		await recordCloseIntent(db, other);
		await recordCloseIntent(
			db,
			{ ...close('c4', 'a', 130), overrides: ['c1'] },
			{ override: true }
		);
		expect((await listOpenCloses(db)).map((c) => c.id)).toEqual(['c1', 'c3', 'c4']);
	});

	it('a final state from the exchange replaces an earlier final one; an open one never does', async () => {
		const db = await fresh();
		await recordCloseIntent(db, close('c1', 'a', 100));
		await updateClose(db, 'c1', { state: 'not-placed', at: 101 });
		expect((await updateClose(db, 'c1', { state: 'unknown', at: 102 })).state).toBe('not-placed');
		expect((await updateClose(db, 'c1', { state: 'confirmed', at: 103 })).state).toBe('confirmed');
	});
});
