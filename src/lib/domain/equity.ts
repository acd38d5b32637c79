/**
 * Equity samples: what one account is worth now, from its balance and its positions at the live
 * marks, and the series the history chart draws from the stored samples. Exact decimal strings
 * throughout; only the chart's columns are numbers.
 */
import type { Balance, Position } from '$lib/exchanges/types';
import {
	addScaled,
	isDecimalString,
	mulScaled,
	parseDecimal,
	subScaled,
	toDecimalString,
	type ScaledDecimal
} from './decimal';
import { Amount, ExactSum, readAmount } from './exact-sum';

export interface EquityInput {
	balances: readonly Balance[];
	positions: readonly Position[];
	/** Contract size per symbol (the instrument's), where known. */
	contractSizes: Readonly<Record<string, string | undefined>>;
	/** Live mark per symbol, where one has arrived. */
	marks: Readonly<Record<string, string | undefined>>;
	/** The settle asset to value in; USDT unless said. */
	asset?: string;
}

export interface EquityValues {
	asset: string;
	equity: string;
	unrealizedPnl: string;
	priced: number;
	unpriced: number;
}

const ZERO: ScaledDecimal = { int: 0n, scale: 0 };

function decimalOr(text: string | undefined, fallback: ScaledDecimal): ScaledDecimal {
	return text !== undefined && isDecimalString(text) ? parseDecimal(text) : fallback;
}

function positive(text: string | undefined): text is string {
	return text !== undefined && isDecimalString(text) && parseDecimal(text).int > 0n;
}

/**
 * Equity = the balance's cash (its equity less the unrealized PnL the venue counted in it, both
 * from the same report) + the unrealized PnL of every position at its live mark:
 * long (mark − entry) × size × contract size, short (entry − mark) × size × contract size.
 * A position without a live mark falls back to the mark its own feed sent, then to the venue's
 * unrealized PnL figure; one with none of these counts as zero and in `unpriced`.
 * Null when the account has no balance in the asset.
 */
export function equityValues(input: EquityInput): EquityValues | null {
	const asset = input.asset ?? 'USDT';
	const balance = input.balances.find((b) => b.asset === asset);
	if (!balance || !isDecimalString(balance.equity)) return null;
	const cash = subScaled(parseDecimal(balance.equity), decimalOr(balance.unrealizedPnl, ZERO));
	let upnl = ZERO;
	let priced = 0;
	let unpriced = 0;
	for (const p of input.positions) {
		const mark = positive(input.marks[p.symbol])
			? input.marks[p.symbol]
			: positive(p.markPrice)
				? p.markPrice
				: undefined;
		const contractSize = input.contractSizes[p.symbol];
		if (mark && contractSize && isDecimalString(contractSize) && isDecimalString(p.entryPrice)) {
			const m = parseDecimal(mark);
			const e = parseDecimal(p.entryPrice);
			const move = p.side === 'long' ? subScaled(m, e) : subScaled(e, m);
			const qty = mulScaled(parseDecimal(p.size), parseDecimal(contractSize));
			upnl = addScaled(upnl, mulScaled(qty, move));
			priced++;
		} else if (p.unrealizedPnl !== undefined && isDecimalString(p.unrealizedPnl)) {
			upnl = addScaled(upnl, parseDecimal(p.unrealizedPnl));
			priced++;
		} else {
			unpriced++;
		}
	}
	return {
		asset,
		equity: toDecimalString(addScaled(cash, upnl)),
		unrealizedPnl: toDecimalString(upnl),
		priced,
		unpriced
	};
}

export interface EquitySampleLike {
	accountId: string;
	time: number;
	equity: string;
	unrealizedPnl: string;
}

/** uPlot's columns: times in seconds, equity, unrealized PnL. */
export type EquitySeries = [number[], number[], number[]];

const MINUTE = 60_000;

/**
 * One point per minute with a sample, summing accounts exactly. An account without a sample in a
 * minute counts with its latest earlier one, so a total does not dip when one account's timer
 * lands in the next minute; an account counts only from its first sample on.
 */
export function equitySeries(samples: readonly EquitySampleLike[]): EquitySeries {
	const sorted = [...samples].sort((a, b) => a.time - b.time);
	const latest = new Map<string, EquitySampleLike>();
	const times: number[] = [];
	const equity: number[] = [];
	const upnl: number[] = [];
	const amount = new Amount();
	for (let i = 0; i < sorted.length; i++) {
		const s = sorted[i];
		latest.set(s.accountId, s);
		const minute = Math.floor(s.time / MINUTE);
		const next = sorted[i + 1];
		if (next && Math.floor(next.time / MINUTE) === minute) continue;
		const e = new ExactSum();
		const u = new ExactSum();
		for (const l of latest.values()) {
			e.add(readAmount(l.equity, amount));
			u.add(readAmount(l.unrealizedPnl, amount));
		}
		times.push(minute * 60);
		equity.push(e.toNumber());
		upnl.push(u.toNumber());
	}
	return [times, equity, upnl];
}
