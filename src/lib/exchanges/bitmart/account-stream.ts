/**
 * One account's private BitMart feed: balances, positions and orders over one logged-in socket.
 * Frames are partial views; the account state merges them onto the REST snapshot, and re-fetches
 * that snapshot on `onReconnected` because frames sent while the socket was down are lost.
 */

import type { AccountEvent, AccountStream, ConnectionStatus } from '$lib/exchanges/types';
import type { ReconnectingSocket } from '$lib/net/socket';
import { parsePrivateMessage } from './private-messages';

/** ccxt subscribes the same three coins; the docs list no other asset channels. */
export const PRIVATE_TOPICS = [
	'futures/asset:USDT',
	'futures/asset:BTC',
	'futures/asset:ETH',
	'futures/position',
	'futures/order'
] as const;

export class BitmartAccountStream implements AccountStream {
	readonly #socket: ReconnectingSocket;
	readonly #accountId: string;
	readonly #now: () => number;
	readonly #listeners = new Set<(e: AccountEvent) => void>();
	readonly #stops: (() => void)[];

	/** Subscribes the private topics and connects; the socket logs in before subscribing. */
	constructor(socket: ReconnectingSocket, accountId: string, now: () => number = Date.now) {
		this.#socket = socket;
		this.#accountId = accountId;
		this.#now = now;
		this.#stops = [
			socket.onMessage((msg) => {
				for (const event of parsePrivateMessage(msg, this.#accountId, this.#now())) {
					this.#emit(event);
				}
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
				console.error('[bitmart account] listener failed:', error);
			}
		}
	}
}
