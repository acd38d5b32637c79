/**
 * The venue's rule for keeping a local book in step with its stream. The book (./order-book) only
 * stores levels; a sequencer decides, message by message, whether to apply, drop or hold it, and
 * when the book has drifted from the venue's and needs a fresh snapshot. Each venue's codec
 * brings its own (a version that grows by one; a CRC32 checksum; a seqnum after a REST
 * snapshot).
 */

import type { BookMessage } from '$lib/exchanges/types';
import type { OrderBook } from './order-book';

/**
 * 'empty' before the first snapshot; 'live' while in step; 'resyncing' from a gap until the
 * snapshot that ends it.
 */
export type BookState = 'empty' | 'live' | 'resyncing';

/**
 * - 'applied': the book changed;
 * - 'dropped': old, duplicate, or arriving while resyncing: the book did not change;
 * - 'buffered': held until a snapshot arrives, then applied on top of it;
 * - 'gap': the book no longer matches the venue's: ask the stream for a snapshot
 *   (`MarketStream.requestBookSnapshot`). Until it arrives the book is 'resyncing'.
 */
export type ApplyResult = 'applied' | 'dropped' | 'buffered' | 'gap';

export interface BookSequencer {
	readonly state: BookState;
	/** The venue's sequence number of the last message applied; 0 before the first snapshot. */
	readonly version: number;
	/** Feeds one message of the stream; applies what is in order to `book`. */
	apply(message: BookMessage, book: OrderBook): ApplyResult;
	/** Forget everything, as if just constructed (the book is cleared separately). */
	reset(): void;
}
