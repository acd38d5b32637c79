/**
 * AscendEX's ledger, mapped into the venue-neutral one from two documented reads:
 *
 * 1. Funding payments, `GET /<grp>/api/pro/v2/futures/funding-payments` (prehash
 *    `v2/futures/funding-payments`): `page` from 1, `pageSize` 1–100, `hasNext`. It takes no
 *    time range; the docs' sample lists the newest first, so paging stops at the first page that
 *    reaches back past the window (or at `hasNext: false`).
 * 2. The balance history, `GET api/pro/data/v1/futures/balance/history?sn=&limit=` (prehash
 *    `data/v1/futures/balance/history`), started from the daily snapshot's `sn` + 1
 *    (`…/balance/snapshot?date=YYYY-mm-dd`) and continued from the largest `sn` + 1. `limit` at
 *    most 500; only the last 7 days; 8 requests a minute (docs, "Balance Snapshot And Update
 *    Detail").
 *
 * The venue keeps 7 days of the balance history: Perch's local store is what lets the history
 * grow past that, from the day the account is added. The sync's cursor walks both reads in one
 * window: `f:<page>` through the funding pages, then `s` (the snapshot), then `b:<sn>`.
 *
 * What becomes a row (the docs' sample shows futures fees, funding and trades booked to `…PC`
 * reference-cost pseudo-assets, and realized PnL reaching USDT as a `Futuressettlement`):
 * - funding payments: `funding`, `paymentInUSDT`, id `funding|<symbol>|<timestamp>` (one payment
 *   per symbol and funding time);
 * - balance events: `Futuressettlement` → `realized-pnl`, deposit/withdrawal/transfer →
 *   `transfer`, anything else `other`; only lines in a real asset (not `…PC`); `Fundingpayment`
 *   events are left out, funding comes from (1) — id `<sn>|<asset>`;
 * - order fills: the `fee` lines → `fee` (a `…PC` line is valued in the settlement asset, USDT);
 *   the `trade` lines are position and cost changes, not money made, and are left out — id
 *   `<sn>|fee|<asset>`.
 * Unverified: whether a settlement already contains the fees and funding booked to the contract
 * since the last one. If it does, the venue's net counts them once and Perch's twice.
 */

import type {
	AccountCredentials,
	LedgerEntry,
	LedgerPage,
	LedgerPaging,
	LedgerStream,
	LedgerType,
	LedgerWindow
} from '$lib/exchanges/types';
import {
	WireFormatError,
	asArray,
	asObject,
	optString,
	reqDecimal,
	reqNumber,
	reqString
} from './fields';
import { badResponse } from './errors';
import type { AscendexRest, SignedCall } from './rest';

const DAY_MS = 86_400_000;
export const FUNDING_PAGE_SIZE = 100;
export const BALANCE_LIMIT = 500;
/** Docs: "Data query for most recent 7 days is supported." */
export const BALANCE_KEEP_MS = 7 * DAY_MS;
export const SETTLEMENT_ASSET = 'USDT';

export const ASCENDEX_LEDGER_PAGING: Readonly<Partial<Record<LedgerStream, LedgerPaging>>> = {
	entries: {
		pageSize: FUNDING_PAGE_SIZE,
		granularityMs: 1,
		// The balance reads allow 8 a minute; the funding pages document no limit, so they share
		// the stricter one rather than guess.
		rateLimit: 8,
		ratePeriodMs: 60_000,
		needsSymbol: false,
		cursor: true
	}
};

export type LedgerStep =
	{ kind: 'funding'; page: number } | { kind: 'snapshot' } | { kind: 'balance'; sn: number };

export function parseStep(cursor: string | undefined): LedgerStep {
	if (cursor === undefined) return { kind: 'funding', page: 1 };
	const [kind, value] = cursor.split(':');
	const n = Number(value);
	if (kind === 'f' && Number.isSafeInteger(n) && n >= 1) return { kind: 'funding', page: n };
	if (kind === 's') return { kind: 'snapshot' };
	if (kind === 'b' && Number.isSafeInteger(n)) return { kind: 'balance', sn: n };
	// A cursor from another version: start the window over; the store dedupes.
	return { kind: 'funding', page: 1 };
}

export function normalizeFundingPayment(raw: unknown, accountId: string): LedgerEntry {
	const row = asObject(raw, 'funding payment');
	const symbol = reqString(row, 'symbol');
	const time = reqNumber(row, 'timestamp');
	return {
		id: `funding|${symbol}|${time}`,
		accountId,
		time,
		type: 'funding',
		amount: reqDecimal(row, 'paymentInUSDT'),
		asset: SETTLEMENT_ASSET,
		symbol
	};
}

function balanceType(eventType: string): LedgerType | undefined {
	const e = eventType.toLowerCase();
	if (e === 'fundingpayment') return undefined;
	if (e === 'futuressettlement') return 'realized-pnl';
	if (e.includes('deposit') || e.includes('withdraw') || e.includes('transfer')) return 'transfer';
	return 'other';
}

const isPseudo = (asset: string) => asset.endsWith('PC');

/** The rows of one balance-history answer, as `balance` and `order` list them. */
export function normalizeBalanceHistory(data: unknown, accountId: string): LedgerEntry[] {
	const body = asObject(data, 'balance history');
	const rows: LedgerEntry[] = [];
	for (const raw of asArray(body.balance ?? [], 'balance')) {
		const event = asObject(raw, 'balance event');
		const type = balanceType(optString(event, 'eventType') ?? '');
		if (!type) continue;
		const sn = reqNumber(event, 'sn');
		const time = reqNumber(event, 'transactTime');
		for (const lineRaw of asArray(event.data ?? [], 'balance data')) {
			const line = asObject(lineRaw, 'balance line');
			const asset = reqString(line, 'asset');
			if (isPseudo(asset)) continue;
			rows.push({
				id: `${sn}|${asset}`,
				accountId,
				time,
				type,
				amount: reqDecimal(line, 'deltaQty'),
				asset
			});
		}
	}
	for (const raw of asArray(body.order ?? [], 'order')) {
		const order = asObject(raw, 'order fill');
		const sn = reqNumber(order, 'sn');
		const time = reqNumber(order, 'transactTime');
		for (const lineRaw of asArray(order.data ?? [], 'order data')) {
			const line = asObject(lineRaw, 'order line');
			if (optString(line, 'dataType') !== 'fee') continue;
			const asset = reqString(line, 'asset');
			rows.push({
				id: `${sn}|fee|${asset}`,
				accountId,
				time,
				type: 'fee',
				amount: reqDecimal(line, 'deltaQty'),
				asset: isPseudo(asset) ? SETTLEMENT_ASSET : asset
			});
		}
	}
	return rows;
}

/** The largest `sn` of an answer and how many records it held. */
export function balanceExtent(data: unknown): { maxSn: number | undefined; records: number } {
	const body = asObject(data, 'balance history');
	let maxSn: number | undefined;
	let records = 0;
	for (const list of [body.balance ?? [], body.order ?? []]) {
		for (const raw of asArray(list, 'records')) {
			records++;
			const sn = reqNumber(asObject(raw, 'record'), 'sn');
			maxSn = maxSn === undefined ? sn : Math.max(maxSn, sn);
		}
	}
	return { maxSn, records };
}

/** The UTC date (YYYY-mm-dd) the balance phase starts from: the window's start, or 7 days ago. */
export function snapshotDate(window: LedgerWindow, now: number): string {
	const from = Math.max(window.from, now - BALANCE_KEEP_MS);
	return new Date(from).toISOString().slice(0, 10);
}

export interface AscendexLedgerDeps {
	rest: AscendexRest;
	group(creds: AccountCredentials): Promise<number>;
	/** Runs a signed call with the key form that works for this account. */
	signed<T>(creds: AccountCredentials, call: (signed: SignedCall) => Promise<T>): Promise<T>;
	/** The venue's time (Unix ms). */
	now(): number;
}

export class AscendexLedgerApi {
	readonly #deps: AscendexLedgerDeps;

	constructor(deps: AscendexLedgerDeps) {
		this.#deps = deps;
	}

	async entries(creds: AccountCredentials, window: LedgerWindow): Promise<LedgerPage<LedgerEntry>> {
		const step = parseStep(window.cursor);
		const page: LedgerPage<LedgerEntry> = { rows: [], from: window.from, to: window.to };
		const inWindow = (e: LedgerEntry) => e.time >= window.from && e.time <= window.to;
		const read = <T>(what: string, fn: () => T): T => {
			try {
				return fn();
			} catch (error) {
				if (error instanceof WireFormatError) throw badResponse(`the ${what}`, error);
				throw error;
			}
		};
		if (step.kind === 'funding') {
			const group = await this.#deps.group(creds);
			const data = await this.#deps.signed(creds, (call) =>
				this.#deps.rest.signedRead(
					`/${group}/api/pro/v2/futures/funding-payments`,
					'v2/futures/funding-payments',
					{ page: step.page, pageSize: FUNDING_PAGE_SIZE },
					call
				)
			);
			return read('funding payments', () => {
				const body = asObject(data, 'funding payments');
				const all = asArray(body.data ?? [], 'funding payments').map((r) =>
					normalizeFundingPayment(r, creds.accountId)
				);
				page.rows = all.filter(inWindow);
				const oldest = Math.min(...all.map((e) => e.time));
				const newestFirst = all.every((e, i) => i === 0 || e.time <= all[i - 1].time);
				// Once a newest-first page reaches past the window, the rest is older still.
				const more = body.hasNext === true && !(newestFirst && oldest < window.from);
				// Then the balance history, when the window reaches into the 7 days it keeps.
				const balance = window.to >= this.#deps.now() - BALANCE_KEEP_MS;
				if (more) page.next = `f:${step.page + 1}`;
				else if (balance) page.next = 's';
				return page;
			});
		}
		if (step.kind === 'snapshot') {
			const data = await this.#deps.signed(creds, (call) =>
				this.#deps.rest.signedRead(
					'/api/pro/data/v1/futures/balance/snapshot',
					'data/v1/futures/balance/snapshot',
					{ date: snapshotDate(window, this.#deps.now()) },
					call
				)
			);
			return read('balance snapshot', () => {
				const meta = asObject(asObject(data, 'balance snapshot').meta, 'snapshot meta');
				page.next = `b:${reqNumber(meta, 'sn') + 1}`;
				return page;
			});
		}
		const data = await this.#deps.signed(creds, (call) =>
			this.#deps.rest.signedRead(
				'/api/pro/data/v1/futures/balance/history',
				'data/v1/futures/balance/history',
				{ sn: step.sn, limit: BALANCE_LIMIT },
				call
			)
		);
		return read('balance history', () => {
			const all = normalizeBalanceHistory(data, creds.accountId);
			page.rows = all.filter(inWindow);
			const { maxSn, records } = balanceExtent(data);
			const pastEnd = all.some((e) => e.time > window.to);
			if (records >= BALANCE_LIMIT && maxSn !== undefined && !pastEnd) page.next = `b:${maxSn + 1}`;
			return page;
		});
	}
}
