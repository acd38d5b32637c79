import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { AscendexSim, type AscendexSimOptions } from '../ascendex/exchange';

export interface AscendexSimServerOptions extends AscendexSimOptions {
	port?: number;
	host?: string;
}

export interface AscendexSimServer {
	url: string;
	endpoints: {
		rest: string;
		/** The public stream (market data only; auth is refused there, as documented). */
		publicWs: string;
		/** The private stream of an account group: `ws://…/<group>/api/pro/v2/stream`. */
		privateWs(accountGroup: number): string;
	};
	sim: AscendexSim;
	close(): Promise<void>;
}

/**
 * Mount an AscendexSim on node:http (REST) and `ws` (streams) on one loopback port.
 * Never logs headers or bodies: they carry API keys and signatures.
 */
export async function startAscendexSimServer(
	opts: AscendexSimServerOptions = {}
): Promise<AscendexSimServer> {
	const sim = new AscendexSim(opts);
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
	const wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });
	server.on('upgrade', (req, socket, head) => {
		const path = new URL(req.url ?? '/', 'http://sim.invalid').pathname;
		wss.handleUpgrade(req, socket, head, (ws) => {
			const handle = sim.openStream(
				path,
				(text) => ws.send(text),
				(code, reason) => (code === 1006 ? ws.terminate() : ws.close(code, reason))
			);
			if (!handle) {
				ws.close(1008, 'no such stream');
				return;
			}
			ws.on('message', (data: Buffer) => handle.receive(data.toString('utf8')));
			ws.on('close', () => handle.closed());
			ws.on('error', () => handle.closed());
		});
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
			publicWs: `ws://${host}:${port}/api/pro/v2/stream`,
			privateWs: (group) => `ws://${host}:${port}/${group}/api/pro/v2/stream`
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

function flatHeaders(req: IncomingMessage): Record<string, string> {
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries(req.headers)) {
		if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
	}
	return headers;
}
