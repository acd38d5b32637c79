/**
 * BitMart Futures V2 REST: public market calls returning normalized types, and the signed request
 * helper the account calls will use. Secrets never leave the CryptoKey; errors name the host only.
 */

import type {
	BookSnapshot,
	Candle,
	FundingRatePoint,
	FundingState,
	Instrument,
	Trade,
	VenueId
} from '$lib/exchanges/types';
import type { ServerClock } from '$lib/net/clock';
import {
	abortedError,
	badResponseError,
	bitmartError,
	networkError,
	unreachableError
} from './errors';
import { WireFormatError, asArray, asObject, isObject, optNumber, reqNumber } from './fields';
import {
	normalizeCandle,
	normalizeContract,
	normalizeFundingPoint,
	normalizeRestDepth,
	normalizeRestFunding,
	normalizeRestTrade
} from './normalize';
import { hmacHex, restPrehash } from './sign';

export type QueryParams = Record<string, string | number | boolean>;

export interface BitmartCredentials {
	apiKey: string;
	memo: string;
	key: CryptoKey;
}

export interface BitmartRestOptions {
	baseUrl: string;
	fetch?: typeof fetch;
	clock?: ServerClock;
	/** Which venue the instruments are tagged with (the Demo venue speaks BitMart too). */
	venue?: VenueId;
}

const SUCCESS = 1000;

export class BitmartRest {
	readonly #baseUrl: string;
	readonly #fetch: typeof fetch;
	readonly #clock: ServerClock | undefined;
	readonly #venue: VenueId;
	readonly #instruments = new Map<string, Instrument>();

	constructor(options: BitmartRestOptions) {
		this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
		// Wrapped so a browser's fetch is never called with the wrong `this` (Illegal invocation).
		const fetchImpl = options.fetch;
		this.#fetch = fetchImpl
			? (input, init) => fetchImpl(input, init)
			: (input, init) => fetch(input, init);
		this.#clock = options.clock;
		this.#venue = options.venue ?? 'bitmart';
	}

	/** Server time, Unix ms (`GET /system/time`). */
	async systemTime(): Promise<number> {
		const data = await this.#publicGet('/system/time', {});
		if (typeof data === 'number') return data;
		return this.#read('/system/time', () => reqNumber(asObject(data, 'data'), 'server_time'));
	}

	/** All contracts, or one when `symbol` is given. */
	async contractDetails(symbol?: string): Promise<Instrument[]> {
		const path = '/contract/public/details';
		const data = await this.#publicGet(path, symbol ? { symbol } : {});
		const instruments = this.#read(path, () =>
			asArray(asObject(data, 'data').symbols, 'symbols').map((row) =>
				normalizeContract(row, this.#venue)
			)
		);
		for (const instrument of instruments) this.#instruments.set(instrument.symbol, instrument);
		return instruments;
	}

	/** Full depth; REST has no version, so the snapshot's version is 0. */
	async depth(symbol: string): Promise<BookSnapshot> {
		const path = '/contract/public/depth';
		const data = await this.#publicGet(path, { symbol });
		return this.#read(path, () => normalizeRestDepth(data));
	}

	async fundingRate(symbol: string): Promise<FundingState> {
		const path = '/contract/public/funding-rate';
		const data = await this.#publicGet(path, { symbol });
		return this.#read(path, () => normalizeRestFunding(data));
	}

	/** Settled rates, oldest first. The endpoint allows at most 100. */
	async fundingRateHistory(symbol: string, limit = 100): Promise<FundingRatePoint[]> {
		const path = '/contract/public/funding-rate-history';
		const data = await this.#publicGet(path, { symbol, limit });
		const points = this.#read(path, () =>
			asArray(asObject(data, 'data').list, 'list').map(normalizeFundingPoint)
		);
		return points.sort((a, b) => a.time - b.time);
	}

	/** Candles, oldest first; the endpoint takes times in seconds and returns at most 500. */
	async kline(
		symbol: string,
		stepMinutes: number,
		startSec: number,
		endSec: number
	): Promise<Candle[]> {
		const path = '/contract/public/kline';
		const params = {
			symbol,
			step: stepMinutes,
			start_time: Math.floor(startSec),
			end_time: Math.floor(endSec)
		};
		const data = await this.#publicGet(path, params);
		const candles = this.#read(path, () => asArray(data, 'data').map(normalizeCandle));
		return candles.sort((a, b) => a.time - b.time);
	}

	/** Recent trades with sizes in contracts (the endpoint reports coin amounts). */
	async marketTrades(symbol: string, limit?: number): Promise<Trade[]> {
		const instrument = await this.#instrument(symbol);
		const path = '/contract/public/market-trade';
		const data = await this.#publicGet(path, limit === undefined ? { symbol } : { symbol, limit });
		return this.#read(path, () =>
			asArray(data, 'data').map((row) => normalizeRestTrade(row, instrument))
		);
	}

	/**
	 * A signed request. The signature covers exactly what is sent: the JSON body for POST, the
	 * form-encoded query string (no leading `?`, empty when there are no params) for GET.
	 */
	async privateRequest<T>(
		method: 'GET' | 'POST',
		path: string,
		params: QueryParams,
		creds: BitmartCredentials,
		options: { timestamp?: number; signal?: AbortSignal } = {}
	): Promise<T> {
		const timestamp = String(options.timestamp ?? (this.#clock ? this.#clock.now() : Date.now()));
		const query = method === 'GET' ? formEncode(params) : '';
		const body = method === 'POST' ? JSON.stringify(params) : undefined;
		const sign = await hmacHex(creds.key, restPrehash(timestamp, creds.memo, body ?? query));
		const headers: Record<string, string> = {
			'X-BM-KEY': creds.apiKey,
			'X-BM-TIMESTAMP': timestamp,
			'X-BM-SIGN': sign
		};
		if (body !== undefined) headers['Content-Type'] = 'application/json';
		const init: RequestInit = { method, headers, body };
		if (options.signal) init.signal = options.signal;
		return (await this.#send(this.#url(path, query), init)) as T;
	}

	async #instrument(symbol: string): Promise<Instrument> {
		const cached = this.#instruments.get(symbol);
		if (cached) return cached;
		const [instrument] = (await this.contractDetails(symbol)).filter((i) => i.symbol === symbol);
		if (!instrument) {
			throw badResponseError(this.#baseUrl, `no contract details for ${symbol}`);
		}
		return instrument;
	}

	#publicGet(path: string, params: QueryParams): Promise<unknown> {
		return this.#send(this.#url(path, formEncode(params)), { method: 'GET' });
	}

	#url(path: string, query: string): string {
		return `${this.#baseUrl}${path}${query ? `?${query}` : ''}`;
	}

	/** Sends one request and unwraps BitMart's `{code, message, data, trace}` envelope. */
	async #send(url: string, init: RequestInit): Promise<unknown> {
		let response: Response;
		try {
			response = await this.#fetch(url, init);
		} catch (error) {
			if (init.signal?.aborted) throw abortedError(url);
			// Browsers report a CORS refusal and an unreachable host alike, as a bare TypeError.
			throw error instanceof TypeError ? unreachableError(url) : networkError(url, error);
		}
		const text = await response.text().catch(() => undefined);
		const envelope = parseJson(text);
		if (!isObject(envelope)) {
			if (response.status === 429 || response.status === 418) {
				throw bitmartError(undefined, undefined, response.status);
			}
			throw badResponseError(url, `not JSON (HTTP ${response.status})`);
		}
		const code = optNumber(envelope, 'code');
		if (code === SUCCESS) return envelope.data;
		if (code === undefined && response.ok) {
			throw badResponseError(url, `no result code (HTTP ${response.status})`);
		}
		throw bitmartError(code, envelope.message, response.status);
	}

	#read<T>(path: string, read: () => T): T {
		try {
			return read();
		} catch (error) {
			if (error instanceof WireFormatError) {
				throw badResponseError(this.#url(path, ''), `${path}: ${error.message}`);
			}
			throw error;
		}
	}
}

/** `a=1&b=2` in insertion order: the exact string that is both sent and signed. */
export function formEncode(params: QueryParams): string {
	return Object.entries(params)
		.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`)
		.join('&');
}

function parseJson(text: string | undefined): unknown {
	if (text === undefined) return undefined;
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return undefined;
	}
}
