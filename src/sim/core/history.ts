/**
 * Months of account history for the ledger endpoints: funding every 8 h on held positions, fills
 * with fees and realized PnL, and transfers. Generated once, on request (tests, `npm run sim
 * --history-days`); nothing is pushed, it is data the REST endpoints serve.
 *
 * Amounts are whole units of 1e-8 USDT, so the served text is exact and `servedTotals` can add the
 * very strings the endpoints send and compare with what a client stored.
 */
import { money, type SimAccount, type SimLedgerEntry } from './accounts';
import { formatFloat } from './decimal';
import type { MarketEngine } from './market';
import { Prng } from './prng';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const FUNDING_EVERY_MS = 8 * HOUR_MS;
const TAKER_FEE = 0.0006;

export interface HistoryOptions {
	/** History reaches back this many days before `now`. */
	days: number;
	/** Fills per day, spread over the day at random. */
	fillsPerDay: number;
	now: number;
	seed?: number;
	/** Default: every symbol the engine lists. */
	symbols?: string[];
}

/** Whole units of 1e-8, as a number the money() text renders exactly. */
function units(value: number): number {
	return Math.round(value * 1e8) / 1e8;
}

export function seedHistory(account: SimAccount, engine: MarketEngine, opts: HistoryOptions): void {
	const rng = new Prng(opts.seed ?? 7);
	const symbols = opts.symbols ?? [...engine.markets.keys()];
	const start = opts.now - opts.days * DAY_MS;
	const price = new Map<string, number>();
	const held = new Map<string, { side: 'long' | 'short'; size: number; entry: number }>();
	for (const s of symbols) {
		const m = engine.get(s)!;
		price.set(s, m.priceOf(m.last));
	}
	const ledger: SimLedgerEntry[] = [];
	const add = (
		time: number,
		type: SimLedgerEntry['type'],
		amount: number,
		symbol: string,
		id?: string
	) => {
		const tranId = id ?? account.nextId();
		ledger.push({ tranId, time, type, amount: units(amount), asset: 'USDT', symbol });
		return tranId;
	};
	add(start, 'Transfer', 25_000, '');

	// Step hour by hour: prices walk, positions change now and then, funding settles every 8 h
	// (00:00, 08:00, 16:00 UTC), transfers happen about twice a month.
	const firstHour = Math.ceil(start / HOUR_MS) * HOUR_MS;
	for (let hour = firstHour; hour < opts.now; hour += HOUR_MS) {
		for (const s of symbols) price.set(s, price.get(s)! * (1 + rng.gaussian() * 0.004));
		const fills = poisson(rng, opts.fillsPerDay / 24);
		const times = Array.from({ length: fills }, () => hour + rng.int(0, HOUR_MS - 1)).sort(
			(a, b) => a - b
		);
		for (const time of times) {
			if (time >= opts.now) continue;
			const symbol = symbols[rng.int(0, symbols.length - 1)];
			fill(account, engine, rng, held, symbol, price.get(symbol)!, time, add);
		}
		if (hour % FUNDING_EVERY_MS === 0) {
			for (const [symbol, p] of held) {
				if (p.size === 0) continue;
				const m = engine.get(symbol)!;
				const notional = p.size * Number(m.instrument.contractSize) * price.get(symbol)!;
				const rate = 0.0001 + rng.gaussian() * 0.0002;
				const amount = units((p.side === 'long' ? -1 : 1) * notional * rate);
				if (amount !== 0) add(hour, 'Funding Fee', amount, symbol);
			}
		}
		if (rng.chance(1 / (15 * 24))) {
			add(hour + rng.int(0, HOUR_MS - 1), 'Transfer', rng.chance(0.6) ? 1000 : -500, '');
		}
	}
	ledger.sort((a, b) => a.time - b.time);
	account.ledger.unshift(...ledger.filter((e) => e.time < opts.now));
	account.fills.sort((a, b) => a.time - b.time);
}

function fill(
	account: SimAccount,
	engine: MarketEngine,
	rng: Prng,
	held: Map<string, { side: 'long' | 'short'; size: number; entry: number }>,
	symbol: string,
	price: number,
	time: number,
	add: (
		time: number,
		type: SimLedgerEntry['type'],
		amount: number,
		symbol: string,
		id?: string
	) => string
): void {
	const m = engine.get(symbol)!;
	const cs = Number(m.instrument.contractSize);
	const position = held.get(symbol) ?? {
		side: rng.chance(0.5) ? 'long' : 'short',
		size: 0,
		entry: 0
	};
	held.set(symbol, position);
	const closing = position.size > 0 && rng.chance(0.5);
	const vol = closing ? rng.int(1, position.size) : rng.int(1, 40);
	const fillPrice = Number(formatFloat(price, m.instrument.priceTick.split('.')[1]?.length ?? 0));
	const fee = units(vol * cs * fillPrice * TAKER_FEE);
	let realised = 0;
	let side: number;
	if (closing) {
		const sign = position.side === 'long' ? 1 : -1;
		realised = units(sign * vol * cs * (fillPrice - position.entry));
		position.size -= vol;
		side = position.side === 'long' ? 3 : 2;
		if (position.size === 0) position.side = rng.chance(0.5) ? 'long' : 'short';
	} else {
		position.entry = (position.entry * position.size + fillPrice * vol) / (position.size + vol);
		position.size += vol;
		side = position.side === 'long' ? 1 : 4;
	}
	const orderId = account.nextId();
	account.fills.push({
		orderId,
		tradeId: account.nextId(),
		symbol,
		side,
		price: money(fillPrice),
		vol,
		realised,
		fee,
		time
	});
	// One transaction id for a fill's fee and its realized PnL, as in the docs' own sample, where
	// two rows of different types share a tran_id.
	const tranId = add(time, 'Commission Fee', -fee, symbol);
	if (closing) add(time, 'Realized PNL', realised, symbol, tranId);
}

function poisson(rng: Prng, mean: number): number {
	const limit = Math.exp(-mean);
	let k = 0;
	let p = rng.next();
	while (p > limit) {
		k++;
		p *= rng.next();
	}
	return k;
}

export interface ServedTotals {
	realizedPnl: string;
	funding: string;
	fees: string;
	liquidation: string;
	transfers: string;
	net: string;
	rows: number;
}

/**
 * The totals of the rows transaction-history serves in [from, to], added from the exact strings
 * the endpoint sends (BigInt units of 1e-8): what a client that stored every row must show.
 */
export function servedTotals(account: SimAccount, from = -Infinity, to = Infinity): ServedTotals {
	const sums = { realized: 0n, funding: 0n, fees: 0n, liquidation: 0n, transfers: 0n };
	let rows = 0;
	for (const e of account.ledger) {
		if (e.time < from || e.time > to) continue;
		rows++;
		const v = toUnits(money(e.amount));
		if (e.type === 'Realized PNL') sums.realized += v;
		else if (e.type === 'Funding Fee') sums.funding += v;
		else if (e.type === 'Commission Fee') sums.fees += v;
		else if (e.type === 'Liquidation Clearance') sums.liquidation += v;
		else sums.transfers += v;
	}
	const net = sums.realized + sums.funding + sums.fees + sums.liquidation;
	return {
		realizedPnl: fromUnits(sums.realized),
		funding: fromUnits(sums.funding),
		fees: fromUnits(sums.fees),
		liquidation: fromUnits(sums.liquidation),
		transfers: fromUnits(sums.transfers),
		net: fromUnits(net),
		rows
	};
}

function toUnits(text: string): bigint {
	const [whole, frac = ''] = text.replace('-', '').split('.');
	const v = BigInt(whole + frac.padEnd(8, '0'));
	return text.startsWith('-') ? -v : v;
}

/** Canonical text: no trailing zeros, no "-0", like the app's decimal strings. */
function fromUnits(v: bigint): string {
	const negative = v < 0n;
	const digits = (negative ? -v : v).toString().padStart(9, '0');
	const frac = digits.slice(-8).replace(/0+$/, '');
	const whole = digits.slice(0, -8);
	return `${negative ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`;
}
