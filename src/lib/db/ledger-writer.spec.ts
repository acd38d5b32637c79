import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from '$lib/exchanges/types';
import { getLedgerCursor, listLedgerEntries, storeLedgerPage } from './ledger-repo';
import type { LedgerCursorRecord } from './ledger-schema';
import {
	directLedgerWriter,
	workerLedgerWriter,
	type LedgerStoreReply,
	type LedgerStoreRequest
} from './ledger-writer';
import { seedAccounts } from './account-fixture';
import { openPerchDB, type PerchDatabase } from './open';

function entry(id: string, time: number): LedgerEntry {
	return { id, accountId: 'a', time, type: 'funding', amount: '-0.1', asset: 'USDT', symbol: 'X' };
}

function cursor(rows: number): LedgerCursorRecord {
	return {
		accountId: 'a',
		stream: 'entries',
		pending: [],
		runFrom: 0,
		runTo: 1,
		rows,
		windows: rows,
		truncated: 0,
		updatedAt: 1
	};
}

/**
 * Stands in for the Worker object only (the real worker script runs in the browser test and the
 * bench): answers each request by storing it in `db`, or dies on the request numbered `dieOn`.
 */
class FakeWorker {
	onmessage: ((e: MessageEvent<LedgerStoreReply>) => void) | null = null;
	onerror: ((e: ErrorEvent) => void) | null = null;
	onmessageerror: (() => void) | null = null;
	terminated = false;
	received: number[] = [];
	constructor(
		private db: PerchDatabase,
		private dieOn = Infinity
	) {}
	postMessage(r: LedgerStoreRequest): void {
		this.received.push(r.id);
		if (r.id >= this.dieOn) {
			queueMicrotask(() => this.onerror?.({ preventDefault() {} } as ErrorEvent));
			return;
		}
		void storeLedgerPage(this.db, r.stream, r.rows, r.cursor).then(
			() => this.onmessage?.({ data: { id: r.id, ok: true } } as MessageEvent<LedgerStoreReply>),
			(e: Error) =>
				this.onmessage?.({
					data: { id: r.id, ok: false, name: e.name, message: e.message }
				} as MessageEvent<LedgerStoreReply>)
		);
	}
	terminate(): void {
		this.terminated = true;
	}
}

describe('workerLedgerWriter', () => {
	it('resolves once the worker reports the page stored, and rejects with its error', async () => {
		const db = await openPerchDB('w1', new IDBFactory());
		await seedAccounts(db, 'a');
		const fake = new FakeWorker(db);
		const writer = workerLedgerWriter(
			() => fake as unknown as Worker,
			'w1',
			directLedgerWriter(() => Promise.resolve(db))
		);
		await writer.store('entries', [entry('1', 1), entry('2', 2)], cursor(2));
		expect((await listLedgerEntries(db, ['a'])).map((r) => r.id)).toEqual(['1', '2']);
		const bad = { ...entry('3', 3), time: NaN };
		await expect(writer.store('entries', [bad], cursor(3))).rejects.toMatchObject({
			name: 'TypeError',
			message: expect.stringMatching(/without an account, id or time/)
		});
		expect((await getLedgerCursor(db, 'a', 'entries'))?.rows).toBe(2);
	});

	it('hands unconfirmed pages, in order, and all later ones to the fallback when the worker dies', async () => {
		const db = await openPerchDB('w2', new IDBFactory());
		await seedAccounts(db, 'a');
		const fake = new FakeWorker(db, 2);
		let spawned = 0;
		const direct = directLedgerWriter(() => Promise.resolve(db));
		const writer = workerLedgerWriter(() => (spawned++, fake as unknown as Worker), 'w2', direct);
		await Promise.all([
			writer.store('entries', [entry('1', 1)], cursor(1)),
			writer.store('entries', [entry('2', 2)], cursor(2)),
			writer.store('entries', [entry('3', 3)], cursor(3))
		]);
		await writer.store('entries', [entry('4', 4)], cursor(4));
		expect(fake.terminated).toBe(true);
		expect(fake.received).toEqual([1, 2, 3]);
		expect(spawned).toBe(1);
		expect((await listLedgerEntries(db, ['a'])).map((r) => r.id)).toEqual(['1', '2', '3', '4']);
		expect((await getLedgerCursor(db, 'a', 'entries'))?.rows).toBe(4);
	});

	it('writes on this thread when no worker can be started', async () => {
		const db = await openPerchDB('w3', new IDBFactory());
		await seedAccounts(db, 'a');
		const writer = workerLedgerWriter(
			() => {
				throw new Error('no workers here');
			},
			'w3',
			directLedgerWriter(() => Promise.resolve(db))
		);
		await writer.store('entries', [entry('1', 1)], cursor(1));
		expect((await listLedgerEntries(db, ['a'])).length).toBe(1);
	});
});
