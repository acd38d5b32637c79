/**
 * The public market feed over one Bitget socket: several symbols, several watchers each. Topics
 * are reference-counted so a second watcher of a symbol costs no extra subscription and the last
 * one leaving unsubscribes. Funding comes with the ticker (Bitget has no funding channel).
 */

import type { BookSequencer } from '$lib/book/sequencer';
import type {
	ConnectionStatus,
	MarketHandlers,
	MarketStream,
	MarketStreamOptions
} from '$lib/exchanges/types';
import type { ReconnectingSocket } from '$lib/net/socket';
import { BitgetBookSequencer } from './book-sequencer';
import { parsePublicMessage, type PublicEvent } from './messages';
import { bookChannel, bookChannelDepth, topicOf } from './stream';

interface Watcher {
	symbol: string;
	handlers: MarketHandlers;
	bookTopic: string;
	topics: string[];
}

export class BitgetMarketStream implements MarketStream {
	readonly #socket: ReconnectingSocket;
	readonly #watchersByTopic = new Map<string, Set<Watcher>>();
	readonly #watchers = new Set<Watcher>();
	readonly #stops: (() => void)[];
	#connected = false;

	constructor(socket: ReconnectingSocket) {
		this.#socket = socket;
		this.#stops = [
			socket.onMessage((msg) => this.#dispatch(parsePublicMessage(msg))),
			socket.onError((message) => this.#each(undefined, (h) => h.error?.(message)))
		];
	}

	watch(symbol: string, handlers: MarketHandlers, options: MarketStreamOptions): () => void {
		const bookTopic = topicOf(bookChannel(options), symbol);
		const tickerTopic = topicOf('ticker', symbol);
		// Only what the watcher listens to; the ticker also feeds funding.
		const wanted: [boolean, string][] = [
			[Boolean(handlers.ticker || handlers.funding), tickerTopic],
			[Boolean(handlers.book), bookTopic],
			[Boolean(handlers.trades), topicOf('trade', symbol)]
		];
		const topics = wanted.filter(([want]) => want).map(([, topic]) => topic);
		const watcher: Watcher = { symbol, handlers, bookTopic, topics };
		const newTopics = topics.filter((topic) => !this.#watchersByTopic.has(topic));
		for (const topic of topics) {
			const watchers = this.#watchersByTopic.get(topic) ?? new Set<Watcher>();
			watchers.add(watcher);
			this.#watchersByTopic.set(topic, watchers);
		}
		this.#watchers.add(watcher);
		if (newTopics.length > 0) this.#socket.addTopics(newTopics);
		// Connect once there is something to subscribe: an old doc revision says Bitget closes a
		// connection that subscribes nothing within 30 s.
		if (!this.#connected) {
			this.#connected = true;
			this.#socket.connect();
		}
		return () => this.#unwatch(watcher);
	}

	/** Bitget's resync: unsubscribe and subscribe the book again, which sends a fresh snapshot. */
	requestBookSnapshot(symbol: string): void {
		const topics = new Set<string>();
		for (const watcher of this.#watchers) {
			if (watcher.symbol === symbol && watcher.handlers.book) topics.add(watcher.bookTopic);
		}
		if (topics.size === 0) return;
		this.#socket.removeTopics([...topics]);
		this.#socket.addTopics([...topics]);
	}

	newBookSequencer(): BookSequencer {
		return new BitgetBookSequencer();
	}

	bookDepth(options: MarketStreamOptions): number {
		return bookChannelDepth(bookChannel(options));
	}

	onStatus(listener: (s: ConnectionStatus) => void): () => void {
		return this.#socket.onStatus(listener);
	}

	get status(): ConnectionStatus {
		return this.#socket.status;
	}

	close(): void {
		for (const stop of this.#stops) stop();
		this.#watchers.clear();
		this.#watchersByTopic.clear();
		this.#socket.close();
	}

	#unwatch(watcher: Watcher): void {
		if (!this.#watchers.delete(watcher)) return;
		const unused: string[] = [];
		for (const topic of watcher.topics) {
			const watchers = this.#watchersByTopic.get(topic);
			watchers?.delete(watcher);
			if (watchers?.size === 0) {
				this.#watchersByTopic.delete(topic);
				unused.push(topic);
			}
		}
		if (unused.length > 0) this.#socket.removeTopics(unused);
	}

	#dispatch(event: PublicEvent): void {
		switch (event.type) {
			case 'ticker': {
				const { ticker, funding } = event;
				this.#each(event.topic, (h) => h.ticker?.(ticker));
				if (funding) this.#each(event.topic, (h) => h.funding?.(funding));
				return;
			}
			case 'book':
				return this.#each(event.topic, (h) => h.book?.(event.book));
			case 'trades':
				return this.#each(event.topic, (h) => h.trades?.(event.trades));
			case 'error':
				return this.#each(event.topic, (h) => h.error?.(event.message));
			default:
				return;
		}
	}

	/** Calls the handlers on `topic`, or every watcher's when the event names no topic. */
	#each(topic: string | undefined, call: (handlers: MarketHandlers) => void): void {
		const watchers = topic === undefined ? this.#watchers : this.#watchersByTopic.get(topic);
		for (const watcher of [...(watchers ?? [])]) {
			try {
				call(watcher.handlers);
			} catch (error) {
				// One broken handler must not starve the other watchers of this frame.
				console.error('[bitget market] handler failed:', error);
			}
		}
	}
}
