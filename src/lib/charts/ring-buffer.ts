/**
 * A fixed-capacity time series over Float64Arrays: the newest `capacity` samples, oldest dropped
 * first. Pushing never allocates, and `toColumns()` hands uPlot the same two arrays every frame
 * once the buffer is full, so a live chart produces no garbage.
 */

export type TimeColumns = [times: Float64Array, values: Float64Array];

export class TimeSeriesRing {
	readonly capacity: number;
	readonly #times: Float64Array;
	readonly #values: Float64Array;
	/** Index of the oldest sample. */
	#start = 0;
	#length = 0;

	readonly #outTimes: Float64Array;
	readonly #outValues: Float64Array;
	#columns: TimeColumns;

	constructor(capacity: number) {
		if (!Number.isInteger(capacity) || capacity < 1) {
			throw new RangeError(`ring capacity must be a positive integer, got ${capacity}`);
		}
		this.capacity = capacity;
		this.#times = new Float64Array(capacity);
		this.#values = new Float64Array(capacity);
		this.#outTimes = new Float64Array(capacity);
		this.#outValues = new Float64Array(capacity);
		this.#columns = [this.#outTimes.subarray(0, 0), this.#outValues.subarray(0, 0)];
	}

	get length(): number {
		return this.#length;
	}

	/** Time of the newest sample, or undefined when empty. */
	get lastTime(): number | undefined {
		return this.#length === 0 ? undefined : this.#times[this.#slot(this.#length - 1)];
	}

	/**
	 * Appends a sample. uPlot needs ascending x, so a sample at the newest time replaces that
	 * sample's value and one older than the newest is refused (returns false).
	 */
	push(time: number, value: number): boolean {
		if (this.#length > 0) {
			const newest = this.#slot(this.#length - 1);
			const newestTime = this.#times[newest];
			if (time === newestTime) {
				this.#values[newest] = value;
				return true;
			}
			if (!(time > newestTime)) return false;
		} else if (Number.isNaN(time)) {
			return false;
		}
		if (this.#length < this.capacity) {
			const slot = this.#slot(this.#length);
			this.#times[slot] = time;
			this.#values[slot] = value;
			this.#length++;
		} else {
			this.#times[this.#start] = time;
			this.#values[this.#start] = value;
			this.#start = (this.#start + 1) % this.capacity;
		}
		return true;
	}

	/**
	 * The samples oldest first, as uPlot columns. The arrays are owned by the ring and overwritten by
	 * the next call: hand them to `setData` and do not keep them.
	 */
	toColumns(): TimeColumns {
		const firstRun = Math.min(this.#length, this.capacity - this.#start);
		this.#outTimes.set(this.#times.subarray(this.#start, this.#start + firstRun), 0);
		this.#outValues.set(this.#values.subarray(this.#start, this.#start + firstRun), 0);
		const wrapped = this.#length - firstRun;
		if (wrapped > 0) {
			this.#outTimes.set(this.#times.subarray(0, wrapped), firstRun);
			this.#outValues.set(this.#values.subarray(0, wrapped), firstRun);
		}
		if (this.#columns[0].length !== this.#length) {
			this.#columns = [
				this.#outTimes.subarray(0, this.#length),
				this.#outValues.subarray(0, this.#length)
			];
		}
		return this.#columns;
	}

	clear(): void {
		this.#start = 0;
		this.#length = 0;
	}

	#slot(offset: number): number {
		return (this.#start + offset) % this.capacity;
	}
}
