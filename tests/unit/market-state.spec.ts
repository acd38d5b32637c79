import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type {
	BookMessage,
	ConnectionStatus,
	ExchangeAdapter,
	MarketHandlers
} from '$lib/exchanges/types';
import { instrument as makeInstrument } from '$lib/testing/fixtures';

/** A scripted venue: the test pushes book messages and counts snapshot requests. */
const venue = {
	handlers: null as MarketHandlers | null,
	snapshotRequests: 0,
	status: { state: 'live', lastMessageAt: 1, reconnects: 0 } as ConnectionStatus
};

const instrument = makeInstrument({ venue: 'demo', maxSize: '1000' });

vi.mock('$lib/exchanges/registry', async () => {
	// The Demo venue speaks BitMart: its book is kept in step by BitMart's rule.
	const { BitmartBookSequencer } = await import('$lib/exchanges/bitmart/book-sequencer');
	return {
		createAdapter: async (): Promise<Partial<ExchangeAdapter>> => ({
			venue: 'demo',
			endpoints: { rest: 'http://127.0.0.1:1', publicWs: 'ws://127.0.0.1:1', privateWs: '' },
			instruments: async () => [instrument],
			serverTime: async () => ({ offsetMs: 0, rttMs: 1, measuredAt: 0 }),
			fundingHistory: async () => [],
			openMarketStream: () => ({
				watch: (_symbol: string, handlers: MarketHandlers) => {
					venue.handlers = handlers;
					return () => (venue.handlers = null);
				},
				requestBookSnapshot: () => void venue.snapshotRequests++,
				newBookSequencer: () => new BitmartBookSequencer(),
				bookDepth: () => 50,
				onStatus: () => () => undefined,
				get status() {
					return venue.status;
				},
				close: () => undefined
			})
		})
	};
});

const { MarketSession } = await import('$lib/state/market.svelte');
const { createFrameScheduler } = await import('$lib/render/frame');

function book(kind: BookMessage['kind'], version: number, bid: string, ask: string): BookMessage {
	return {
		kind,
		symbol: 'BTCUSDT',
		version,
		bids: [{ price: bid, size: '5' }],
		asks: [{ price: ask, size: '7' }],
		ts: 0
	};
}

describe('MarketSession book resync', () => {
	beforeEach(() => {
		vi.useFakeTimers();
		venue.snapshotRequests = 0;
	});
	afterEach(() => vi.useRealTimers());

	it('asks for a snapshot on a gap, asks again if none comes, and is live after one', async () => {
		const session = new MarketSession();
		await session.connect({ venue: 'demo', presetId: 'demo' });
		expect(session.symbol).toBe('BTCUSDT');
		const push = (m: BookMessage) => venue.handlers?.book?.(m);

		push(book('snapshot', 10, '100.0', '100.2'));
		push(book('update', 11, '100.1', '100.2'));
		await vi.advanceTimersByTimeAsync(20);
		expect(session.bookState).toBe('live');
		expect(session.ladder.bids[0]).toEqual({ price: '100.1', size: '5' });

		push(book('update', 13, '99.9', '100.2'));
		expect(venue.snapshotRequests).toBe(1);
		await vi.advanceTimersByTimeAsync(20);
		expect(session.bookState).toBe('resyncing');
		expect(session.resyncs).toBe(1);

		// The snapshot request was lost: the session asks again instead of staying stuck.
		await vi.advanceTimersByTimeAsync(3600);
		expect(venue.snapshotRequests).toBe(2);
		expect(session.log.entries.some((e) => /asking again/.test(e.message))).toBe(true);

		push(book('snapshot', 20, '101.0', '101.1'));
		await vi.advanceTimersByTimeAsync(20);
		expect(session.bookState).toBe('live');
		expect(session.bookVersion).toBe(20);
		await vi.advanceTimersByTimeAsync(5000);
		expect(venue.snapshotRequests).toBe(2);
		session.disconnect();
	});
});

describe('MarketSession and the depth chart', () => {
	beforeEach(() => vi.useFakeTimers());
	afterEach(() => vi.useRealTimers());

	it('the depth chart draws in the same frame that publishes the ladder', async () => {
		const session = new MarketSession();
		await session.connect({ venue: 'demo', presetId: 'demo' });
		// A chart on the page's frame loop, told of news by the depth source, as DepthChart is.
		const drawn: { ladderBid: string | undefined; depthPoints: number }[] = [];
		const chart = createFrameScheduler(() => {
			const columns = session.depthSource.read();
			drawn.push({
				ladderBid: session.ladder.bids[0]?.price,
				depthPoints: columns?.xs.length ?? 0
			});
		});
		const stop = session.depthSource.onChange(() => chart.request());
		await vi.advanceTimersByTimeAsync(100);
		drawn.length = 0;

		venue.handlers?.book?.(book('snapshot', 10, '100.0', '100.2'));
		// One frame (16 ms) later the ladder shows the book and the chart has drawn it.
		await vi.advanceTimersByTimeAsync(17);
		expect(session.ladder.bids[0]?.price).toBe('100.0');
		expect(drawn).toEqual([{ ladderBid: '100.0', depthPoints: 2 }]);
		stop();
		session.disconnect();
	});
});

describe('MarketSession publishing the book', () => {
	beforeEach(() => vi.useFakeTimers());
	afterEach(() => vi.useRealTimers());

	const level = (price: string, size: string) => ({ price, size });

	it('shows a streaming book at most once per beat, and always its latest state', async () => {
		const BOOK_PUBLISH_MS = (await import('$lib/render/pace')).screenPace.period;
		expect(BOOK_PUBLISH_MS).toBe(250);
		const session = new MarketSession();
		await session.connect({ venue: 'demo', presetId: 'demo' });
		const push = (m: BookMessage) => venue.handlers?.book?.(m);
		push(book('snapshot', 1, '100.0', '100.2'));
		await vi.advanceTimersByTimeAsync(20);

		// A message every 5 ms for a second, each changing the best bid's size.
		const seen = new Set<unknown>();
		let v = 1;
		for (let t = 0; t < 1000; t += 5) {
			v++;
			push({ ...book('update', v, '100.0', '100.2'), bids: [level('100.0', String(v))], asks: [] });
			await vi.advanceTimersByTimeAsync(5);
			seen.add(session.ladder);
		}
		// 200 changes: at most one publication per beat (plus the one in flight).
		expect(seen.size).toBeGreaterThanOrEqual(1000 / BOOK_PUBLISH_MS - 1);
		expect(seen.size).toBeLessThanOrEqual(1000 / BOOK_PUBLISH_MS + 1);
		// Nothing is lost: once the stream pauses, the ladder shows the last message.
		await vi.advanceTimersByTimeAsync(BOOK_PUBLISH_MS + 20);
		expect(session.bookVersion).toBe(v);
		expect(session.ladder.bids[0]).toEqual(level('100.0', String(v)));
		session.disconnect();
	});

	it('shows book, ticker and trades news of one beat together, on the beat', async () => {
		const SCREEN_PUBLISH_MS = 250;
		expect((await import('$lib/render/pace')).screenPace.period).toBe(SCREEN_PUBLISH_MS);
		const session = new MarketSession();
		await session.connect({ venue: 'demo', presetId: 'demo' });
		const h = venue.handlers!;
		h.book?.(book('snapshot', 1, '100.0', '100.2'));
		await vi.advanceTimersByTimeAsync(SCREEN_PUBLISH_MS * 2);
		const ladder = session.ladder;

		// Three kinds of news at three moments inside one beat.
		await vi.advanceTimersByTimeAsync(
			SCREEN_PUBLISH_MS - (performance.now() % SCREEN_PUBLISH_MS) + 10
		);
		h.book?.(book('update', 2, '100.1', '100.2'));
		await vi.advanceTimersByTimeAsync(40);
		h.ticker?.({
			symbol: 'BTCUSDT',
			last: '100.15',
			mark: '100.1',
			index: '100.1',
			change24h: '0.01',
			ts: 0
		} as never);
		await vi.advanceTimersByTimeAsync(40);
		h.trades?.([
			{ id: 't1', symbol: 'BTCUSDT', price: '100.15', size: '1', side: 'buy', ts: 0 } as never
		]);
		await vi.advanceTimersByTimeAsync(40);
		// Nothing is shown yet: the beat has not come.
		expect(session.ladder).toBe(ladder);
		expect(session.ticker).toBeNull();
		expect(session.trades).toHaveLength(0);

		// On the beat (plus one frame) all three show at once.
		await vi.advanceTimersByTimeAsync(SCREEN_PUBLISH_MS - 120 + 17);
		expect(session.ladder.bids[0]?.price).toBe('100.1');
		expect(session.ticker?.last).toBe('100.15');
		expect(session.trades).toHaveLength(1);
		session.disconnect();
	});

	it('re-publishes only the rows that changed, and nothing when the shown rows did not', async () => {
		const session = new MarketSession();
		await session.connect({ venue: 'demo', presetId: 'demo' });
		const push = (m: BookMessage) => venue.handlers?.book?.(m);
		const bids = Array.from({ length: 30 }, (_, i) => level(String(100 - i), '5'));
		push({ ...book('snapshot', 1, '100', '101'), bids, asks: [level('101', '7')] });
		await vi.advanceTimersByTimeAsync(200);
		const first = session.ladder;
		expect(first.bids).toHaveLength(12);

		// A level below the 12 shown rows: the depth chart hears of it, the ladder does not change.
		let depthNews = 0;
		const stop = session.depthSource.onChange(() => depthNews++);
		push({ ...book('update', 2, '75', '101'), bids: [level('75', '9')], asks: [] });
		await vi.advanceTimersByTimeAsync(200);
		expect(depthNews).toBe(1);
		expect(session.ladder).toBe(first);
		expect(session.bookVersion).toBe(2);

		// One shown level changes size: a new ladder whose other rows are the same objects.
		push({ ...book('update', 3, '98', '101'), bids: [level('98', '6')], asks: [] });
		await vi.advanceTimersByTimeAsync(200);
		const second = session.ladder;
		expect(second).not.toBe(first);
		expect(second.bids[2]).toEqual(level('98', '6'));
		expect(second.bids.filter((l, i) => l === first.bids[i])).toHaveLength(11);
		expect(second.asks).toBe(first.asks);
		stop();
		session.disconnect();
	});
});
