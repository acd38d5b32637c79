/**
 * What the account screens show, already computed: components render these and call the actions
 * they are given; they never compute money or touch sessions.
 */
import type { KeyExpiry } from '$lib/domain/key-expiry';
import type {
	ConnectionStatus,
	Endpoints,
	MarginMode,
	PositionMode,
	VenueId
} from '$lib/exchanges/types';

export interface PositionView {
	/** Stable key: accountId:symbol:side. */
	key: string;
	accountId: string;
	accountLabel: string;
	symbol: string;
	side: 'long' | 'short';
	/** In the venue's size unit, exactly as the exchange reported. */
	size: string;
	/** Decimals of `size` as the exchange wrote it: a fractional size is never shown rounded. */
	sizeDecimals: number;
	/** The size's unit as the card shows it: "cont." or the base coin ("BTC"). */
	sizeUnit: string;
	/**
	 * size × contract size, exact, with the base asset, e.g. "0.012 BTC"; null when the size is
	 * already in the base coin.
	 */
	baseQuantity: string | null;
	entryPrice: string;
	/** Live mark from the public ticker (falls back to the position feed's mark). */
	markPrice: string | null;
	markAgeMs: number | null;
	liquidationPrice: string | null;
	/** Signed fraction of the mark the price may move against the position before liquidation. */
	liquidationDistance: number | null;
	unrealizedPnl: number | null;
	/** Return on margin, a fraction. */
	roe: number | null;
	margin: string;
	leverage: string;
	marginMode: MarginMode;
	positionMode: PositionMode;
	/** Estimated next funding payment in the settle asset; negative = the position pays. */
	nextFunding: number | null;
	settle: string;
	priceDecimals: number;
	updatedAt: number;
	/** A close for this position is in flight: its controls stay disabled until it is final. */
	closing: boolean;
	/**
	 * The outcome of an earlier close is unknown: Perch is checking with the exchange about these
	 * client order ids, and only an explicit override may send a new close.
	 */
	checking: string[];
	/** Not live: "as of 14:02, 3 min ago" for last-known numbers; null when live. */
	lastKnown?: string | null;
}

export interface BalanceView {
	asset: string;
	equity: string;
	available: string;
	unrealizedPnl: string;
	/** positionMargin / equity, a fraction. */
	marginUsage: number | null;
}

export interface OrderView {
	accountId: string;
	orderId: string;
	symbol: string;
	side: 'buy' | 'sell';
	reduceOnly: boolean;
	type: string;
	price: string;
	size: string;
	filledSize: string;
	status: string;
	createdAt: number;
}

export interface AccountView {
	id: string;
	label: string;
	venue: VenueId;
	/** The venue's display name, from the registry. */
	venueName: string;
	/** Private stream health. */
	status: ConnectionStatus;
	/** 'loading' until the first REST snapshot; 'error' with a message when it failed. */
	snapshot: 'loading' | 'ready' | 'error';
	error: string | null;
	positionMode: PositionMode | null;
	balances: BalanceView[];
	positionCount: number;
	orderCount: number;
	snapshotAgeMs: number | null;
	/** Exchange time − device time, ms; null until measured. */
	clockSkewMs: number | null;
	/** The key's expiry when the venue gives one, with the two-week warning. */
	keyExpiry: KeyExpiry | null;
	/** Not live: "as of 14:02, 3 min ago" for last-known numbers; null when live. */
	lastKnown?: string | null;
}

export interface AccountMetaView {
	id: string;
	label: string;
	venue: VenueId;
	/** The venue's display name, from the registry. */
	venueName: string;
	endpoints: Endpoints;
}

/** One close attempt as the audit log shows it (no secrets are ever stored there). */
export interface CloseAuditView {
	id: string;
	createdAt: number;
	accountLabel: string;
	/** The human sentence: "Sell 12 BTCUSDT contracts at market, reduce-only, account Main". */
	description: string;
	/** The request as sent, without credentials: JSON text. */
	request: string;
	state: 'pending' | 'sent' | 'confirmed' | 'rejected' | 'not-placed' | 'unknown';
	outcome: string;
	/** Earlier unresolved intents this one deliberately overrode (“I checked, send a new close”). */
	overrides: string[];
}

/** Feedback for the latest close of a position, shown next to it. */
export interface CloseFeedback {
	key: string;
	tone: 'info' | 'success' | 'error';
	message: string;
	at: number;
}
