/**
 * Turns a cumulative order book into columns for a depth chart (uPlot's shape): one ascending
 * price axis (bids reversed, then asks) and two series that are null outside their own side, so
 * each side fills down to zero and the spread stays empty. Plain data, no drawing: the state layer
 * builds these and the chart (src/lib/charts) only draws them.
 */

/** One side of the book, best price first, sizes already summed from the best price outwards. */
export interface CumulativeSide {
	/** Bids descending, asks ascending. */
	prices: ArrayLike<number>;
	/** `totals[i]` is the total size from the best price up to and including `prices[i]`. */
	totals: ArrayLike<number>;
	/** Entries in use, when the arrays are longer buffers; defaults to the shorter array's length. */
	count?: number;
}

/** What a depth chart draws; `xs`, `bids` and `asks` always have the same length. */
export interface DepthChartData {
	xs: Float64Array | number[];
	bids: (number | null)[];
	asks: (number | null)[];
}

/**
 * The depth chart pulls its data from here; the data stays outside Svelte. The source says when
 * it has news through `onChange`, from inside the frame loop (src/lib/render/frame), so the chart
 * can draw in that same frame.
 */
export interface DepthChartSource {
	read(): DepthChartData | null;
	/** Calls `listener` whenever `read()` would give something new; returns the unsubscribe. */
	onChange(listener: () => void): () => void;
}

/**
 * Reusable depth columns: pass the same instance back in every frame and the arrays are rewritten
 * in place, so a redraw per frame does not allocate once the book has reached its usual depth.
 */
export class DepthColumns implements DepthChartData {
	xs: Float64Array;
	readonly bids: (number | null)[] = [];
	readonly asks: (number | null)[] = [];
	#storage: Float64Array;
	/** Scratch space for `buildDepthColumns`, so reading a book does not allocate either. */
	bidCurve: CumulativeCurve | undefined;
	askCurve: CumulativeCurve | undefined;

	constructor(initialCapacity = 64) {
		this.#storage = new Float64Array(Math.max(1, initialCapacity));
		this.xs = this.#storage.subarray(0, 0);
	}

	/** Sizes all three columns to `length`, keeping the price view when the length is unchanged. */
	resize(length: number): void {
		if (length > this.#storage.length) {
			this.#storage = new Float64Array(Math.max(length, this.#storage.length * 2));
			this.xs = this.#storage.subarray(0, length);
		} else if (this.xs.length !== length) {
			this.xs = this.#storage.subarray(0, length);
		}
		this.bids.length = length;
		this.asks.length = length;
	}
}

function sideCount(side: CumulativeSide): number {
	const available = Math.min(side.prices.length, side.totals.length);
	return side.count === undefined ? available : Math.max(0, Math.min(side.count, available));
}

/**
 * Writes the two sides into `out` (a fresh one when omitted) and returns it. A side may be empty.
 * The book is taken as given: a crossed book (best bid >= best ask) would give a price axis that
 * is not ascending, which the book module is there to prevent.
 */
export function fillDepthColumns(
	bids: CumulativeSide,
	asks: CumulativeSide,
	out: DepthColumns = new DepthColumns()
): DepthColumns {
	const bidCount = sideCount(bids);
	const askCount = sideCount(asks);
	out.resize(bidCount + askCount);
	const { xs } = out;

	for (let i = 0; i < bidCount; i++) {
		const from = bidCount - 1 - i;
		xs[i] = bids.prices[from];
		out.bids[i] = bids.totals[from];
		out.asks[i] = null;
	}
	for (let i = 0; i < askCount; i++) {
		const at = bidCount + i;
		xs[at] = asks.prices[i];
		out.bids[at] = null;
		out.asks[at] = asks.totals[i];
	}
	return out;
}

/** The shape of `OrderBook.cumulative()`'s result (src/lib/book), without depending on it. */
export interface CumulativeCurve {
	prices: Float64Array;
	totals: Float64Array;
	count: number;
}

export interface CumulativeBook {
	cumulative(side: 'bid' | 'ask', n: number, out?: CumulativeCurve): CumulativeCurve;
}

/** Depth columns for the best `levels` of each side of a book, reusing `previous` when given. */
export function buildDepthColumns(
	book: CumulativeBook,
	levels: number,
	previous: DepthColumns = new DepthColumns(levels * 2)
): DepthColumns {
	previous.bidCurve = book.cumulative('bid', levels, previous.bidCurve);
	previous.askCurve = book.cumulative('ask', levels, previous.askCurve);
	return fillDepthColumns(previous.bidCurve, previous.askCurve, previous);
}

/**
 * An x range centred on the mid price that shows the deeper of the two sides in full, so the
 * spread sits in the middle of the chart. Null when either side is empty (no mid to centre on).
 */
export function centeredPriceRange(columns: DepthChartData): [min: number, max: number] | null {
	const { xs, bids, asks } = columns;
	let bestBidIndex = -1;
	let bestAskIndex = -1;
	for (let i = 0; i < xs.length; i++) {
		if (bids[i] != null) bestBidIndex = i;
		if (asks[i] != null && bestAskIndex === -1) bestAskIndex = i;
	}
	if (bestBidIndex === -1 || bestAskIndex === -1) return null;
	const mid = (xs[bestBidIndex] + xs[bestAskIndex]) / 2;
	const halfWidth = Math.max(mid - xs[0], xs[xs.length - 1] - mid);
	return [mid - halfWidth, mid + halfWidth];
}
