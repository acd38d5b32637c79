import type { SocketFactory, SocketLike } from '$lib/net/types';
import type { SocketHandle } from '../core';
import type { AscendexSim } from '../ascendex/exchange';
import type { InPageBackend } from './transport';

export { ASCENDEX_DEMO_ENDPOINTS } from './endpoints';

/** The simulator as an in-page backend, for its Web Worker (port-transport.ts). */
export function ascendexBackend(sim: AscendexSim): InPageBackend {
	return {
		handleRest: (req) => sim.handleRest(req),
		openSocket: (url, send, close) => sim.openStream(url.pathname, (text) => send(text), close)
	};
}

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

/**
 * A fetch and a WebSocket factory that talk to an AscendexSim inside the page, asynchronously
 * like the network, with the browser's CORS rule (a refused preflight is a TypeError). Kept apart
 * from the BitMart transport (transport.ts): the stream URL carries the account group, and each
 * venue's in-page plumbing can change without touching the other's.
 */
export function createAscendexInPageTransport(sim: AscendexSim): {
	fetch: typeof fetch;
	socketFactory: SocketFactory;
} {
	return {
		fetch: async (input, init) => {
			if (init?.signal?.aborted) {
				throw new DOMException('The operation was aborted.', 'AbortError');
			}
			return inPageFetch(sim, new Request(input, init));
		},
		socketFactory: (url) => new InPageStream(sim, url)
	};
}

const SIMPLE_HEADERS = new Set(['accept', 'accept-language', 'content-language', 'content-type']);

async function inPageFetch(sim: AscendexSim, request: Request): Promise<Response> {
	const url = new URL(request.url);
	const headers: Record<string, string> = {};
	request.headers.forEach((value, name) => {
		headers[name.toLowerCase()] = value;
	});
	const body = request.method === 'GET' || request.method === 'HEAD' ? '' : await request.text();
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
	if (request.signal.aborted) throw new DOMException('The operation was aborted.', 'AbortError');
	const answer = await sim.handleRest({
		method: request.method,
		path: url.pathname,
		query: url.search.slice(1),
		headers,
		body
	});
	if (answer.dropped || !answer.headers['access-control-allow-origin']) {
		throw new TypeError('Failed to fetch');
	}
	const nullBody = answer.status === 204 || answer.status === 304;
	return new Response(nullBody ? null : answer.body, {
		status: answer.status,
		headers: answer.headers
	});
}

/** A WebSocket look-alike over AscendexSim.openStream, with the browser's event order. */
class InPageStream implements SocketLike {
	binaryType = 'blob';
	onopen: ((ev: unknown) => void) | null = null;
	onmessage: ((ev: { data: unknown }) => void) | null = null;
	onclose: ((ev: { code: number; reason: string }) => void) | null = null;
	onerror: ((ev: unknown) => void) | null = null;
	#readyState = CONNECTING;
	#handle: SocketHandle | undefined;

	constructor(sim: AscendexSim, url: string) {
		const path = new URL(url).pathname;
		setTimeout(() => {
			if (this.#readyState !== CONNECTING) return;
			const handle = sim.openStream(
				path,
				(text) => setTimeout(() => this.deliver(text), 0),
				(code, reason) => setTimeout(() => this.serverClosed(code, reason), 0)
			);
			if (!handle) {
				this.#readyState = CLOSED;
				this.onerror?.({ type: 'error' });
				this.onclose?.({ code: 1006, reason: '' });
				return;
			}
			this.#handle = handle;
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

	private deliver(text: string): void {
		if (this.#readyState === OPEN) this.onmessage?.({ data: text });
	}

	private serverClosed(code: number, reason: string): void {
		if (this.#readyState === CLOSED) return;
		if (code === 1006) this.onerror?.({ type: 'error' });
		this.#readyState = CLOSED;
		this.onclose?.({ code, reason });
	}
}
