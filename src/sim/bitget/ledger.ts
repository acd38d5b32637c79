/**
 * The Bitget ledger endpoints: account bills (GET /api/v2/mix/account/bill) and fill history
 * (GET /api/v2/mix/order/fill-history), served from the shared account's fills and ledger
 * (seedHistory's months of funding, fills and transfers, plus whatever happens live).
 *
 * Documented rules enforced (protocols/bitget-v2-futures.md §4, seed 004 "V2 query rules"):
 * - times in ms; bill span at most 30 days, fill-history span at most 7 days; only the last 90
 *   days are served;
 * - `limit` at most 100 (bill default 20, fill-history default 100);
 * - newest first; the time range narrows first, then `idLessThan` pages back; `endId` is the
 *   last id of the answer.
 * Not documented, chosen here: a span over the limit answers 40020 (Bitget's "Parameter … error")
 * naming the parameter; `startTime` after `endTime` likewise; both ends are inclusive.
 */
import { money, type SimAccount, type SimFill, type SimLedgerEntry } from '../core/accounts';
import { BG, BitgetRestError } from './errors';

const DAY_MS = 86_400_000;
export const BILL_MAX_SPAN_MS = 30 * DAY_MS;
export const FILL_MAX_SPAN_MS = 7 * DAY_MS;
export const KEEP_MS = 90 * DAY_MS;
const FIRST_BILL_ID = 1_111_499_428_100_472_833n;

export interface SimBill {
	billId: string;
	id: bigint;
	symbol: string;
	amount: string;
	fee: string;
	businessType: string;
	coin: string;
	balance: string;
	cTime: number;
}

interface BillBook {
	sources: number;
	bills: SimBill[];
	ids: WeakMap<object, bigint>;
	nextId: bigint;
}

const books = new WeakMap<SimAccount, BillBook>();

/** A fill's business type: hedge mode names open/close and the position; one-way only the side. */
function tradeType(account: SimAccount, fill: SimFill): string {
	if (account.positionMode !== 'hedge') return fill.side === 1 || fill.side === 2 ? 'buy' : 'sell';
	return { 1: 'open_long', 2: 'close_short', 3: 'close_long', 4: 'open_short' }[fill.side] ?? 'buy';
}

/** The non-trade ledger rows as bills; fees and realized PnL come with their fills instead. */
function ledgerType(e: SimLedgerEntry): string | undefined {
	if (e.type === 'Funding Fee') return 'contract_settle_fee';
	if (e.type === 'Transfer') return e.amount >= 0 ? 'trans_from_exchange' : 'trans_to_exchange';
	if (e.type === 'Liquidation Clearance') return 'burst_long_loss_query';
	return undefined;
}

/**
 * Every bill of the account, oldest first, with ids that rise with time and never change: new
 * rows (always newer, as time only moves on) get ids above all earlier ones.
 */
export function billsOf(account: SimAccount): SimBill[] {
	let book = books.get(account);
	if (!book) {
		book = { sources: -1, bills: [], ids: new WeakMap(), nextId: FIRST_BILL_ID };
		books.set(account, book);
	}
	const count = account.fills.length + account.ledger.length;
	if (book.sources === count) return book.bills;
	type Source = {
		key: object;
		time: number;
		make: () => Omit<SimBill, 'billId' | 'id' | 'balance'>;
	};
	const sources: Source[] = [];
	for (const f of account.fills) {
		sources.push({
			key: f,
			time: f.time,
			make: () => ({
				symbol: f.symbol,
				amount: money(f.realised),
				fee: money(-f.fee),
				businessType: tradeType(account, f),
				coin: 'USDT',
				cTime: f.time
			})
		});
	}
	for (const e of account.ledger) {
		const businessType = ledgerType(e);
		if (!businessType) continue;
		sources.push({
			key: e,
			time: e.time,
			make: () => ({
				symbol: e.symbol,
				amount: money(e.amount),
				fee: '0',
				businessType,
				coin: e.asset,
				cTime: e.time
			})
		});
	}
	sources.sort((a, b) => a.time - b.time);
	for (const s of sources) {
		if (!book.ids.has(s.key)) book.ids.set(s.key, book.nextId++);
	}
	const ordered = sources
		.map((s) => ({ s, id: book.ids.get(s.key)! }))
		.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
	let balance = 0;
	book.bills = ordered.map(({ s, id }) => {
		const row = s.make();
		balance += Number(row.amount) + Number(row.fee);
		return { ...row, billId: id.toString(), id, balance: money(balance) };
	});
	book.sources = count;
	return book.bills;
}

export interface RangeQuery {
	get(name: string): string | null;
}

function param(query: RangeQuery, name: string): string | undefined {
	const value = query.get(name);
	return value === null || value === '' ? undefined : value;
}

function millis(query: RangeQuery, name: string): number | undefined {
	const text = param(query, name);
	if (text === undefined) return undefined;
	if (!/^\d{1,16}$/.test(text)) throw new BitgetRestError(BG.invalid(name, text));
	return Number(text);
}

function limitOf(query: RangeQuery, fallback: number): number {
	const text = param(query, 'limit');
	if (text === undefined) return fallback;
	const n = Number(text);
	if (!Number.isInteger(n) || n < 1) throw new BitgetRestError(BG.invalid('limit', text));
	return Math.min(n, 100);
}

function cursorOf(query: RangeQuery): bigint | undefined {
	const text = param(query, 'idLessThan');
	if (text === undefined) return undefined;
	if (!/^\d{1,20}$/.test(text)) throw new BitgetRestError(BG.invalid('idLessThan', text));
	return BigInt(text);
}

/** The time range asked for, checked against the span limit and cut to what is kept. */
function range(query: RangeQuery, now: number, maxSpan: number): { from: number; to: number } {
	const start = millis(query, 'startTime');
	const end = millis(query, 'endTime');
	if (start !== undefined && end !== undefined) {
		if (start > end) throw new BitgetRestError(BG.invalid('startTime', start));
		if (end - start > maxSpan) throw new BitgetRestError(BG.invalid('endTime', end));
	}
	return { from: Math.max(start ?? -Infinity, now - KEEP_MS), to: end ?? now };
}

export function billList(account: SimAccount, query: RangeQuery, now: number) {
	const { from, to } = range(query, now, BILL_MAX_SPAN_MS);
	const limit = limitOf(query, 20);
	const below = cursorOf(query);
	const symbol = param(query, 'symbol');
	const coin = param(query, 'coin');
	const businessType = param(query, 'businessType');
	const bills = billsOf(account);
	const out = [];
	for (let i = bills.length - 1; i >= 0 && out.length < limit; i--) {
		const b = bills[i];
		if (b.cTime < from || b.cTime > to) continue;
		if (below !== undefined && b.id >= below) continue;
		if (symbol !== undefined && b.symbol !== symbol) continue;
		if (coin !== undefined && b.coin !== coin) continue;
		if (businessType !== undefined && b.businessType !== businessType) continue;
		out.push({
			billId: b.billId,
			symbol: b.symbol,
			amount: b.amount,
			fee: b.fee,
			feeByCoupon: '',
			businessType: b.businessType,
			coin: b.coin,
			balance: b.balance,
			cTime: String(b.cTime)
		});
	}
	return { bills: out, endId: out.length > 0 ? out[out.length - 1].billId : null };
}

/** The fill-history rows, newest first; trade ids rise with time (they come from one counter). */
export function fillHistory(
	account: SimAccount,
	query: RangeQuery,
	now: number,
	row: (fill: SimFill) => Record<string, unknown>
) {
	const { from, to } = range(query, now, FILL_MAX_SPAN_MS);
	const limit = limitOf(query, 100);
	const below = cursorOf(query);
	const symbol = param(query, 'symbol');
	const orderId = param(query, 'orderId');
	const out: Record<string, unknown>[] = [];
	const fills = account.fills;
	for (let i = fills.length - 1; i >= 0 && out.length < limit; i--) {
		const f = fills[i];
		if (f.time < from || f.time > to) continue;
		if (below !== undefined && BigInt(f.tradeId) >= below) continue;
		if (symbol !== undefined && f.symbol !== symbol) continue;
		if (orderId !== undefined && f.orderId !== orderId) continue;
		out.push(row(f));
	}
	const last = out.at(-1);
	return { fillList: out, endId: last ? String(last.tradeId) : null };
}

/**
 * The totals a client that stored every served bill must show, added from the very strings the
 * endpoint sends (BigInt units of 1e-8), in the neutral ledger's categories.
 */
export function billTotals(account: SimAccount, now: number) {
	const sums = { realized: 0n, funding: 0n, fees: 0n, liquidation: 0n, transfers: 0n };
	for (const b of billsOf(account)) {
		if (b.cTime < now - KEEP_MS || b.cTime > now) continue;
		const amount = toUnits(b.amount);
		sums.fees += toUnits(b.fee);
		if (b.businessType === 'contract_settle_fee') sums.funding += amount;
		else if (b.businessType.startsWith('trans_')) sums.transfers += amount;
		else if (b.businessType.startsWith('burst_')) sums.liquidation += amount;
		else sums.realized += amount;
	}
	const net = sums.realized + sums.funding + sums.fees + sums.liquidation;
	return {
		realizedPnl: fromUnits(sums.realized),
		funding: fromUnits(sums.funding),
		fees: fromUnits(sums.fees),
		liquidation: fromUnits(sums.liquidation),
		transfers: fromUnits(sums.transfers),
		net: fromUnits(net)
	};
}

function toUnits(text: string): bigint {
	const [whole, frac = ''] = text.replace('-', '').split('.');
	const v = BigInt(whole + frac.padEnd(8, '0'));
	return text.startsWith('-') ? -v : v;
}

function fromUnits(v: bigint): string {
	const negative = v < 0n;
	const digits = (negative ? -v : v).toString().padStart(9, '0');
	const frac = digits.slice(-8).replace(/0+$/, '');
	const whole = digits.slice(0, -8);
	return `${negative ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`;
}
