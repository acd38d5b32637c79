import { everyBeat, type Beat, type Period } from '$lib/render/screen-clock';
import { screenPace } from '$lib/render/pace';

/**
 * A shared clock for "how old is this number" labels: one timer for the whole page, on the
 * screen's shared beat, so its ticks land in the same frame as the streams' publications.
 */
class Now {
	#value = $state.raw(Date.now());

	get value() {
		return this.#value;
	}
	#beat: Beat | null = null;
	#users = 0;

	/** Start ticking while at least one caller listens; returns the stop function. */
	listen(periodMs: Period = () => screenPace.calmPeriod): () => void {
		this.#users++;
		this.#beat ??= everyBeat(periodMs, () => (this.#value = Date.now()));
		return () => {
			if (--this.#users === 0 && this.#beat) {
				this.#beat.stop();
				this.#beat = null;
			}
		};
	}
}

export const now = new Now();
