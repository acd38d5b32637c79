/**
 * BitMart's rule for its `futures/depthIncrease{5,20,50}` book (seeds/001, "How to correctly
 * maintain a copy of OrderBook locally"):
 *
 * - a snapshot replaces the book and sets the version;
 * - an update with `version <= local` is old or a duplicate and is dropped;
 * - `version == local + 1` is applied;
 * - anything else — a version gap, an update before any snapshot, a book that comes out crossed,
 *   an unreadable level — is a 'gap': the caller must request a snapshot. Until it arrives,
 *   updates are dropped.
 */

import type { BookSequencer, BookState, ApplyResult } from '$lib/book/sequencer';
import type { OrderBook } from '$lib/book/order-book';
import type { BookMessage } from '$lib/exchanges/types';

export class BitmartBookSequencer implements BookSequencer {
	#state: BookState = 'empty';
	#version = 0;

	get state(): BookState {
		return this.#state;
	}

	get version(): number {
		return this.#version;
	}

	apply(message: BookMessage, book: OrderBook): ApplyResult {
		if (message.kind === 'snapshot') {
			if (!book.replace(message.bids, message.asks, message.ts)) return this.#resync();
			this.#state = 'live';
			this.#version = message.version;
			return 'applied';
		}
		if (this.#state === 'resyncing') return 'dropped';
		if (this.#state === 'empty') return this.#resync();
		const version = message.version;
		if (version <= this.#version) return 'dropped';
		if (version !== this.#version + 1) return this.#resync();
		if (!book.update(message.bids, message.asks, message.ts)) return this.#resync();
		this.#version = version;
		return 'applied';
	}

	reset(): void {
		this.#state = 'empty';
		this.#version = 0;
	}

	#resync(): ApplyResult {
		this.#state = 'resyncing';
		return 'gap';
	}
}
