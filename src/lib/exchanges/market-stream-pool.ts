/**
 * One public socket per venue endpoint, however many screens and accounts watch it. The market
 * screen and every account session on the same venue and public URL share one stream: each gets a
 * lease, a `MarketStream` whose `close()` ends only its own watches and status listeners. The
 * socket closes when the last lease does, and the next user opens a fresh one.
 *
 * Public data is the same for everyone, so sharing costs nothing and saves what matters on a
 * phone: sockets, subscriptions, duplicate frames, and the venue's per-IP connection limits.
 */

import type { BookSequencer } from '$lib/book/sequencer';
import type {
	ConnectionStatus,
	ExchangeAdapter,
	MarketHandlers,
	MarketStream,
	MarketStreamOptions
} from './types';

interface Entry {
	readonly stream: MarketStream;
	leases: number;
}

export class MarketStreamPool {
	readonly #entries = new Map<string, Entry>();

	/** A lease on the public stream of the adapter's venue and endpoint; close it when done. */
	acquire(adapter: ExchangeAdapter): MarketStream {
		const key = `${adapter.venue} ${adapter.endpoints.publicWs}`;
		let entry = this.#entries.get(key);
		if (!entry) {
			entry = { stream: adapter.openMarketStream(), leases: 0 };
			this.#entries.set(key, entry);
		}
		entry.leases++;
		const held = entry;
		return new MarketStreamLease(held.stream, () => {
			held.leases--;
			if (held.leases > 0 || this.#entries.get(key) !== held) return;
			this.#entries.delete(key);
			held.stream.close();
		});
	}

	/** Streams open now (for tests and diagnostics). */
	get openStreams(): number {
		return this.#entries.size;
	}
}

/** One user's share of a pooled stream. Everything it started, it ends on close. */
class MarketStreamLease implements MarketStream {
	readonly #stream: MarketStream;
	readonly #release: () => void;
	readonly #stops = new Set<() => void>();
	#closed = false;

	constructor(stream: MarketStream, release: () => void) {
		this.#stream = stream;
		this.#release = release;
	}

	watch(symbol: string, handlers: MarketHandlers, options: MarketStreamOptions): () => void {
		if (this.#closed) return () => {};
		return this.#track(this.#stream.watch(symbol, handlers, options));
	}

	requestBookSnapshot(symbol: string): void {
		if (!this.#closed) this.#stream.requestBookSnapshot(symbol);
	}

	newBookSequencer(): BookSequencer {
		return this.#stream.newBookSequencer();
	}

	bookDepth(options: MarketStreamOptions): number {
		return this.#stream.bookDepth(options);
	}

	onStatus(listener: (s: ConnectionStatus) => void): () => void {
		if (this.#closed) return () => {};
		return this.#track(this.#stream.onStatus(listener));
	}

	get status(): ConnectionStatus {
		return this.#stream.status;
	}

	close(): void {
		if (this.#closed) return;
		this.#closed = true;
		for (const stop of [...this.#stops]) stop();
		this.#stops.clear();
		this.#release();
	}

	/** Wraps an unsubscribe so it runs once, whether the user or close() calls it. */
	#track(stop: () => void): () => void {
		const once = () => {
			if (this.#stops.delete(once)) stop();
		};
		this.#stops.add(once);
		return once;
	}
}

/** The app's pool: the market screen and the account sessions draw from it. */
export const marketStreams = new MarketStreamPool();
