/**
 * Perch's optional CORS relay: forwards requests the browser has already signed to an allow-listed
 * exchange host and adds CORS headers. It holds no secrets.
 *
 * Web-standard APIs only (Request, Response, Headers, URL, fetch) and no imports, so this one file
 * runs under Node 20, Cloudflare Workers and Deno (which needs explicit `.ts` import paths).
 */

export const DEFAULT_UPSTREAMS: Readonly<Record<string, string>> = {
	bitmart: 'https://api-cloud-v2.bitmart.com',
	'bitmart-demo': 'https://demo-api-cloud-v2.bitmart.com',
	bitget: 'https://api.bitget.com',
	ascendex: 'https://ascendex.com'
};

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
export const DEFAULT_TIMEOUT_MS = 15_000;

/** The exchange auth headers a browser may send through the relay (lower case). */
export const AUTH_HEADERS = [
	'x-bm-key',
	'x-bm-timestamp',
	'x-bm-sign',
	'access-key',
	'access-sign',
	'access-timestamp',
	'access-passphrase',
	// Bitget demo keys only work with `paptrading: 1`; dropping it would break demo trading.
	'paptrading',
	'x-auth-key',
	'x-auth-signature',
	'x-auth-timestamp'
] as const;

const FORWARDED_REQUEST_HEADERS = new Set<string>(['content-type', 'accept', ...AUTH_HEADERS]);
const PREFLIGHT_ALLOW_HEADERS = ['content-type', ...AUTH_HEADERS].join(', ');
const ALLOWED_METHODS = ['GET', 'POST', 'DELETE', 'OPTIONS'];
const EXPOSED_HEADERS = 'X-BM-RateLimit-Remaining, X-BM-RateLimit-Limit, X-BM-RateLimit-Reset';

// The body is re-framed (and undici/Workers have already decoded it), CORS is ours, cookies never pass.
const DROPPED_RESPONSE_HEADERS = new Set([
	'set-cookie',
	'set-cookie2',
	'content-encoding',
	'content-length',
	'transfer-encoding',
	'connection',
	'keep-alive'
]);

// Exchange REST paths are plain segments; anything else (%-escapes, `:`, `\`, empty or dot
// segments) could be read as another host or a traversal by some layer, so it is refused.
// A segment may not start with a dot, which rules out `.` and `..`.
const SAFE_PATH = /^(\/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)*\/?$/;

export interface RelayConfig {
	/** Exact origins (scheme://host[:port]) that may use the relay; `['*']` alone for local dev. */
	allowedOrigins: string[];
	/** Route prefix → upstream base URL, e.g. `{ bitmart: 'https://api-cloud-v2.bitmart.com' }`. */
	upstreams: Record<string, string>;
	fetch?: typeof fetch;
	maxBodyBytes?: number;
	timeoutMs?: number;
	/** One line per request: method, route prefix, status, duration. Never headers, bodies or queries. */
	log?: (line: string) => void;
}

export type RelayHandler = (request: Request) => Promise<Response>;

interface Upstream {
	origin: string;
	basePath: string;
}

export function createRelay(config: RelayConfig): RelayHandler {
	const origins = checkOrigins(config.allowedOrigins);
	const upstreams = checkUpstreams(config.upstreams);
	const send = config.fetch ?? ((input, init) => fetch(input, init));
	const maxBodyBytes = config.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
	const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;

	async function handle(request: Request, cors: Headers): Promise<Response> {
		if (request.method === 'OPTIONS') return preflight(cors);
		if (!ALLOWED_METHODS.includes(request.method)) {
			cors.set('Allow', ALLOWED_METHODS.join(', '));
			return relayError(405, 'method_not_allowed', 'use GET, POST or DELETE', cors);
		}
		const url = new URL(request.url);
		const route = knownRoute(url.pathname, upstreams);
		if (!route) return relayError(404, 'unknown_route', 'no such route', cors);
		const upstream = upstreams[route.prefix];
		if (!SAFE_PATH.test(route.rest)) return relayError(400, 'bad_path', 'path not allowed', cors);
		const body = request.method === 'GET' ? null : await readBody(request, maxBodyBytes);
		if (body === 'too-large') {
			return relayError(413, 'body_too_large', `limit is ${maxBodyBytes} bytes`, cors);
		}
		const target = new URL(upstream.origin);
		target.pathname = upstream.basePath + route.rest;
		target.search = url.search;
		// Belt and braces: whatever the path held, the request goes to the configured host.
		if (target.origin !== upstream.origin) {
			return relayError(400, 'bad_path', 'path not allowed', cors);
		}
		return forward(request, target, body, cors);
	}

	async function forward(
		request: Request,
		target: URL,
		body: Uint8Array<ArrayBuffer> | null,
		cors: Headers
	): Promise<Response> {
		const abort = new AbortController();
		const timer = setTimeout(() => abort.abort(), timeoutMs);
		const onClientGone = () => abort.abort();
		request.signal?.addEventListener('abort', onClientGone);
		try {
			const upstream = await send(target.toString(), {
				method: request.method,
				headers: forwardedHeaders(request.headers),
				body,
				// Never followed here either; a 3xx becomes a 502 in passThrough.
				redirect: 'manual',
				signal: abort.signal
			});
			// Buffered inside the timeout: exchange replies are small, and a stalled body then
			// becomes a clean 504 instead of a hung stream.
			const bytes = await upstream.arrayBuffer();
			return passThrough(upstream, bytes, cors);
		} catch {
			if (abort.signal.aborted && !request.signal?.aborted) {
				return relayError(504, 'upstream_timeout', `no answer within ${timeoutMs} ms`, cors);
			}
			return relayError(502, 'upstream_unreachable', 'the exchange could not be reached', cors);
		} finally {
			clearTimeout(timer);
			request.signal?.removeEventListener('abort', onClientGone);
		}
	}

	return async function relay(request: Request): Promise<Response> {
		const started = Date.now();
		const cors = corsHeaders(request.headers.get('Origin'), origins);
		let response: Response;
		if (!cors) {
			response = relayError(403, 'origin_not_allowed', 'origin not allowed', varyOrigin());
		} else {
			try {
				response = await handle(request, cors);
			} catch {
				// e.g. the client's body stream broke; the error itself may quote the body, so no detail.
				response = relayError(500, 'relay_failed', 'the relay could not handle this request', cors);
			}
		}
		const route = knownRoute(new URL(request.url).pathname, upstreams);
		const label = route ? `/${route.prefix}` : '-';
		config.log?.(`${request.method} ${label} ${response.status} ${Date.now() - started}ms`);
		return response;
	};
}

function checkOrigins(allowed: string[]): Set<string> | '*' {
	if (allowed.length === 1 && allowed[0] === '*') return '*';
	if (allowed.length === 0) throw new Error('relay: allowedOrigins is empty');
	for (const origin of allowed) {
		if (origin === '*') throw new Error('relay: "*" is only allowed as the single origin');
		let parsed: string;
		try {
			parsed = new URL(origin).origin;
		} catch {
			parsed = '';
		}
		if (parsed !== origin) throw new Error(`relay: "${origin}" is not an exact origin`);
	}
	return new Set(allowed);
}

function checkUpstreams(configured: Record<string, string>): Record<string, Upstream> {
	const checked: Record<string, Upstream> = Object.create(null) as Record<string, Upstream>;
	for (const [prefix, base] of Object.entries(configured)) {
		if (!/^[a-z0-9][a-z0-9-]*$/.test(prefix)) throw new Error(`relay: bad route name "${prefix}"`);
		const url = new URL(base);
		if (url.protocol !== 'https:' && url.protocol !== 'http:') {
			throw new Error(`relay: upstream for "${prefix}" must be http(s)`);
		}
		if (url.search || url.hash || url.username || url.password) {
			throw new Error(`relay: upstream for "${prefix}" must be a plain base URL`);
		}
		checked[prefix] = { origin: url.origin, basePath: url.pathname.replace(/\/+$/, '') };
	}
	return checked;
}

/** The configured route a path starts with, and the rest of the path (which is not yet checked). */
function knownRoute(
	pathname: string,
	upstreams: Record<string, Upstream>
): { prefix: string; rest: string } | null {
	const match = /^\/([^/]+)(\/.*)?$/.exec(pathname);
	if (!match || !Object.hasOwn(upstreams, match[1])) return null;
	return { prefix: match[1], rest: match[2] ?? '/' };
}

function varyOrigin(): Headers {
	return new Headers({ Vary: 'Origin' });
}

function corsHeaders(origin: string | null, allowed: Set<string> | '*'): Headers | null {
	const headers = varyOrigin();
	if (allowed === '*') {
		headers.set('Access-Control-Allow-Origin', '*');
	} else if (origin !== null && allowed.has(origin)) {
		headers.set('Access-Control-Allow-Origin', origin);
	} else {
		return null;
	}
	return headers;
}

function preflight(cors: Headers): Response {
	cors.set('Access-Control-Allow-Methods', ALLOWED_METHODS.join(', '));
	cors.set('Access-Control-Allow-Headers', PREFLIGHT_ALLOW_HEADERS);
	cors.set('Access-Control-Max-Age', '600');
	return new Response(null, { status: 204, headers: cors });
}

function forwardedHeaders(incoming: Headers): Headers {
	const out = new Headers();
	for (const [name, value] of incoming) {
		if (FORWARDED_REQUEST_HEADERS.has(name.toLowerCase())) out.set(name, value);
	}
	return out;
}

async function readBody(
	request: Request,
	limit: number
): Promise<Uint8Array<ArrayBuffer> | null | 'too-large'> {
	const declared = Number(request.headers.get('Content-Length') ?? '0');
	if (declared > limit) return 'too-large';
	if (!request.body) return null;
	const reader = request.body.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		size += value.byteLength;
		if (size > limit) {
			await reader.cancel();
			return 'too-large';
		}
		chunks.push(value);
	}
	if (size === 0) return null;
	const body = new Uint8Array(size);
	let offset = 0;
	for (const chunk of chunks) {
		body.set(chunk, offset);
		offset += chunk.byteLength;
	}
	return body;
}

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

function passThrough(upstream: Response, body: ArrayBuffer, cors: Headers): Response {
	// A 3xx passed on would make the browser re-send the signed request, key header, signature
	// and body to whatever origin the Location names. None of it leaves the relay.
	if (upstream.status >= 300 && upstream.status <= 399) {
		return relayError(
			502,
			'upstream_redirect',
			`the exchange answered with a redirect (HTTP ${upstream.status}); the relay does not pass redirects on`,
			cors
		);
	}
	const headers = new Headers();
	for (const [name, value] of upstream.headers) {
		const lower = name.toLowerCase();
		if (DROPPED_RESPONSE_HEADERS.has(lower) || lower.startsWith('access-control-')) continue;
		headers.append(name, value);
	}
	for (const [name, value] of cors) headers.set(name, value);
	headers.set('Access-Control-Expose-Headers', EXPOSED_HEADERS);
	if (upstream.status < 200 || upstream.status > 599) {
		return relayError(502, 'bad_upstream_status', `upstream answered ${upstream.status}`, cors);
	}
	const nullBody = NULL_BODY_STATUSES.has(upstream.status);
	return new Response(nullBody ? null : body, {
		status: upstream.status,
		statusText: upstream.statusText,
		headers
	});
}

function relayError(status: number, code: string, message: string, headers: Headers): Response {
	const out = new Headers(headers);
	out.set('Content-Type', 'application/json');
	// `relayError` lets the app tell the relay's own refusals from the exchange's answers.
	return new Response(JSON.stringify({ relayError: code, message }), { status, headers: out });
}
