/**
 * BitMart's ledger: GET /contract/private/transaction-history (funding, fees, realized PnL,
 * transfers) and GET /contract/private/trades (fills), mapped into the venue-neutral ledger.
 *
 * Units differ between the two (docs): transaction-history takes start/end in milliseconds and
 * `page_size` up to 1000, with no documented maximum window; trades takes seconds, at most a
 * 90-day window and answers at most 200 rows. Neither documents its row order or whether its
 * bounds are inclusive, so the sync engine splits a window whose answer is full instead of
 * paging by the last row's time, and overlaps neighbouring windows by their boundary.
 */

import type {
	AccountCredentials,
	LedgerEntry,
	LedgerFill,
	LedgerPage,
	LedgerPaging,
	LedgerStream,
	LedgerType,
	LedgerWindow
} from '$lib/exchanges/types';
import { badResponseError } from './errors';
import {
	WireFormatError,
	asArray,
	asObject,
	optString,
	reqDecimal,
	reqNumber,
	reqString,
	toMillis,
	type WireObject
} from './fields';
import type { BitmartRest, QueryParams } from './rest';
import { toBitmartCredentials } from './account-api';

const DAY_MS = 86_400_000;
export const TRANSACTION_HISTORY_PATH = '/contract/private/transaction-history';
export const TRADES_PATH = '/contract/private/trades';

/** Docs: page_size "Default 100; max 1000". */
export const TRANSACTION_PAGE_SIZE = 1000;
/** Docs (trades, order-history): "Each request returns a maximum of 200 records". */
export const TRADES_PAGE_SIZE = 200;

/**
 * Docs: "the maximum query interval of start_time and end_time is 90 days", in seconds. A window
 * in ms widens by up to two seconds when its ends are rounded out to whole seconds, so three
 * seconds are kept in hand.
 */
const TRADES_MAX_WINDOW_MS = 90 * DAY_MS - 3000;

/** Docs, "Rate Limit": both endpoints allow 6 requests per 2 s per API key. */
export const BITMART_LEDGER_PAGING: Readonly<Record<LedgerStream, LedgerPaging>> = {
	entries: {
		pageSize: TRANSACTION_PAGE_SIZE,
		granularityMs: 1,
		rateLimit: 6,
		ratePeriodMs: 2000,
		needsSymbol: false
	},
	fills: {
		pageSize: TRADES_PAGE_SIZE,
		maxWindowMs: TRADES_MAX_WINDOW_MS,
		granularityMs: 1000,
		rateLimit: 6,
		ratePeriodMs: 2000,
		// Docs changelog: "Request field symbol changed to optional".
		needsSymbol: false
	}
};

/** The docs' `type` texts (flow_type 1–5). */
const TYPES: Record<string, LedgerType> = {
	Transfer: 'transfer',
	'Realized PNL': 'realized-pnl',
	'Funding Fee': 'funding',
	'Commission Fee': 'fee',
	'Liquidation Clearance': 'liquidation'
};
const FLOW_TYPES: Record<number, LedgerType> = {
	1: 'transfer',
	2: 'realized-pnl',
	3: 'funding',
	4: 'fee',
	5: 'liquidation'
};

/** The query of one transaction-history window: ms, both ends as given. */
export function transactionQuery(window: LedgerWindow): QueryParams {
	const params: QueryParams = {};
	if (window.symbol) params.symbol = window.symbol;
	params.start_time = window.from;
	params.end_time = window.to;
	params.page_size = TRANSACTION_PAGE_SIZE;
	return params;
}

/**
 * The query of one trades window, in whole seconds rounded outwards, so whichever way BitMart
 * reads a second-precision bound, every millisecond of the window is inside it.
 */
export function tradesQuery(window: LedgerWindow): QueryParams {
	const params: QueryParams = {};
	if (window.symbol) params.symbol = window.symbol;
	params.start_time = Math.floor(window.from / 1000);
	params.end_time = Math.max(Math.ceil(window.to / 1000), Math.floor(window.from / 1000) + 1);
	return params;
}

/**
 * The row's identity. The docs' own sample lists a Transfer and a Commission Fee under one
 * `tran_id`, so the id is the transaction id together with the row's type, symbol, asset and
 * time: everything the docs show that tells two rows of one transaction apart. The amount is left
 * out so a row re-fetched with a corrected amount replaces, not doubles, the first.
 */
export function transactionRowId(row: WireObject): string {
	const tranId = reqString(row, 'tran_id');
	const type = optString(row, 'type') ?? optString(row, 'flow_type') ?? '';
	const symbol = optString(row, 'symbol') ?? '';
	const asset = optString(row, 'asset') ?? '';
	const time = toMillis(reqNumber(row, 'time'));
	return [tranId, type, symbol, asset, time].join('|');
}

export function normalizeTransactionRow(raw: unknown, accountId: string): LedgerEntry {
	const row = asObject(raw, 'transaction');
	const typeText = optString(row, 'type');
	const flow = Number(row.flow_type);
	const type: LedgerType = (typeText ? TYPES[typeText] : undefined) ?? FLOW_TYPES[flow] ?? 'other';
	const symbol = optString(row, 'symbol');
	const entry: LedgerEntry = {
		id: transactionRowId(row),
		accountId,
		time: toMillis(reqNumber(row, 'time')),
		type,
		amount: reqDecimal(row, 'amount'),
		asset: reqString(row, 'asset')
	};
	if (symbol) entry.symbol = symbol;
	return entry;
}

/** A trade id names a match; with the order id it names this account's side of it. */
export function normalizeTradeRow(raw: unknown, accountId: string): LedgerFill {
	const row = asObject(raw, 'trade');
	const side = reqNumber(row, 'side');
	const orderId = reqString(row, 'order_id');
	const fill: LedgerFill = {
		id: `${reqString(row, 'trade_id')}|${orderId}`,
		accountId,
		time: toMillis(reqNumber(row, 'create_time')),
		symbol: reqString(row, 'symbol'),
		orderId,
		// Docs: 1 buy_open_long, 2 buy_close_short, 3 sell_close_long, 4 sell_open_short.
		side: side === 1 || side === 2 ? 'buy' : 'sell',
		price: reqDecimal(row, 'price'),
		size: reqDecimal(row, 'vol'),
		fee: reqDecimal(row, 'paid_fees'),
		realizedPnl: reqDecimal(row, 'realised_profit')
	};
	const exec = optString(row, 'exec_type');
	if (exec) fill.maker = exec === 'Maker';
	return fill;
}

/** The two ledger calls of one adapter, over its REST client. */
export class BitmartLedgerApi {
	readonly #rest: BitmartRest;
	readonly #baseUrl: string;

	constructor(rest: BitmartRest, baseUrl: string) {
		this.#rest = rest;
		this.#baseUrl = baseUrl;
	}

	async entries(creds: AccountCredentials, window: LedgerWindow): Promise<LedgerPage<LedgerEntry>> {
		const data = await this.#get(creds, TRANSACTION_HISTORY_PATH, transactionQuery(window));
		const rows = this.#read(TRANSACTION_HISTORY_PATH, () =>
			rowsOf(data).map((r) => normalizeTransactionRow(r, creds.accountId))
		);
		return { rows, from: window.from, to: window.to };
	}

	async fills(creds: AccountCredentials, window: LedgerWindow): Promise<LedgerPage<LedgerFill>> {
		const query = tradesQuery(window);
		const data = await this.#get(creds, TRADES_PATH, query);
		const rows = this.#read(TRADES_PATH, () =>
			rowsOf(data).map((r) => normalizeTradeRow(r, creds.accountId))
		);
		return {
			rows,
			from: Number(query.start_time) * 1000,
			to: Number(query.end_time) * 1000 + 999
		};
	}

	/** Both are KEYED in the docs' permission table. */
	#get(creds: AccountCredentials, path: string, params: QueryParams): Promise<unknown> {
		return this.#rest.privateRequest('GET', path, params, toBitmartCredentials(creds), 'keyed');
	}

	#read<T>(path: string, read: () => T): T {
		try {
			return read();
		} catch (error) {
			if (error instanceof WireFormatError) {
				throw badResponseError(this.#baseUrl, `${path}: ${error.message}`);
			}
			throw error;
		}
	}
}

/** An empty window may come back as null rather than []. */
function rowsOf(data: unknown): unknown[] {
	if (data === null || data === undefined) return [];
	return asArray(data, 'rows');
}
