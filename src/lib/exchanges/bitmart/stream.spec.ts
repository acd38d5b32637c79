import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ServerClock } from '$lib/net/clock';
import { importSigningKey } from '$lib/vault/signing-key';
import {
	MAX_FRAME_BYTES,
	bitmartPrivateProtocol,
	bitmartPublicProtocol,
	chunkedFrames,
	depthChannel,
	depthTopic,
	fundingTopic,
	parseLoginAck,
	requestSnapshotFrame,
	tickerTopic,
	tradeTopic
} from './stream';

const secret = '6c6c98544461bbe71db2bca4c6d7fd0021e0ba9efc215f9c6ad41852df9d9df9';

describe('topics', () => {
	it('uses the channel names from the docs', () => {
		expect(tickerTopic('BTCUSDT')).toBe('futures/ticker:BTCUSDT');
		expect(depthTopic('BTCUSDT', 50, 100)).toBe('futures/depthIncrease50:BTCUSDT@100ms');
		expect(depthTopic('ETHUSDT', 5, 200)).toBe('futures/depthIncrease5:ETHUSDT@200ms');
		expect(fundingTopic('BTCUSDT')).toBe('futures/fundingRate:BTCUSDT');
		expect(tradeTopic('BTCUSDT')).toBe('futures/trade:BTCUSDT');
	});

	it('maps the neutral book options to the shallowest depthIncrease channel that holds them', () => {
		expect(depthChannel({ depth: 'full', speed: 'fast' })).toEqual({ depth: 50, speedMs: 100 });
		expect(depthChannel({ depth: 'full', speed: 'normal' })).toEqual({ depth: 50, speedMs: 200 });
		expect(depthChannel({ depth: 1, speed: 'normal' })).toEqual({ depth: 5, speedMs: 200 });
		expect(depthChannel({ depth: 5, speed: 'fast' })).toEqual({ depth: 5, speedMs: 100 });
		expect(depthChannel({ depth: 6, speed: 'fast' }).depth).toBe(20);
		expect(depthChannel({ depth: 20, speed: 'fast' }).depth).toBe(20);
		expect(depthChannel({ depth: 21, speed: 'fast' }).depth).toBe(50);
		// More than BitMart streams: its deepest channel.
		expect(depthChannel({ depth: 500, speed: 'fast' }).depth).toBe(50);
	});

	it('builds the snapshot request frame', () => {
		expect(requestSnapshotFrame('futures/depthIncrease20:BTCUSDT@200ms')).toBe(
			'{"action":"request","args":["futures/depthIncrease20:BTCUSDT@200ms"]}'
		);
	});
});

describe('chunkedFrames', () => {
	const topics = Array.from({ length: 300 }, (_, i) => depthTopic(`COIN${i}USDT`, 50, 100));

	it('keeps every frame under the limit and loses no topic, in order', () => {
		const frames = chunkedFrames('subscribe', topics);
		expect(frames.length).toBeGreaterThan(1);
		for (const frame of frames) {
			expect(new TextEncoder().encode(frame).length).toBeLessThanOrEqual(MAX_FRAME_BYTES);
		}
		const parsed = frames.map((f) => JSON.parse(f) as { action: string; args: string[] });
		expect(parsed.every((p) => p.action === 'subscribe')).toBe(true);
		expect(parsed.flatMap((p) => p.args)).toEqual(topics);
	});

	it('packs frames fully rather than one topic each', () => {
		const frames = chunkedFrames('unsubscribe', topics, 300);
		// Each frame but the last could not have taken the next topic without passing the limit.
		for (let i = 0; i < frames.length - 1; i++) {
			const args = (JSON.parse(frames[i]) as { args: string[] }).args;
			const next = (JSON.parse(frames[i + 1]) as { args: string[] }).args[0];
			const bigger = JSON.stringify({ action: 'unsubscribe', args: [...args, next] });
			expect(bigger.length).toBeGreaterThan(300);
		}
	});

	it('sends a few topics in one frame and nothing for no topics', () => {
		expect(chunkedFrames('subscribe', ['futures/ticker:BTCUSDT', 'futures/trade:BTCUSDT'])).toEqual(
			['{"action":"subscribe","args":["futures/ticker:BTCUSDT","futures/trade:BTCUSDT"]}']
		);
		expect(chunkedFrames('subscribe', [])).toEqual([]);
	});

	it('gives a single oversized topic a frame of its own', () => {
		const huge = `futures/ticker:${'X'.repeat(1200)}`;
		const frames = chunkedFrames('subscribe', ['a', huge, 'b']);
		expect(frames.map((f) => (JSON.parse(f) as { args: string[] }).args)).toEqual([
			['a'],
			[huge],
			['b']
		]);
	});
});

describe('bitmartPublicProtocol', () => {
	const protocol = bitmartPublicProtocol();

	it('pings with the JSON keepalive well inside the 20 s idle limit', () => {
		expect(protocol.pingFrame()).toBe('{"action":"ping"}');
		expect(protocol.keepaliveMs).toBe(5_000);
		expect(protocol.pongTimeoutMs).toBe(5_000);
		expect(protocol.staleAfterMs).toBe(3_000);
		// A dead connection is left (no reply to the keepalive) before the server's 20 s cut-off.
		expect(protocol.keepaliveMs + protocol.pongTimeoutMs).toBeLessThan(20_000);
		// A quiet account hears a position push every 10 s: the keepalive must come first.
		expect(protocol.keepaliveMs).toBeLessThan(10_000);
		// Stale is shown before the connection is given up.
		expect(protocol.staleAfterMs).toBeLessThan(protocol.pongTimeoutMs);
		expect(protocol.loginFrame).toBeUndefined();
	});

	it('recognises the observed pong and the documented text pong only', () => {
		const isPong = (msg: unknown) => protocol.isPong?.(msg);
		expect(isPong({ group: 'System', data: 'pong+4a1b2c3d' })).toBe(true);
		expect(isPong('pong')).toBe(true);
		expect(isPong({ group: 'futures/ticker:BTCUSDT', data: { symbol: 'BTCUSDT' } })).toBe(false);
		expect(isPong({ action: 'ping' })).toBe(false);
		expect(isPong(null)).toBe(false);
	});

	it('chunks subscribe and unsubscribe frames', () => {
		expect(protocol.subscribeFrames(['futures/ticker:BTCUSDT'])).toEqual([
			'{"action":"subscribe","args":["futures/ticker:BTCUSDT"]}'
		]);
		expect(protocol.unsubscribeFrames(['futures/ticker:BTCUSDT'])).toEqual([
			'{"action":"unsubscribe","args":["futures/ticker:BTCUSDT"]}'
		]);
	});
});

describe('bitmartPrivateProtocol', () => {
	it('signs the access frame with the server clock (documented login vector)', async () => {
		const key = await importSigningKey(secret);
		const clock = new ServerClock({ now: () => 1589267764859 });
		const protocol = bitmartPrivateProtocol({ apiKey: 'KEY123', memo: 'test001', key }, clock);
		const frame = JSON.parse(await protocol.loginFrame!()) as { action: string; args: string[] };
		expect(frame).toEqual({
			action: 'access',
			args: [
				'KEY123',
				'1589267764859',
				'3ceeb7e1b8cb165a975e28a2e2dfaca4d30b358873c0351c1a071d8c83314556',
				'web'
			]
		});
	});

	it('applies the measured offset and re-signs on every call', async () => {
		const key = await importSigningKey(secret);
		let local = 1_700_000_000_000;
		const clock = new ServerClock({ now: () => local, monotonicNow: () => local });
		clock.addSample(local - 20, local + 5_000, local); // server is 5010 ms ahead at the midpoint
		const protocol = bitmartPrivateProtocol({ apiKey: 'K', memo: 'm-1', key }, clock);
		const first = JSON.parse(await protocol.loginFrame!()) as { args: string[] };
		local += 1_000;
		const second = JSON.parse(await protocol.loginFrame!()) as { args: string[] };
		expect(first.args[1]).toBe(String(1_700_000_005_010));
		expect(second.args[1]).toBe(String(1_700_000_006_010));
		const expected = createHmac('sha256', secret)
			.update(`${second.args[1]}#m-1#bitmart.WebSocket`)
			.digest('hex');
		expect(second.args[2]).toBe(expected);
		expect(second.args[2]).not.toBe(first.args[2]);
	});

	it('keeps the public keepalive and chunking', () => {
		const protocol = bitmartPrivateProtocol({ apiKey: 'K', memo: 'm', key: {} as CryptoKey });
		expect(protocol.pingFrame()).toBe('{"action":"ping"}');
		expect(protocol.subscribeFrames(['futures/position'])).toEqual([
			'{"action":"subscribe","args":["futures/position"]}'
		]);
	});
});

describe('parseLoginAck', () => {
	it('reads the documented success and failure acks', () => {
		expect(parseLoginAck({ action: 'access', success: true })).toBe('ok');
		const failure = parseLoginAck({
			action: 'access',
			success: false,
			error: 'access failed: openapi auth: apiKey 880d5edecs**** failed: openapi auth failed'
		});
		expect(failure).toMatch(/^BitMart refused the WebSocket login: access failed/);
		expect(parseLoginAck({ action: 'access', success: false })).toMatch(/no reason given/);
	});

	it('returns null for anything that is not an access ack', () => {
		expect(parseLoginAck({ action: 'subscribe', success: true, group: 'futures/position' })).toBe(
			null
		);
		expect(parseLoginAck({ group: 'System', data: 'pong' })).toBe(null);
		expect(parseLoginAck('access')).toBe(null);
	});
});
