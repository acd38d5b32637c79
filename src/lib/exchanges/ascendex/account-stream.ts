/**
 * One account's private AscendEX feed over its shared connection. After every reconnect the
 * socket has logged in and resubscribed; `onReconnected` tells the account to re-snapshot, which
 * goes over the same socket (`futures-account-snapshot`), after which only newer `sn` count.
 */

import type { AccountEvent, AccountStream, ConnectionStatus } from '$lib/exchanges/types';
import type { AscendexConnection } from './connection';

export class AscendexAccountStream implements AccountStream {
	readonly #conn: AscendexConnection;
	readonly #release: () => void;
	readonly #stops: (() => void)[] = [];
	#closed = false;

	constructor(conn: AscendexConnection, release: () => void) {
		this.#conn = conn;
		this.#release = release;
	}

	onEvent(listener: (e: AccountEvent) => void): () => void {
		const stop = this.#conn.onEvent(listener);
		this.#stops.push(stop);
		return stop;
	}

	onStatus(listener: (s: ConnectionStatus) => void): () => void {
		const stop = this.#conn.socket.onStatus(listener);
		this.#stops.push(stop);
		return stop;
	}

	onReconnected(listener: () => void): () => void {
		const stop = this.#conn.socket.onReconnected(listener);
		this.#stops.push(stop);
		return stop;
	}

	get status(): ConnectionStatus {
		return this.#conn.socket.status;
	}

	probe(options?: { maxSilenceMs?: number; timeoutMs?: number }): Promise<string | null> {
		return this.#conn.socket.probe(options);
	}

	close(): void {
		if (this.#closed) return;
		this.#closed = true;
		for (const stop of this.#stops.splice(0)) stop();
		this.#release();
	}
}
