/**
 * Mounts the relay handler on node:http. Node 20 has global Request/Response/fetch, so this file
 * only translates between IncomingMessage/ServerResponse and the Fetch API.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
	createRelay,
	DEFAULT_MAX_BODY_BYTES,
	DEFAULT_UPSTREAMS,
	type RelayConfig,
	type RelayHandler
} from './handler';

export interface RelayServerOptions {
	/** 0 picks a free port. */
	port: number;
	/** Defaults to 127.0.0.1: the relay is for one user, not the network. */
	host?: string;
	allowedOrigins: string[];
	/** Replaces the default exchange hosts entirely when given. */
	upstreams?: Record<string, string>;
	fetch?: RelayConfig['fetch'];
	maxBodyBytes?: number;
	timeoutMs?: number;
	log?: RelayConfig['log'];
}

export interface RelayServer {
	url: string;
	close(): Promise<void>;
}

export async function startRelay(opts: RelayServerOptions): Promise<RelayServer> {
	const maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
	const relay = createRelay({
		allowedOrigins: opts.allowedOrigins,
		upstreams: opts.upstreams ?? { ...DEFAULT_UPSTREAMS },
		fetch: opts.fetch,
		maxBodyBytes,
		timeoutMs: opts.timeoutMs,
		log: opts.log
	});
	const server = createServer((req, res) => {
		serve(relay, req, res, maxBodyBytes).catch((error: unknown) => {
			console.error('relay: request failed:', error instanceof Error ? error.message : 'unknown');
			if (!res.headersSent) res.writeHead(500);
			res.end();
		});
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(opts.port, opts.host ?? '127.0.0.1', () => resolve());
	});
	const { port, address } = server.address() as AddressInfo;
	const host = address.includes(':') ? `[${address}]` : address;
	return {
		url: `http://${host}:${port}`,
		close: () =>
			new Promise<void>((resolve, reject) => {
				server.close((error) => (error ? reject(error) : resolve()));
				server.closeAllConnections();
			})
	};
}

const FETCH_FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);

async function serve(
	relay: RelayHandler,
	req: IncomingMessage,
	res: ServerResponse,
	maxBodyBytes: number
): Promise<void> {
	const target = req.url ?? '';
	// Absolute-form targets (`GET http://evil.com/ HTTP/1.1`) are proxy requests: never ours.
	if (!target.startsWith('/')) {
		res.writeHead(400, { 'Content-Type': 'application/json', Connection: 'close' });
		res.end(JSON.stringify({ relayError: 'bad_path', message: 'path not allowed' }));
		return;
	}
	if (FETCH_FORBIDDEN_METHODS.has(req.method ?? '')) {
		// `new Request` throws on these; the handler would refuse them anyway.
		res.writeHead(405, { 'Content-Type': 'application/json', Allow: 'GET, POST, DELETE, OPTIONS' });
		res.end(
			JSON.stringify({ relayError: 'method_not_allowed', message: 'use GET, POST or DELETE' })
		);
		return;
	}
	const client = new AbortController();
	res.once('close', () => {
		if (!res.writableFinished) client.abort();
	});
	const { body, truncated } = await readCapped(req, maxBodyBytes);
	// Concatenated, not resolved against a base: `//evil.com/x` must stay a path on this host.
	const request = new Request(`http://relay.invalid${target}`, {
		method: req.method,
		headers: nodeHeaders(req),
		body: body && req.method !== 'GET' && req.method !== 'HEAD' ? body : null,
		signal: client.signal
	});
	const response = await relay(request);
	const payload = Buffer.from(await response.arrayBuffer());
	const headers: Record<string, string> = Object.fromEntries(response.headers);
	if (payload.byteLength > 0) headers['Content-Length'] = String(payload.byteLength);
	// Leftover body bytes were not read; closing is cheaper than draining them.
	if (truncated) headers.Connection = 'close';
	if (response.statusText) res.writeHead(response.status, response.statusText, headers);
	else res.writeHead(response.status, headers);
	res.end(payload);
}

/** Reads at most limit + 1 bytes: enough for the handler to see the body is too large. */
function readCapped(
	req: IncomingMessage,
	limit: number
): Promise<{ body: Uint8Array<ArrayBuffer> | null; truncated: boolean }> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		const finish = (truncated: boolean) => {
			req.off('data', onData);
			const body = size === 0 ? null : new Uint8Array(Buffer.concat(chunks).subarray(0, limit + 1));
			resolve({ body, truncated });
		};
		const onData = (chunk: Buffer) => {
			chunks.push(chunk);
			size += chunk.byteLength;
			if (size > limit) {
				req.pause();
				finish(true);
			}
		};
		req.on('data', onData);
		req.once('end', () => finish(false));
		req.once('error', reject);
	});
}

function nodeHeaders(req: IncomingMessage): Headers {
	const headers = new Headers();
	for (const [name, value] of Object.entries(req.headers)) {
		if (value === undefined) continue;
		for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
	}
	return headers;
}
