import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { BitgetSimExchange } from '../bitget';
import { BITGET_DEMO_ENDPOINTS, createBitgetInPageTransport } from './bitget-transport';

const KEY = { apiKey: 'k', secret: 's', passphrase: 'p' };
let sim: BitgetSimExchange | undefined;
afterEach(() => sim?.stop());

type Socket = ReturnType<ReturnType<typeof createBitgetInPageTransport>['socketFactory']>;

function frames(socket: Socket): Array<string> {
	const seen: string[] = [];
	socket.onmessage = ({ data }) => void seen.push(String(data));
	return seen;
}

async function until<T>(find: () => T | undefined): Promise<T> {
	for (let i = 0; i < 300; i++) {
		const found = find();
		if (found !== undefined) return found;
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
	throw new Error('nothing matching arrived');
}

function login(secret = KEY.secret) {
	const timestamp = String(Math.floor(Date.now() / 1000));
	const sign = createHmac('sha256', secret).update(`${timestamp}GET/user/verify`).digest('base64');
	return JSON.stringify({
		op: 'login',
		args: [{ apiKey: KEY.apiKey, passphrase: KEY.passphrase, timestamp, sign }]
	});
}

describe('Bitget in-page transport', () => {
	it('routes a signed fetch, with the paptrading environment, to the simulator', async () => {
		sim = new BitgetSimExchange({ seed: 5 });
		sim.addAccount({ ...KEY, demo: true });
		const { fetch } = createBitgetInPageTransport(sim);
		const path = '/api/v2/mix/position/all-position';
		const query = 'marginCoin=USDT&productType=USDT-FUTURES';
		const call = (paptrading: boolean) => {
			const ts = String(Date.now());
			const sign = createHmac('sha256', KEY.secret)
				.update(`${ts}GET${path}?${query}`)
				.digest('base64');
			const headers: Record<string, string> = {
				'ACCESS-KEY': KEY.apiKey,
				'ACCESS-SIGN': sign,
				'ACCESS-TIMESTAMP': ts,
				'ACCESS-PASSPHRASE': KEY.passphrase
			};
			if (paptrading) headers.paptrading = '1';
			return fetch(`${BITGET_DEMO_ENDPOINTS.rest}${path}?${query}`, { headers });
		};
		const ok = await call(true);
		expect(ok).toBeInstanceOf(Response);
		expect(await ok.json()).toMatchObject({ code: '00000', data: [] });
		expect(await (await call(false)).json()).toMatchObject({ code: '40099' });
	});

	it('opens sockets by path and tells the demo host apart', async () => {
		sim = new BitgetSimExchange({ seed: 6 });
		sim.addAccount({ ...KEY, demo: true });
		const { socketFactory } = createBitgetInPageTransport(sim);
		const live = socketFactory(BITGET_DEMO_ENDPOINTS.privateWs);
		const liveFrames = frames(live);
		await until(() => (live.readyState === 1 ? true : undefined));
		live.send(login());
		expect(await until(() => liveFrames.find((f) => f.includes('"event":"error"')))).toContain(
			'30011'
		);
		const demo = socketFactory(BITGET_DEMO_ENDPOINTS.demoPrivateWs);
		const demoFrames = frames(demo);
		await until(() => (demo.readyState === 1 ? true : undefined));
		demo.send(login());
		expect(await until(() => demoFrames.find((f) => f.includes('"event":"login"')))).toBe(
			'{"event":"login","code":0,"msg":""}'
		);
		demo.send('ping');
		expect(await until(() => demoFrames.find((f) => f === 'pong'))).toBe('pong');
		const nowhere = socketFactory('wss://bitget.demo.perch.invalid/elsewhere');
		let closed: number | undefined;
		nowhere.onclose = ({ code }) => (closed = code);
		expect(await until(() => closed)).toBe(1006);
	});
});
