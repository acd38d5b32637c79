import { afterEach, describe, expect, it } from 'vitest';
import { AscendexSim } from '../ascendex/exchange';
import { ascendexSignature } from '../ascendex/signing';
import { ASCENDEX_DEMO_ENDPOINTS, createAscendexInPageTransport } from './ascendex-transport';

const SECRET = 'Zx9cV7bN5mQ3wE1rT9yU7iO5pA3sD1fG9hJ7kL5zX3cV1bN9mQ7wE5rT3yU1iO9p';

let sim: AscendexSim | undefined;
afterEach(() => sim?.stop());

function collect(
	socket: ReturnType<ReturnType<typeof createAscendexInPageTransport>['socketFactory']>
) {
	const frames: Array<Record<string, unknown>> = [];
	let wake: (() => void) | undefined;
	socket.onmessage = (ev) => {
		frames.push(JSON.parse(ev.data as string) as Record<string, unknown>);
		wake?.();
	};
	return async (match: (m: Record<string, unknown>) => boolean) => {
		for (;;) {
			const found = frames.find(match);
			if (found) return found;
			await new Promise<void>((resolve) => (wake = resolve));
		}
	};
}

describe('AscendEX in-page transport', () => {
	it('serves signed REST and an authenticated group stream inside the page', async () => {
		sim = new AscendexSim({ seed: 2 });
		sim.addAccount({ apiKey: 'inpage', secret: SECRET, accountGroup: 3 });
		const transport = createAscendexInPageTransport(sim);
		const ts = String(Date.now());
		const res = await transport.fetch(`${ASCENDEX_DEMO_ENDPOINTS.rest}/api/pro/v2/account/info`, {
			headers: {
				'x-auth-key': 'inpage',
				'x-auth-timestamp': ts,
				'x-auth-signature': await ascendexSignature(SECRET, `${ts}+v2/account/info`)
			}
		});
		expect(((await res.json()) as { data: { accountGroup: number } }).data.accountGroup).toBe(3);

		const url = ASCENDEX_DEMO_ENDPOINTS.privateWs.replace('/api/', '/3/api/');
		const socket = transport.socketFactory(url);
		const next = collect(socket);
		await new Promise<void>((resolve) => (socket.onopen = () => resolve()));
		await next((m) => m.m === 'connected');
		const t = Date.now();
		socket.send(
			JSON.stringify({
				op: 'auth',
				id: '1',
				t,
				key: 'inpage',
				sig: await ascendexSignature(SECRET, `${t}+v2/stream`)
			})
		);
		expect((await next((m) => m.m === 'auth')).code).toBe(0);
		socket.close();
	});

	it('fails a socket on a path that is no stream, like a refused upgrade', async () => {
		sim = new AscendexSim({ seed: 2 });
		const socket = createAscendexInPageTransport(sim).socketFactory(
			'wss://ascendex.demo.perch.invalid/nope'
		);
		const closed = await new Promise<{ code: number }>((resolve) => (socket.onclose = resolve));
		expect(closed.code).toBe(1006);
	});
});
