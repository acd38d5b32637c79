import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAscendexAdapter } from '$lib/exchanges/ascendex/adapter';
import type { AccountCredentials } from '$lib/exchanges/types';
import type { SocketLike } from '$lib/net/types';
import { countLedger, listLedgerEntries } from '$lib/db/ledger-repo';
import { seedAccounts } from '$lib/db/account-fixture';
import { openPerchDB } from '$lib/db/open';
import { ledgerTotals } from '$lib/domain/ledger-totals';
import { LedgerSync } from '$lib/state/ledger-sync.svelte';
import { authHeaders } from '$lib/exchanges/ascendex/sign';
import { importSigningKey } from '$lib/vault/signing-key';
import { ascendexServedTotals, seedAscendexHistory } from '../ascendex/history';
import { startAscendexSimServer, type AscendexSimServer } from './ascendex-server';

/**
 * The AscendEX ledger over real HTTP: funding payments (page/pageSize/hasNext) and the balance
 * history (snapshot sn, then sn + limit, 7 days kept, 8 requests a minute enforced with 429),
 * Perch's adapter and sync at the documented budget.
 */

const DAY = 86_400_000;
const SECRET = 'hV8FgjyJtpvVeAcMAgzgAFQCN36wmbWuN7o3WPcYcYhFd8qvE43gzFGVsFcCqMNk';
const FUNDING = '/6/api/pro/v2/futures/funding-payments';
const SNAPSHOT = '/api/pro/data/v1/futures/balance/snapshot';
const HISTORY = '/api/pro/data/v1/futures/balance/history';
let server: AscendexSimServer;

beforeAll(async () => {
	server = await startAscendexSimServer({ seed: 19, timing: { marketTickMs: 0 } });
});
afterAll(() => server.close());

async function account(apiKey: string, days: number, fillsPerDay: number) {
	const handle = server.sim.addAccount({ apiKey, secret: SECRET, accountGroup: 6 });
	seedAscendexHistory(handle.account, server.sim.engine, {
		days,
		fillsPerDay,
		now: Date.now() - 1000,
		seed: 29
	});
	const creds: AccountCredentials = {
		accountId: `acct-${apiKey}`,
		apiKey,
		fields: {},
		signingKey: await importSigningKey(SECRET)
	};
	const adapter = createAscendexAdapter({
		endpoints: {
			rest: server.endpoints.rest,
			publicWs: server.endpoints.publicWs,
			privateWs: server.endpoints.publicWs
		},
		socketFactory: (url) => new WebSocket(url) as unknown as SocketLike,
		watchEnvironment: false
	});
	await adapter.serverTime();
	return { handle, creds, adapter };
}

const logged = (apiKey: string, path: string) =>
	server.sim.requests.filter((r) => r.apiKey === apiKey && r.path === path);

describe('AscendEX ledger sync against the simulator', () => {
	it('stores funding pages and the 7-day balance history once; totals equal the served ones', async () => {
		const { handle, creds, adapter } = await account('ascledger1aaaaaaaaaaaaaaaaaaaaaa', 40, 70);
		const db = await openPerchDB('asc-ledger', new IDBFactory());
		await seedAccounts(db, creds.accountId);
		const sync = new LedgerSync({ db: async () => db });
		await sync.sync([{ accountId: creds.accountId, adapter, creds }], 90 * DAY);
		const p = sync.progress[`${creds.accountId}|entries`];
		expect(p.error).toBeUndefined();
		expect(p.phase).toBe('done');

		const apiKey = creds.apiKey;
		const funding = logged(apiKey, FUNDING);
		expect(funding.length).toBeGreaterThan(1);
		expect(funding.map((r) => r.params.page)).toEqual(funding.map((_, i) => String(i + 1)));
		for (const r of funding) expect(r.params.pageSize).toBe('100');
		expect(logged(apiKey, SNAPSHOT)).toHaveLength(1);
		const history = logged(apiKey, HISTORY);
		expect(history.length).toBeGreaterThan(1);
		for (const r of history) expect(r.params.limit).toBe('500');
		const fundingRows = handle.account.fundingPayments.length;
		expect(fundingRows).toBeGreaterThan(100);

		const servedAt = history[0].time;
		const mine = ledgerTotals(await listLedgerEntries(db, [creds.accountId])).all;
		const theirs = ascendexServedTotals(handle.account, servedAt);
		expect({
			realizedPnl: mine.realizedPnl,
			funding: mine.funding,
			fees: mine.fees,
			transfers: mine.transfers,
			net: mine.net
		}).toEqual(theirs);
		expect(theirs.realizedPnl).not.toBe('0');
		expect(theirs.fees).not.toBe('0');

		// A refresh: one funding page reaches past the newest stored row, the balance history
		// goes on from the day of it; nothing is stored twice.
		const before = await countLedger(db, creds.accountId, 'entries');
		const fundingBefore = logged(apiKey, FUNDING).length;
		await sync.sync([{ accountId: creds.accountId, adapter, creds }], 90 * DAY);
		expect(sync.progress[`${creds.accountId}|entries`].phase).toBe('done');
		expect(logged(apiKey, FUNDING).length - fundingBefore).toBe(1);
		expect(await countLedger(db, creds.accountId, 'entries')).toBe(before);
	}, 120_000);

	it('the 9th balance read within a minute is answered 429, which the sync waits out', async () => {
		const { creds, adapter } = await account('ascledger2bbbbbbbbbbbbbbbbbbbbbbb', 3, 5);
		// Spend the key's budget of 8 balance reads a minute from elsewhere (another app).
		const db = await openPerchDB('asc-ledger-429', new IDBFactory());
		await seedAccounts(db, creds.accountId);
		const sync = new LedgerSync({ db: async () => db, random: () => 0 });
		const signed = async () => {
			const t = Date.now();
			const headers = await authHeaders(
				creds.apiKey,
				creds.signingKey,
				t,
				'data/v1/futures/balance/snapshot'
			);
			return fetch(
				`${server.endpoints.rest}${SNAPSHOT}?date=${new Date().toISOString().slice(0, 10)}`,
				{
					headers
				}
			);
		};
		for (let i = 0; i < 8; i++) expect((await signed()).status).toBe(200);
		const ninth = await signed();
		expect([ninth.status, await ninth.text()]).toEqual([429, 'Too Many Requests']);
		const running = sync.sync([{ accountId: creds.accountId, adapter, creds }], 10 * DAY);
		await expect
			.poll(() => sync.progress[`${creds.accountId}|entries`]?.throttled ?? 0, { timeout: 20_000 })
			.toBeGreaterThan(0);
		expect(logged(creds.apiKey, SNAPSHOT).some((r) => r.code === 429)).toBe(true);
		sync.cancel();
		await running;
	}, 60_000);
});
