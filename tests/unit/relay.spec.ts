import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRelay, type RelayConfig } from '../../relay/handler';
import { recordingFetch, startEchoUpstream, type EchoUpstream } from './relay-upstream';

const PERCH = 'https://perch.example';
const RELAY = 'http://relay.test';

let upstream: EchoUpstream;
let recorder: ReturnType<typeof recordingFetch>;
let logLines: string[];

beforeAll(async () => {
	upstream = await startEchoUpstream();
});
afterAll(() => upstream.close());
beforeEach(() => {
	upstream.received.length = 0;
	recorder = recordingFetch();
	logLines = [];
});

function relay(overrides: Partial<RelayConfig> = {}) {
	return createRelay({
		allowedOrigins: [PERCH],
		upstreams: { bitmart: upstream.origin },
		fetch: recorder.fetch,
		log: (line) => logLines.push(line),
		...overrides
	});
}

function call(path: string, init: RequestInit = {}, origin: string | null = PERCH) {
	const headers = new Headers(init.headers);
	if (origin !== null) headers.set('Origin', origin);
	return relay()(new Request(RELAY + path, { ...init, headers }));
}

describe('relay forwarding', () => {
	it('forwards method, path, query, body and the exchange auth headers', async () => {
		const body = JSON.stringify({ symbol: 'BTCUSDT', side: 3, type: 'market', size: 7 });
		const res = await call('/bitmart/contract/private/submit-order?symbol=BTCUSDT&a=1', {
			method: 'POST',
			body,
			headers: {
				'Content-Type': 'application/json',
				Accept: 'application/json',
				'X-BM-KEY': 'key-123',
				'X-BM-TIMESTAMP': '1589793796145',
				'X-BM-SIGN': 'c31dc326bf87f38b'
			}
		});
		expect(res.status).toBe(200);
		const echoed = (await res.json()) as {
			method: string;
			url: string;
			body: string;
			headers: Record<string, string>;
		};
		expect(echoed.method).toBe('POST');
		expect(echoed.url).toBe('/contract/private/submit-order?symbol=BTCUSDT&a=1');
		expect(echoed.body).toBe(body);
		expect(echoed.headers['content-type']).toBe('application/json');
		expect(echoed.headers['accept']).toBe('application/json');
		expect(echoed.headers['x-bm-key']).toBe('key-123');
		expect(echoed.headers['x-bm-timestamp']).toBe('1589793796145');
		expect(echoed.headers['x-bm-sign']).toBe('c31dc326bf87f38b');
		expect(recorder.urls).toEqual([
			`${upstream.origin}/contract/private/submit-order?symbol=BTCUSDT&a=1`
		]);
	});

	it('forwards Bitget and AscendEX auth headers, DELETE bodies and upstream base paths', async () => {
		const handler = relay({
			upstreams: { bitget: upstream.origin, ascendex: `${upstream.origin}/base/` }
		});
		const bitget = await handler(
			new Request(`${RELAY}/bitget/api/v2/mix/account/accounts?productType=USDT-FUTURES`, {
				headers: {
					Origin: PERCH,
					'ACCESS-KEY': 'bg-key',
					'ACCESS-SIGN': 'bg-sign',
					'ACCESS-TIMESTAMP': '1700000000000',
					'ACCESS-PASSPHRASE': 'bg-pass',
					paptrading: '1'
				}
			})
		);
		const bg = (await bitget.json()) as { url: string; headers: Record<string, string> };
		expect(bg.url).toBe('/api/v2/mix/account/accounts?productType=USDT-FUTURES');
		expect(bg.headers).toMatchObject({
			'access-key': 'bg-key',
			'access-sign': 'bg-sign',
			'access-timestamp': '1700000000000',
			'access-passphrase': 'bg-pass',
			paptrading: '1'
		});

		const ascendex = await handler(
			new Request(`${RELAY}/ascendex/7/api/pro/v2/futures/order`, {
				method: 'DELETE',
				body: '{"orderId":"a1"}',
				headers: {
					Origin: PERCH,
					'Content-Type': 'application/json',
					'x-auth-key': 'ax-key',
					'x-auth-signature': 'ax-sign',
					'x-auth-timestamp': '1700000000001'
				}
			})
		);
		const ax = (await ascendex.json()) as {
			method: string;
			url: string;
			body: string;
			headers: Record<string, string>;
		};
		expect(ax.method).toBe('DELETE');
		expect(ax.url).toBe('/base/7/api/pro/v2/futures/order');
		expect(ax.body).toBe('{"orderId":"a1"}');
		expect(ax.headers).toMatchObject({
			'x-auth-key': 'ax-key',
			'x-auth-signature': 'ax-sign',
			'x-auth-timestamp': '1700000000001'
		});
	});

	it('drops every request header outside the allow-list', async () => {
		const res = await call('/bitmart/contract/public/details', {
			headers: {
				Cookie: 'session=browser',
				Referer: 'https://perch.example/accounts/7',
				Authorization: 'Bearer nope',
				'X-Forwarded-For': '10.0.0.1',
				'X-Forwarded-Host': 'evil.invalid',
				'X-Unknown': 'x',
				'X-BM-KEY': 'kept'
			}
		});
		const echoed = (await res.json()) as { headers: Record<string, string> };
		for (const dropped of [
			'cookie',
			'referer',
			'authorization',
			'origin',
			'x-forwarded-for',
			'x-forwarded-host',
			'x-unknown'
		]) {
			expect(echoed.headers, dropped).not.toHaveProperty(dropped);
		}
		expect(echoed.headers['x-bm-key']).toBe('kept');
	});

	it('strips Set-Cookie, replaces upstream CORS and exposes the rate-limit headers', async () => {
		const res = await call('/bitmart/contract/public/details');
		expect(res.headers.get('Set-Cookie')).toBeNull();
		expect(res.headers.getSetCookie()).toEqual([]);
		expect(res.headers.get('Access-Control-Allow-Origin')).toBe(PERCH);
		expect(res.headers.get('Vary')).toBe('Origin');
		expect(res.headers.get('X-BM-RateLimit-Remaining')).toBe('11');
		expect(res.headers.get('X-BM-RateLimit-Limit')).toBe('12');
		expect(res.headers.get('X-BM-RateLimit-Reset')).toBe('2');
		expect(res.headers.get('Access-Control-Expose-Headers')).toBe(
			'X-BM-RateLimit-Remaining, X-BM-RateLimit-Limit, X-BM-RateLimit-Reset'
		);
	});

	it('passes upstream status and body through, including errors and empty replies', async () => {
		const limited = await call('/bitmart/contract/private/status/429');
		expect(limited.status).toBe(429);
		expect(((await limited.json()) as { url: string }).url).toBe('/contract/private/status/429');
		const empty = await call('/bitmart/x/no-content', { method: 'DELETE' });
		expect(empty.status).toBe(204);
		expect(await empty.text()).toBe('');
	});

	it('returns a compressed upstream reply decoded, without its Content-Encoding', async () => {
		const res = await call('/bitmart/x/gzip');
		expect(res.headers.get('Content-Encoding')).toBeNull();
		expect(await res.json()).toEqual({ compressed: true });
	});

	it('neither follows an upstream redirect nor passes it (or its Location) on', async () => {
		const res = await call('/bitmart/x/redirect');
		expect(res.status).toBe(502);
		expect(res.headers.get('Location')).toBeNull();
		expect(await res.json()).toEqual({
			relayError: 'upstream_redirect',
			message:
				'the exchange answered with a redirect (HTTP 302); the relay does not pass redirects on'
		});
		expect(recorder.urls).toEqual([`${upstream.origin}/x/redirect`]);
	});

	it('logs method, route prefix, status and duration only', async () => {
		await call('/bitmart/contract/private/order?symbol=BTCUSDT&order_id=42', {
			headers: { 'X-BM-KEY': 'key-in-header' }
		});
		expect(logLines).toHaveLength(1);
		expect(logLines[0]).toMatch(/^GET \/bitmart 200 \d+ms$/);
		await call('/bitmart/x', { method: 'OPTIONS' });
		await call('/secret-looking/path?key=1');
		expect(logLines.slice(1)).toEqual([
			expect.stringMatching(/^OPTIONS \/bitmart 204 \d+ms$/),
			expect.stringMatching(/^GET - 404 \d+ms$/)
		]);
	});

	it('answers 500 JSON with CORS when the client body stream fails', async () => {
		const broken = new ReadableStream<Uint8Array>({
			start(controller) {
				controller.error(new Error('client went away'));
			}
		});
		const init = { method: 'POST', body: broken, duplex: 'half', headers: { Origin: PERCH } };
		const res = await relay()(new Request(`${RELAY}/bitmart/x`, init as RequestInit));
		expect(res.status).toBe(500);
		expect(res.headers.get('Access-Control-Allow-Origin')).toBe(PERCH);
		expect(await res.json()).toMatchObject({ relayError: 'relay_failed' });
		expect(recorder.urls).toEqual([]);
	});
});

describe('relay CORS', () => {
	it('answers preflight locally with the exact methods and headers', async () => {
		const res = await call('/bitmart/contract/private/submit-order', {
			method: 'OPTIONS',
			headers: {
				'Access-Control-Request-Method': 'POST',
				'Access-Control-Request-Headers': 'content-type,x-bm-key,x-bm-sign,x-bm-timestamp'
			}
		});
		expect(res.status).toBe(204);
		expect(res.headers.get('Access-Control-Allow-Origin')).toBe(PERCH);
		expect(res.headers.get('Vary')).toBe('Origin');
		expect(res.headers.get('Access-Control-Allow-Methods')).toBe('GET, POST, DELETE, OPTIONS');
		const allowed = res.headers.get('Access-Control-Allow-Headers')?.split(', ').sort();
		expect(allowed).toEqual(
			[
				'content-type',
				'x-bm-key',
				'x-bm-timestamp',
				'x-bm-sign',
				'access-key',
				'access-sign',
				'access-timestamp',
				'access-passphrase',
				'paptrading',
				'x-auth-key',
				'x-auth-signature',
				'x-auth-timestamp'
			].sort()
		);
		expect(recorder.urls).toEqual([]);
	});

	it('refuses other origins and requests without an Origin with 403, before any upstream call', async () => {
		for (const origin of ['https://evil.example', 'https://perch.example.evil.com', 'null', null]) {
			const res = await call('/bitmart/contract/public/details', {}, origin);
			expect(res.status, String(origin)).toBe(403);
			expect(res.headers.get('Access-Control-Allow-Origin')).toBeNull();
			expect(res.headers.get('Vary')).toBe('Origin');
		}
		const preflight = await call('/bitmart/x', { method: 'OPTIONS' }, 'https://evil.example');
		expect(preflight.status).toBe(403);
		expect(recorder.urls).toEqual([]);
		expect(upstream.received).toEqual([]);
	});

	it('allows any origin only when "*" is the single configured entry', async () => {
		const open = relay({ allowedOrigins: ['*'] });
		const res = await open(
			new Request(`${RELAY}/bitmart/x`, { headers: { Origin: 'http://a.b' } })
		);
		expect(res.status).toBe(200);
		expect(res.headers.get('Access-Control-Allow-Origin')).toBe('*');
		expect(() => relay({ allowedOrigins: ['*', PERCH] })).toThrow(/single/);
		expect(() => relay({ allowedOrigins: [] })).toThrow(/empty/);
		expect(() => relay({ allowedOrigins: ['https://perch.example/'] })).toThrow(/exact origin/);
	});

	it('rejects methods other than GET, POST, DELETE and OPTIONS', async () => {
		const res = await call('/bitmart/x', { method: 'PUT', body: '{}' });
		expect(res.status).toBe(405);
		expect(res.headers.get('Access-Control-Allow-Origin')).toBe(PERCH);
		expect(recorder.urls).toEqual([]);
	});
});

describe('relay routing is not an open proxy', () => {
	it('answers unknown prefixes with 404 JSON', async () => {
		for (const path of [
			'/',
			'/binance/api/v3/order',
			'/__proto__/x',
			'/constructor/x',
			'/bitmartx/y'
		]) {
			const res = await call(path);
			expect(res.status, path).toBe(404);
			expect(res.headers.get('Content-Type')).toBe('application/json');
			expect(await res.json()).toMatchObject({ relayError: 'unknown_route' });
		}
		expect(recorder.urls).toEqual([]);
	});

	it.each([
		'/bitmart//evil.com/x',
		'/bitmart///evil.com/x',
		'/bitmart/../x',
		'/bitmart/a/../../x',
		'/bitmart/%2e%2e/evil.com',
		'/bitmart/.%2E/.%2e/x',
		'/bitmart/%2F%2Fevil.com/x',
		'/bitmart/%2f%2fevil.com/x',
		'/bitmart/..%2fevil.com',
		'/bitmart/%5C%5Cevil.com/x',
		'/bitmart/@evil.com/x',
		'/bitmart/http://evil.com/x',
		'/bitmart/http:%2F%2Fevil.com',
		'/http://evil.com',
		'/http:/evil.com/x',
		'/https%3A%2F%2Fevil.com/x',
		'//evil.com/bitmart/x'
	])('never sends %s to another host', async (path) => {
		const res = await call(path);
		expect([400, 404]).toContain(res.status);
		expect(recorder.urls).toEqual([]);
		expect(upstream.received).toEqual([]);
	});

	it('keeps a harmless in-prefix traversal on the configured host', async () => {
		const res = await call('/bitmart/contract/x/../public/details');
		expect(res.status).toBe(200);
		expect(recorder.urls).toEqual([`${upstream.origin}/contract/public/details`]);
		expect(upstream.received.map((r) => r.url)).toEqual(['/contract/public/details']);
	});
});

describe('relay limits', () => {
	it('refuses bodies over the limit with 413 and forwards one at the limit', async () => {
		const handler = relay({ maxBodyBytes: 1024 });
		const post = (body: BodyInit) =>
			handler(
				new Request(`${RELAY}/bitmart/x`, { method: 'POST', body, headers: { Origin: PERCH } })
			);
		const over = await post('a'.repeat(1025));
		expect(over.status).toBe(413);
		expect(await over.json()).toMatchObject({ relayError: 'body_too_large' });
		expect(recorder.urls).toEqual([]);
		const at = await post('a'.repeat(1024));
		expect(at.status).toBe(200);
		expect(((await at.json()) as { body: string }).body).toHaveLength(1024);
	});

	it('counts streamed bodies that declare no Content-Length', async () => {
		const chunk = new Uint8Array(600);
		const stream = new ReadableStream<Uint8Array>({
			start(controller) {
				controller.enqueue(chunk);
				controller.enqueue(chunk);
				controller.close();
			}
		});
		const init = { method: 'POST', body: stream, duplex: 'half', headers: { Origin: PERCH } };
		const res = await relay({ maxBodyBytes: 1024 })(
			new Request(`${RELAY}/bitmart/x`, init as RequestInit)
		);
		expect(res.status).toBe(413);
		expect(recorder.urls).toEqual([]);
	});

	it('uses a 64 KB limit by default', async () => {
		const res = await call('/bitmart/x', { method: 'POST', body: 'a'.repeat(64 * 1024 + 1) });
		expect(res.status).toBe(413);
	});

	it('answers 504 JSON when the upstream does not answer in time', async () => {
		const started = Date.now();
		const res = await relay({ timeoutMs: 150 })(
			new Request(`${RELAY}/bitmart/x/slow`, { headers: { Origin: PERCH } })
		);
		expect(res.status).toBe(504);
		expect(res.headers.get('Access-Control-Allow-Origin')).toBe(PERCH);
		expect(await res.json()).toMatchObject({ relayError: 'upstream_timeout' });
		expect(Date.now() - started).toBeLessThan(5000);
		expect(upstream.received.map((r) => r.url)).toEqual(['/x/slow']);
	});

	it('answers 502 JSON when the upstream cannot be reached', async () => {
		const gone = await startEchoUpstream();
		await gone.close();
		const res = await relay({ upstreams: { bitmart: gone.origin } })(
			new Request(`${RELAY}/bitmart/x`, { headers: { Origin: PERCH } })
		);
		expect(res.status).toBe(502);
		expect(await res.json()).toMatchObject({ relayError: 'upstream_unreachable' });
	});

	it('refuses upstream bases that are not plain http(s) URLs', () => {
		expect(() => relay({ upstreams: { bitmart: 'ftp://127.0.0.1' } })).toThrow(/http/);
		expect(() => relay({ upstreams: { bitmart: 'http://127.0.0.1/?a=1' } })).toThrow(/plain/);
		expect(() => relay({ upstreams: { 'Bit/Mart': 'http://127.0.0.1' } })).toThrow(/route name/);
	});
});
