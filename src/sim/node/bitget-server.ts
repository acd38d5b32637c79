import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { BitgetSimExchange, type BitgetSimOptions } from '../bitget';

export interface BitgetSimServerOptions {
	/** REST and the live WS host (default: any free port). */
	port?: number;
	/** The demo WS host (Bitget's wspap.bitget.com), a second loopback port (default: any free). */
	demoPort?: number;
	host?: string;
	seed?: number;
	cors?: boolean;
	rateLimits?: boolean;
	timing?: BitgetSimOptions['timing'];
	now?: () => number;
}

export interface BitgetSimServer {
	url: string;
	endpoints: {
		rest: string;
		publicWs: string;
		privateWs: string;
		demoPublicWs: string;
		demoPrivateWs: string;
	};
	sim: BitgetSimExchange;
	close(): Promise<void>;
}

const SOCKET_PATHS: Record<string, 'public' | 'private'> = {
	'/v2/ws/public': 'public',
	'/v2/ws/private': 'private'
};

/**
 * A BitgetSimExchange on loopback: REST and `/v2/ws/public|private` (the live host) on one port,
 * the same socket paths on a second port standing in for the demo host. Never logs headers or
 * bodies: they carry keys, passphrases and signatures.
 */
export async function startBitgetSimServer(
	opts: BitgetSimServerOptions = {}
): Promise<BitgetSimServer> {
	const sim = new BitgetSimExchange({
		seed: opts.seed,
		cors: opts.cors,
		rateLimits: opts.rateLimits,
		timing: opts.timing,
		now: opts.now
	});
	const host = opts.host ?? '127.0.0.1';
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
	const demo = createServer((_req, res) => res.writeHead(404).end());
	const wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });
	const mount = (target: Server, demoHost: boolean) =>
		target.on('upgrade', (req: IncomingMessage, socket, head) => {
			const kind = SOCKET_PATHS[new URL(req.url ?? '/', 'http://sim.invalid').pathname];
			if (!kind) {
				socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
				return;
			}
			wss.handleUpgrade(req, socket, head, (ws) => mountSocket(sim, kind, demoHost, ws));
		});
	mount(server, false);
	mount(demo, true);
	const listen = (target: Server, port: number) =>
		new Promise<AddressInfo>((resolve, reject) => {
			target.once('error', reject);
			target.listen(port, host, () => resolve(target.address() as AddressInfo));
		});
	const main = await listen(server, opts.port ?? 0);
	const demoAddress = await listen(demo, opts.demoPort ?? 0);
	const name = main.address.includes(':') ? `[${main.address}]` : main.address;
	sim.start();
	return {
		url: `http://${name}:${main.port}`,
		endpoints: {
			rest: `http://${name}:${main.port}`,
			publicWs: `ws://${name}:${main.port}/v2/ws/public`,
			privateWs: `ws://${name}:${main.port}/v2/ws/private`,
			demoPublicWs: `ws://${name}:${demoAddress.port}/v2/ws/public`,
			demoPrivateWs: `ws://${name}:${demoAddress.port}/v2/ws/private`
		},
		sim,
		async close() {
			sim.stop();
			for (const client of wss.clients) client.terminate();
			await new Promise<void>((resolve) => wss.close(() => resolve()));
			for (const target of [server, demo]) {
				target.closeAllConnections();
				await new Promise<void>((resolve) => target.close(() => resolve()));
			}
		}
	};
}

function mountSocket(
	sim: BitgetSimExchange,
	kind: 'public' | 'private',
	demoHost: boolean,
	ws: WebSocket
): void {
	const handle = sim.openSocket(
		kind,
		demoHost,
		(text) => ws.send(text),
		(code, reason) => (code === 1006 ? ws.terminate() : ws.close(code, reason))
	);
	ws.on('message', (data: Buffer) => handle.receive(data.toString('utf8')));
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
