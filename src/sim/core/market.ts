import { formatFloat, formatScaled } from './decimal';
import { tickDecimals, type SimInstrument } from './instruments';
import type { Prng } from './prng';

export const BOOK_LEVELS = 200;
export const FUNDING_INTERVAL_MS = 8 * 3600_000;
export const FUNDING_LIMIT = 0.0375;

/** One public trade; price in ticks, size in contracts. */
export interface SimTrade {
	id: number;
	price: number;
	size: number;
	/** True when the buyer was the resting side (the taker sold). */
	buyerMaker: boolean;
	time: number;
}

export interface FundingPoint {
	time: number;
	rate: number;
}

interface MinuteCandle {
	open: number;
	high: number;
	low: number;
	close: number;
	volume: number;
}

/** [price in ticks, size in contracts], best first. */
export type Level = [number, number];

/** The live market of one symbol. Prices are integer ticks, sizes integer contracts. */
export class SymbolMarket {
	readonly instrument: SimInstrument;
	readonly decimals: number;
	readonly startTicks: number;
	readonly startedAt: number;
	last: number;
	mark: number;
	index: number;
	readonly bids = new Map<number, number>();
	readonly asks = new Map<number, number>();
	open24: number;
	high24: number;
	low24: number;
	volume24: number;
	turnover24: number;
	readonly trades: SimTrade[] = [];
	nextTradeId: number;
	lastFundingRate: number;
	nextFundingRate: number;
	nextFundingTime: number;
	readonly fundingHistory: FundingPoint[] = [];
	readonly minutes = new Map<number, MinuteCandle>();
	readonly phase: number;
	/** Set by `pin`: the random walk leaves this market alone until unpinned. */
	pinned = false;
	#sortedBids: Level[] | undefined;
	#sortedAsks: Level[] | undefined;

	constructor(instrument: SimInstrument, rng: Prng, now: number) {
		this.instrument = instrument;
		this.decimals = tickDecimals(instrument);
		this.startTicks = Math.round(Number(instrument.startPrice) * 10 ** this.decimals);
		this.startedAt = now;
		this.last = this.startTicks;
		this.mark = this.last;
		this.index = this.last;
		this.phase = rng.next() * Math.PI * 2;
		this.open24 = Math.round(this.last * (1 + (rng.next() - 0.5) * 0.06));
		this.high24 = Math.max(this.open24, this.last) + Math.round(this.last * 0.004);
		this.low24 = Math.min(this.open24, this.last) - Math.round(this.last * 0.004);
		this.volume24 = instrument.levelSize * rng.int(20_000, 60_000);
		this.turnover24 = this.volume24 * Number(instrument.contractSize) * this.priceOf(this.last);
		this.nextTradeId = rng.int(1_000_000_000, 1_500_000_000);
		this.lastFundingRate = 0.0001 + (rng.next() - 0.5) * 0.0002;
		this.nextFundingRate = this.lastFundingRate;
		const settled = Math.floor(now / FUNDING_INTERVAL_MS) * FUNDING_INTERVAL_MS;
		this.nextFundingTime = settled + FUNDING_INTERVAL_MS;
		for (let i = 99; i >= 0; i--) {
			this.fundingHistory.push({
				time: settled - i * FUNDING_INTERVAL_MS,
				rate: i === 0 ? this.lastFundingRate : 0.0001 + (rng.next() - 0.5) * 0.0004
			});
		}
		this.seedBook(rng);
	}

	priceOf(ticks: number): number {
		return ticks / 10 ** this.decimals;
	}

	price(ticks: number): string {
		return formatScaled(ticks, this.decimals);
	}

	get bestBid(): Level {
		return this.sortedBids()[0] ?? [this.last, 0];
	}

	get bestAsk(): Level {
		return this.sortedAsks()[0] ?? [this.last + 1, 0];
	}

	sortedBids(): Level[] {
		this.#sortedBids ??= [...this.bids].sort((a, b) => b[0] - a[0]);
		return this.#sortedBids;
	}

	sortedAsks(): Level[] {
		this.#sortedAsks ??= [...this.asks].sort((a, b) => a[0] - b[0]);
		return this.#sortedAsks;
	}

	/** One step of the random walk: price, book, trades, funding, stats. Returns new trades. */
	step(rng: Prng, now: number): SimTrade[] {
		if (this.pinned) return [];
		const previous = this.last;
		const sigma = this.instrument.volatility * this.last;
		// A weak pull towards the opening price keeps a long-running demo in a plausible range.
		const drift = (this.startTicks - this.last) * 0.0005;
		this.last = Math.max(10, Math.round(previous + rng.gaussian() * sigma + drift));
		this.reshapeBook(rng, previous);
		this.churnBook(rng);
		this.#sortedBids = undefined;
		this.#sortedAsks = undefined;
		this.mark = this.last + Math.round(rng.gaussian() * Math.max(1, sigma * 0.2));
		this.index = this.mark + Math.round(rng.gaussian() * Math.max(1, sigma * 0.3));
		const trades = this.makeTrades(rng, now);
		this.recordCandle(now);
		this.nextFundingRate = Math.max(
			-FUNDING_LIMIT,
			Math.min(FUNDING_LIMIT, this.nextFundingRate + (rng.next() - 0.5) * 0.000002)
		);
		return trades;
	}

	/**
	 * Hold last, mark and index at exactly `ticks` (a test's known mark) and rebuild the book
	 * around it: best bid at the price, best ask one tick above.
	 */
	pin(ticks: number, rng: Prng): void {
		const previous = this.last;
		this.last = ticks;
		this.mark = ticks;
		this.index = ticks;
		this.pinned = true;
		this.reshapeBook(rng, previous);
		this.#sortedBids = undefined;
		this.#sortedAsks = undefined;
		this.high24 = Math.max(this.high24, ticks);
		this.low24 = Math.min(this.low24, ticks);
	}

	/** Take filled liquidity off a side (`bids` for a sell, `asks` for a buy). */
	consume(side: 'bids' | 'asks', fills: readonly { ticks: number; vol: number }[]): void {
		const book = side === 'bids' ? this.bids : this.asks;
		for (const { ticks, vol } of fills) {
			const left = (book.get(ticks) ?? 0) - vol;
			if (left > 0) book.set(ticks, left);
			else book.delete(ticks);
		}
		this.#sortedBids = undefined;
		this.#sortedAsks = undefined;
	}

	/** Settle funding when its time has come; returns the settlement, if any. */
	settleFunding(now: number): FundingPoint | undefined {
		if (now < this.nextFundingTime) return undefined;
		const point = { time: this.nextFundingTime, rate: this.nextFundingRate };
		this.fundingHistory.push(point);
		if (this.fundingHistory.length > 500) this.fundingHistory.shift();
		this.lastFundingRate = point.rate;
		this.nextFundingTime = (Math.floor(now / FUNDING_INTERVAL_MS) + 1) * FUNDING_INTERVAL_MS;
		return point;
	}

	/** A deterministic smooth price for times before the simulator started (history charts). */
	historicPrice(timeMs: number): number {
		const shape = (t: number) =>
			1 +
			0.015 * Math.sin((t / 86_400_000) * 2 * Math.PI * 1.3 + this.phase) +
			0.004 * Math.sin((t / 3_600_000) * 2 * Math.PI * 0.7 + this.phase * 2);
		return (this.priceOf(this.startTicks) * shape(timeMs)) / shape(this.startedAt);
	}

	liveMinute(minuteStartMs: number): MinuteCandle | undefined {
		return this.minutes.get(minuteStartMs);
	}

	formatRate(rate: number): string {
		return formatFloat(rate, 12);
	}

	private seedBook(rng: Prng): void {
		this.fillSide(this.bids, this.last, -1, rng);
		this.fillSide(this.asks, this.last + 1, 1, rng);
	}

	private levelSize(rng: Prng): number {
		return Math.max(1, Math.round(this.instrument.levelSize * (0.1 + rng.next() * 1.9)));
	}

	/** Grow a side away from `top` until it holds BOOK_LEVELS levels, leaving occasional gaps. */
	private fillSide(side: Map<number, number>, top: number, direction: 1 | -1, rng: Prng): void {
		if (!side.has(top)) side.set(top, this.levelSize(rng));
		let far = top;
		for (const price of side.keys()) if ((price - far) * direction > 0) far = price;
		while (side.size < BOOK_LEVELS) {
			far += direction * (rng.chance(0.85) ? 1 : 2);
			if (far <= 0) break;
			if (!side.has(far)) side.set(far, this.levelSize(rng));
		}
		if (side.size > BOOK_LEVELS) {
			const ordered = [...side.keys()].sort((a, b) => (a - b) * direction);
			for (const price of ordered.slice(BOOK_LEVELS)) side.delete(price);
		}
	}

	private reshapeBook(rng: Prng, previous: number): void {
		for (const price of [...this.bids.keys()]) if (price > this.last) this.bids.delete(price);
		for (const price of [...this.asks.keys()]) if (price <= this.last) this.asks.delete(price);
		// Liquidity refills the ground the price just crossed.
		for (let p = this.last; p > previous; p--)
			if (rng.chance(0.85)) this.bids.set(p, this.levelSize(rng));
		for (let p = this.last + 1; p < previous + 1; p++)
			if (rng.chance(0.85)) this.asks.set(p, this.levelSize(rng));
		this.fillSide(this.bids, this.last, -1, rng);
		this.fillSide(this.asks, this.last + 1, 1, rng);
	}

	/** Change, remove and add a few levels, mostly near the top where the eye is. */
	private churnBook(rng: Prng): void {
		const changes = rng.int(3, 10);
		for (let i = 0; i < changes; i++) {
			const bid = rng.chance(0.5);
			const side = bid ? this.bids : this.asks;
			const top = bid ? this.last : this.last + 1;
			const distance = Math.floor(rng.next() ** 2 * 60);
			const price = bid ? top - distance : top + distance;
			if (price <= 0) continue;
			if (side.has(price) && price !== top && rng.chance(0.2)) side.delete(price);
			else side.set(price, this.levelSize(rng));
		}
		this.fillSide(this.bids, this.last, -1, rng);
		this.fillSide(this.asks, this.last + 1, 1, rng);
	}

	private makeTrades(rng: Prng, now: number): SimTrade[] {
		const trades: SimTrade[] = [];
		const count = rng.int(0, 2);
		for (let i = 0; i < count; i++) {
			const takerBuys = rng.chance(0.5);
			const price = takerBuys ? this.last + 1 : this.last;
			const size = rng.int(1, Math.max(1, Math.round(this.instrument.levelSize / 3)));
			const trade = { id: this.nextTradeId++, price, size, buyerMaker: !takerBuys, time: now };
			trades.push(trade);
			this.volume24 += size;
			this.turnover24 += size * Number(this.instrument.contractSize) * this.priceOf(price);
		}
		this.trades.push(...trades);
		if (this.trades.length > 200) this.trades.splice(0, this.trades.length - 200);
		this.high24 = Math.max(this.high24, this.last);
		this.low24 = Math.min(this.low24, this.last);
		return trades;
	}

	private recordCandle(now: number): void {
		const minute = Math.floor(now / 60_000) * 60_000;
		const candle = this.minutes.get(minute);
		const volume = this.trades.reduce((sum, t) => (t.time === now ? sum + t.size : sum), 0);
		if (candle) {
			candle.high = Math.max(candle.high, this.last);
			candle.low = Math.min(candle.low, this.last);
			candle.close = this.last;
			candle.volume += volume;
		} else {
			this.minutes.set(minute, {
				open: this.last,
				high: this.last,
				low: this.last,
				close: this.last,
				volume
			});
			if (this.minutes.size > 10_080) this.minutes.delete(this.minutes.keys().next().value!);
		}
	}
}

/** All symbols' markets, stepped together on one timer by SimExchange. */
export class MarketEngine {
	readonly markets = new Map<string, SymbolMarket>();

	constructor(instruments: readonly SimInstrument[], rng: Prng, now: number) {
		for (const instrument of instruments) {
			this.markets.set(instrument.symbol, new SymbolMarket(instrument, rng, now));
		}
	}

	get(symbol: string): SymbolMarket | undefined {
		return this.markets.get(symbol);
	}
}
