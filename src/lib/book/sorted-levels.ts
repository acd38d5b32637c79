/**
 * One side of a book: levels sorted by a numeric key in parallel arrays, so an update is a binary
 * search plus a short shift, never a re-sort.
 *
 * The levels occupy `[start, end)` in the middle of the arrays, with free room on both sides, and
 * an insert or delete shifts whichever part is shorter. That suits a windowed depth stream, where
 * nearly all inserts and deletes happen at the two ends: near the best (activity is at the top)
 * and at the window's edge (the level that drops out or slides in). Both cost a few moves.
 *
 * The owner picks keys so that larger is better — the price for bids, the negated price for asks —
 * and the best level sits at `end - 1`. Read by rank (0 = best) through `indexOf`.
 *
 * The key decides identity: "65000.1" and "65000.10" are one level. The first price text seen for
 * a level is kept for display; the size text is the latest one off the wire.
 */
/** Levels scanned one by one from the best before falling back to a binary search. */
const TOP_SCAN = 8;

export class SortedLevels {
	/** Ascending within `[start, end)`. */
	keys: Float64Array;
	sizes: Float64Array;
	priceTexts: string[];
	sizeTexts: string[];
	start: number;
	end: number;

	constructor(capacity: number) {
		// Room to recenter into, whatever the caller asked for.
		capacity = Math.max(capacity, 16);
		this.keys = new Float64Array(capacity);
		this.sizes = new Float64Array(capacity);
		this.priceTexts = emptyTexts(capacity);
		this.sizeTexts = emptyTexts(capacity);
		this.start = this.end = capacity >> 1;
	}

	get count(): number {
		return this.end - this.start;
	}

	/** Array index of the level `rank` places from the best. */
	indexOf(rank: number): number {
		return this.end - 1 - rank;
	}

	/** Absolute size semantics: 0 removes the level, a missing level with size 0 is a no-op. */
	set(key: number, priceText: string, size: number, sizeText: string): void {
		const at = this.#find(key);
		if (at >= 0) {
			if (size === 0) {
				this.#removeAt(at);
			} else {
				this.sizes[at] = size;
				this.sizeTexts[at] = sizeText;
			}
		} else if (size !== 0) {
			this.#insertAt(-at - 1, key, priceText, size, sizeText);
		}
	}

	/**
	 * The index of `key`, or `-(insertion point) - 1`. The levels near the best take most of the
	 * traffic, so the top few are scanned first; the window's far edge, the other busy spot, is
	 * checked up front; the rest is a binary search.
	 */
	#find(key: number): number {
		const keys = this.keys;
		const start = this.start;
		const end = this.end;
		if (start === end || key < keys[start]) return -start - 1;
		if (key === keys[start]) return start;
		let i = end - 1;
		const stop = Math.max(start, end - TOP_SCAN);
		while (i > stop && keys[i] > key) i--;
		if (keys[i] === key) return i;
		if (keys[i] < key) return -(i + 1) - 1;
		// Below the scanned top: keys[start] < key < keys[i].
		let lo = start + 1;
		let hi = i - 1;
		while (lo <= hi) {
			const mid = (lo + hi) >>> 1;
			const k = keys[mid];
			if (k < key) lo = mid + 1;
			else if (k > key) hi = mid - 1;
			else return mid;
		}
		return -lo - 1;
	}

	/** Keep the best `depth` levels: the worst are at the front, so this moves nothing. */
	truncate(depth: number): void {
		const newStart = this.end - depth;
		if (newStart <= this.start) return;
		// Let the dropped strings be collected.
		this.priceTexts.fill('', this.start, newStart);
		this.sizeTexts.fill('', this.start, newStart);
		this.start = newStart;
	}

	clear(): void {
		this.truncate(0);
		this.start = this.end = this.keys.length >> 1;
	}

	/** `at` is where the level belongs: before the level now at `at`. */
	#insertAt(at: number, key: number, priceText: string, size: number, sizeText: string): void {
		const frontShorter = at - this.start < this.end - at;
		if ((frontShorter && this.start === 0) || (!frontShorter && this.end === this.keys.length)) {
			at += this.#recenter();
		}
		const { keys, sizes, priceTexts, sizeTexts } = this;
		if (at - this.start < this.end - at && this.start > 0) {
			// Move the part below `at` down one slot; the new level goes just below `at`.
			const first = --this.start;
			for (let j = first; j < at - 1; j++) {
				keys[j] = keys[j + 1];
				sizes[j] = sizes[j + 1];
				priceTexts[j] = priceTexts[j + 1];
				sizeTexts[j] = sizeTexts[j + 1];
			}
			at--;
		} else {
			for (let j = this.end; j > at; j--) {
				keys[j] = keys[j - 1];
				sizes[j] = sizes[j - 1];
				priceTexts[j] = priceTexts[j - 1];
				sizeTexts[j] = sizeTexts[j - 1];
			}
			this.end++;
		}
		keys[at] = key;
		sizes[at] = size;
		priceTexts[at] = priceText;
		sizeTexts[at] = sizeText;
	}

	#removeAt(at: number): void {
		const { keys, sizes, priceTexts, sizeTexts } = this;
		let freed: number;
		if (at - this.start < this.end - 1 - at) {
			for (let j = at; j > this.start; j--) {
				keys[j] = keys[j - 1];
				sizes[j] = sizes[j - 1];
				priceTexts[j] = priceTexts[j - 1];
				sizeTexts[j] = sizeTexts[j - 1];
			}
			freed = this.start++;
		} else {
			const last = --this.end;
			for (let j = at; j < last; j++) {
				keys[j] = keys[j + 1];
				sizes[j] = sizes[j + 1];
				priceTexts[j] = priceTexts[j + 1];
				sizeTexts[j] = sizeTexts[j + 1];
			}
			freed = last;
		}
		priceTexts[freed] = '';
		sizeTexts[freed] = '';
	}

	/**
	 * Move the levels back to the middle; grow the arrays first when less than a quarter is free.
	 * Levels drift towards the top as the best moves up, so this runs now and then: in place, no
	 * allocation, once every few dozen inserts. Returns how far the levels moved.
	 */
	#recenter(): number {
		const { start, end, count } = this;
		let capacity = this.keys.length;
		while (capacity - count < capacity >> 2) capacity *= 2;
		const newStart = (capacity - count) >> 1;
		const shift = newStart - start;
		if (capacity === this.keys.length) {
			this.keys.copyWithin(newStart, start, end);
			this.sizes.copyWithin(newStart, start, end);
			this.priceTexts.copyWithin(newStart, start, end);
			this.sizeTexts.copyWithin(newStart, start, end);
			const [fromVacated, toVacated] =
				shift > 0 ? [start, Math.min(end, newStart)] : [Math.max(start, newStart + count), end];
			this.priceTexts.fill('', fromVacated, toVacated);
			this.sizeTexts.fill('', fromVacated, toVacated);
		} else {
			const keys = new Float64Array(capacity);
			const sizes = new Float64Array(capacity);
			keys.set(this.keys.subarray(start, end), newStart);
			sizes.set(this.sizes.subarray(start, end), newStart);
			const priceTexts = emptyTexts(capacity);
			const sizeTexts = emptyTexts(capacity);
			for (let j = start; j < end; j++) {
				priceTexts[j + shift] = this.priceTexts[j];
				sizeTexts[j + shift] = this.sizeTexts[j];
			}
			this.keys = keys;
			this.sizes = sizes;
			this.priceTexts = priceTexts;
			this.sizeTexts = sizeTexts;
		}
		this.start = newStart;
		this.end = newStart + count;
		return shift;
	}
}

/** A packed array: `new Array(n)` would be holey, and holey arrays slow every read in the hot path. */
function emptyTexts(length: number): string[] {
	return Array.from({ length }, () => '');
}
