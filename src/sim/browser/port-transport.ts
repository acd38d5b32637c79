import type { SocketFactory, SocketLike } from '$lib/net/types';
import type { SimExchange, SocketHandle } from '../core';
import { abortable, inPageFetch, simBackend, type InPageBackend } from './transport';

/**
 * The in-page transport split across a message port, so the simulator can run in a Web Worker
 * and leave the page's main thread to the app. The page side offers the same fetch and socket
 * factory as createInPageTransport, with the same browser semantics (CORS, abort, event order);
 * the worker side answers them from a SimExchange.
 */

/** Worker, MessagePort and the worker's own global scope all have this shape. */
export interface Port {
	postMessage(message: unknown): void;
	addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
	start?(): void;
}

type ToSim =
	| {
			t: 'fetch';
			id: number;
			method: string;
			url: string;
			headers: [string, string][];
			body: string;
	  }
	| { t: 'abort'; id: number }
	| { t: 'open'; sid: number; url: string }
	| { t: 'send'; sid: number; data: string }
	| { t: 'close'; sid: number };

type FromSim =
	| {
			t: 'response';
			id: number;
			status: number;
			headers: [string, string][];
			body: string | null;
	  }
	| { t: 'fetch-failed'; id: number; abort: boolean }
	| { t: 'opened'; sid: number }
	| { t: 'failed'; sid: number }
	| { t: 'frame'; sid: number; data: string | Uint8Array }
	| { t: 'closed'; sid: number; code: number; reason: string };

/** The worker side: answers every request and socket the page side opens. */
export function serveTransport(sim: SimExchange, port: Port): void {
	serveBackend(simBackend(sim), port);
}

/** The same for any in-page backend (another venue's simulator). */
export function serveBackend(backend: InPageBackend, port: Port): void {
	const aborts = new Map<number, AbortController>();
	const sockets = new Map<number, SocketHandle>();
	const post = (m: FromSim) => port.postMessage(m);
	port.addEventListener('message', ({ data }) => {
		const m = data as ToSim;
		switch (m.t) {
			case 'fetch': {
				const controller = new AbortController();
				aborts.set(m.id, controller);
				const request = new Request(m.url, {
					method: m.method,
					headers: m.headers,
					body: m.method === 'GET' || m.method === 'HEAD' ? undefined : m.body,
					signal: controller.signal
				});
				inPageFetch(backend, request)
					.then(async (response) => {
						const body = response.body === null ? null : await response.text();
						post({
							t: 'response',
							id: m.id,
							status: response.status,
							headers: [...response.headers],
							body
						});
					})
					.catch((error: unknown) => {
						const abort = error instanceof DOMException && error.name === 'AbortError';
						post({ t: 'fetch-failed', id: m.id, abort });
					})
					.finally(() => aborts.delete(m.id));
				break;
			}
			case 'abort':
				aborts.get(m.id)?.abort();
				break;
			case 'open': {
				// Frames a session sends while it opens wait until the page has heard 'opened'.
				let ready = false;
				const early: FromSim[] = [];
				const say = (message: FromSim) => (ready ? post(message) : early.push(message));
				const handle = backend.openSocket(
					new URL(m.url),
					(frame) => say({ t: 'frame', sid: m.sid, data: frame }),
					(code, reason) => {
						sockets.delete(m.sid);
						say({ t: 'closed', sid: m.sid, code, reason });
					}
				);
				if (!handle) {
					post({ t: 'failed', sid: m.sid });
					break;
				}
				post({ t: 'opened', sid: m.sid });
				ready = true;
				for (const message of early) post(message);
				if (!early.some((x) => x.t === 'closed')) sockets.set(m.sid, handle);
				break;
			}
			case 'send':
				sockets.get(m.sid)?.receive(m.data);
				break;
			case 'close':
				sockets.get(m.sid)?.closed();
				sockets.delete(m.sid);
				break;
		}
	});
	port.start?.();
}

/** The page side: a fetch and a socket factory that reach the simulator through `port`. */
export function createPortTransport(port: Port): {
	fetch: typeof fetch;
	socketFactory: SocketFactory;
} {
	let nextId = 1;
	const pending = new Map<number, { resolve: (r: Response) => void; reject: (e: Error) => void }>();
	const sockets = new Map<number, PortSocket>();
	const post = (m: ToSim) => port.postMessage(m);
	port.addEventListener('message', ({ data }) => {
		const m = data as FromSim;
		switch (m.t) {
			case 'response': {
				const nullBody = m.status === 204 || m.status === 304;
				pending
					.get(m.id)
					?.resolve(
						new Response(nullBody ? null : m.body, { status: m.status, headers: m.headers })
					);
				pending.delete(m.id);
				break;
			}
			case 'fetch-failed':
				pending
					.get(m.id)
					?.reject(
						m.abort
							? new DOMException('The operation was aborted.', 'AbortError')
							: new TypeError('Failed to fetch')
					);
				pending.delete(m.id);
				break;
			default:
				sockets.get(m.sid)?.fromSim(m);
				if (m.t === 'closed' || m.t === 'failed') sockets.delete(m.sid);
		}
	});
	port.start?.();

	const send = async (request: Request): Promise<Response> => {
		const id = nextId++;
		const headers = [...request.headers];
		const body = request.method === 'GET' || request.method === 'HEAD' ? '' : await request.text();
		const answer = new Promise<Response>((resolve, reject) => pending.set(id, { resolve, reject }));
		post({ t: 'fetch', id, method: request.method, url: request.url, headers, body });
		request.signal.addEventListener('abort', () => post({ t: 'abort', id }), { once: true });
		return answer;
	};

	return {
		fetch: (input, init) => abortable(() => send(new Request(input, init)), init?.signal),
		socketFactory: (url) => {
			const sid = nextId++;
			const socket = new PortSocket(sid, post, () => sockets.delete(sid));
			sockets.set(sid, socket);
			post({ t: 'open', sid, url });
			return socket;
		}
	};
}

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

/** A WebSocket look-alike whose server is across the port, with the browser's event order. */
class PortSocket implements SocketLike {
	binaryType = 'blob';
	onopen: ((ev: unknown) => void) | null = null;
	onmessage: ((ev: { data: unknown }) => void) | null = null;
	onclose: ((ev: { code: number; reason: string }) => void) | null = null;
	onerror: ((ev: unknown) => void) | null = null;
	#readyState = CONNECTING;
	readonly #sid: number;
	readonly #post: (m: ToSim) => void;
	readonly #forget: () => void;

	constructor(sid: number, post: (m: ToSim) => void, forget: () => void) {
		this.#sid = sid;
		this.#post = post;
		this.#forget = forget;
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
		this.#post({ t: 'send', sid: this.#sid, data });
	}

	close(code = 1000, reason = ''): void {
		if (this.#readyState === CLOSING || this.#readyState === CLOSED) return;
		const wasConnecting = this.#readyState === CONNECTING;
		this.#readyState = CLOSING;
		this.#post({ t: 'close', sid: this.#sid });
		this.#forget();
		setTimeout(() => {
			this.#readyState = CLOSED;
			this.onclose?.(wasConnecting ? { code: 1006, reason: '' } : { code, reason });
		}, 0);
	}

	fromSim(m: Extract<FromSim, { sid: number }>): void {
		switch (m.t) {
			case 'opened':
				if (this.#readyState !== CONNECTING) return;
				this.#readyState = OPEN;
				this.onopen?.({ type: 'open' });
				break;
			case 'failed':
				if (this.#readyState !== CONNECTING) return;
				this.#readyState = CLOSED;
				this.onerror?.({ type: 'error' });
				this.onclose?.({ code: 1006, reason: '' });
				break;
			case 'frame': {
				if (this.#readyState !== OPEN) return;
				if (typeof m.data === 'string') {
					this.onmessage?.({ data: m.data });
					return;
				}
				// A structured clone: its own ArrayBuffer, never shared memory.
				const bytes = m.data as Uint8Array<ArrayBuffer>;
				this.onmessage?.({
					data: this.binaryType === 'arraybuffer' ? bytes.buffer : new Blob([bytes])
				});
				break;
			}
			case 'closed':
				if (this.#readyState === CLOSED) return;
				if (m.code === 1006) this.onerror?.({ type: 'error' });
				this.#readyState = CLOSED;
				this.onclose?.({ code: m.code, reason: m.reason });
				break;
		}
	}
}
