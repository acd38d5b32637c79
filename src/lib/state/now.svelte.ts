/** A shared clock for "how old is this number" labels: one timer for the whole page. */
class Now {
	#value = $state.raw(Date.now());

	get value() {
		return this.#value;
	}
	#timer: ReturnType<typeof setInterval> | null = null;
	#users = 0;

	/** Start ticking while at least one caller listens; returns the stop function. */
	listen(periodMs = 500): () => void {
		this.#users++;
		this.#timer ??= setInterval(() => (this.#value = Date.now()), periodMs);
		return () => {
			if (--this.#users === 0 && this.#timer) {
				clearInterval(this.#timer);
				this.#timer = null;
			}
		};
	}
}

export const now = new Now();
