/**
 * Months of AscendEX account history, from the shared generator (src/sim/core/history.ts): its
 * funding becomes funding payments and `Fundingpayment` events, its fills become balance-history
 * order rows (position, reference cost, fee) with a `Futuressettlement` for realized PnL, its
 * transfers deposits and withdrawals. The endpoints then serve them by their own rules: every
 * funding payment, and the balance history of the last 7 days only.
 */
import { money, SimAccount } from '../core/accounts';
import { seedHistory, type HistoryOptions } from '../core/history';
import type { MarketEngine } from '../core/market';
import { fillJournal, lotsToQty, type AscendexAccount, type JournalDraft } from './account';

const DAY_MS = 86_400_000;
/** Docs: the balance history keeps the most recent 7 days. */
export const BALANCE_KEEP_MS = 7 * DAY_MS;

export function seedAscendexHistory(
	account: AscendexAccount,
	engine: MarketEngine,
	opts: HistoryOptions
): void {
	// A scratch core account: the generator's rows, without touching the live account's state.
	const scratch = new SimAccount(
		{ apiKey: `${account.apiKey}-history`, secret: 'x', memo: '', positionMode: 'one_way' },
		engine,
		(() => {
			let id = 1;
			return () => id++;
		})(),
		opts.now
	);
	scratch.ledger.length = 0;
	seedHistory(scratch, engine, opts);

	type Timed = { time: number; make: () => JournalDraft[] };
	const timed: Timed[] = [];
	const refCosts = new Map<string, number>();
	const positions = new Map<string, number>();
	let wallet = 0;
	for (const e of scratch.ledger) {
		if (e.type === 'Funding Fee' || e.type === 'Transfer') {
			timed.push({
				time: e.time,
				make: () => {
					wallet += e.amount;
					const eventType =
						e.type === 'Funding Fee' ? 'Fundingpayment' : e.amount >= 0 ? 'deposit' : 'withdrawal';
					return [
						{
							kind: 'balance',
							transactTime: e.time,
							eventType,
							deltaQty: e.amount,
							curBalance: wallet
						}
					];
				}
			});
		}
	}
	for (const f of scratch.fills) {
		timed.push({
			time: f.time,
			make: () => {
				const contract = account.contract(f.symbol);
				if (!contract) return [];
				const signed = f.side === 1 || f.side === 2 ? f.vol : -f.vol;
				const after = (positions.get(f.symbol) ?? 0) + signed;
				positions.set(f.symbol, after);
				const position = (after < 0 ? '-' : '') + lotsToQty(Math.abs(after), contract);
				const fill = fillJournal(f, contract, refCosts, position);
				const side: 'Buy' | 'Sell' = signed > 0 ? 'Buy' : 'Sell';
				wallet -= f.fee;
				const rows: JournalDraft[] = [
					{ ...fill, orderId: `h${f.orderId}`, orderType: 'Market', side }
				];
				if (f.realised !== 0) {
					wallet += f.realised;
					rows.push({
						kind: 'balance',
						transactTime: f.time,
						eventType: 'Futuressettlement',
						deltaQty: f.realised,
						curBalance: wallet
					});
				}
				return rows;
			}
		});
	}
	timed.sort((a, b) => a.time - b.time);
	const journal = timed.flatMap((t) => t.make());
	const payments = scratch.ledger
		.filter((e) => e.type === 'Funding Fee')
		.map((e) => ({
			timestamp: e.time,
			symbol: e.symbol,
			// The generator keeps no rate; a nominal one keeps the row's shape.
			fundingRate: e.amount < 0 ? '0.0001' : '-0.0001',
			paymentInUSDT: money(e.amount)
		}));
	account.prependHistory(journal, payments);
}

/**
 * What a client that stored every served row must total, from the strings the endpoints send:
 * all funding payments; the balance history as served at `servedAt` (its last 7 days).
 */
export function ascendexServedTotals(account: AscendexAccount, servedAt: number) {
	const sums = { realized: 0n, funding: 0n, fees: 0n, transfers: 0n };
	for (const p of account.fundingPayments) sums.funding += toUnits(p.paymentInUSDT);
	for (const j of account.journal) {
		if (j.transactTime < servedAt - BALANCE_KEEP_MS) continue;
		if (j.kind === 'order') sums.fees += toUnits(money(j.fee));
		else if (j.eventType === 'Futuressettlement') sums.realized += toUnits(money(j.deltaQty));
		else if (j.eventType === 'deposit' || j.eventType === 'withdrawal') {
			sums.transfers += toUnits(money(j.deltaQty));
		}
	}
	return {
		realizedPnl: fromUnits(sums.realized),
		funding: fromUnits(sums.funding),
		fees: fromUnits(sums.fees),
		transfers: fromUnits(sums.transfers),
		net: fromUnits(sums.realized + sums.funding + sums.fees)
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
