/**
 * AscendEX's rule for its `depth:<symbol>` channel (notes ascendex.md §3.6): updates carry a
 * `seqnum` that rises by exactly 1 per message; snapshots come separately (REST `v1/depth`, or a
 * WS `depth-snapshot` request) with the seqnum they were taken at. So:
 *
 * - updates that arrive before a snapshot are held; the first one answers 'gap', which asks the
 *   caller for a snapshot — taken after the buffering began, so the buffer can bridge it;
 * - a snapshot replaces the book; held updates with `seqnum <= snapshot` are dropped and the rest
 *   are applied on top, and must continue it: `snapshot + 1`, `+ 2`, …;
 * - once live, an update must be `local + 1`; an older one is dropped; a jump is a gap: updates
 *   are held again from that one on, and the caller asks for a fresh snapshot.
 *
 * There is no checksum.
 */

import type { OrderBook } from '$lib/book/order-book';
import type { ApplyResult, BookSequencer, BookState } from '$lib/book/sequencer';
import type { BookMessage } from '$lib/exchanges/types';

/** Held updates kept at most; the oldest go first (a snapshot that needs them then shows a gap). */
export const MAX_HELD_UPDATES = 2000;

export class AscendexBookSequencer implements BookSequencer {
	#state: BookState = 'empty';
	#version = 0;
	#held: BookMessage[] = [];

	get state(): BookState {
		return this.#state;
	}

	get version(): number {
		return this.#version;
	}

	/** Updates held until the next snapshot. */
	get held(): number {
		return this.#held.length;
	}

	apply(message: BookMessage, book: OrderBook): ApplyResult {
		if (message.kind === 'snapshot') return this.#applySnapshot(message, book);
		if (this.#state !== 'live') {
			this.#hold(message);
			if (this.#state === 'empty') {
				this.#state = 'resyncing';
				return 'gap';
			}
			return 'buffered';
		}
		if (message.version <= this.#version) return 'dropped';
		if (message.version !== this.#version + 1) return this.#gap([message]);
		if (!book.update(message.bids, message.asks, message.ts)) return this.#gap([]);
		this.#version = message.version;
		return 'applied';
	}

	reset(): void {
		this.#state = 'empty';
		this.#version = 0;
		this.#held = [];
	}

	#applySnapshot(snapshot: BookMessage, book: OrderBook): ApplyResult {
		const held = this.#held;
		this.#held = [];
		if (!book.replace(snapshot.bids, snapshot.asks, snapshot.ts)) return this.#gap(held);
		this.#state = 'live';
		this.#version = snapshot.version;
		for (let i = 0; i < held.length; i++) {
			const update = held[i];
			if (update.version <= this.#version) continue;
			// The snapshot is older than the first update held after it: what lies between is lost,
			// but the held updates may still continue a newer snapshot.
			if (update.version !== this.#version + 1) return this.#gap(held.slice(i));
			if (!book.update(update.bids, update.asks, update.ts)) return this.#gap(held.slice(i + 1));
			this.#version = update.version;
		}
		return 'applied';
	}

	#gap(hold: BookMessage[]): ApplyResult {
		this.#state = 'resyncing';
		this.#held = [];
		for (const message of hold) this.#hold(message);
		return 'gap';
	}

	#hold(message: BookMessage): void {
		this.#held.push(message);
		if (this.#held.length > MAX_HELD_UPDATES) this.#held.shift();
	}
}
