/**
 * AscendEX REST (notes §1, §4): the public calls, and the few signed reads Perch makes — the
 * account info that gives the account group, and the current order history for reconciliation.
 * Orders never go over REST. Errors name the host only; no secret reaches a URL or a message.
 */

import { ExchangeError, type BookSnapshot, type Instrument } from '$lib/exchanges/types';
import { badResponse, codeError } from './errors';
import { WireFormatError, asArray, asObject, isObject, optNumber, reqNumber } from './fields';
import { normalizeContract, normalizeDepth } from './normalize';
import { authHeaders } from './sign';

export type QueryParams = Record<string, string | number | boolean>;

export interface SignedCall {
	apiKey: string;
	key: CryptoKey;
	timestamp: number;
}

export interface AscendexRestOptions {
	baseUrl: string;
	fetch?: typeof fetch;
}

export interface AccountInfo {
	accountGroup: number;
	/** Unix ms, when the venue says the key expires. */
	expireTime?: number;
	userUID?: string;
}

export interface Ticker24h {
	symbol: string;
	open?: string;
	close?: string;
	high?: string;
	low?: string;
	volume?: string;
}

export class AscendexRest {
	readonly #baseUrl: string;
	readonly #fetch: typeof fetch;

	constructor(options: AscendexRestOptions) {
		this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
		const fetchImpl = options.fetch;
		this.#fetch = fetchImpl
			? (input, init) => fetchImpl(input, init)
			: (input, init) => fetch(input, init);
	}

	/** The server's receive time for a request stamped now (`v1/exchange-info`). */
	async serverTime(requestTime: number): Promise<number> {
		const data = await this.#get('/api/pro/v1/exchange-info', { requestTime });
		return reqNumber(asObject(data, 'exchange info'), 'requestReceiveAt');
	}

	async contracts(): Promise<Instrument[]> {
		const data = await this.#get('/api/pro/v2/futures/contract', {});
		const out: Instrument[] = [];
		for (const row of asArray(data, 'contracts')) {
			try {
				out.push(normalizeContract(row));
			} catch {
				// One odd contract must not hide the rest.
			}
		}
		return out;
	}

	/** `GET /api/pro/v1/depth`: the snapshot with the seqnum it was taken at. */
	async depthSnapshot(symbol: string): Promise<BookSnapshot> {
		const data = await this.#get('/api/pro/v1/depth', { symbol });
		const book = normalizeDepth(asObject(data, 'depth snapshot'), 'snapshot');
		return { ...book, kind: 'snapshot' } as BookSnapshot;
	}

	/** The 24 h ticker (`v2/futures/ticker`), one symbol. */
	async ticker(symbol: string): Promise<Ticker24h> {
		const data = await this.#get('/api/pro/v2/futures/ticker', { symbol });
		const t = asObject(Array.isArray(data) ? data[0] : data, 'ticker');
		const str = (k: string) => (t[k] === undefined || t[k] === null ? undefined : String(t[k]));
		return {
			symbol,
			open: str('open'),
			close: str('close'),
			high: str('high'),
			low: str('low'),
			volume: str('baseVol')
		};
	}

	/** `GET /api/pro/v2/account/info` (prehash `v2/account/info`). */
	async accountInfo(call: SignedCall): Promise<AccountInfo> {
		const data = asObject(
			await this.#signedGet('/api/pro/v2/account/info', 'v2/account/info', {}, call),
			'account info'
		);
		const group = optNumber(data, 'accountGroup');
		if (group === undefined || !Number.isInteger(group) || group < 0) {
			throw badResponse('the account info has no account group');
		}
		const expire = optNumber(data, 'expireTime');
		return {
			accountGroup: group,
			expireTime: expire !== undefined && expire > 0 ? expire : undefined,
			userUID: typeof data.userUID === 'string' ? data.userUID : undefined
		};
	}

	/** `GET /<grp>/api/pro/v2/futures/order/hist/current`: the recent orders, newest first. */
	async currentOrderHistory(group: number, symbol: string, call: SignedCall): Promise<unknown[]> {
		const data = await this.#signedGet(
			`/${group}/api/pro/v2/futures/order/hist/current`,
			'v2/futures/order/hist/current',
			{ symbol, n: 100 },
			call
		);
		return asArray(data, 'order history');
	}

	/** A signed ledger read (funding payments, balance snapshot and history): its `data`. */
	signedRead(
		path: string,
		apiPath: string,
		query: QueryParams,
		call: SignedCall
	): Promise<unknown> {
		return this.#signedGet(path, apiPath, query, call);
	}

	#url(path: string, query: QueryParams): string {
		const qs = new URLSearchParams();
		for (const [k, v] of Object.entries(query)) qs.set(k, String(v));
		const q = qs.toString();
		return `${this.#baseUrl}${path}${q ? `?${q}` : ''}`;
	}

	#get(path: string, query: QueryParams): Promise<unknown> {
		return this.#request(this.#url(path, query), {});
	}

	async #signedGet(
		path: string,
		apiPath: string,
		query: QueryParams,
		call: SignedCall
	): Promise<unknown> {
		const headers = await authHeaders(call.apiKey, call.key, call.timestamp, apiPath);
		return this.#request(this.#url(path, query), headers);
	}

	async #request(url: string, headers: Record<string, string>): Promise<unknown> {
		const host = new URL(url).host;
		let response: Response;
		try {
			response = await this.#fetch(url, { method: 'GET', headers, redirect: 'error' });
		} catch (error) {
			throw new ExchangeError(
				`Could not reach ${host} (${error instanceof Error ? error.message : 'network error'}). A browser also reports a CORS refusal this way.`,
				undefined,
				'network'
			);
		}
		let body: unknown;
		try {
			body = await response.json();
		} catch {
			throw new ExchangeError(
				`${host} answered HTTP ${response.status} without JSON.`,
				response.status,
				response.status === 429 ? 'rate-limit' : 'bad-response'
			);
		}
		// The docs name no code for a rate limit (the balance reads allow 8 a minute): the status is it.
		if (response.status === 429) {
			throw new ExchangeError(`${host} answered HTTP 429: too many requests.`, 429, 'rate-limit');
		}
		if (!isObject(body)) throw badResponse('the answer is not an object');
		const code = typeof body.code === 'number' ? body.code : Number(body.code);
		if (code !== 0) {
			throw codeError(
				Number.isFinite(code) ? code : -1,
				typeof body.reason === 'string' ? body.reason : undefined,
				typeof body.message === 'string' ? body.message : undefined
			);
		}
		if (!('data' in body)) throw badResponse('the answer has no data');
		return body.data;
	}
}

export { WireFormatError };
