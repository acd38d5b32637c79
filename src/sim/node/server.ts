import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { SimExchange, type SimExchangeOptions } from '../core';

export interface SimServerOptions {
	port?: number;
	host?: string;
	seed?: number;
	cors?: boolean;
	binaryFrames?: boolean;
	rateLimits?: boolean;
	timing?: SimExchangeOptions['timing'];
	/** The exchange's clock (default: this machine's). */
	now?: () => number;
}

export interface SimServer {
	url: string;
	endpoints: { rest: string; publicWs: string; privateWs: string };
	sim: SimExchange;
	close(): Promise<void>;
}

const SOCKET_PATHS: Record<string, 'public' | 'private'> = { '/api': 'public', '/user': 'private' };

/**
 * Mount a running SimExchange on node:http (REST) and `ws` (sockets) on one loopback port.
 * Never logs headers or bodies: they carry API keys and signatures.
 */
export async function startSimServer(opts: SimServerOptions = {}): Promise<SimServer> {
	const sim = new SimExchange({
		seed: opts.seed,
		cors: opts.cors,
		binaryFrames: opts.binaryFrames,
		rateLimits: opts.rateLimits,
		timing: opts.timing,
		now: opts.now
	});
	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const url = new URL(req.url ?? '/', 'http://sim.invalid');
			sim
				.handleRest({
					method: req.method ?? 'GET',
					path: url.pathname,
					query: url.search.slice(1),
					headers: flatHeaders(req),
					body: Buffer.concat(chunks).toString('utf8'),
					ip: req.socket.remoteAddress
				})
				.then((answer) => {
					// The dropNextResponse fault: the work is done, the answer never arrives.
					if (answer.dropped) {
						req.socket.destroy();
						return;
					}
					res.writeHead(answer.status, answer.headers);
					res.end(answer.body);
				})
				.catch((error: unknown) => {
					console.error('simulator: REST handler failed', error);
					res.writeHead(500).end();
				});
		});
	});
	// The simulator enforces the documented frame limit itself (close 1009), so ws must not.
	const wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });
	server.on('upgrade', (req, socket, head) => {
		const kind = SOCKET_PATHS[new URL(req.url ?? '/', 'http://sim.invalid').pathname];
		if (!kind) {
			socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
			return;
		}
		wss.handleUpgrade(req, socket, head, (ws) => mountSocket(sim, kind, ws));
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
	});
	const { port, address } = server.address() as AddressInfo;
	const host = address.includes(':') ? `[${address}]` : address;
	sim.start();
	return {
		url: `http://${host}:${port}`,
		endpoints: {
			rest: `http://${host}:${port}`,
			publicWs: `ws://${host}:${port}/api?protocol=1.1`,
			privateWs: `ws://${host}:${port}/user?protocol=1.1`
		},
		sim,
		async close() {
			sim.stop();
			for (const client of wss.clients) client.terminate();
			await new Promise<void>((resolve) => wss.close(() => resolve()));
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		}
	};
}

function mountSocket(sim: SimExchange, kind: 'public' | 'private', ws: WebSocket): void {
	const handle = sim.openSocket(
		kind,
		(frame) => ws.send(frame, { binary: typeof frame !== 'string' }),
		(code, reason) => (code === 1006 ? ws.terminate() : ws.close(code, reason))
	);
	ws.on('message', (data: Buffer, isBinary) => {
		handle.receive(isBinary ? data.toString('latin1') : data.toString('utf8'));
	});
	ws.on('close', () => handle.closed());
	ws.on('error', () => handle.closed());
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries(req.headers)) {
		if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
	}
	return headers;
}
