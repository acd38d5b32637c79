/**
 * Bitget's rule for its `books` channel (notes bitget-v2-futures.md §3.5): the first push is a
 * snapshot, then updates; `seq` rises but does not promise +1 steps, so it cannot show a gap.
 * Instead every update carries `checksum`: the CRC-32 (signed) of the top 25 levels after it,
 * written `bid1Price:bid1Size:ask1Price:ask1Size:bid2Price:...` with the venue's own strings, a
 * side that runs out simply skipped. A mismatch means the local book drifted: resync (Bitget's
 * way is to unsubscribe and subscribe `books` again, which sends a fresh snapshot).
 *
 * Snapshots are taken as given, as ccxt does: the snapshot is the venue's word.
 */

import type { OrderBook } from '$lib/book/order-book';
import type { ApplyResult, BookSequencer, BookState } from '$lib/book/sequencer';
import type { BookMessage } from '$lib/exchanges/types';
import { crc32Signed } from './crc32';

/** Levels per side the checksum covers. */
export const CHECKSUM_LEVELS = 25;

/** The string Bitget's checksum is computed over, from the book's original level strings. */
export function checksumText(book: OrderBook, levels = CHECKSUM_LEVELS): string {
	const bids = book.levels('bid', levels);
	const asks = book.levels('ask', levels);
	const parts: string[] = [];
	for (let i = 0; i < levels; i++) {
		if (i < bids.length) parts.push(bids[i].price, bids[i].size);
		if (i < asks.length) parts.push(asks[i].price, asks[i].size);
	}
	return parts.join(':');
}

export function bookChecksum(book: OrderBook, levels = CHECKSUM_LEVELS): number {
	return crc32Signed(checksumText(book, levels));
}

export class BitgetBookSequencer implements BookSequencer {
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
		if (!book.update(message.bids, message.asks, message.ts)) return this.#resync();
		if (message.checksum !== undefined && bookChecksum(book) !== message.checksum) {
			return this.#resync();
		}
		this.#version = message.version;
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
