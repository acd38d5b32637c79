import type { SocketFactory, SocketLike } from '$lib/net/types';
import type { SimExchange, SocketHandle } from '../core';

export { DEMO_ENDPOINTS } from './endpoints';

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

/**
 * A fetch and a WebSocket factory that talk to a SimExchange inside the page, asynchronously like
 * the network. The fetch applies the browser's CORS rule too, so `cors: false` fails the way a
 * real blocked request does (a TypeError, no response).
 */
export function createInPageTransport(sim: SimExchange): {
	fetch: typeof fetch;
	socketFactory: SocketFactory;
} {
	return createInPageTransportFor(simBackend(sim));
}

/** The BitMart-shaped simulator as an in-page backend: REST, and its /api and /user sockets. */
export function simBackend(sim: SimExchange): InPageBackend {
	return {
		handleRest: (req) => sim.handleRest(req),
		openSocket: (url, send, close) => {
			const kind =
				url.pathname === '/api' ? 'public' : url.pathname === '/user' ? 'private' : undefined;
			return kind && sim.openSocket(kind, send, close);
		}
	};
}

/** What the in-page transport needs from a simulator of any venue. */
export interface InPageBackend {
	handleRest(req: {
		method: string;
		path: string;
		query: string;
		headers: Record<string, string>;
		body: string;
	}): Promise<{ status: number; headers: Record<string, string>; body: string; dropped?: boolean }>;
	/** A session for a socket to this URL, or undefined when nothing listens there. */
	openSocket(
		url: URL,
		send: (frame: string | Uint8Array) => void,
		close: (code: number, reason: string) => void
	): SocketHandle | undefined;
}

export function createInPageTransportFor(backend: InPageBackend): {
	fetch: typeof fetch;
	socketFactory: SocketFactory;
} {
	return {
		fetch: (input, init) =>
			abortable(() => inPageFetch(backend, new Request(input, init)), init?.signal),
		socketFactory: (url) => new InPageSocket(backend, url)
	};
}

/**
 * A browser fetch rejects with an AbortError as soon as its signal aborts, whether or not the
 * request already reached the server (then it may still be processed: it cannot be recalled).
 */
export function abortable(
	send: () => Promise<Response>,
	signal: AbortSignal | null | undefined
): Promise<Response> {
	if (!signal) return send();
	const aborted = () => new DOMException('The operation was aborted.', 'AbortError');
	// Aborted before it started: nothing leaves.
	if (signal.aborted) return Promise.reject(aborted());
	const answer = send();
	return new Promise<Response>((resolve, reject) => {
		const onAbort = () => reject(aborted());
		signal.addEventListener('abort', onAbort, { once: true });
		answer.then(
			(response) => {
				signal.removeEventListener('abort', onAbort);
				resolve(response);
			},
			(error: unknown) => {
				signal.removeEventListener('abort', onAbort);
				reject(error instanceof Error ? error : new Error(String(error)));
			}
		);
	});
}

const SIMPLE_HEADERS = new Set(['accept', 'accept-language', 'content-language', 'content-type']);

export async function inPageFetch(sim: InPageBackend, request: Request): Promise<Response> {
	const url = new URL(request.url);
	const headers: Record<string, string> = {};
	request.headers.forEach((value, name) => {
		headers[name.toLowerCase()] = value;
	});
	const body = request.method === 'GET' || request.method === 'HEAD' ? '' : await request.text();
	// Let the caller's code run on before the "network" answers, as a real fetch would.
	await new Promise((resolve) => setTimeout(resolve, 0));
	const needsPreflight =
		request.method !== 'GET' ||
		Object.keys(headers).some((name) => !SIMPLE_HEADERS.has(name)) ||
		(headers['content-type'] !== undefined &&
			!/^(text\/plain|application\/x-www-form-urlencoded|multipart\/form-data)/.test(
				headers['content-type']
			));
	if (needsPreflight) {
		const preflight = await sim.handleRest({
			method: 'OPTIONS',
			path: url.pathname,
			query: url.search.slice(1),
			headers: {
				'access-control-request-method': request.method,
				'access-control-request-headers': Object.keys(headers).join(',')
			},
			body: ''
		});
		if (preflight.status >= 300 || !preflight.headers['access-control-allow-origin']) {
			throw new TypeError('Failed to fetch');
		}
	}
	// Aborted while the preflight was out: a browser never sends the request itself.
	if (request.signal.aborted) throw new DOMException('The operation was aborted.', 'AbortError');
	const answer = await sim.handleRest({
		method: request.method,
		path: url.pathname,
		query: url.search.slice(1),
		headers,
		body
	});
	// A lost answer (the dropNextResponse fault) looks like any network failure to a page.
	if (answer.dropped || !answer.headers['access-control-allow-origin']) {
		throw new TypeError('Failed to fetch');
	}
	const nullBody = answer.status === 204 || answer.status === 304;
	return new Response(nullBody ? null : answer.body, {
		status: answer.status,
		headers: answer.headers
	});
}

/** A WebSocket look-alike over SimExchange.openSocket, with the browser's event order. */
class InPageSocket implements SocketLike {
	binaryType = 'blob';
	onopen: ((ev: unknown) => void) | null = null;
	onmessage: ((ev: { data: unknown }) => void) | null = null;
	onclose: ((ev: { code: number; reason: string }) => void) | null = null;
	onerror: ((ev: unknown) => void) | null = null;
	#readyState = CONNECTING;
	#handle: SocketHandle | undefined;

	constructor(backend: InPageBackend, url: string) {
		setTimeout(() => {
			if (this.#readyState !== CONNECTING) return;
			this.#handle = backend.openSocket(
				new URL(url),
				(frame) => setTimeout(() => this.deliver(frame), 0),
				(code, reason) => setTimeout(() => this.serverClosed(code, reason), 0)
			);
			if (!this.#handle) {
				this.fail();
				return;
			}
			this.#readyState = OPEN;
			this.onopen?.({ type: 'open' });
		}, 0);
	}

	get readyState(): number {
		return this.#readyState;
	}

	send(data: string): void {
		if (this.#readyState === CONNECTING) {
			throw new DOMException(
				"Failed to execute 'send' on 'WebSocket': Still in CONNECTING state.",
				'InvalidStateError'
			);
		}
		if (this.#readyState !== OPEN) return;
		const handle = this.#handle;
		queueMicrotask(() => handle?.receive(data));
	}

	close(code = 1000, reason = ''): void {
		if (this.#readyState === CLOSING || this.#readyState === CLOSED) return;
		const wasConnecting = this.#readyState === CONNECTING;
		this.#readyState = CLOSING;
		setTimeout(() => {
			this.#handle?.closed();
			this.#readyState = CLOSED;
			this.onclose?.(wasConnecting ? { code: 1006, reason: '' } : { code, reason });
		}, 0);
	}

	private deliver(frame: string | Uint8Array): void {
		if (this.#readyState !== OPEN) return;
		if (typeof frame === 'string') {
			this.onmessage?.({ data: frame });
			return;
		}
		const bytes = frame.slice();
		this.onmessage?.({
			data: this.binaryType === 'arraybuffer' ? bytes.buffer : new Blob([bytes])
		});
	}

	private serverClosed(code: number, reason: string): void {
		if (this.#readyState === CLOSED) return;
		if (code === 1006) this.onerror?.({ type: 'error' });
		this.#readyState = CLOSED;
		this.onclose?.({ code, reason });
	}

	private fail(): void {
		this.#readyState = CLOSED;
		this.onerror?.({ type: 'error' });
		this.onclose?.({ code: 1006, reason: '' });
	}
}
