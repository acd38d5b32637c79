import 'fake-indexeddb/auto';
import net from 'node:net';
import { IDBFactory } from 'fake-indexeddb';
import { RestClientV2 } from 'bitget-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBitgetAdapter } from '$lib/exchanges/bitget/adapter';
import type { AccountCredentials } from '$lib/exchanges/types';
import { countLedger, listLedgerEntries } from '$lib/db/ledger-repo';
import { seedAccounts } from '$lib/db/account-fixture';
import { openPerchDB } from '$lib/db/open';
import { ledgerTotals } from '$lib/domain/ledger-totals';
import { LedgerSync } from '$lib/state/ledger-sync.svelte';
import { importSigningKey } from '$lib/vault/signing-key';
import { seedHistory } from '../core/history';
import { billTotals, billsOf } from '../bitget/ledger';
import { startBitgetSimServer, type BitgetSimServer } from './bitget-server';

/**
 * The Bitget ledger over real HTTP: the simulator's bill and fill-history endpoints with their
 * documented limits and its 10-a-second limiter switched ON, Perch's real adapter and sync at the
 * documented budget, and the published `bitget-api` SDK calling the same bill endpoint.
 */

const DAY = 86_400_000;
const BILL = '/api/v2/mix/account/bill';
const FILLS = '/api/v2/mix/order/fill-history';
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '::ffff:127.0.0.1']);
const originalConnect = net.Socket.prototype.connect;
const foreignHosts: string[] = [];
let server: BitgetSimServer;

beforeAll(async () => {
	// The SDK has Bitget's real hosts built in: every connection here must go to loopback.
	net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
		const first = args[0] as { host?: string; path?: string } | number | string;
		const host =
			typeof first === 'object'
				? first.path === undefined
					? (first.host ?? 'localhost')
					: 'localhost'
				: typeof args[1] === 'string'
					? args[1]
					: 'localhost';
		if (!LOOPBACK.has(host)) {
			foreignHosts.push(host);
			throw new Error(`test refused a connection to ${host}`);
		}
		return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
	} as typeof net.Socket.prototype.connect;
	server = await startBitgetSimServer({ seed: 13, timing: { marketTickMs: 0 } });
});
afterAll(async () => {
	net.Socket.prototype.connect = originalConnect;
	await server.close();
	expect(foreignHosts).toEqual([]);
});

async function account(apiKey: string, days: number, fillsPerDay: number) {
	const handle = server.sim.addAccount({
		apiKey,
		secret: `${apiKey}-secret`,
		passphrase: 'pass',
		posMode: 'hedge_mode'
	});
	seedHistory(handle.state, server.sim.engine, {
		days,
		fillsPerDay,
		now: Date.now() - 1000,
		seed: 17
	});
	const creds: AccountCredentials = {
		accountId: `acct-${apiKey}`,
		apiKey,
		fields: { passphrase: 'pass' },
		signingKey: await importSigningKey(`${apiKey}-secret`)
	};
	const adapter = createBitgetAdapter({
		endpoints: {
			rest: server.endpoints.rest,
			publicWs: server.endpoints.publicWs,
			privateWs: server.endpoints.privateWs
		},
		watchEnvironment: false
	});
	await adapter.serverTime();
	return { handle, creds, adapter };
}

function logged(apiKey: string, path: string) {
	return server.sim.requests.filter((r) => r.apiKey === apiKey && r.path === path);
}

describe('Bitget ledger sync against the simulator (limits on)', () => {
	it('stores every bill and fill once, within the documented spans; totals are exact', async () => {
		const { handle, creds, adapter } = await account('bg-ledger-1', 80, 30);
		const db = await openPerchDB('bitget-ledger', new IDBFactory());
		await seedAccounts(db, creds.accountId);
		const sync = new LedgerSync({ db: async () => db });
		await sync.sync([{ accountId: creds.accountId, adapter, creds }], 90 * DAY);

		for (const stream of ['entries', 'fills']) {
			const p = sync.progress[`${creds.accountId}|${stream}`];
			expect(p.error).toBeUndefined();
			expect(p.phase).toBe('done');
		}
		const bills = billsOf(handle.state);
		const billRows = bills.filter((b) => b.amount !== '0').length;
		const feeRows = bills.filter((b) => b.fee !== '0').length;
		expect(bills.length).toBeGreaterThan(2000);
		expect(await countLedger(db, creds.accountId, 'entries')).toBe(billRows + feeRows);
		expect(await countLedger(db, creds.accountId, 'fills')).toBe(handle.state.fills.length);

		// Cursor paging went past many full pages; no request broke a documented limit.
		const billRequests = logged('bg-ledger-1', BILL);
		expect(billRequests.filter((r) => r.params.idLessThan !== undefined).length).toBeGreaterThan(
			bills.length / 100 - 5
		);
		// The budget keeps to 10 a second as sent; one request slowed on its way (this process runs
		// the simulator too) may still land in the next second's window and be answered 429.
		const all = [...billRequests, ...logged('bg-ledger-1', FILLS)];
		expect(all.filter((r) => r.status !== 200 && r.status !== 429)).toEqual([]);
		expect(all.filter((r) => r.status === 429).length).toBeLessThan(all.length / 20);
		for (const r of billRequests) {
			expect(Number(r.params.endTime) - Number(r.params.startTime)).toBeLessThanOrEqual(30 * DAY);
			expect(r.params.startTime).toMatch(/^\d{13}$/);
			expect(r.params.limit).toBe('100');
		}
		for (const r of logged('bg-ledger-1', FILLS)) {
			expect(Number(r.params.endTime) - Number(r.params.startTime)).toBeLessThanOrEqual(7 * DAY);
		}

		const mine = ledgerTotals(await listLedgerEntries(db, [creds.accountId])).all;
		const theirs = billTotals(handle.state, Date.now());
		expect({
			realizedPnl: mine.realizedPnl,
			funding: mine.funding,
			fees: mine.fees,
			liquidation: mine.liquidation,
			transfers: mine.transfers,
			net: mine.net
		}).toEqual(theirs);
		expect(theirs.funding).not.toBe('0');
		expect(theirs.realizedPnl).not.toBe('0');
	}, 120_000);

	it('a 429 (code "429") is waited out and the sync still completes', async () => {
		const { creds, adapter } = await account('bg-ledger-2', 5, 5);
		const db = await openPerchDB('bitget-ledger-429', new IDBFactory());
		await seedAccounts(db, creds.accountId);
		const sync = new LedgerSync({ db: async () => db, random: () => 0 });
		server.sim.faults.rejectNext(BILL, '429');
		await sync.sync([{ accountId: creds.accountId, adapter, creds }], 10 * DAY);
		const p = sync.progress[`${creds.accountId}|entries`];
		expect(p.phase).toBe('done');
		expect(p.throttled).toBe(1);
		const first = logged('bg-ledger-2', BILL)[0];
		expect([first.status, first.code]).toEqual([429, '429']);
	}, 60_000);

	it('answers a span over 30 days with 40020 and serves nothing older than 90 days', async () => {
		const { creds } = await account('bg-ledger-3', 120, 10);
		const client = new RestClientV2({
			apiKey: creds.apiKey,
			apiSecret: 'bg-ledger-3-secret',
			apiPass: 'pass',
			baseUrl: server.url
		});
		const now = Date.now();
		const wide = await client
			.getFuturesAccountBills({
				productType: 'USDT-FUTURES',
				startTime: String(now - 31 * DAY),
				endTime: String(now)
			})
			.catch((e: { body?: unknown }) => e.body);
		expect(wide).toMatchObject({ code: '40020' });
		const old = await client.getFuturesAccountBills({
			productType: 'USDT-FUTURES',
			startTime: String(now - 110 * DAY),
			endTime: String(now - 91 * DAY)
		});
		expect(old.data.bills).toEqual([]);
	});
});

describe('bitget-api RestClientV2 on the bill endpoint', () => {
	it('pages back by endId → idLessThan to the same bills, newest first', async () => {
		const { handle } = await account('bg-ledger-sdk', 10, 20);
		const client = new RestClientV2({
			apiKey: 'bg-ledger-sdk',
			apiSecret: 'bg-ledger-sdk-secret',
			apiPass: 'pass',
			baseUrl: server.url
		});
		const seen: string[] = [];
		let idLessThan: string | undefined;
		for (let i = 0; i < 50; i++) {
			const answer = await client.getFuturesAccountBills({
				productType: 'USDT-FUTURES',
				limit: '100',
				...(idLessThan ? { idLessThan } : {})
			});
			expect(answer.code).toBe('00000');
			const page = answer.data.bills;
			seen.push(...page.map((b) => b.billId));
			if (page.length < 100 || !answer.data.endId) break;
			idLessThan = answer.data.endId;
		}
		const expected = billsOf(handle.state)
			.map((b) => b.billId)
			.reverse();
		expect(seen).toEqual(expected);
		expect(expected.length).toBeGreaterThan(200);
	}, 60_000);
});
