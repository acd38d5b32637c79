/**
 * The shape of Perch's one IndexedDB database. Only `accounts[].secret` and `vault.verifier` hold
 * secret material, and both are AES-GCM ciphertext; everything else is safe to read unlocked.
 */
import type { DBSchema } from 'idb';
import type {
	Endpoints,
	MarginMode,
	Order,
	PositionMode,
	PositionSide,
	VenueId
} from '$lib/exchanges/types';
import { LEDGER_STORES, type LedgerStores } from './ledger-schema';
import { EQUITY_STORES, type EquityStores } from './step-equity-samples';

export const DB_NAME = 'perch';
/** Raise by one and add an `if (oldVersion < N)` step in open.ts; never edit an old step. */
export const DB_VERSION = 5;

/** AES-GCM output as stored: a 96-bit IV and the ciphertext with its 128-bit tag appended. */
export interface EncryptedBlob {
	iv: Uint8Array<ArrayBuffer>;
	ciphertext: ArrayBuffer;
}

export interface KdfParams {
	algorithm: 'PBKDF2-SHA256';
	iterations: number;
	salt: Uint8Array<ArrayBuffer>;
}

/**
 * The singleton record under key 'meta': how to derive the passphrase key, and how to tell it is
 * right. Version 1 (written before the data key existed): that key seals the accounts itself.
 * Version 2: a random data key seals the accounts and is stored only wrapped, under the passphrase
 * key and optionally under a key derived from a passkey's PRF output.
 */
export type VaultMeta = VaultMetaV1 | VaultMetaV2;

export interface VaultMetaV1 {
	/** Format of the vault record itself, not the database version. */
	version: 1;
	kdf: KdfParams;
	/** A known constant encrypted with the vault key: decrypts only with the right passphrase. */
	verifier: EncryptedBlob;
	createdAt: number;
}

export interface VaultMetaV2 {
	version: 2;
	kdf: KdfParams;
	/** A known constant under the passphrase key: tells a wrong passphrase from a damaged key. */
	verifier: EncryptedBlob;
	/** The data key, AES-GCM-wrapped under the passphrase key. */
	dataKey: EncryptedBlob;
	/** The data key wrapped under a passkey's PRF-derived key, when one was added. */
	passkey?: PasskeyWrap;
	createdAt: number;
}

/** Nothing here is secret: without the authenticator the PRF output cannot be computed. */
export interface PasskeyWrap {
	/** The WebAuthn credential id, asked for by id at unlock. */
	credentialId: Uint8Array<ArrayBuffer>;
	/** The relying party (the app's host name) the passkey was made for. */
	rpId: string;
	/** The PRF input ("first" salt) sent to the authenticator. */
	prfSalt: Uint8Array<ArrayBuffer>;
	/** The HKDF salt for turning the PRF output into the wrapping key. */
	hkdfSalt: Uint8Array<ArrayBuffer>;
	/** The data key wrapped under the HKDF-derived key. */
	dataKey: EncryptedBlob;
	createdAt: number;
}

export interface AccountRecord {
	id: string;
	label: string;
	venue: VenueId;
	endpoints: Endpoints;
	/**
	 * The endpoint preset the account was added with (its headers are sent again), or "custom".
	 * Missing on records written before it was stored; the vault adds it when it re-seals them.
	 */
	presetId?: string;
	createdAt: number;
	/**
	 * Encrypted JSON {v: 2, apiKey, secret, fields} (older records: format 1, see
	 * vault/account-secret.ts); bound to id, label, venue, endpoints and preset.
	 */
	secret: EncryptedBlob;
}

export type CloseState =
	/** Recorded before sending: the client order id is reserved for this intent. */
	| 'pending'
	/** The request left; the outcome is not known yet. */
	| 'sent'
	/** The private stream (or a query) confirmed the order. */
	| 'confirmed'
	/** The exchange refused it with a code, or canceled it: final. */
	| 'rejected'
	/**
	 * Proven absent: its signed timestamp is past the venue's acceptance window and the venue
	 * lists no order with this client id. Final.
	 */
	| 'not-placed'
	/** The request failed in a way that leaves the outcome open: query before any retry. */
	| 'unknown';

/** What was asked for, without any credential. */
export interface CloseRequestRecord {
	venue: VenueId;
	symbol: string;
	positionSide: PositionSide;
	/** The order side that reduces the position. */
	orderSide: 'buy' | 'sell';
	/** Contracts, exactly as sent. */
	size: string;
	/** Missing on records written before it was stored; those were cross or isolated as planned. */
	marginMode?: MarginMode;
	/** The account's position mode when planned; missing on records written before it was stored. */
	positionMode?: PositionMode;
	type: 'market' | 'limit';
	price?: string;
	/** The fraction of the position the user chose, e.g. "0.5", if the close was fractional. */
	fraction?: string;
}

export interface CloseOutcome {
	orderId?: string;
	filledSize?: string;
	avgFillPrice?: string;
	/** The exchange's own realized PnL and fees for the fills, when it lists them. */
	realizedPnl?: string;
	fees?: string;
	/** A plain-words error (never a credential or a signed URL). */
	error?: string;
	errorCode?: string | number;
	at: number;
}

export interface CloseRecord {
	/** The client order id sent to the exchange: one per close intent. */
	id: string;
	accountId: string;
	createdAt: number;
	updatedAt: number;
	request: CloseRequestRecord;
	state: CloseState;
	outcome?: CloseOutcome;
	/** The last order report seen for this id, if any. */
	order?: Order;
	/**
	 * The exchange-clock time (Unix ms) of the latest signature sent for this intent, recorded
	 * before the request left: once the venue's acceptance window has passed it, a request can no
	 * longer be accepted. Missing on records written before it existed.
	 */
	signedAt?: number;
	/** Earlier unresolved intents on the same position the user chose to override. */
	overrides?: string[];
}

export interface SettingRecord {
	key: string;
	value: unknown;
}

/**
 * An account's last positions, balances and open orders, as JSON sealed with the vault's data key
 * (see vault/last-known.ts): readable only while unlocked, shown before the streams answer.
 */
export interface LastKnownRecord {
	accountId: string;
	state: EncryptedBlob;
}

export interface PerchDB extends DBSchema, LedgerStores, EquityStores {
	vault: {
		key: 'meta';
		value: VaultMeta;
	};
	accounts: {
		key: string;
		value: AccountRecord;
	};
	closes: {
		key: string;
		value: CloseRecord;
		indexes: { 'by-account': string; 'by-created': number };
	};
	settings: {
		key: string;
		value: SettingRecord;
	};
	/**
	 * Made by the first step and never used; the drop-snapshots step deletes it. Kept in the type
	 * only so that released step still compiles: `never` lets no code read or write it.
	 */
	snapshots: {
		key: string;
		value: never;
	};
	lastKnown: {
		key: string;
		value: LastKnownRecord;
	};
}

export type PerchStoreName =
	| 'vault'
	| 'accounts'
	| 'closes'
	| 'settings'
	| 'lastKnown'
	| (typeof LEDGER_STORES)[number]
	| (typeof EQUITY_STORES)[number];
export const ALL_STORES: PerchStoreName[] = [
	'vault',
	'accounts',
	'closes',
	'settings',
	'lastKnown',
	...LEDGER_STORES,
	...EQUITY_STORES
];
