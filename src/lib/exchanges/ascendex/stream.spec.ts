import { describe, expect, it } from 'vitest';
import { ascendexProtocol, disconnectReason, groupStreamUrl } from './stream';

describe('AscendEX stream protocol', () => {
	it('puts the account group before /api/pro/v2/stream', () => {
		expect(groupStreamUrl('wss://ascendex.com:443/api/pro/v2/stream', 6)).toBe(
			'wss://ascendex.com/6/api/pro/v2/stream'
		);
		expect(groupStreamUrl('ws://127.0.0.1:8765/api/pro/v2/stream', 12)).toBe(
			'ws://127.0.0.1:8765/12/api/pro/v2/stream'
		);
		expect(groupStreamUrl('ws://127.0.0.1:8765/6/api/pro/v2/stream', 7)).toBe(
			'ws://127.0.0.1:8765/7/api/pro/v2/stream'
		);
		expect(groupStreamUrl('wss://relay.example.com/asc/api/pro/v2/stream', 6)).toBe(
			'wss://relay.example.com/asc/6/api/pro/v2/stream'
		);
	});

	it('answers a server ping with a pong and reports its health points', () => {
		const seen: number[] = [];
		const p = ascendexProtocol({ healthPoints: (hp) => seen.push(hp) });
		expect(p.serverPing?.({ m: 'ping', hp: 2 })).toBe('{"op":"pong"}');
		expect(p.serverPing?.({ m: 'pong', hp: 2 })).toBeNull();
		expect(seen).toEqual([2]);
		expect(p.pingFrame()).toBe('{"op":"ping"}');
		expect(p.isPong?.({ m: 'pong', code: 0, ts: 1, hp: 2 })).toBe(true);
	});

	it('routes request replies by id, but not account updates that carry an id too', () => {
		const p = ascendexProtocol();
		expect(p.replyId?.({ m: 'order', id: 'abc', code: 0 })).toBe('abc');
		expect(p.replyId?.({ m: 'futures-account-snapshot', id: 'q1' })).toBe('q1');
		expect(p.replyId?.({ m: 'futures-account-update', id: 'r177' })).toBeUndefined();
	});

	it('reads a login reply and a disconnect notice', () => {
		const p = ascendexProtocol({ loginFrame: () => Promise.resolve('') });
		expect(p.loginResult?.({ m: 'auth', id: '1', code: 0 })).toBe('ok');
		expect(
			p.loginResult?.({ m: 'auth', id: '1', code: 200006, err: 'Unable to find User Account Data' })
		).toBe('Unable to find User Account Data (code 200006)');
		expect(
			disconnectReason({
				m: 'disconnected',
				code: 100005,
				reason: 'INVALID_WS_REQUEST_DATA',
				info: 'Session is disconnected due to missing pong message from the client'
			})
		).toBe(
			'AscendEX ended the session: Session is disconnected due to missing pong message from the client (code 100005)'
		);
	});
});
