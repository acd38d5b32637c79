import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExchangeError } from '$lib/exchanges/types';
import { BitmartRest } from './rest';
import { importSigningKey } from '$lib/vault/signing-key';

/**
 * A relay or exchange address that answers a private request with a redirect to another origin:
 * with Node's real fetch and two loopback servers, nothing may reach the second one.
 */

const SECRET = 'redirect-secret';
const MEMO = 'redirect-memo';
const API_KEY = 'redirect-key';

interface Seen {
	method: string;
	url: string;
	headers: IncomingMessage['headers'];
	body: string;
}

let a: Server;
let b: Server;
let aUrl = '';
let bUrl = '';
const atA: Seen[] = [];
const atB: Seen[] = [];

function listen(server: Server): Promise<string> {
	return new Promise((resolve) =>
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as AddressInfo;
			resolve(`http://127.0.0.1:${port}`);
		})
	);
}

function recorder(
	into: Seen[],
	answer: (req: IncomingMessage) => [number, Record<string, string>]
) {
	return createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			into.push({
				method: req.method ?? '',
				url: req.url ?? '',
				headers: req.headers,
				body: Buffer.concat(chunks).toString('utf8')
			});
			const [status, headers] = answer(req);
			res.writeHead(status, headers);
			res.end(JSON.stringify({ code: 1000, message: 'Ok', data: { order_id: '1' }, trace: 't' }));
		});
	});
}

beforeAll(async () => {
	b = recorder(atB, () => [200, { 'Content-Type': 'application/json' }]);
	bUrl = await listen(b);
	a = recorder(atA, (req) => [307, { Location: `${bUrl}${req.url ?? '/'}` }]);
	aUrl = await listen(a);
});

afterAll(async () => {
	for (const s of [a, b]) {
		s.closeAllConnections();
		await new Promise<void>((resolve) => s.close(() => resolve()));
	}
});

async function creds() {
	return { apiKey: API_KEY, memo: MEMO, key: await importSigningKey(SECRET) };
}

describe('BitmartRest refuses redirects on private requests', () => {
	it('does not re-send a signed close to the origin a 307 names', async () => {
		const rest = new BitmartRest({ baseUrl: aUrl });
		const body = {
			symbol: 'BTCUSDT',
			client_order_id: 'perchRedirect1',
			side: 3,
			type: 'market',
			size: 1,
			open_type: 'cross'
		};
		const error = await rest
			.privateRequest('POST', '/contract/private/submit-order', body, await creds(), 'signed')
			.then(
				() => undefined,
				(e: unknown) => e
			);
		expect(atA.map((r) => `${r.method} ${r.url}`)).toEqual(['POST /contract/private/submit-order']);
		expect(atB).toEqual([]);
		expect(error).toBeInstanceOf(ExchangeError);
		// Not an exchange refusal: the order gate must treat the outcome as unknown and ask.
		expect(error).toMatchObject({ kind: 'network' });
		expect((error as Error).message).toMatch(/redirect.*refused/);
		for (const secretThing of [SECRET, MEMO, API_KEY]) {
			expect((error as Error).message).not.toContain(secretThing);
		}
	});

	it('does not follow a redirect on a KEYED read either', async () => {
		atA.length = 0;
		const rest = new BitmartRest({ baseUrl: aUrl });
		await expect(
			rest.privateRequest('GET', '/contract/private/assets-detail', {}, await creds(), 'keyed')
		).rejects.toMatchObject({ kind: 'network' });
		expect(atA).toHaveLength(1);
		expect(atB).toEqual([]);
	});
});
