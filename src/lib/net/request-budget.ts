/**
 * A per-endpoint request budget: `limit` requests in any `periodMs`, the way venues state their
 * limits ("6 times / 2 sec"). Each spent token comes back one period after it was spent (a
 * sliding window), plus a small margin for the request's travel time: a bucket that refilled
 * evenly would let a seventh request into a venue's 2-second window.
 */
export class RequestBudget {
	readonly #limit: number;
	readonly #periodMs: number;
	readonly #marginMs: number;
	readonly #now: () => number;
	#spent: number[] = [];

	constructor(limit: number, periodMs: number, now: () => number, marginMs = 150) {
		this.#limit = Math.max(1, Math.floor(limit));
		this.#periodMs = periodMs;
		this.#marginMs = marginMs;
		this.#now = now;
	}

	/** How long until a request may go (0: now). */
	waitMs(): number {
		const now = this.#now();
		const horizon = this.#periodMs + this.#marginMs;
		this.#spent = this.#spent.filter((t) => now - t < horizon);
		if (this.#spent.length < this.#limit) return 0;
		return this.#spent[0] + horizon - now;
	}

	spend(): void {
		this.#spent.push(this.#now());
	}

	/**
	 * The venue answered "too many requests" anyway (another tab, another app on the same key):
	 * treat the whole budget as spent now, so the next request waits a full period.
	 */
	exhaust(): void {
		const now = this.#now();
		this.#spent = Array.from({ length: this.#limit }, () => now);
	}

	/** Waits (on `sleep`) until a token is free, then spends it. */
	async take(sleep: (ms: number) => Promise<void>): Promise<void> {
		for (;;) {
			const wait = this.waitMs();
			if (wait <= 0) {
				this.spend();
				return;
			}
			await sleep(wait);
		}
	}
}
