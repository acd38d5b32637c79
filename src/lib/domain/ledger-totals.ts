/**
 * Totals and chart series of ledger rows. Amounts are summed exactly (scaled BigInt) and reported
 * as decimal strings; only the chart series are JS numbers, converted once per point for drawing.
 */

import type { LedgerEntry, LedgerType } from '$lib/exchanges/types';
import { addScaled, parseDecimal, toDecimalString, type ScaledDecimal } from './decimal';

export interface LedgerTotals {
	realizedPnl: string;
	funding: string;
	/** Fees as the venue signs them: paid fees are negative. */
	fees: string;
	liquidation: string;
	transfers: string;
	other: string;
	/** Everything the trading made or cost: all but transfers. */
	net: string;
	fundingPaid: string;
	fundingReceived: string;
	rows: number;
}

export interface SymbolTotals extends LedgerTotals {
	symbol: string;
}

const ZERO: ScaledDecimal = { int: 0n, scale: 0 };

class Sums {
	realized = ZERO;
	funding = ZERO;
	fees = ZERO;
	liquidation = ZERO;
	transfers = ZERO;
	other = ZERO;
	net = ZERO;
	paid = ZERO;
	received = ZERO;
	rows = 0;

	add(type: LedgerType, amount: ScaledDecimal): void {
		this.rows++;
		switch (type) {
			case 'realized-pnl':
				this.realized = addScaled(this.realized, amount);
				break;
			case 'funding':
				this.funding = addScaled(this.funding, amount);
				if (amount.int < 0n) this.paid = addScaled(this.paid, amount);
				else this.received = addScaled(this.received, amount);
				break;
			case 'fee':
				this.fees = addScaled(this.fees, amount);
				break;
			case 'liquidation':
				this.liquidation = addScaled(this.liquidation, amount);
				break;
			case 'transfer':
				this.transfers = addScaled(this.transfers, amount);
				return;
			default:
				this.other = addScaled(this.other, amount);
		}
		this.net = addScaled(this.net, amount);
	}

	result(): LedgerTotals {
		return {
			realizedPnl: toDecimalString(this.realized),
			funding: toDecimalString(this.funding),
			fees: toDecimalString(this.fees),
			liquidation: toDecimalString(this.liquidation),
			transfers: toDecimalString(this.transfers),
			other: toDecimalString(this.other),
			net: toDecimalString(this.net),
			fundingPaid: toDecimalString(this.paid),
			fundingReceived: toDecimalString(this.received),
			rows: this.rows
		};
	}
}

/** Totals of all rows and per symbol (rows without a symbol, such as transfers, count in "all"). */
export function ledgerTotals(rows: readonly LedgerEntry[]): {
	all: LedgerTotals;
	bySymbol: SymbolTotals[];
} {
	const all = new Sums();
	const per = new Map<string, Sums>();
	for (const row of rows) {
		const amount = parseDecimal(row.amount);
		all.add(row.type, amount);
		if (!row.symbol) continue;
		let sums = per.get(row.symbol);
		if (!sums) per.set(row.symbol, (sums = new Sums()));
		sums.add(row.type, amount);
	}
	const bySymbol = [...per.entries()]
		.map(([symbol, sums]) => ({ symbol, ...sums.result() }))
		.sort((a, b) => a.symbol.localeCompare(b.symbol));
	return { all: all.result(), bySymbol };
}

/** uPlot's columns: times in seconds, then cumulative realized, funding, fees and net. */
export type CumulativeSeries = [number[], number[], number[], number[], number[]];

/**
 * Running sums over time, one point per distinct time, for rows of one asset (mixing assets would
 * add unlike units). Rows need not be sorted. Sums are exact; each point is converted once.
 */
export function cumulativeSeries(rows: readonly LedgerEntry[]): CumulativeSeries {
	const sorted = rows.filter((r) => r.type !== 'transfer').sort((a, b) => a.time - b.time);
	const times: number[] = [];
	const realized: number[] = [];
	const funding: number[] = [];
	const fees: number[] = [];
	const net: number[] = [];
	const sums = new Sums();
	for (let i = 0; i < sorted.length; i++) {
		const row = sorted[i];
		sums.add(row.type, parseDecimal(row.amount));
		if (i + 1 < sorted.length && sorted[i + 1].time === row.time) continue;
		times.push(row.time / 1000);
		realized.push(scaledToNumber(sums.realized));
		funding.push(scaledToNumber(sums.funding));
		fees.push(scaledToNumber(sums.fees));
		net.push(scaledToNumber(sums.net));
	}
	return [times, realized, funding, fees, net];
}

/** Funding per symbol, paid (as a positive number) against received, for the bar chart. */
export function fundingBySymbol(
	rows: readonly LedgerEntry[]
): { symbol: string; paid: string; received: string }[] {
	return ledgerTotals(rows.filter((r) => r.type === 'funding'))
		.bySymbol.map((t) => ({
			symbol: t.symbol,
			paid: toDecimalString(negate(parseDecimal(t.fundingPaid))),
			received: t.fundingReceived
		}))
		.filter((t) => t.paid !== '0' || t.received !== '0');
}

function negate(d: ScaledDecimal): ScaledDecimal {
	return { int: -d.int, scale: d.scale };
}

/**
 * For drawing only. An integer below 2^53 and a power of ten up to 1e22 are both exact doubles,
 * so their quotient is the double nearest the exact value; larger values go through the text.
 */
function scaledToNumber(d: ScaledDecimal): number {
	if (d.scale <= 22 && d.int <= MAX_EXACT && d.int >= -MAX_EXACT) {
		return Number(d.int) / 10 ** d.scale;
	}
	return Number(toDecimalString(d));
}

const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);
