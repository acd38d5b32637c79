import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBitmartAdapter } from '$lib/exchanges/bitmart/adapter';
import type { AccountCredentials, ExchangeAdapter } from '$lib/exchanges/types';
import { countLedger, getLedgerCursor, listLedgerEntries } from '$lib/db/ledger-repo';
import { deleteAccount } from '$lib/db/accounts-repo';
import { seedAccounts } from '$lib/db/account-fixture';
import { openPerchDB, type PerchDatabase } from '$lib/db/open';
import { ledgerTotals } from '$lib/domain/ledger-totals';
import { LedgerSync } from '$lib/state/ledger-sync.svelte';
import { importSigningKey } from '$lib/vault/signing-key';
import { seedHistory, servedTotals } from '../core/history';
import { startSimServer, type SimServer } from './server';

/**
 * The ledger sync, Perch's real BitMart adapter and the simulator's documented paging rules over
 * real HTTP. The simulator's rate limiter is off here and the client's budget widened, so the test
 * runs in seconds; the browser test keeps both at the documented 6 requests per 2 s.
 */

const DAY = 86_400_000;
let server: SimServer;

beforeAll(async () => {
	server = await startSimServer({
		seed: 3,
		rateLimits: false,
		timing: { marketTickMs: 1000, lifelessMs: 0 }
	});
});
afterAll(() => server.close());

async function account(apiKey: string, days: number, fillsPerDay: number) {
	const handle = server.sim.addAccount({ apiKey, secret: `${apiKey}-s`, memo: 'm' });
	seedHistory(handle.state, server.sim.engine, { days, fillsPerDay, now: Date.now(), seed: 11 });
	const creds: AccountCredentials = {
		accountId: `acct-${apiKey}`,
		apiKey,
		fields: { memo: 'm' },
		signingKey: await importSigningKey(`${apiKey}-s`)
	};
	const bitmart = createBitmartAdapter({ endpoints: server.endpoints });
	const fast: ExchangeAdapter = {
		...bitmart,
		ledgerPaging: {
			entries: { ...bitmart.ledgerPaging!.entries!, rateLimit: 1000 },
			fills: { ...bitmart.ledgerPaging!.fills!, rateLimit: 1000 }
		}
	};
	return { handle, creds, adapter: fast };
}

function requests(apiKey: string, path: string) {
	return server.sim.requests.filter((r) => r.apiKey === apiKey && r.path === path);
}

async function freshDb(): Promise<PerchDatabase> {
	return openPerchDB('ledger-test', new IDBFactory());
}

describe('ledger sync against the simulator', () => {
	it('stores every row once over >90 days and full pages of both endpoints; totals are exact', async () => {
		const { handle, creds, adapter } = await account('ledger-1', 100, 30);
		const db = await freshDb();
		await seedAccounts(db, creds.accountId);
		const sync = new LedgerSync({ db: async () => db });
		await sync.sync([{ accountId: creds.accountId, adapter, creds }], 150 * DAY);

		const entries = sync.progress[`${creds.accountId}|entries`];
		expect(entries.phase).toBe('done');
		expect(sync.progress[`${creds.accountId}|fills`].phase).toBe('done');
		expect(await countLedger(db, creds.accountId, 'entries')).toBe(handle.state.ledger.length);
		expect(await countLedger(db, creds.accountId, 'fills')).toBe(handle.state.fills.length);
		expect(handle.state.ledger.length).toBeGreaterThan(4000);
		expect(handle.state.ledger[0].time).toBeLessThan(Date.now() - 95 * DAY);

		// More than one full page of each endpoint was answered, and windows were split.
		const tx = requests('ledger-1', '/contract/private/transaction-history');
		const tr = requests('ledger-1', '/contract/private/trades');
		expect(tx.some((r) => r.status === 200)).toBe(true);
		expect(tr.length).toBeGreaterThan(handle.state.fills.length / 200);
		expect(tx.length).toBeGreaterThan(handle.state.ledger.length / 1000);
		// The trades endpoint was never asked for more than its documented 90 days, in seconds.
		for (const r of tr) {
			const span = Number(r.params.end_time) - Number(r.params.start_time);
			expect(span).toBeGreaterThan(0);
			expect(span).toBeLessThanOrEqual(90 * 86_400);
			expect(r.params.start_time).toMatch(/^\d{10}$/);
		}
		for (const r of tx) expect(r.params.start_time).toMatch(/^\d{13}$/);

		const stored = await listLedgerEntries(db, [creds.accountId]);
		const mine = ledgerTotals(stored).all;
		const theirs = servedTotals(handle.state);
		expect({
			realizedPnl: mine.realizedPnl,
			funding: mine.funding,
			fees: mine.fees,
			transfers: mine.transfers,
			net: mine.net,
			rows: mine.rows
		}).toEqual({
			realizedPnl: theirs.realizedPnl,
			funding: theirs.funding,
			fees: theirs.fees,
			transfers: theirs.transfers,
			net: theirs.net,
			rows: theirs.rows
		});

		// A second sync asks only for what is newer than the newest stored row, less an hour.
		const newest = stored.at(-1)!.time;
		const before = tx.length;
		await sync.sync([{ accountId: creds.accountId, adapter, creds }], 150 * DAY);
		const again = requests('ledger-1', '/contract/private/transaction-history').slice(before);
		expect(again.length).toBe(1);
		expect(Number(again[0].params.start_time)).toBe(newest - 3_600_000);
		expect(await countLedger(db, creds.accountId, 'entries')).toBe(handle.state.ledger.length);
	}, 120_000);

	it('cancelled midway, resumes in a new instance (a reload) without duplicates or gaps', async () => {
		const { handle, creds, adapter } = await account('ledger-2', 95, 20);
		const db = await freshDb();
		await seedAccounts(db, creds.accountId);
		const first = new LedgerSync({ db: async () => db });
		const source = [{ accountId: creds.accountId, adapter, creds }];
		const running = first.sync(source, 120 * DAY);
		await expect
			.poll(() => first.progress[`${creds.accountId}|fills`]?.windows ?? 0, { timeout: 20_000 })
			.toBeGreaterThanOrEqual(3);
		first.cancel();
		await running;
		const paused = first.progress[`${creds.accountId}|fills`];
		expect(paused.phase).toBe('cancelled');
		expect(paused.pending).toBeGreaterThan(0);
		const partial = await countLedger(db, creds.accountId, 'fills');
		expect(partial).toBeLessThan(handle.state.fills.length);

		const second = new LedgerSync({ db: async () => db });
		await second.load([creds.accountId]);
		expect(second.progress[`${creds.accountId}|fills`].pending).toBe(paused.pending);
		const resumedFrom = requests('ledger-2', '/contract/private/trades').length;
		await second.sync(source, 120 * DAY);
		expect(second.progress[`${creds.accountId}|fills`].phase).toBe('done');
		expect(await countLedger(db, creds.accountId, 'fills')).toBe(handle.state.fills.length);
		expect(await countLedger(db, creds.accountId, 'entries')).toBe(handle.state.ledger.length);
		// It went on from the stored cursor rather than starting over from the newest window.
		const resumed = requests('ledger-2', '/contract/private/trades').slice(resumedFrom);
		expect(resumed.length).toBeGreaterThan(0);
	}, 120_000);

	it('an account removed mid-sync gets no rows written back, and the sync says why it stopped', async () => {
		const { creds, adapter } = await account('ledger-4', 95, 20);
		const db = await freshDb();
		await seedAccounts(db, creds.accountId);
		const sync = new LedgerSync({ db: async () => db });
		const running = sync.sync([{ accountId: creds.accountId, adapter, creds }], 120 * DAY);
		await expect
			.poll(() => sync.progress[`${creds.accountId}|fills`]?.windows ?? 0, { timeout: 20_000 })
			.toBeGreaterThanOrEqual(2);
		expect(await deleteAccount(db, creds.accountId)).toBe(true);
		await running;
		for (const stream of ['entries', 'fills'] as const) {
			const p = sync.progress[`${creds.accountId}|${stream}`];
			expect(p.phase).toBe('failed');
			expect(p.error).toContain('This account was removed');
			expect(await countLedger(db, creds.accountId, stream)).toBe(0);
			expect(await getLedgerCursor(db, creds.accountId, stream)).toBeUndefined();
		}
	}, 120_000);

	it('a 429 is waited out and the sync completes', async () => {
		const { handle, creds, adapter } = await account('ledger-3', 10, 5);
		const db = await freshDb();
		await seedAccounts(db, creds.accountId);
		const sync = new LedgerSync({ db: async () => db, random: () => 0 });
		server.sim.faults.rejectNext('/contract/private/transaction-history', 30013);
		await sync.sync([{ accountId: creds.accountId, adapter, creds }], 20 * DAY);
		const p = sync.progress[`${creds.accountId}|entries`];
		expect(p.phase).toBe('done');
		expect(p.throttled).toBe(1);
		const statuses = requests('ledger-3', '/contract/private/transaction-history').map(
			(r) => r.status
		);
		expect(statuses[0]).toBe(429);
		expect(await countLedger(db, creds.accountId, 'entries')).toBe(handle.state.ledger.length);
	}, 60_000);
});
