import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_UPSTREAMS } from '../../relay/handler';
import { LOCAL_DEV_ORIGINS, originsFromEnv, upstreamsFromEnv } from '../../relay/config';
import { startRelay, type RelayServer } from '../../relay/node';
import worker from '../../relay/worker';
import { recordingFetch, startEchoUpstream, type EchoUpstream } from './relay-upstream';

const PERCH = 'http://127.0.0.1:4173';

let upstream: EchoUpstream;
let relay: RelayServer;
let recorder: ReturnType<typeof recordingFetch>;

beforeAll(async () => {
	upstream = await startEchoUpstream();
	recorder = recordingFetch();
	relay = await startRelay({
		port: 0,
		allowedOrigins: LOCAL_DEV_ORIGINS,
		upstreams: { bitmart: upstream.origin },
		fetch: recorder.fetch,
		maxBodyBytes: 2048
	});
});
afterAll(async () => {
	await relay.close();
	await upstream.close();
});
beforeEach(() => {
	upstream.received.length = 0;
	recorder.urls.length = 0;
});

/** Sends bytes as written: fetch would normalise the request target before it left. */
function rawRequest(requestLine: string): Promise<string> {
	const { hostname, port } = new URL(relay.url);
	return new Promise((resolve, reject) => {
		const socket = connect(Number(port), hostname, () => {
			socket.write(
				`${requestLine}\r\nHost: ${hostname}\r\nOrigin: ${PERCH}\r\nConnection: close\r\n\r\n`
			);
		});
		let reply = '';
		socket.on('data', (chunk: Buffer) => (reply += chunk.toString('latin1')));
		socket.on('end', () => resolve(reply));
		socket.on('error', reject);
	});
}

describe('startRelay over real HTTP', () => {
	it('binds loopback and forwards a signed POST with CORS on the way back', async () => {
		expect(relay.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		const res = await fetch(`${relay.url}/bitmart/contract/private/submit-order?x=1`, {
			method: 'POST',
			body: '{"symbol":"BTCUSDT"}',
			headers: {
				Origin: PERCH,
				'Content-Type': 'application/json',
				'X-BM-KEY': 'k',
				'X-BM-SIGN': 's',
				'X-BM-TIMESTAMP': '1',
				Cookie: 'c=1'
			}
		});
		expect(res.status).toBe(200);
		expect(res.headers.get('Access-Control-Allow-Origin')).toBe(PERCH);
		expect(res.headers.get('Set-Cookie')).toBeNull();
		expect(res.headers.get('X-BM-RateLimit-Remaining')).toBe('11');
		const echoed = (await res.json()) as {
			method: string;
			url: string;
			body: string;
			headers: Record<string, string>;
		};
		expect(echoed).toMatchObject({
			method: 'POST',
			url: '/contract/private/submit-order?x=1',
			body: '{"symbol":"BTCUSDT"}'
		});
		expect(echoed.headers).toMatchObject({
			'x-bm-key': 'k',
			'x-bm-sign': 's',
			'x-bm-timestamp': '1'
		});
		expect(echoed.headers).not.toHaveProperty('cookie');
	});

	it('never hands a 3xx or a Location back: a following client cannot reach the target', async () => {
		// Upstream answers the signed close with 307 to a second loopback origin (the "other host").
		const target = await startEchoUpstream();
		const redirecting = createServer((req, res) => {
			req.resume();
			req.on('end', () => {
				res.writeHead(307, { Location: `${target.origin}${req.url ?? '/'}` }).end();
			});
		});
		await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
		const { port } = redirecting.address() as AddressInfo;
		const redirectRelay = await startRelay({
			port: 0,
			allowedOrigins: LOCAL_DEV_ORIGINS,
			upstreams: { bitmart: `http://127.0.0.1:${port}` },
			fetch: recordingFetch().fetch
		});
		try {
			// Node's fetch follows redirects by default, as a browser does.
			const res = await fetch(`${redirectRelay.url}/bitmart/contract/private/submit-order`, {
				method: 'POST',
				body: '{"symbol":"BTCUSDT","side":3,"type":"market","size":1}',
				headers: {
					Origin: PERCH,
					'Content-Type': 'application/json',
					'X-BM-KEY': 'k',
					'X-BM-SIGN': 's',
					'X-BM-TIMESTAMP': '1'
				}
			});
			expect(res.redirected).toBe(false);
			expect(res.status).toBe(502);
			expect(res.headers.get('Location')).toBeNull();
			expect(await res.json()).toMatchObject({
				relayError: 'upstream_redirect',
				message: expect.stringMatching(/redirect/)
			});
			expect(target.received).toEqual([]);
		} finally {
			await redirectRelay.close();
			redirecting.closeAllConnections();
			await new Promise<void>((resolve) => redirecting.close(() => resolve()));
			await target.close();
		}
	});

	it('answers preflight and refuses foreign origins', async () => {
		const preflight = await fetch(`${relay.url}/bitmart/x`, {
			method: 'OPTIONS',
			headers: { Origin: 'http://localhost:4173', 'Access-Control-Request-Method': 'DELETE' }
		});
		expect(preflight.status).toBe(204);
		expect(preflight.headers.get('Access-Control-Allow-Origin')).toBe('http://localhost:4173');
		const foreign = await fetch(`${relay.url}/bitmart/x`, {
			headers: { Origin: 'http://evil.invalid' }
		});
		expect(foreign.status).toBe(403);
		expect(recorder.urls).toEqual([]);
	});

	it('decodes a compressed upstream reply so the client can read it', async () => {
		const res = await fetch(`${relay.url}/bitmart/x/gzip`, { headers: { Origin: PERCH } });
		expect(res.headers.get('Content-Encoding')).toBeNull();
		expect(res.headers.get('Content-Length')).toBe(String('{"compressed":true}'.length));
		expect(await res.json()).toEqual({ compressed: true });
	});

	it('answers 413 to an oversized body without forwarding it', async () => {
		const res = await fetch(`${relay.url}/bitmart/x`, {
			method: 'POST',
			body: 'a'.repeat(100_000),
			headers: { Origin: PERCH }
		});
		expect(res.status).toBe(413);
		expect(upstream.received).toEqual([]);
	});

	it.each([
		'GET //evil.com/x HTTP/1.1',
		'GET http://evil.com/bitmart/x HTTP/1.1',
		'GET /bitmart//evil.com/x HTTP/1.1',
		'GET /bitmart/../../evil.com/x HTTP/1.1',
		'GET /bitmart/%2e%2e/%2e%2e/x HTTP/1.1',
		'GET /bitmart/%2F%2Fevil.com HTTP/1.1',
		'GET /bitmart\\..\\evil.com HTTP/1.1',
		'GET /http://evil.com/ HTTP/1.1'
	])('refuses the raw request line %s', async (line) => {
		const reply = await rawRequest(line);
		expect(reply).toMatch(/^HTTP\/1\.1 (400|404) /);
		expect(recorder.urls).toEqual([]);
		expect(upstream.received).toEqual([]);
	});

	it('refuses methods fetch cannot even express', async () => {
		const reply = await rawRequest('TRACE /bitmart/x HTTP/1.1');
		expect(reply).toMatch(/^HTTP\/1\.1 405 /);
		expect(upstream.received).toEqual([]);
	});
});

describe('relay configuration from the environment', () => {
	it('reads comma-separated origins and falls back when unset', () => {
		expect(
			originsFromEnv({ RELAY_ORIGINS: ' https://a.example , https://b.example,' }, [])
		).toEqual(['https://a.example', 'https://b.example']);
		expect(originsFromEnv({}, LOCAL_DEV_ORIGINS)).toEqual([
			'http://127.0.0.1:4173',
			'http://localhost:4173'
		]);
	});

	it('applies RELAY_UPSTREAM_<NAME> overrides over the exchange defaults', () => {
		const upstreams = upstreamsFromEnv({
			RELAY_UPSTREAM_BITMART_DEMO: 'http://127.0.0.1:8765',
			RELAY_UPSTREAM_: 'http://ignored',
			OTHER: 'x'
		});
		expect(upstreams).toEqual({ ...DEFAULT_UPSTREAMS, 'bitmart-demo': 'http://127.0.0.1:8765' });
		expect(upstreams.bitmart).toBe('https://api-cloud-v2.bitmart.com');
	});
});

describe('relay Workers entry', () => {
	it('builds the relay from env vars and forwards to an overridden upstream', async () => {
		const env = { RELAY_ORIGINS: 'https://perch.example', RELAY_UPSTREAM_BITMART: upstream.origin };
		const res = await worker.fetch(
			new Request('https://relay.workers.dev/bitmart/contract/public/details?symbol=BTCUSDT', {
				headers: { Origin: 'https://perch.example' }
			}),
			env
		);
		expect(res.status).toBe(200);
		expect(res.headers.get('Access-Control-Allow-Origin')).toBe('https://perch.example');
		expect(upstream.received.map((r) => r.url)).toEqual([
			'/contract/public/details?symbol=BTCUSDT'
		]);
	});

	it('answers 500 without contacting anyone when RELAY_ORIGINS is missing', async () => {
		const res = await worker.fetch(new Request('https://relay.workers.dev/bitmart/x'), {
			RELAY_UPSTREAM_BITMART: upstream.origin
		});
		expect(res.status).toBe(500);
		expect(upstream.received).toEqual([]);
	});
});
