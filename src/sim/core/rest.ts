import type { SimAccount } from './accounts';
import { authenticate } from './auth';
import { ERRORS, SimRestError, type SimError } from './errors';
import type { MarketEngine } from './market';
import { RATE_WINDOW_MS, RateLimiter } from './rate-limit';
import { PRIVATE_ROUTES } from './rest-private';
import { PUBLIC_ROUTES } from './rest-public';

export interface RestRequest {
	method: string;
	/** Path without the query, e.g. "/contract/public/depth". */
	path: string;
	/** Raw query string without '?', exactly as sent ("" if none). */
	query: string;
	/** Header names in lower case. */
	headers: Record<string, string>;
	body: string;
	/** Caller's address, the limit target of public endpoints. */
	ip?: string;
}

export interface RestResponse {
	status: number;
	headers: Record<string, string>;
	body: string;
	/** The request was processed but its answer must be lost (the dropNextResponse fault). */
	dropped?: boolean;
}

/** One private request as a test may inspect it: never the signature, never a secret. */
export interface LoggedRequest {
	time: number;
	method: string;
	path: string;
	query: string;
	body: string;
	/** The X-BM-KEY header as sent. */
	apiKey: string | undefined;
	/** The parsed JSON body for POST ({} if unparsable), the query parameters for GET. */
	params: Record<string, unknown>;
	headers: Record<string, string>;
	status: number;
	code: number;
}

export interface RestDeps {
	engine: MarketEngine;
	now: () => number;
	findAccount: (apiKey: string) => SimAccount | undefined;
	traceId: () => string;
	cors: boolean;
	rateLimits: boolean;
	log: (entry: LoggedRequest) => void;
	/** A forced failure for this path (the rejectNext fault), checked after auth and limits. */
	intercept: (path: string) => SimError | undefined;
}

const CORS_HEADERS = {
	'access-control-allow-origin': '*',
	'access-control-expose-headers':
		'X-BM-RateLimit-Remaining, X-BM-RateLimit-Limit, X-BM-RateLimit-Reset'
};

/** Routes one HTTP request through auth, rate limits and the handlers into the JSON envelope. */
export class RestRouter {
	readonly #deps: RestDeps;
	readonly #limiter = new RateLimiter();

	constructor(deps: RestDeps) {
		this.#deps = deps;
	}

	async handle(req: RestRequest): Promise<RestResponse> {
		const method = req.method.toUpperCase();
		if (method === 'OPTIONS') return this.preflight();
		const extra: Record<string, string> = {};
		const isPrivate = req.path in PRIVATE_ROUTES;
		let result: { status: number; code: number; body: string };
		try {
			const data = await this.route(method, req, extra);
			result = { status: 200, code: 1000, body: this.envelope(1000, 'Ok', data) };
		} catch (error) {
			const e: SimError = error instanceof SimRestError ? error.error : ERRORS.parseParameter;
			if (!(error instanceof SimRestError)) console.error('simulator: handler failed', error);
			result = { status: e.status, code: e.code, body: this.envelope(e.code, e.message) };
		}
		if (isPrivate) this.logPrivate(method, req, result.status, result.code);
		return {
			status: result.status,
			headers: {
				'content-type': 'application/json; charset=utf-8',
				...(this.#deps.cors ? CORS_HEADERS : {}),
				...extra
			},
			body: result.body
		};
	}

	private preflight(): RestResponse {
		if (!this.#deps.cors) return { status: 403, headers: {}, body: '' };
		return {
			status: 204,
			headers: {
				...CORS_HEADERS,
				'access-control-allow-methods': 'GET, POST, OPTIONS',
				'access-control-allow-headers': 'Content-Type, X-BM-KEY, X-BM-SIGN, X-BM-TIMESTAMP',
				'access-control-max-age': '600'
			},
			body: ''
		};
	}

	private async route(method: string, req: RestRequest, extra: Record<string, string>) {
		const { engine } = this.#deps;
		const query = new URLSearchParams(req.query);
		const publicRoute = PUBLIC_ROUTES[req.path];
		if (publicRoute && method === 'GET') {
			this.limit(req.path, `ip:${req.ip ?? 'local'}`, extra);
			this.intercept(req.path);
			return publicRoute({ engine, now: this.#deps.now(), query });
		}
		const privateRoute = PRIVATE_ROUTES[req.path];
		if (!privateRoute || privateRoute.method !== method) throw new SimRestError(ERRORS.notFound);
		const account = await authenticate(
			{ method, headers: req.headers, query: req.query, body: req.body },
			method === 'POST',
			this.#deps.findAccount,
			this.#deps.now()
		);
		this.limit(req.path, `key:${account.apiKey}`, extra);
		this.intercept(req.path);
		const body = method === 'POST' ? parseJsonObject(req.body) : {};
		return privateRoute.handle({ engine, account, now: this.#deps.now(), query, body });
	}

	private limit(path: string, target: string, extra: Record<string, string>): void {
		if (!this.#deps.rateLimits) return;
		const verdict = this.#limiter.check(path, target, this.#deps.now());
		if (!verdict) return;
		extra['x-bm-ratelimit-remaining'] = String(verdict.used);
		extra['x-bm-ratelimit-limit'] = String(verdict.limit);
		extra['x-bm-ratelimit-reset'] = String(RATE_WINDOW_MS / 1000);
		if (!verdict.allowed) throw new SimRestError(ERRORS.tooManyRequests);
	}

	private intercept(path: string): void {
		const forced = this.#deps.intercept(path);
		if (forced) throw new SimRestError(forced);
	}

	private envelope(code: number, message: string, data?: unknown): string {
		const trace = this.#deps.traceId();
		return JSON.stringify(
			data === undefined ? { code, message, trace } : { code, message, data, trace }
		);
	}

	private logPrivate(method: string, req: RestRequest, status: number, code: number): void {
		const headers: Record<string, string> = {};
		for (const [name, value] of Object.entries(req.headers)) {
			if (name !== 'x-bm-sign') headers[name] = value;
		}
		this.#deps.log({
			time: this.#deps.now(),
			method,
			path: req.path,
			query: req.query,
			body: req.body,
			apiKey: req.headers['x-bm-key'],
			params:
				method === 'POST'
					? parseLoggedBody(req.body)
					: Object.fromEntries(new URLSearchParams(req.query)),
			headers,
			status,
			code
		});
	}
}

function parseJsonObject(text: string): Record<string, unknown> {
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		throw new SimRestError(ERRORS.bodyNotJson);
	}
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
		throw new SimRestError(ERRORS.bodyNotJson);
	}
	return parsed as Record<string, unknown>;
}

function parseLoggedBody(text: string): Record<string, unknown> {
	try {
		return parseJsonObject(text);
	} catch {
		return {};
	}
}
