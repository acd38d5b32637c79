/**
 * Test helpers for the Bitget specs: a scripted socket and a fetch that records every request and
 * answers from a script. Imported by specs only.
 */

import type { SocketLike } from '$lib/net/types';

export const TEST_ENDPOINTS = {
	rest: 'http://127.0.0.1:8766',
	publicWs: 'ws://127.0.0.1:8766/v2/ws/public',
	privateWs: 'ws://127.0.0.1:8766/v2/ws/private'
};

/** A scripted WebSocket: the test opens it, feeds it frames and reads what was sent. */
export class FakeSocket implements SocketLike {
	readyState = 0;
	binaryType = 'blob';
	onopen: ((ev: unknown) => void) | null = null;
	onmessage: ((ev: { data: unknown }) => void) | null = null;
	onclose: ((ev: { code: number; reason: string }) => void) | null = null;
	onerror: ((ev: unknown) => void) | null = null;
	readonly sent: string[] = [];

	constructor(readonly url: string) {}

	send(data: string): void {
		this.sent.push(data);
	}

	close(): void {
		this.readyState = 3;
	}

	open(): void {
		this.readyState = 1;
		this.onopen?.({});
	}

	push(frame: unknown): void {
		this.onmessage?.({ data: typeof frame === 'string' ? frame : JSON.stringify(frame) });
	}

	dropFromServer(): void {
		this.readyState = 3;
		this.onclose?.({ code: 1006, reason: '' });
	}

	/** The JSON frames sent, pings left out. */
	json(): { op: string; args: Record<string, string>[] }[] {
		return this.sent
			.filter((s) => s !== 'ping')
			.map((s) => JSON.parse(s) as { op: string; args: Record<string, string>[] });
	}
}

export interface RecordedRequest {
	method: string;
	url: URL;
	headers: Record<string, string>;
	body: string | undefined;
}

/** A fetch that records requests and answers `{code:"00000", data}` from `routes` by path. */
export function scriptedFetch(
	routes: Record<string, (req: RecordedRequest) => { status?: number; body: unknown }>
) {
	const requests: RecordedRequest[] = [];
	const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
		const url = new URL(String(input));
		const headers = Object.fromEntries(
			Object.entries((init?.headers ?? {}) as Record<string, string>)
		);
		const req: RecordedRequest = {
			method: init?.method ?? 'GET',
			url,
			headers,
			body: typeof init?.body === 'string' ? init.body : undefined
		};
		requests.push(req);
		const route = routes[url.pathname];
		if (!route) return new Response('{"code":"40404","msg":"no route"}', { status: 404 });
		const answer = route(req);
		return new Response(JSON.stringify(answer.body), { status: answer.status ?? 200 });
	}) as typeof fetch;
	return { fetch: fetchImpl, requests };
}

export const ok = (data: unknown) => ({ body: { code: '00000', msg: 'success', data } });
export const fail = (code: string, msg: string, status = 400) => ({
	status,
	body: { code, msg, data: null }
});
