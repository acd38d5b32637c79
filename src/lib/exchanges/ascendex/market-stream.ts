/**
 * The public AscendEX feed over one socket (notes §3.5–3.6): `futures-pricing-data` (all
 * contracts on one channel: mark, index, funding), `bbo:`, `depth:` and `trades:` per symbol.
 * Book snapshots come from REST `v1/depth`; the sequencer decides when one is needed. The 24 h
 * figures have no channel: REST `v2/futures/ticker`, read on watch and every minute.
 */

import type { BookSequencer } from '$lib/book/sequencer';
import type {
	ConnectionStatus,
	MarketHandlers,
	MarketStream,
	MarketStreamOptions,
	Ticker
} from '$lib/exchanges/types';
import type { ReconnectingSocket } from '$lib/net/socket';
import { AscendexBookSequencer } from './book-sequencer';
import { isObject, type WireObject } from './fields';
import type { FundingRecorder } from './funding-recorder';
import {
	fundingOf,
	normalizeBbo,
	normalizeDepth,
	normalizePricing,
	normalizeTrades,
	type PricingRow
} from './normalize';
import type { AscendexRest, Ticker24h } from './rest';
import { disconnectReason } from './stream';

export const PRICING_TOPIC = 'futures-pricing-data';
const TICKER_REFRESH_MS = 60_000;
const SNAPSHOT_RETRY_MS = 3_000;
/** The depth channel streams the whole book (throttled to 300 ms): no depth choice to make. */
const BOOK_DEPTH = 500;

interface Watcher {
	symbol: string;
	handlers: MarketHandlers;
	topics: string[];
}

interface SymbolState {
	pricing?: PricingRow;
	bid?: string;
	ask?: string;
	last?: string;
	day?: Ticker24h;
}

export class AscendexMarketStream implements MarketStream {
	readonly #socket: ReconnectingSocket;
	readonly #rest: AscendexRest;
	readonly #recorder: FundingRecorder;
	readonly #now: () => number;
	readonly #watchers = new Set<Watcher>();
	readonly #topicCount = new Map<string, number>();
	readonly #state = new Map<string, SymbolState>();
	readonly #snapshotting = new Set<string>();
	readonly #stops: (() => void)[];
	#tickerTimer: ReturnType<typeof setInterval> | undefined;
	#connected = false;
	#closed = false;

	constructor(
		socket: ReconnectingSocket,
		rest: AscendexRest,
		recorder: FundingRecorder,
		now: () => number = Date.now
	) {
		this.#socket = socket;
		this.#rest = rest;
		this.#recorder = recorder;
		this.#now = now;
		this.#stops = [
			socket.onMessage((msg) => this.#message(msg)),
			socket.onError((message) => this.#each(undefined, (h) => h.error?.(message))),
			// Frames sent while the socket was down are lost: every book starts again from a snapshot.
			socket.onReconnected(() => {
				for (const symbol of this.#bookSymbols()) this.requestBookSnapshot(symbol);
			})
		];
	}

	watch(symbol: string, handlers: MarketHandlers, _options: MarketStreamOptions): () => void {
		const topics: string[] = [];
		if (handlers.ticker || handlers.funding) topics.push(PRICING_TOPIC);
		if (handlers.ticker) topics.push(`bbo:${symbol}`);
		if (handlers.book) topics.push(`depth:${symbol}`);
		if (handlers.trades || handlers.ticker) topics.push(`trades:${symbol}`);
		const watcher: Watcher = { symbol, handlers, topics };
		this.#watchers.add(watcher);
		const added: string[] = [];
		for (const topic of topics) {
			const n = this.#topicCount.get(topic) ?? 0;
			this.#topicCount.set(topic, n + 1);
			if (n === 0) added.push(topic);
		}
		if (added.length > 0) this.#socket.addTopics(added);
		if (handlers.ticker) {
			void this.#refreshTicker(symbol);
			this.#tickerTimer ??= setInterval(() => {
				for (const s of new Set([...this.#watchers].map((w) => w.symbol))) {
					void this.#refreshTicker(s);
				}
			}, TICKER_REFRESH_MS);
		}
		if (!this.#connected) {
			this.#connected = true;
			this.#socket.connect();
		}
		return () => this.#unwatch(watcher);
	}

	/** Fetches a REST snapshot and hands it to the symbol's book watchers; retries until one lands. */
	requestBookSnapshot(symbol: string): void {
		if (this.#snapshotting.has(symbol) || this.#closed) return;
		this.#snapshotting.add(symbol);
		const attempt = async () => {
			if (this.#closed || !this.#bookSymbols().has(symbol)) {
				this.#snapshotting.delete(symbol);
				return;
			}
			try {
				const book = await this.#rest.depthSnapshot(symbol);
				this.#snapshotting.delete(symbol);
				if (!this.#closed) this.#each(symbol, (h) => h.book?.(book));
			} catch (error) {
				this.#each(symbol, (h) =>
					h.error?.(
						`Could not load the ${symbol} book snapshot: ${error instanceof Error ? error.message : String(error)}`
					)
				);
				setTimeout(() => void attempt(), SNAPSHOT_RETRY_MS);
			}
		};
		void attempt();
	}

	newBookSequencer(): BookSequencer {
		return new AscendexBookSequencer();
	}

	bookDepth(_options: MarketStreamOptions): number {
		return BOOK_DEPTH;
	}

	onStatus(listener: (s: ConnectionStatus) => void): () => void {
		return this.#socket.onStatus(listener);
	}

	get status(): ConnectionStatus {
		return this.#socket.status;
	}

	close(): void {
		this.#closed = true;
		for (const stop of this.#stops.splice(0)) stop();
		if (this.#tickerTimer) clearInterval(this.#tickerTimer);
		this.#watchers.clear();
		this.#topicCount.clear();
		this.#socket.close();
	}

	#unwatch(watcher: Watcher): void {
		if (!this.#watchers.delete(watcher)) return;
		const removed: string[] = [];
		for (const topic of watcher.topics) {
			const n = (this.#topicCount.get(topic) ?? 1) - 1;
			if (n <= 0) {
				this.#topicCount.delete(topic);
				removed.push(topic);
			} else this.#topicCount.set(topic, n);
		}
		if (removed.length > 0) this.#socket.removeTopics(removed);
		if (this.#watchers.size === 0 && this.#tickerTimer) {
			clearInterval(this.#tickerTimer);
			this.#tickerTimer = undefined;
		}
	}

	#bookSymbols(): Set<string> {
		const out = new Set<string>();
		for (const w of this.#watchers) if (w.handlers.book) out.add(w.symbol);
		return out;
	}

	async #refreshTicker(symbol: string): Promise<void> {
		try {
			const day = await this.#rest.ticker(symbol);
			const state = this.#stateOf(symbol);
			state.day = day;
			state.last ??= day.close;
			this.#emitTicker(symbol);
		} catch (error) {
			this.#each(symbol, (h) =>
				h.error?.(
					`Could not load the ${symbol} 24 h ticker: ${error instanceof Error ? error.message : String(error)}`
				)
			);
		}
	}

	#stateOf(symbol: string): SymbolState {
		let state = this.#state.get(symbol);
		if (!state) this.#state.set(symbol, (state = {}));
		return state;
	}

	#message(msg: unknown): void {
		if (!isObject(msg)) return;
		const reason = disconnectReason(msg);
		if (reason) {
			this.#socket.reconnectNow(reason);
			return;
		}
		try {
			this.#dispatch(msg);
		} catch (error) {
			const symbol = typeof msg.symbol === 'string' ? msg.symbol : undefined;
			const text = `Could not read a ${String(msg.m)} frame: ${error instanceof Error ? error.message : String(error)}`;
			this.#each(symbol, (h) => h.error?.(text));
		}
	}

	#dispatch(msg: WireObject): void {
		switch (msg.m) {
			case 'depth': {
				const book = normalizeDepth(msg, 'update');
				return this.#each(book.symbol, (h) => h.book?.(book));
			}
			case 'bbo': {
				const bbo = normalizeBbo(msg);
				const state = this.#stateOf(bbo.symbol);
				state.bid = bbo.bid ?? state.bid;
				state.ask = bbo.ask ?? state.ask;
				return this.#emitTicker(bbo.symbol);
			}
			case 'trades': {
				const trades = normalizeTrades(msg);
				const symbol = typeof msg.symbol === 'string' ? msg.symbol : '';
				if (trades.length > 0) this.#stateOf(symbol).last = trades[trades.length - 1].price;
				return this.#each(symbol, (h) => h.trades?.(trades));
			}
			case 'futures-pricing-data':
			case 'futures-pricing-data-batch': {
				for (const row of normalizePricing(msg)) {
					this.#recorder.record(row);
					this.#stateOf(row.symbol).pricing = row;
					this.#each(row.symbol, (h) => h.funding?.(fundingOf(row)));
					this.#emitTicker(row.symbol);
				}
				return;
			}
			case 'error':
				return this.#each(undefined, (h) =>
					h.error?.(
						`AscendEX: ${String(msg.reason ?? msg.info ?? 'error')} (code ${String(msg.code)})`
					)
				);
			default:
				return;
		}
	}

	#emitTicker(symbol: string): void {
		const state = this.#state.get(symbol);
		const pricing = state?.pricing;
		if (!state || !pricing) return;
		const day = state.day;
		const last = state.last ?? pricing.mark;
		const open = day?.open !== undefined ? Number(day.open) : NaN;
		const change = open > 0 ? String((Number(last) - open) / open) : '0';
		const ticker: Ticker = {
			symbol,
			last,
			mark: pricing.mark,
			index: pricing.index,
			change24h: change,
			high24h: day?.high,
			low24h: day?.low,
			volume24h: day?.volume,
			bid: state.bid,
			ask: state.ask,
			ts: pricing.ts || this.#now()
		};
		this.#each(symbol, (h) => h.ticker?.(ticker));
	}

	/** Calls the handlers of watchers of `symbol`, or every watcher's when no symbol is named. */
	#each(symbol: string | undefined, call: (handlers: MarketHandlers) => void): void {
		for (const watcher of [...this.#watchers]) {
			if (symbol !== undefined && watcher.symbol !== symbol) continue;
			try {
				call(watcher.handlers);
			} catch (error) {
				console.error('[ascendex market] handler failed:', error);
			}
		}
	}
}
