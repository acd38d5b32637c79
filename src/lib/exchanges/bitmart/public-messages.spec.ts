import { describe, expect, it } from 'vitest';
import { parsePublicMessage } from './public-messages';

// Frames copied from the docs (seeds/001, WebSocket Subscription) unless marked as captures.
describe('parsePublicMessage: data frames', () => {
	it('parses a ticker frame with the receive time', () => {
		const event = parsePublicMessage(
			{
				data: {
					symbol: 'BTCUSDT',
					last_price: '97153.6',
					volume_24: '25502894',
					range: '0.0016599204475393',
					mark_price: '97153.7',
					index_price: '97185.614',
					ask_price: '97153.9',
					ask_vol: '28',
					bid_price: '97153.4',
					bid_vol: '428'
				},
				group: 'futures/ticker:BTCUSDT'
			},
			42
		);
		expect(event).toMatchObject({
			type: 'ticker',
			topic: 'futures/ticker:BTCUSDT',
			ticker: { symbol: 'BTCUSDT', last: '97153.6', mark: '97153.7', ts: 42 }
		});
	});

	it('parses a depthIncrease snapshot', () => {
		const event = parsePublicMessage({
			data: {
				symbol: 'BTCUSDT',
				asks: [{ price: '70391.6', vol: '3550' }],
				bids: [{ price: '70391.2', vol: '1335' }],
				ms_t: 1730400086184,
				version: 980361,
				type: 'snapshot'
			},
			group: 'futures/depthIncrease20:BTCUSDT@200ms'
		});
		expect(event).toEqual({
			type: 'book',
			topic: 'futures/depthIncrease20:BTCUSDT@200ms',
			book: {
				kind: 'snapshot',
				symbol: 'BTCUSDT',
				version: 980361,
				asks: [{ price: '70391.6', size: '3550' }],
				bids: [{ price: '70391.2', size: '1335' }],
				ts: 1730400086184
			}
		});
	});

	it('parses a snapshot that echoes the request action', () => {
		const event = parsePublicMessage({
			action: 'request',
			group: 'futures/depthIncrease50:BTCUSDT@100ms',
			data: { symbol: 'BTCUSDT', asks: [], bids: [], ms_t: 1, version: 7, type: 'snapshot' }
		});
		expect(event).toMatchObject({ type: 'book', book: { kind: 'snapshot', version: 7 } });
	});

	it('parses a funding frame', () => {
		const event = parsePublicMessage({
			data: {
				symbol: 'BTCUSDT',
				fundingRate: '0.000098800809',
				fundingTime: 1732525864000,
				nextFundingRate: '0.0000947',
				nextFundingTime: 1732550400000,
				funding_upper_limit: '0.0375',
				funding_lower_limit: '-0.0375',
				ts: 1732525864601
			},
			group: 'futures/fundingRate:BTCUSDT'
		});
		expect(event).toMatchObject({
			type: 'funding',
			funding: { lastRate: '0.000098800809', nextRate: '0.0000947', nextFundingTime: 1732550400000 }
		});
	});

	it('parses a trade frame into a list', () => {
		const event = parsePublicMessage({
			group: 'futures/trade:BTCUSDT',
			data: [
				{
					trade_id: 1409495322,
					symbol: 'BTCUSDT',
					deal_price: '117387.58',
					deal_vol: '1445',
					m: true,
					created_at: '2023-02-24T07:54:11.124940968Z'
				}
			]
		});
		expect(event).toMatchObject({
			type: 'trades',
			topic: 'futures/trade:BTCUSDT',
			trades: [{ price: '117387.58', size: '1445', side: 'sell' }]
		});
	});
});

describe('parsePublicMessage: acks, pongs and errors', () => {
	it('reports a subscribe ack with its topic', () => {
		expect(
			parsePublicMessage({
				action: 'subscribe',
				group: 'futures/depth50:BTCUSDT',
				success: true,
				request: { action: 'subscribe', args: ['futures/depth50:BTCUSDT'] }
			})
		).toEqual({ type: 'subscribed', topic: 'futures/depth50:BTCUSDT' });
	});

	it('turns a refused subscription into an error naming the topic', () => {
		const event = parsePublicMessage({
			action: 'subscribe',
			group: 'sfutures/depth50:BTCUSDT',
			success: false,
			request: { action: 'subscribe', args: ['sfutures/depth50:BTCUSDT'] },
			error: 'group [sfutures/depth50:BTCUSDT] not exist'
		});
		expect(event).toEqual({
			type: 'error',
			topic: 'sfutures/depth50:BTCUSDT',
			message:
				'BitMart refused a subscribe request (sfutures/depth50:BTCUSDT): group [sfutures/depth50:BTCUSDT] not exist'
		});
	});

	it('turns a bare failure frame (capture: text ping) into an error', () => {
		const event = parsePublicMessage({
			success: false,
			error: 'Invalid message: message must be JSON: ping'
		});
		expect(event).toMatchObject({ type: 'error', message: expect.stringMatching(/must be JSON/) });
	});

	it('ignores pongs, unsubscribe acks and channels it does not handle', () => {
		expect(parsePublicMessage({ group: 'System', data: 'pong+abc' })).toEqual({ type: 'ignored' });
		expect(
			parsePublicMessage({ action: 'unsubscribe', group: 'futures/ticker:BTCUSDT', success: true })
		).toEqual({ type: 'ignored' });
		expect(
			parsePublicMessage({
				group: 'futures/klineBin1m:BTCUSDT',
				data: { symbol: 'BTCUSDT', o: '1', h: '1', l: '1', c: '1', v: '1', ts: 1700533801 }
			})
		).toEqual({ type: 'ignored' });
	});

	it('returns an error, never throws, on garbage', () => {
		for (const garbage of [null, undefined, 42, 'ping', [], [1, 2], true]) {
			expect(parsePublicMessage(garbage)).toMatchObject({ type: 'error' });
		}
	});

	it('returns an error with the topic for malformed data on a known channel', () => {
		const cases: unknown[] = [
			{ group: 'futures/ticker:BTCUSDT', data: 'nope' },
			{ group: 'futures/ticker:BTCUSDT', data: { symbol: 'BTCUSDT' } },
			{
				group: 'futures/depthIncrease5:BTCUSDT@100ms',
				data: { symbol: 'BTCUSDT', type: 'update' }
			},
			{ group: 'futures/depthIncrease5:BTCUSDT@100ms', data: null },
			{ group: 'futures/fundingRate:BTCUSDT', data: [] },
			{ group: 'futures/trade:BTCUSDT', data: { symbol: 'BTCUSDT' } },
			{ group: 'futures/trade:BTCUSDT', data: [{ symbol: 'BTCUSDT', deal_price: 5 }] }
		];
		for (const frame of cases) {
			const event = parsePublicMessage(frame);
			expect(event.type).toBe('error');
			expect(event).toHaveProperty('topic', (frame as { group: string }).group);
		}
	});
});
