import { OrderBook } from '$lib/book/order-book';
import type { BookSequencer, BookState } from '$lib/book/sequencer';
import {
	buildDepthColumns,
	type DepthChartSource,
	type DepthColumns
} from '$lib/book/depth-columns';
import { marketStreams, type MarketStreamPool } from '$lib/exchanges/market-stream-pool';
import { createAdapter, type ConnectionChoice } from '$lib/exchanges/registry';
import type {
	BookMessage,
	ConnectionStatus,
	ExchangeAdapter,
	FundingRatePoint,
	FundingState,
	Instrument,
	MarketStream,
	MarketStreamOptions,
	Ticker,
	Trade
} from '$lib/exchanges/types';
import { reuseLevels } from '$lib/book/ladder-levels';
import { everyBeat, onNextBeat, type Beat } from '$lib/render/screen-clock';
import { screenPace } from '$lib/render/pace';
import { createFrameScheduler } from '$lib/render/frame';
import { EventLog } from './event-log.svelte';

export interface LadderLevel {
	price: string;
	size: string;
}

export interface Ladder {
	bids: LadderLevel[];
	asks: LadderLevel[];
}

export type Loadable<T> =
	| { status: 'idle' }
	| { status: 'pending' }
	| { status: 'success'; value: T }
	| { status: 'error'; message: string };

const LADDER_ROWS = 12;
/** Levels per side the depth chart draws. */
const DEPTH_LEVELS = 50;
/**
 * The market screen shows the full book at the venue's calmer rate: the screen shows news on a
 * 250 ms or slower beat (see below), so a 100 ms channel would only double the messages parsed and
 * applied on the phone's main thread for no change anyone can see.
 */
const BOOK_OPTIONS: MarketStreamOptions = { depth: 'full', speed: 'normal' };
const MAX_TRADES = 40;
const IDLE: ConnectionStatus = { state: 'idle', lastMessageAt: 0, reconnects: 0 };
/**
 * The ladder, depth chart, trades and ticker show news on a shared beat: a book can change dozens
 * of times a second, an eye reads a handful, and every frame with a change costs a phone layout,
 * paint and commit. News waits for the next beat, and all of it lands in one frame together with
 * the status and age clocks, which beat on multiples of it. The beat is 250 ms where redraws are
 * cheap and stretches to 500 or 1000 ms on a device where they are not (render/pace.ts).
 * A change of the book's state (empty, live, resyncing) is shown at once.
 */
/** How often the connection status (and the age of its last message) is read off the socket. */
const STATUS_READ_MS = () => screenPace.calmPeriod;
/** Ask again when a requested snapshot has not arrived in this long (the request may be lost). */
const RESYNC_RETRY_MS = 3000;

/**
 * One venue's public market data for the selected symbol: instruments, ticker, book, funding and
 * trades, with the connection's health. Owns the adapter's stream and the order book; components
 * read its getters and never touch the socket or write its state.
 */
/** A trade as the list shows it: `seq` keys its row, so a new trade never rewrites older rows. */
export type ShownTrade = Trade & { readonly seq: number };

export class MarketSession {
	readonly log = new EventLog(100);

	#choice = $state.raw<ConnectionChoice | null>(null);
	#status = $state.raw<ConnectionStatus>(IDLE);
	#instruments = $state.raw<Loadable<Instrument[]>>({ status: 'idle' });
	#symbol = $state.raw<string | null>(null);
	#ticker = $state.raw<Ticker | null>(null);
	#tickerAt = $state.raw(0);
	#funding = $state.raw<FundingState | null>(null);
	#fundingAt = $state.raw(0);
	#fundingHistory = $state.raw<Loadable<FundingRatePoint[]>>({ status: 'idle' });
	#trades = $state.raw<ShownTrade[]>([]);
	#ladder = $state.raw<Ladder>({ bids: [], asks: [] });
	#bookState = $state.raw<BookState>('empty');
	#bookVersion = $state.raw(0);
	#bookAt = $state.raw(0);
	#resyncs = $state.raw(0);
	#clockSkewMs = $state.raw<number | null>(null);

	get choice() {
		return this.#choice;
	}
	get status() {
		return this.#status;
	}
	get instruments() {
		return this.#instruments;
	}
	get symbol() {
		return this.#symbol;
	}
	get ticker() {
		return this.#ticker;
	}
	get tickerAt() {
		return this.#tickerAt;
	}
	get funding() {
		return this.#funding;
	}
	get fundingAt() {
		return this.#fundingAt;
	}
	get fundingHistory() {
		return this.#fundingHistory;
	}
	get trades() {
		return this.#trades;
	}
	get ladder() {
		return this.#ladder;
	}
	get bookState() {
		return this.#bookState;
	}
	get bookVersion() {
		return this.#bookVersion;
	}
	get bookAt() {
		return this.#bookAt;
	}
	get resyncs() {
		return this.#resyncs;
	}
	get clockSkewMs() {
		return this.#clockSkewMs;
	}

	#markets: MarketStreamPool;
	#adapter: ExchangeAdapter | null = null;
	#stream: MarketStream | null = null;
	#unwatch: (() => void) | null = null;
	#unstatus: (() => void) | null = null;
	#book = new OrderBook({ maxDepth: DEPTH_LEVELS });
	/** The venue's rule for keeping `#book` in step; a new one per symbol. */
	#sequencer: BookSequencer | null = null;
	#bookDirty = false;
	#pendingTrades: Trade[] = [];
	#tradeSeq = 0;
	#pendingTicker: { ticker: Ticker; at: number } | null = null;
	#generation = 0;
	#depth: DepthColumns | null = null;
	/** On the page's one frame loop, which the depth chart draws on too. */
	#frame = createFrameScheduler(() => this.#flush());
	#depthListeners = new Set<() => void>();
	#statusBeat: Beat | null = null;
	#resyncRequestedAt = 0;
	/** News waits for the next beat, then draws on the frame loop (so not while the page is hidden). */
	#nextBeat = onNextBeat(
		() => screenPace.period,
		() => this.#frame.request()
	);

	/**
	 * For the depth chart: read the book straight from the non-reactive buffers. Listeners hear of
	 * a new book inside the frame that publishes the ladder, so the chart draws in that frame too.
	 */
	readonly depthSource: DepthChartSource = {
		read: (): DepthColumns | null => {
			if (this.#sequencer === null || this.#sequencer.state === 'empty') return null;
			this.#depth = buildDepthColumns(this.#book, DEPTH_LEVELS, this.#depth ?? undefined);
			return this.#depth;
		},
		onChange: (listener) => {
			this.#depthListeners.add(listener);
			return () => this.#depthListeners.delete(listener);
		}
	};

	constructor(markets: MarketStreamPool = marketStreams) {
		this.#markets = markets;
	}

	get instrument(): Instrument | undefined {
		const list = this.#instruments.status === 'success' ? this.#instruments.value : [];
		return list.find((i) => i.symbol === this.#symbol);
	}

	/** Opens a venue; resolves when instruments are known (or failed to load). */
	async connect(choice: ConnectionChoice, preferredSymbol?: string | null): Promise<void> {
		this.disconnect();
		const generation = ++this.#generation;
		this.#choice = choice;
		this.#instruments = { status: 'pending' };
		this.#status = { ...IDLE, state: 'connecting' };
		let adapter: ExchangeAdapter;
		try {
			adapter = await createAdapter(choice);
		} catch (e) {
			this.#fail(generation, e);
			return;
		}
		if (generation !== this.#generation) return;
		this.#adapter = adapter;
		// Shared with the account sessions on the same venue endpoint: one public socket for all.
		this.#stream = this.#markets.acquire(adapter);
		this.#unstatus = this.#stream.onStatus((s) => {
			if (generation !== this.#generation) return;
			if (s.state === 'reconnecting' && this.#status.state !== 'reconnecting') {
				this.log.add('warn', `Market stream reconnecting${s.error ? `: ${s.error}` : ''}`);
			}
			this.#status = s;
		});
		this.#status = this.#stream.status;
		// The socket reports state changes; the age of the last message is read off it on the beat.
		this.#statusBeat = everyBeat(STATUS_READ_MS, () => {
			if (this.#stream) this.#status = this.#stream.status;
			this.#retryResync();
		});
		void this.#measureClock(adapter, generation);
		try {
			const list = await adapter.instruments();
			if (generation !== this.#generation) return;
			const trading = list.filter((i) => i.trading);
			this.#instruments = { status: 'success', value: trading };
			const pick =
				trading.find((i) => i.symbol === preferredSymbol) ??
				trading.find((i) => i.symbol === 'BTCUSDT') ??
				trading[0];
			if (pick) this.select(pick.symbol);
		} catch (e) {
			this.#fail(generation, e);
		}
	}

	select(symbol: string): void {
		if (!this.#stream || symbol === this.#symbol) return;
		this.#unwatch?.();
		this.#symbol = symbol;
		this.#ticker = null;
		this.#pendingTicker = null;
		this.#funding = null;
		this.#trades = [];
		this.#pendingTrades = [];
		const stream = this.#stream;
		// The venue decides how deep its book channel is and how to keep a copy of it in step.
		this.#book = new OrderBook({ maxDepth: stream.bookDepth(BOOK_OPTIONS) });
		this.#sequencer = stream.newBookSequencer();
		this.#publishBook();
		this.#unwatch = stream.watch(
			symbol,
			{
				ticker: (t) => {
					// Stamped on arrival: the age shown is the data's, not the beat's.
					this.#pendingTicker = { ticker: t, at: Date.now() };
					this.#nextBeat.request();
				},
				book: (m) => this.#onBook(symbol, m),
				funding: (f) => {
					this.#funding = f;
					this.#fundingAt = Date.now();
				},
				trades: (t) => {
					this.#pendingTrades.push(...t);
					this.#nextBeat.request();
				},
				error: (message) => {
					this.log.add('error', message);
				}
			},
			BOOK_OPTIONS
		);
		void this.#loadFundingHistory(symbol);
	}

	/** Diagnostics: the book as the ladder would show it, all levels. */
	bookLevels(side: 'bid' | 'ask', n = DEPTH_LEVELS): LadderLevel[] {
		return this.#book.levels(side, n);
	}

	disconnect(): void {
		this.#generation++;
		this.#unwatch?.();
		this.#unwatch = null;
		this.#unstatus?.();
		this.#unstatus = null;
		this.#statusBeat?.stop();
		this.#statusBeat = null;
		this.#stream?.close();
		this.#stream = null;
		this.#adapter = null;
		this.#frame.cancel();
		this.#nextBeat.cancel();
		this.#pendingTicker = null;
		this.#book.clear();
		this.#sequencer = null;
		this.#symbol = null;
		this.#ticker = null;
		this.#funding = null;
		this.#trades = [];
		this.#publishBook();
		this.#status = IDLE;
	}

	#onBook(symbol: string, m: BookMessage): void {
		const sequencer = this.#sequencer;
		if (symbol !== this.#symbol || !sequencer) return;
		const had = sequencer.version;
		const result = sequencer.apply(m, this.#book);
		if (result === 'gap') {
			this.#resyncs++;
			this.log.add(
				'warn',
				`${symbol} book: version gap at ${m.version} (had ${had}); requesting a snapshot`
			);
			this.#requestSnapshot(symbol);
		}
		if (result === 'applied' || result === 'gap') {
			this.#bookDirty = true;
			// A new state (first book, resync, live again) is shown at once; more of the same waits.
			if ((sequencer.state ?? 'empty') !== this.#bookState) this.#frame.request();
			else this.#nextBeat.request();
		}
	}

	#requestSnapshot(symbol: string): void {
		this.#resyncRequestedAt = Date.now();
		this.#stream?.requestBookSnapshot(symbol);
	}

	#retryResync(): void {
		if (this.#sequencer?.state !== 'resyncing' || !this.#symbol) return;
		if (this.#status.state !== 'live') return;
		if (Date.now() - this.#resyncRequestedAt < RESYNC_RETRY_MS) return;
		this.log.add('warn', `${this.#symbol} book: no snapshot yet; asking again`);
		this.#requestSnapshot(this.#symbol);
	}

	#flush(): void {
		if (this.#bookDirty) {
			this.#publishBook();
			// This frame redraws the streaming panels: what it costs sets the beat.
			screenPace.measureFrame();
		}
		if (this.#pendingTicker) {
			this.#ticker = this.#pendingTicker.ticker;
			this.#tickerAt = this.#pendingTicker.at;
			this.#pendingTicker = null;
		}
		if (this.#pendingTrades.length > 0) {
			// Each trade keeps one row (keyed by its sequence number): older rows move down, unchanged.
			const fresh = this.#pendingTrades.reverse().map((t) => ({ ...t, seq: ++this.#tradeSeq }));
			const merged = [...fresh, ...this.#trades];
			this.#pendingTrades = [];
			this.#trades = merged.slice(0, MAX_TRADES);
		}
	}

	#publishBook(): void {
		this.#bookDirty = false;
		const old = this.#ladder;
		// Unchanged rows keep their objects, so the ladder re-renders only the rows that moved.
		const bids = reuseLevels(old.bids, this.#book.levels('bid', LADDER_ROWS));
		const asks = reuseLevels(old.asks, this.#book.levels('ask', LADDER_ROWS));
		if (bids !== old.bids || asks !== old.asks) {
			this.#ladder = { bids: bids as LadderLevel[], asks: asks as LadderLevel[] };
		}
		this.#bookState = this.#sequencer?.state ?? 'empty';
		this.#bookVersion = this.#sequencer?.version ?? 0;
		this.#bookAt = Date.now();
		for (const listener of [...this.#depthListeners]) {
			try {
				listener();
			} catch (error) {
				console.error('[market] depth listener failed:', error);
			}
		}
	}

	async #loadFundingHistory(symbol: string): Promise<void> {
		const adapter = this.#adapter;
		if (!adapter) return;
		this.#fundingHistory = { status: 'pending' };
		try {
			const points = await adapter.fundingHistory(symbol, 100);
			if (symbol === this.#symbol) this.#fundingHistory = { status: 'success', value: points };
		} catch (e) {
			if (symbol === this.#symbol) {
				this.#fundingHistory = { status: 'error', message: errorMessage(e) };
			}
		}
	}

	async #measureClock(adapter: ExchangeAdapter, generation: number): Promise<void> {
		try {
			const t = await adapter.serverTime();
			if (generation === this.#generation) this.#clockSkewMs = t.offsetMs;
		} catch (e) {
			if (generation === this.#generation) {
				this.log.add('warn', `Could not read the exchange clock: ${errorMessage(e)}`);
			}
		}
	}

	#fail(generation: number, e: unknown): void {
		if (generation !== this.#generation) return;
		const message = errorMessage(e);
		this.#instruments = { status: 'error', message };
		this.log.add('error', message);
	}
}

export function errorMessage(e: unknown): string {
	return e instanceof Error ? e.message : String(e);
}

export const market = new MarketSession();
