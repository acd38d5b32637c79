/**
 * A stand-in exchange for the relay specs: a loopback node:http server that echoes what it got,
 * so a spec can check what the relay forwarded. It sets a cookie, rate-limit headers and its own
 * CORS header, which the relay must strip or replace.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';

export interface EchoedRequest {
	method: string;
	url: string;
	headers: IncomingHttpHeaders;
	body: string;
}

export interface EchoUpstream {
	origin: string;
	received: EchoedRequest[];
	close(): Promise<void>;
}

export async function startEchoUpstream(): Promise<EchoUpstream> {
	const received: EchoedRequest[] = [];
	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const echoed: EchoedRequest = {
				method: req.method ?? '',
				url: req.url ?? '',
				headers: req.headers,
				body: Buffer.concat(chunks).toString('utf8')
			};
			received.push(echoed);
			const path = echoed.url.split('?')[0];
			if (path.endsWith('/slow')) return; // never answers: the relay must time out
			const headers = {
				'Content-Type': 'application/json',
				'Set-Cookie': ['session=upstream-secret; Path=/', 'other=1'],
				'X-BM-RateLimit-Remaining': '11',
				'X-BM-RateLimit-Limit': '12',
				'X-BM-RateLimit-Reset': '2',
				'Access-Control-Allow-Origin': '*'
			};
			if (path.endsWith('/no-content')) {
				res.writeHead(204, headers).end();
			} else if (path.endsWith('/redirect')) {
				res.writeHead(302, { ...headers, Location: 'http://evil.invalid/steal' }).end();
			} else if (path.endsWith('/gzip')) {
				res.writeHead(200, { ...headers, 'Content-Encoding': 'gzip' });
				res.end(gzipSync(JSON.stringify({ compressed: true })));
			} else {
				const status = /\/status\/(\d{3})$/.exec(path);
				res.writeHead(status ? Number(status[1]) : 200, headers);
				res.end(JSON.stringify(echoed));
			}
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		origin: `http://127.0.0.1:${port}`,
		received,
		close: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			})
	};
}

/** A fetch that records every URL and refuses anything but loopback, so no spec leaves the machine. */
export function recordingFetch(): { fetch: typeof fetch; urls: string[] } {
	const urls: string[] = [];
	const recording: typeof fetch = (input, init) => {
		const url = input instanceof Request ? input.url : String(input);
		urls.push(url);
		const host = new URL(url).hostname;
		if (host !== '127.0.0.1' && host !== 'localhost') {
			return Promise.reject(new Error(`spec tried to contact ${host}`));
		}
		return fetch(input, init);
	};
	return { fetch: recording, urls };
}
