/**
 * One account's private Bitget feed over one logged-in socket: `account`, `positions` and
 * `orders` (notes §3.6). The account state merges the events onto the REST snapshot and re-fetches
 * that snapshot on `onReconnected` (after the forced 24-hourly reconnect too): frames sent while
 * the socket was down are lost.
 */

import type { AccountEvent, AccountStream, ConnectionStatus } from '$lib/exchanges/types';
import type { ReconnectingSocket } from '$lib/net/socket';
import { PrivateMessageReader } from './messages';
import { topicOf } from './stream';

/** `fill` is left out: `orders` already carries each fill's size, price and PnL. */
export const PRIVATE_TOPICS = [
	topicOf('account', 'default'),
	topicOf('positions', 'default'),
	topicOf('orders', 'default')
] as const;

export class BitgetAccountStream implements AccountStream {
	readonly #socket: ReconnectingSocket;
	readonly #reader: PrivateMessageReader;
	readonly #listeners = new Set<(e: AccountEvent) => void>();
	readonly #stops: (() => void)[];

	/** Subscribes the private channels and connects; the socket logs in before subscribing. */
	constructor(socket: ReconnectingSocket, accountId: string, now: () => number = Date.now) {
		this.#socket = socket;
		this.#reader = new PrivateMessageReader(accountId, now);
		this.#stops = [
			socket.onMessage((msg) => {
				for (const event of this.#reader.read(msg)) this.#emit(event);
			}),
			socket.onError((message) => this.#emit({ type: 'error', message }))
		];
		socket.addTopics([...PRIVATE_TOPICS]);
		socket.connect();
	}

	onEvent(listener: (e: AccountEvent) => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	onStatus(listener: (s: ConnectionStatus) => void): () => void {
		return this.#socket.onStatus(listener);
	}

	onReconnected(listener: () => void): () => void {
		return this.#socket.onReconnected(listener);
	}

	get status(): ConnectionStatus {
		return this.#socket.status;
	}

	probe(options?: { maxSilenceMs?: number; timeoutMs?: number }): Promise<string | null> {
		return this.#socket.probe(options);
	}

	close(): void {
		for (const stop of this.#stops) stop();
		this.#listeners.clear();
		this.#socket.close();
	}

	#emit(event: AccountEvent): void {
		for (const listener of [...this.#listeners]) {
			try {
				listener(event);
			} catch (error) {
				// One broken listener must not starve the others of this event.
				console.error('[bitget account] listener failed:', error);
			}
		}
	}
}
