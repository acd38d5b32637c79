/**
 * Totals and chart series of ledger rows. Amounts are summed exactly (scaled BigInt) and reported
 * as decimal strings; only the chart series are JS numbers, converted once per point for drawing.
 */

import type { LedgerEntry, LedgerType } from '$lib/exchanges/types';
import { parseDecimal, toDecimalString, type ScaledDecimal } from './decimal';
import { Amount, ExactSum, readAmount } from './exact-sum';

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

class Sums {
	realized = new ExactSum();
	funding = new ExactSum();
	fees = new ExactSum();
	liquidation = new ExactSum();
	transfers = new ExactSum();
	other = new ExactSum();
	net = new ExactSum();
	paid = new ExactSum();
	received = new ExactSum();
	rows = 0;

	add(type: LedgerType, amount: Amount): void {
		this.rows++;
		switch (type) {
			case 'realized-pnl':
				this.realized.add(amount);
				break;
			case 'funding':
				this.funding.add(amount);
				if (amount.negative) this.paid.add(amount);
				else this.received.add(amount);
				break;
			case 'fee':
				this.fees.add(amount);
				break;
			case 'liquidation':
				this.liquidation.add(amount);
				break;
			case 'transfer':
				this.transfers.add(amount);
				return;
			default:
				this.other.add(amount);
		}
		this.net.add(amount);
	}

	result(): LedgerTotals {
		return {
			realizedPnl: this.realized.toString(),
			funding: this.funding.toString(),
			fees: this.fees.toString(),
			liquidation: this.liquidation.toString(),
			transfers: this.transfers.toString(),
			other: this.other.toString(),
			net: this.net.toString(),
			fundingPaid: this.paid.toString(),
			fundingReceived: this.received.toString(),
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
	const amount = new Amount();
	for (const row of rows) {
		readAmount(row.amount, amount);
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
 * add unlike units). Rows need not be sorted (the store hands them sorted, and then no copy is
 * made). Sums are exact; each point is converted once.
 */
export function cumulativeSeries(rows: readonly LedgerEntry[]): CumulativeSeries {
	const sorted = isSortedByTime(rows) ? rows : [...rows].sort((a, b) => a.time - b.time);
	const times: number[] = [];
	const realized: number[] = [];
	const funding: number[] = [];
	const fees: number[] = [];
	const net: number[] = [];
	// Only the drawn sums (Sums also keeps paid, received and the rest, which cost adds per row).
	const sum = { realized: new ExactSum(), funding: new ExactSum(), fees: new ExactSum() };
	const all = new ExactSum();
	const amount = new Amount();
	let pending = false;
	let at = 0;
	const point = () => {
		times.push(at / 1000);
		realized.push(sum.realized.toNumber());
		funding.push(sum.funding.toNumber());
		fees.push(sum.fees.toNumber());
		net.push(all.toNumber());
	};
	for (let i = 0; i < sorted.length; i++) {
		const row = sorted[i];
		if (row.type === 'transfer') continue;
		if (pending && row.time !== at) point();
		readAmount(row.amount, amount);
		if (row.type === 'realized-pnl') sum.realized.add(amount);
		else if (row.type === 'funding') sum.funding.add(amount);
		else if (row.type === 'fee') sum.fees.add(amount);
		// Net is everything but transfers, as in the totals.
		all.add(amount);
		at = row.time;
		pending = true;
	}
	if (pending) point();
	return [times, realized, funding, fees, net];
}

function isSortedByTime(rows: readonly LedgerEntry[]): boolean {
	for (let i = 1; i < rows.length; i++) if (rows[i].time < rows[i - 1].time) return false;
	return true;
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
