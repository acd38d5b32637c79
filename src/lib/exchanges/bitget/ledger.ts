/**
 * Bitget's ledger: GET /api/v2/mix/account/bill (funding, fees, realized PnL, transfers,
 * liquidations) and GET /api/v2/mix/order/fill-history (fills), mapped into the venue-neutral
 * ledger.
 *
 * What the notes (protocols/bitget-v2-futures.md §4, §7) and the V2 guide (seed 004) document:
 * - times are Unix milliseconds (`startTime`, `endTime`, `cTime`);
 * - bill: `limit` at most 100 (default 20), a `startTime`–`endTime` span of at most 30 days, only
 *   the last 90 days kept; fill-history: `limit` at most 100, a span of at most one week (one doc
 *   revision says three months: Perch keeps to the week), 90 days kept;
 * - V2 pages by cursor: the answer's `endId` goes back as `idLessThan`, and the time range is
 *   applied before the cursor ("id > startTime + endTime > idLessThan"), so a window is walked
 *   to its end by cursor and never needs splitting;
 * - bill and fill-history each allow 10 requests per second per UID; excess answers HTTP 429.
 *
 * Where the docs are silent, Perch chooses (and says so here):
 * - whether `endTime` is inclusive: neighbouring windows share their boundary and the ids dedupe;
 * - when a page is the last: a page with fewer rows than asked for, or without an `endId`, ends
 *   the window; a full page continues from its `endId`.
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
import { addDecimals, compareDecimals } from '$lib/domain/decimal';
import {
	WireFormatError,
	asArray,
	asObject,
	isObject,
	optString,
	reqDecimal,
	reqNumber,
	reqString
} from '../bitmart/fields';
import { toBitgetCredentials } from './account-api';
import { PRODUCT_TYPE } from './normalize';
import type { BitgetRest, QueryParams } from './rest';

const DAY_MS = 86_400_000;
export const BILL_PATH = '/api/v2/mix/account/bill';
export const FILL_HISTORY_PATH = '/api/v2/mix/order/fill-history';

/** Notes: bill and fill-history `limit` ≤ 100. */
export const BILL_PAGE_SIZE = 100;
export const FILL_PAGE_SIZE = 100;
/** Notes: bill span ≤ 30 days; fill-history span ≤ 1 week (the stricter revision). */
export const BILL_MAX_WINDOW_MS = 30 * DAY_MS;
export const FILL_MAX_WINDOW_MS = 7 * DAY_MS;

export const BITGET_LEDGER_PAGING: Readonly<Record<LedgerStream, LedgerPaging>> = {
	entries: {
		pageSize: BILL_PAGE_SIZE,
		maxWindowMs: BILL_MAX_WINDOW_MS,
		granularityMs: 1,
		rateLimit: 10,
		ratePeriodMs: 1000,
		needsSymbol: false,
		cursor: true
	},
	fills: {
		pageSize: FILL_PAGE_SIZE,
		maxWindowMs: FILL_MAX_WINDOW_MS,
		granularityMs: 1,
		rateLimit: 10,
		ratePeriodMs: 1000,
		needsSymbol: false,
		cursor: true
	}
};

/** Trades: `amount` is the realized PnL of the bill (0 on an opening trade), `fee` its fee. */
const TRADES = new Set(['open_long', 'open_short', 'close_long', 'close_short', 'buy', 'sell']);
/** Liquidations (forced closes and bankruptcy losses): `amount` is what the liquidation took. */
const LIQUIDATIONS = new Set([
	'force_close_long',
	'force_close_short',
	'force_buy',
	'force_sell',
	'burst_long_loss_query',
	'burst_short_loss_query',
	'burst_buy',
	'burst_sell'
]);
/**
 * Margin moved between the account and an isolated position: no money made or lost, so it is
 * booked with the transfers, which the totals keep out of net.
 */
const MARGIN_MOVES = new Set([
	'append_margin',
	'reduce_margin',
	'auto_append_margin',
	'adjust_down_lever_append_margin'
]);

/** The neutral type of a bill's `amount`. Unknown business types (bonus, coupon, …) are 'other'. */
export function billType(businessType: string): LedgerType {
	if (TRADES.has(businessType)) return 'realized-pnl';
	if (LIQUIDATIONS.has(businessType)) return 'liquidation';
	if (businessType === 'contract_settle_fee') return 'funding';
	if (businessType.startsWith('trans_') || MARGIN_MOVES.has(businessType)) return 'transfer';
	if (businessType === 'delivery_long' || businessType === 'delivery_short') return 'realized-pnl';
	return 'other';
}

/** The query of one bill window: ms, both ends as given, the cursor when continuing. */
export function billQuery(window: LedgerWindow): QueryParams {
	const params: QueryParams = { productType: PRODUCT_TYPE };
	if (window.symbol) params.symbol = window.symbol;
	params.startTime = window.from;
	params.endTime = window.to;
	params.limit = BILL_PAGE_SIZE;
	if (window.cursor) params.idLessThan = window.cursor;
	return params;
}

export function fillQuery(window: LedgerWindow): QueryParams {
	const params: QueryParams = { productType: PRODUCT_TYPE };
	if (window.symbol) params.symbol = window.symbol;
	params.startTime = window.from;
	params.endTime = window.to;
	params.limit = FILL_PAGE_SIZE;
	if (window.cursor) params.idLessThan = window.cursor;
	return params;
}

/**
 * One bill as neutral rows. A trade or liquidation bill carries two amounts, its PnL and its fee,
 * so it becomes two rows: `<billId>` and `<billId>|fee`. The bill id alone names a bill (ccxt
 * uses it as the ledger id); the suffix tells the two halves apart. A zero half is left out.
 */
export function normalizeBill(raw: unknown, accountId: string): LedgerEntry[] {
	const bill = asObject(raw, 'bill');
	const billId = reqString(bill, 'billId');
	const businessType = optString(bill, 'businessType') ?? '';
	const type = billType(businessType);
	const amount = reqDecimal(bill, 'amount');
	const fee = optString(bill, 'fee');
	const base = {
		accountId,
		time: reqNumber(bill, 'cTime'),
		asset: optString(bill, 'coin') ?? 'USDT'
	};
	const symbol = optString(bill, 'symbol');
	const withSymbol = symbol ? { symbol } : {};
	const rows: LedgerEntry[] = [];
	const tradeLike = TRADES.has(businessType) || LIQUIDATIONS.has(businessType);
	if (!tradeLike || compareDecimals(amount, '0') !== 0) {
		rows.push({ id: billId, ...base, type, amount, ...withSymbol });
	}
	// `feeByCoupon` is the part a coupon paid; `fee` is what the account paid (negative).
	if (fee !== undefined && fee !== '' && compareDecimals(reqDecimal(bill, 'fee'), '0') !== 0) {
		rows.push({
			id: `${billId}|fee`,
			...base,
			type: 'fee',
			amount: reqDecimal(bill, 'fee'),
			...withSymbol
		});
	}
	return rows;
}

/**
 * A fill. In hedge mode a close's `side` names the position (closing a long is "buy" + "close",
 * notes §5.1), so the trade direction is the other one. Fees are the sum of `feeDetail`'s
 * `totalFee`, negative when paid.
 */
export function normalizeFill(raw: unknown, accountId: string): LedgerFill {
	const row = asObject(raw, 'fill');
	const orderId = reqString(row, 'orderId');
	const rawSide = reqString(row, 'side');
	if (rawSide !== 'buy' && rawSide !== 'sell') throw new WireFormatError(`fill side "${rawSide}"`);
	const hedgeClose =
		optString(row, 'posMode') === 'hedge_mode' && /close/.test(optString(row, 'tradeSide') ?? '');
	const side = hedgeClose ? (rawSide === 'buy' ? 'sell' : 'buy') : rawSide;
	let fee = '0';
	for (const detail of Array.isArray(row.feeDetail) ? row.feeDetail : []) {
		if (isObject(detail)) fee = addDecimals(fee, reqDecimal(detail, 'totalFee'));
	}
	const fill: LedgerFill = {
		id: `${reqString(row, 'tradeId')}|${orderId}`,
		accountId,
		time: reqNumber(row, 'cTime'),
		symbol: reqString(row, 'symbol'),
		orderId,
		side,
		price: reqDecimal(row, 'price'),
		size: reqDecimal(row, 'baseVolume'),
		fee,
		realizedPnl: optString(row, 'profit') ?? '0'
	};
	const scope = optString(row, 'tradeScope');
	if (scope) fill.maker = scope === 'maker';
	return fill;
}

/** The cursor for the rest of a window: only after a full page that names its last id. */
export function nextCursor(data: unknown, rows: number, pageSize: number): string | undefined {
	if (rows < pageSize || !isObject(data)) return undefined;
	const endId = optString(data, 'endId');
	return endId ? endId : undefined;
}

export class BitgetLedgerApi {
	readonly #rest: BitgetRest;

	constructor(rest: BitgetRest) {
		this.#rest = rest;
	}

	async entries(creds: AccountCredentials, window: LedgerWindow): Promise<LedgerPage<LedgerEntry>> {
		const data = await this.#get(creds, BILL_PATH, billQuery(window));
		return this.#rest.read(BILL_PATH, () => {
			const bills = isObject(data) ? asArray(data.bills ?? [], 'bills') : [];
			const rows = bills.flatMap((b) => normalizeBill(b, creds.accountId));
			const page: LedgerPage<LedgerEntry> = { rows, from: window.from, to: window.to };
			const next = nextCursor(data, bills.length, BILL_PAGE_SIZE);
			if (next) page.next = next;
			return page;
		});
	}

	async fills(creds: AccountCredentials, window: LedgerWindow): Promise<LedgerPage<LedgerFill>> {
		const data = await this.#get(creds, FILL_HISTORY_PATH, fillQuery(window));
		return this.#rest.read(FILL_HISTORY_PATH, () => {
			const list = isObject(data) ? asArray(data.fillList ?? [], 'fillList') : [];
			const rows = list.map((f) => normalizeFill(f, creds.accountId));
			const page: LedgerPage<LedgerFill> = { rows, from: window.from, to: window.to };
			const next = nextCursor(data, list.length, FILL_PAGE_SIZE);
			if (next) page.next = next;
			return page;
		});
	}

	#get(creds: AccountCredentials, path: string, params: QueryParams): Promise<unknown> {
		return this.#rest.privateRequest('GET', path, params, toBitgetCredentials(creds));
	}
}
