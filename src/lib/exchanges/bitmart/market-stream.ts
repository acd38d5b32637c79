/**
 * The public market feed over one BitMart socket: several symbols, several watchers each.
 * Topics are reference-counted so a second watcher of a symbol costs no extra subscription and the
 * last one leaving unsubscribes. Events are routed by the topic they came on, so two watchers of
 * one symbol at different book depths each get only their own book.
 */

import type {
	ConnectionStatus,
	MarketHandlers,
	MarketStream,
	MarketStreamOptions
} from '$lib/exchanges/types';
import type { BookSequencer } from '$lib/book/sequencer';
import type { ReconnectingSocket } from '$lib/net/socket';
import { BitmartBookSequencer } from './book-sequencer';
import { parsePublicMessage, type PublicEvent } from './public-messages';
import {
	depthChannel,
	depthTopic,
	fundingTopic,
	requestSnapshotFrame,
	tickerTopic,
	tradeTopic
} from './stream';

interface Watcher {
	symbol: string;
	handlers: MarketHandlers;
	bookTopic: string;
	topics: string[];
}

export class BitmartMarketStream implements MarketStream {
	readonly #socket: ReconnectingSocket;
	readonly #now: () => number;
	readonly #watchersByTopic = new Map<string, Set<Watcher>>();
	readonly #watchers = new Set<Watcher>();
	readonly #stopListening: () => void;
	readonly #stopErrors: () => void;
	#connected = false;

	constructor(socket: ReconnectingSocket, now: () => number = Date.now) {
		this.#socket = socket;
		this.#now = now;
		this.#stopListening = socket.onMessage((msg) =>
			this.#dispatch(parsePublicMessage(msg, this.#now()))
		);
		// Socket-level trouble (a frame that is not JSON, a failed inflate) concerns every watcher.
		this.#stopErrors = socket.onError((message) =>
			this.#each(undefined, (h) => h.error?.(message))
		);
	}

	watch(symbol: string, handlers: MarketHandlers, options: MarketStreamOptions): () => void {
		const { depth, speedMs } = depthChannel(options);
		const bookTopic = depthTopic(symbol, depth, speedMs);
		// Only what the watcher listens to: a mark-only watcher must not pay for book frames.
		const wanted: [keyof MarketHandlers, string][] = [
			['ticker', tickerTopic(symbol)],
			['book', bookTopic],
			['funding', fundingTopic(symbol)],
			['trades', tradeTopic(symbol)]
		];
		const topics = wanted.filter(([kind]) => handlers[kind]).map(([, topic]) => topic);
		const watcher: Watcher = { symbol, handlers, bookTopic, topics };
		const newTopics = topics.filter((topic) => !this.#watchersByTopic.has(topic));
		for (const topic of topics) {
			const watchers = this.#watchersByTopic.get(topic) ?? new Set<Watcher>();
			watchers.add(watcher);
			this.#watchersByTopic.set(topic, watchers);
		}
		this.#watchers.add(watcher);
		if (newTopics.length > 0) this.#socket.addTopics(newTopics);
		// Connect only once there is something to subscribe: BitMart closes idle, topic-less sockets.
		if (!this.#connected) {
			this.#connected = true;
			this.#socket.connect();
		}
		return () => this.#unwatch(watcher);
	}

	requestBookSnapshot(symbol: string): void {
		const topics = new Set<string>();
		for (const watcher of this.#watchers)
			if (watcher.symbol === symbol) topics.add(watcher.bookTopic);
		for (const topic of topics) this.#socket.send(requestSnapshotFrame(topic));
	}

	newBookSequencer(): BookSequencer {
		return new BitmartBookSequencer();
	}

	bookDepth(options: MarketStreamOptions): number {
		return depthChannel(options).depth;
	}

	onStatus(listener: (s: ConnectionStatus) => void): () => void {
		return this.#socket.onStatus(listener);
	}

	get status(): ConnectionStatus {
		return this.#socket.status;
	}

	close(): void {
		this.#stopListening();
		this.#stopErrors();
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
			case 'ticker':
				return this.#each(event.topic, (h) => h.ticker?.(event.ticker));
			case 'book':
				return this.#each(event.topic, (h) => h.book?.(event.book));
			case 'funding':
				return this.#each(event.topic, (h) => h.funding?.(event.funding));
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
				console.error('[bitmart market] handler failed:', error);
			}
		}
	}
}
