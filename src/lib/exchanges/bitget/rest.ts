/**
 * Bitget V2 REST transport: public GETs, the signed request helper and the `{code, msg, data}`
 * envelope. Secrets never leave the CryptoKey; errors name the host only.
 */

import type { ServerClock } from '$lib/net/clock';
import {
	abortedError,
	badResponseError,
	networkError,
	redirectRefusedError,
	relayAnswerError,
	unreachableError
} from '../bitmart/errors';
import { WireFormatError, isObject, optString } from '../bitmart/fields';
import { bitgetError } from './errors';
import { hmacBase64, restPrehash, sortedQuery, type QueryParams } from './sign';

export type { QueryParams } from './sign';

const SUCCESS = '00000';

export interface BitgetCredentials {
	apiKey: string;
	passphrase: string;
	key: CryptoKey;
}

export interface BitgetRestOptions {
	baseUrl: string;
	fetch?: typeof fetch;
	clock?: ServerClock;
	/** The preset's headers (`paptrading: 1` for demo trading), sent with every request. */
	headers?: Readonly<Record<string, string>>;
}

export interface RequestOptions {
	/** The exchange-clock time to sign with (Unix ms); default the clock's estimate now. */
	timestamp?: number;
	signal?: AbortSignal;
}

export class BitgetRest {
	readonly #baseUrl: string;
	readonly #fetch: typeof fetch;
	readonly #clock: ServerClock | undefined;
	readonly #headers: Readonly<Record<string, string>>;

	constructor(options: BitgetRestOptions) {
		this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
		// Wrapped so a browser's fetch is never called with the wrong `this` (Illegal invocation).
		const fetchImpl = options.fetch;
		this.#fetch = fetchImpl
			? (input, init) => fetchImpl(input, init)
			: (input, init) => fetch(input, init);
		this.#clock = options.clock;
		this.#headers = { ...(options.headers ?? {}) };
	}

	get baseUrl(): string {
		return this.#baseUrl;
	}

	publicGet(path: string, params: QueryParams = {}): Promise<unknown> {
		const query = sortedQuery(params);
		const headers = { ...this.#headers };
		return this.#send(this.#url(path, query), { method: 'GET', headers });
	}

	/**
	 * A signed request. The query string is built once, sorted, and both sent and signed; the POST
	 * body is signed exactly as sent. Redirects are refused, never followed: a followed redirect
	 * would re-send the key, passphrase and signature to whatever origin the answer names.
	 */
	async privateRequest(
		method: 'GET' | 'POST',
		path: string,
		params: QueryParams | Record<string, unknown>,
		creds: BitgetCredentials,
		options: RequestOptions = {}
	): Promise<unknown> {
		const query = method === 'GET' ? sortedQuery(params as QueryParams) : '';
		const body = method === 'POST' ? JSON.stringify(params) : '';
		const timestamp = String(options.timestamp ?? (this.#clock ? this.#clock.now() : Date.now()));
		const sign = await hmacBase64(creds.key, restPrehash(timestamp, method, path, query, body));
		const headers: Record<string, string> = {
			...this.#headers,
			'ACCESS-KEY': creds.apiKey,
			'ACCESS-SIGN': sign,
			'ACCESS-TIMESTAMP': timestamp,
			'ACCESS-PASSPHRASE': creds.passphrase,
			locale: 'en-US'
		};
		if (method === 'POST') headers['Content-Type'] = 'application/json';
		const init: RequestInit = { method, headers, redirect: 'error' };
		if (method === 'POST') init.body = body;
		if (options.signal) init.signal = options.signal;
		return this.#send(this.#url(path, query), init);
	}

	/** Reads a parsed answer, turning a wire-format surprise into a 'bad-response' error. */
	read<T>(path: string, read: () => T): T {
		try {
			return read();
		} catch (error) {
			if (error instanceof WireFormatError) {
				throw badResponseError(this.#baseUrl, `${path}: ${error.message}`);
			}
			throw error;
		}
	}

	#url(path: string, query: string): string {
		return `${this.#baseUrl}${path}${query ? `?${query}` : ''}`;
	}

	async #send(url: string, init: RequestInit): Promise<unknown> {
		let response: Response;
		try {
			response = await this.#fetch(url, init);
		} catch (error) {
			if (init.signal?.aborted) throw abortedError(url);
			if (init.redirect === 'error' && isRefusedRedirect(error)) throw redirectRefusedError(url);
			// Browsers report a CORS refusal and an unreachable host alike, as a bare TypeError.
			throw error instanceof TypeError
				? unreachableError(url, init.redirect === 'error')
				: networkError(url, error);
		}
		const text = await response.text().catch(() => undefined);
		const envelope = parseJson(text);
		if (!isObject(envelope)) {
			if (response.status === 429) throw bitgetError(undefined, undefined, 429);
			throw badResponseError(url, `not JSON (HTTP ${response.status})`);
		}
		if (typeof envelope.relayError === 'string') {
			throw relayAnswerError(url, envelope.relayError, envelope.message);
		}
		const code = optString(envelope, 'code');
		if (code === SUCCESS) return envelope.data;
		if (code === undefined && response.ok) {
			throw badResponseError(url, `no result code (HTTP ${response.status})`);
		}
		throw bitgetError(code, envelope.msg, response.status);
	}
}

function isRefusedRedirect(error: unknown): boolean {
	const cause = error instanceof Error ? error.cause : undefined;
	return cause instanceof Error && /redirect/i.test(cause.message);
}

function parseJson(text: string | undefined): unknown {
	if (text === undefined) return undefined;
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return undefined;
	}
}
