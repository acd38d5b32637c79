/**
 * The normalized model and the adapter boundary.
 *
 * Everything above `src/lib/exchanges/<venue>/` speaks only these words: no venue field names,
 * side codes or time units leak past an adapter. Prices, sizes and amounts are decimal strings as
 * they came off the wire; times are Unix milliseconds.
 */

import type { BookSequencer } from '$lib/book/sequencer';

export type VenueId = 'demo' | 'bitmart' | 'bitget' | 'ascendex';

/** Where one exchange connection talks to. */
export interface Endpoints {
	rest: string;
	publicWs: string;
	privateWs: string;
}

export interface EndpointPreset {
	id: string;
	label: string;
	endpoints: Endpoints;
	/**
	 * Headers every request of this preset carries (a venue may select its demo environment by a
	 * header, not a host); the preset id is stored with the account so they are sent again.
	 */
	headers?: Readonly<Record<string, string>>;
}

/** One credential a venue's API key comes with, as the add-account form asks for it. */
export interface CredentialField {
	/**
	 * `apiKey` and `secret` are the key and signing secret every venue has; any other id is a venue
	 * extra, carried in `AccountCredentials.fields` under this id.
	 */
	id: string;
	label: string;
	/** Masked while typed. */
	secret: boolean;
	/** A line under the field. */
	hint?: string;
	/** What the form says when the field is left empty. */
	missing: string;
}

/** Everything the app above a venue folder may know about a venue (see registry.ts). */
export interface VenueDescription {
	id: VenueId;
	/** The one display name, used wherever the venue is named. */
	name: string;
	/** A few words after the name in pickers, e.g. "simulated, offline". */
	note?: string;
	/** A sentence about the venue for the connection form. */
	about?: string;
	/** False while the venue's adapter is still to be written. */
	available: boolean;
	/** False for the in-page demo, which has its own fixed endpoints. */
	needsEndpoints: boolean;
	/** In the order the form shows them; always `apiKey` and `secret`, then the venue's extras. */
	credentials: readonly CredentialField[];
	/** How to create a key for Perch: where, and the permissions to tick (named as the venue does). */
	keySetup: { intro: string; permissions: readonly string[] };
	/** Production first (the default), then the venue's demo environment; "custom" is always offered. */
	presets: readonly EndpointPreset[];
	positionModes: readonly PositionMode[];
	/** What an order or position size counts: contracts, or the base coin (contract size 1). */
	sizeUnit: 'contracts' | 'base';
	/**
	 * How a partial close's share of the position becomes a multiple of the size step: 'down'
	 * (never more than asked), or 'nearest' with an exact half down (25 % of 3 contracts is 1).
	 */
	sizeRounding: 'nearest' | 'down';
	/**
	 * Where funding-rate history comes from: the venue's own history (default), or only what Perch
	 * recorded from the live stream while it watched, which the chart must say.
	 */
	fundingHistory?: 'venue' | 'recorded';
	/**
	 * The venue may expect its secret base64-decoded: a second key is imported over the decoded
	 * bytes (AccountCredentials.decodedSigningKey) for the adapter to fall back on.
	 */
	secretMayBeBase64?: boolean;
}

export interface Instrument {
	venue: VenueId;
	symbol: string;
	base: string;
	quote: string;
	/** The asset margin and PnL are settled in. */
	settle: string;
	/** Base units per contract (linear) or quote units per contract (inverse). */
	contractSize: string;
	/** Price tick, e.g. "0.1". */
	priceTick: string;
	/** Order size step in contracts, e.g. "1". */
	sizeStep: string;
	minSize: string;
	maxSize: string;
	linear: boolean;
	/** Funding interval in hours when the venue says it. */
	fundingIntervalHours?: number;
	trading: boolean;
	/** 24h quote volume, for ordering the picker. */
	turnover24h?: string;
	lastPrice?: string;
}

export interface Ticker {
	symbol: string;
	last: string;
	mark: string;
	index: string;
	/** Fractional 24h change, e.g. "0.0123" for +1.23 %. */
	change24h: string;
	high24h?: string;
	low24h?: string;
	/** 24h volume in contracts. */
	volume24h?: string;
	bid?: string;
	ask?: string;
	ts: number;
}

/** One price level as it came off the wire; size is absolute (not a delta), "0" removes it. */
export interface WireLevel {
	price: string;
	size: string;
}

export interface BookSnapshot {
	kind: 'snapshot';
	symbol: string;
	/** The venue's sequence number (BitMart `version`, Bitget `seq`, AscendEX `seqnum`). */
	version: number;
	bids: WireLevel[];
	asks: WireLevel[];
	ts: number;
	/** Bitget: CRC-32 (signed) of the top 25 levels after this message, when the venue sends one. */
	checksum?: number;
}

export interface BookUpdate {
	kind: 'update';
	symbol: string;
	/** The venue's sequence number (BitMart `version`, Bitget `seq`, AscendEX `seqnum`). */
	version: number;
	bids: WireLevel[];
	asks: WireLevel[];
	ts: number;
	/** Bitget: CRC-32 (signed) of the top 25 levels after this message, when the venue sends one. */
	checksum?: number;
}

export type BookMessage = BookSnapshot | BookUpdate;

export interface FundingState {
	symbol: string;
	/** The last settled rate. */
	lastRate: string;
	/** The predicted rate for the next settlement. */
	nextRate: string;
	/** When the next funding is settled. */
	nextFundingTime: number;
	ts: number;
}

export interface FundingRatePoint {
	time: number;
	rate: string;
}

export interface Candle {
	time: number;
	open: string;
	high: string;
	low: string;
	close: string;
	volume: string;
}

export interface Trade {
	symbol: string;
	price: string;
	size: string;
	side: 'buy' | 'sell';
	ts: number;
}

export type PositionSide = 'long' | 'short';
export type MarginMode = 'cross' | 'isolated';
export type PositionMode = 'hedge' | 'one-way';

export interface Position {
	accountId: string;
	symbol: string;
	side: PositionSide;
	/** Size in contracts, exactly as the exchange reported it. */
	size: string;
	entryPrice: string;
	/** Mark from the position feed, if the venue sends one (the live mark comes from the ticker). */
	markPrice?: string;
	liquidationPrice: string;
	/** The position's own margin; '' when the venue reports none for it (a cross position). */
	margin: string;
	leverage: string;
	marginMode: MarginMode;
	positionMode: PositionMode;
	unrealizedPnl?: string;
	realizedPnl?: string;
	updatedAt: number;
}

export interface Balance {
	accountId: string;
	asset: string;
	equity: string;
	available: string;
	positionMargin: string;
	frozen: string;
	unrealizedPnl: string;
	updatedAt: number;
}

export type OrderStatus =
	'pending' | 'open' | 'partially-filled' | 'filled' | 'canceled' | 'rejected';

export interface Order {
	accountId: string;
	orderId: string;
	clientOrderId?: string;
	symbol: string;
	/** Venue-neutral intent. */
	side: 'buy' | 'sell';
	reduceOnly: boolean;
	type: 'market' | 'limit' | 'other';
	price: string;
	size: string;
	filledSize: string;
	avgFillPrice: string;
	status: OrderStatus;
	realizedPnl?: string;
	createdAt: number;
	updatedAt: number;
}

export type LedgerType = 'funding' | 'realized-pnl' | 'fee' | 'transfer' | 'liquidation' | 'other';

export interface LedgerEntry {
	/** Stable across fetches: built from what the venue documents as identifying a row. */
	id: string;
	accountId: string;
	time: number;
	type: LedgerType;
	/** Signed, exactly as the venue sent it: positive is received, negative paid. */
	amount: string;
	asset: string;
	symbol?: string;
}

/** One fill (trade) of one of the account's orders. */
export interface LedgerFill {
	/** Stable across fetches (see LedgerEntry.id). */
	id: string;
	accountId: string;
	time: number;
	symbol: string;
	orderId: string;
	side: 'buy' | 'sell';
	price: string;
	/** Contracts, as the venue counts them. */
	size: string;
	/** Paid fee as the venue reports it (sign as sent). */
	fee: string;
	realizedPnl: string;
	maker?: boolean;
}

/** The ledger endpoints a venue may offer; each has its own paging rules. */
export type LedgerStream = 'entries' | 'fills';

/**
 * How one ledger endpoint pages, in venue-neutral words the sync engine plans with. Windows are
 * Unix ms here; the adapter converts to the venue's unit.
 */
export interface LedgerPaging {
	/** The most rows one answer holds; an answer this full may have left rows out. */
	pageSize: number;
	/** The widest window one request may ask for, ms; undefined when the venue states none. */
	maxWindowMs?: number;
	/** The finest time step the endpoint takes (1000 when it takes seconds). */
	granularityMs: number;
	/** Requests allowed per `ratePeriodMs` for this endpoint and key. */
	rateLimit: number;
	ratePeriodMs: number;
	/** Whether a symbol must be named (then the engine asks once per symbol). */
	needsSymbol: boolean;
	/**
	 * The venue pages by its own cursor (an id, a page number, a sequence number): a page is
	 * complete exactly when it carries no `next`, never by its row count.
	 */
	cursor?: boolean;
}

/** One window's answer; `rows.length >= paging.pageSize` means it was full. */
export interface LedgerPage<T> {
	rows: T[];
	/** The window actually asked for, Unix ms, both ends inclusive. */
	from: number;
	to: number;
	/** The venue's cursor for the rest of this window; absent when the window is done. */
	next?: string;
}

/** A ledger request: both ends inclusive, Unix ms. */
export interface LedgerWindow {
	from: number;
	to: number;
	symbol?: string;
	/** A `next` from the previous page of this window: ask for what follows it. */
	cursor?: string;
}

/** The state of one connection, as the UI shows it. */
export type ConnectionState = 'idle' | 'connecting' | 'live' | 'stale' | 'reconnecting' | 'failed';

export interface ConnectionStatus {
	state: ConnectionState;
	/** Unix ms of the last message received, 0 if none yet. */
	lastMessageAt: number;
	reconnects: number;
	/** Round trip of the last keepalive, ms; undefined until measured. */
	latencyMs?: number;
	/** The last error, in plain words. */
	error?: string;
}

/** A venue error mapped into plain words, keeping the venue's own code. */
export class ExchangeError extends Error {
	constructor(
		message: string,
		readonly code: string | number | undefined,
		readonly kind:
			| 'auth'
			| 'signature'
			| 'clock-skew'
			| 'rate-limit'
			| 'cors'
			| 'network'
			| 'rejected'
			| 'bad-response'
			/** The venue already has an order with this client order id: the request did arrive. */
			| 'duplicate'
	) {
		super(message);
		this.name = 'ExchangeError';
	}
}

export interface MarketHandlers {
	ticker?(t: Ticker): void;
	book?(m: BookMessage): void;
	funding?(f: FundingState): void;
	trades?(t: Trade[]): void;
	/** A frame that could not be parsed, or an error frame from the venue. Never thrown. */
	error?(message: string): void;
}

/**
 * What a watcher wants of the book, in words every venue understands; each venue maps them to its
 * own channels (BitMart: depthIncrease 5, 20 or 50, pushed every 100 or 200 ms).
 */
export interface MarketStreamOptions {
	/** 'full': the deepest book the venue streams; a number: at least the best N levels per side. */
	depth: 'full' | number;
	/** 'fast': the venue's quickest book pushes; 'normal': a calmer rate that costs less. */
	speed: 'fast' | 'normal';
}

/** One public socket; several symbols may be watched on it. */
export interface MarketStream {
	/** Subscribe to ticker, book, funding and trades of one symbol; returns the unsubscribe. */
	watch(symbol: string, handlers: MarketHandlers, options: MarketStreamOptions): () => void;
	/** Ask for a fresh book snapshot (after a sequencer answered 'gap'). */
	requestBookSnapshot(symbol: string): void;
	/** A fresh sequencer for one book: the venue's rule for keeping a local copy in step. */
	newBookSequencer(): BookSequencer;
	/** Levels per side the book channel holds for these options: the local book keeps as many. */
	bookDepth(options: MarketStreamOptions): number;
	/** Called on every status change; returns the unsubscribe. */
	onStatus(listener: (s: ConnectionStatus) => void): () => void;
	readonly status: ConnectionStatus;
	close(): void;
}

export interface ServerTime {
	/** serverTime - localTime (the device's wall clock), ms. */
	offsetMs: number;
	/** Round trip of the measuring request, ms. */
	rttMs: number;
	/** When it was measured, Unix ms on the device's wall clock. */
	measuredAt: number;
}

/** An unlocked account's credentials: the secret exists only inside the non-extractable key. */
export interface AccountCredentials {
	accountId: string;
	apiKey: string;
	/** The venue's extra credentials by field id (see VenueDescription.credentials); may be empty. */
	fields: Readonly<Record<string, string>>;
	signingKey: CryptoKey;
	/**
	 * The same secret base64-decoded, when it decodes: for a venue whose client code signs that way
	 * while its documented vectors use the secret as typed. Non-extractable, sign only.
	 */
	decodedSigningKey?: CryptoKey;
	/** What the adapter learned about this key when it was added (see KeyFacts), sealed with it. */
	learned?: Readonly<Record<string, string>>;
}

/** What validateKey learned about a key, kept with the account. */
export interface KeyFacts {
	/** Venue data the adapter needs again (an account group, which secret form signs), by name. */
	learned?: Record<string, string>;
	/** When the venue says the key expires, Unix ms. */
	keyExpiresAt?: number;
}

/** What an order found again must agree on, besides the client id. */
export interface OrderExpectation {
	side: 'buy' | 'sell';
	size: string;
	reduceOnly: boolean;
}

/** Everything private an account shows, as one REST snapshot. */
export interface AccountSnapshot {
	balances: Balance[];
	positions: Position[];
	orders: Order[];
	positionMode: PositionMode;
	fetchedAt: number;
}

/**
 * Private stream events. Frames are not full views: a balance or position event carries only what
 * the frame had and is merged onto the snapshot by (asset) or (symbol, side).
 */
export type AccountEvent =
	| { type: 'balance'; balance: Partial<Balance> & { asset: string } }
	| {
			type: 'position';
			position: Partial<Position> & { symbol: string; side: PositionSide; size: string };
	  }
	| { type: 'order'; order: Order }
	| { type: 'error'; message: string };

export interface AccountStream {
	onEvent(listener: (e: AccountEvent) => void): () => void;
	onStatus(listener: (s: ConnectionStatus) => void): () => void;
	/** After re-login and resubscribe following a reconnect: time to re-fetch the snapshot. */
	onReconnected(listener: () => void): () => void;
	readonly status: ConnectionStatus;
	/**
	 * Proves the connection answers right now: resolves at once when a frame arrived within
	 * `maxSilenceMs`, otherwise sends a keepalive and waits up to `timeoutMs` for its reply.
	 * Resolves null when live, or the reason it is not.
	 */
	probe(options?: { maxSilenceMs?: number; timeoutMs?: number }): Promise<string | null>;
	close(): void;
}

/** A reduce-only market order that closes (part of) a position; sizes in contracts. */
export interface CloseOrderRequest {
	symbol: string;
	/** The position being closed; the venue maps it to its close side code. */
	positionSide: PositionSide;
	size: string;
	marginMode: MarginMode;
	/** The account's mode when the close was planned; venues whose close differs by mode read it. */
	positionMode: PositionMode;
	clientOrderId: string;
}

/** What an order's fills came to, in the venue's own numbers (decimal strings). */
export interface FillSummary {
	fills: number;
	realizedPnl: string;
	fees: string;
}

export interface SubmittedOrder {
	/** Some venues answer a reduce-only order with the client id only. */
	orderId?: string;
	clientOrderId: string;
}

/**
 * What a venue's own "close whole positions" call did (Bitget's flash close): it takes no client
 * order id and no size, so it bypasses the order gate and is offered only as a labelled fallback.
 * A call can succeed for some positions and fail for others.
 */
export interface FlashCloseResult {
	closed: { symbol: string; orderId?: string; clientOrderId?: string }[];
	/** Each failure with the venue's reason, in its words. */
	failed: { symbol: string; orderId?: string; reason: string; code?: string }[];
}

/** How one signed order request is sent. */
export interface SubmitOptions {
	/**
	 * The exchange-clock time to sign with (Unix ms), chosen and recorded by the order gate
	 * before the request leaves, so it can later prove the request can no longer be accepted.
	 */
	timestamp?: number;
	/** Aborts the request (a timeout). An abort proves nothing about the order. */
	signal?: AbortSignal;
}

/**
 * What the UI and state depend on. One implementation per venue folder.
 */
export interface ExchangeAdapter {
	readonly venue: VenueId;
	readonly endpoints: Endpoints;
	instruments(): Promise<Instrument[]>;
	serverTime(): Promise<ServerTime>;
	fundingHistory(symbol: string, limit?: number): Promise<FundingRatePoint[]>;
	openMarketStream(): MarketStream;

	/**
	 * A read-only private call that proves the key, its extras and the clock work; throws
	 * ExchangeError. May return what it learned about the key, to be stored with the account.
	 */
	validateKey(creds: AccountCredentials): Promise<void | KeyFacts>;
	accountSnapshot(creds: AccountCredentials): Promise<AccountSnapshot>;
	openAccountStream(creds: AccountCredentials): AccountStream;
	/** The exchange's current time as this adapter estimates it (Unix ms); signatures use it. */
	serverNow(): number;
	/**
	 * How long after its signed timestamp a request can still be accepted by the venue. Once that
	 * has passed, an order the venue does not list was never placed.
	 */
	readonly acceptanceWindowMs: number;
	/** A fresh client order id in the venue's allowed format. */
	newClientOrderId(): string;
	submitClose(
		creds: AccountCredentials,
		req: CloseOrderRequest,
		options?: SubmitOptions
	): Promise<SubmittedOrder>;
	/**
	 * Looks an order up by the client id Perch gave it; null when the venue never saw it. A venue
	 * without a query by client id matches on `expected` too.
	 */
	findOrder(
		creds: AccountCredentials,
		symbol: string,
		clientOrderId: string,
		expected?: OrderExpectation
	): Promise<Order | null>;
	/** The realized PnL and fees of an order's fills; null when the venue lists none yet. */
	fillSummary(
		creds: AccountCredentials,
		symbol: string,
		orderId: string
	): Promise<FillSummary | null>;
	cancelOrder(creds: AccountCredentials, symbol: string, orderId: string): Promise<void>;
	cancelAllOrders(creds: AccountCredentials, symbol: string): Promise<void>;
	/**
	 * Optional: the venue's own market close of whole positions (one symbol, one side, or all),
	 * outside the order gate. Absent where the venue has none.
	 */
	flashClose?(
		creds: AccountCredentials,
		target?: { symbol?: string; side?: PositionSide; positionMode?: PositionMode }
	): Promise<FlashCloseResult>;

	/**
	 * Optional: the transaction-history capability. A venue without it still compiles; the
	 * history screen then says the venue has no ledger yet.
	 */
	readonly ledgerPaging?: Readonly<Partial<Record<LedgerStream, LedgerPaging>>>;
	/** Ledger rows (funding, fees, realized PnL, transfers) in one window. */
	ledgerPage?(creds: AccountCredentials, window: LedgerWindow): Promise<LedgerPage<LedgerEntry>>;
	/** Fills in one window. */
	fillsPage?(creds: AccountCredentials, window: LedgerWindow): Promise<LedgerPage<LedgerFill>>;
}
