/**
 * How often the screen shows news, chosen from what a redraw costs on this device.
 *
 * The market screen publishes streaming numbers on a shared beat. On a fast device a redraw of the
 * ladder, depth, trades and ticker takes a few milliseconds and the beat stays at 250 ms. On a
 * slow phone the same redraw can take tens of milliseconds, and four a second would keep the main
 * thread busy enough to delay a tap on Close. So the cost of each redraw is measured, from the
 * frame that publishes to the first task after it (script, style, layout, paint and commit), and
 * the beat is the shortest of 250, 500 and 1000 ms at which redraws use at most a set share of
 * the main thread. It never gets slower than once a second, and each number keeps showing its age.
 */

/** The beats the screen may run at, fastest first. */
export const PACE_PERIODS_MS = [250, 500, 1000] as const;
/** Redraws may take at most this share of the main thread. */
export const PACE_SHARE = 0.08;
/** A faster beat is taken only when it would use at most this share (hysteresis). */
const FASTER_SHARE = PACE_SHARE * 0.6;
/** Redraws measured at a beat before it may change again. */
const SETTLE_FRAMES = 4;
/** The cost of a redraw is the median of this many recent ones: one slow frame moves nothing. */
const WINDOW = 8;

export interface PaceState {
	/** Index into PACE_PERIODS_MS. */
	readonly step: number;
	/** The most recent redraw costs, ms, oldest first (at most WINDOW). */
	readonly recent: readonly number[];
	/** Redraws measured since the beat last changed. */
	readonly since: number;
}

export const START_PACE: PaceState = { step: 0, recent: [], since: 0 };

/** The median of the recent costs, ms; null before the first. */
export function paceCost(state: PaceState): number | null {
	const sorted = [...state.recent].sort((a, b) => a - b);
	if (sorted.length === 0) return null;
	const mid = sorted.length >> 1;
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The pace after one more redraw that took `costMs`. Pure. */
export function nextPace(state: PaceState, costMs: number): PaceState {
	if (!(costMs >= 0) || !Number.isFinite(costMs)) return state;
	const recent = [...state.recent.slice(-(WINDOW - 1)), costMs];
	const since = state.since + 1;
	if (since < SETTLE_FRAMES) return { step: state.step, recent, since };
	const cost = paceCost({ step: state.step, recent, since }) ?? 0;
	const period = PACE_PERIODS_MS[state.step];
	if (cost / period > PACE_SHARE && state.step < PACE_PERIODS_MS.length - 1) {
		return { step: state.step + 1, recent, since: 0 };
	}
	if (state.step > 0 && cost / PACE_PERIODS_MS[state.step - 1] <= FASTER_SHARE) {
		return { step: state.step - 1, recent, since: 0 };
	}
	return { step: state.step, recent, since };
}

/** The page's pace: one for all screens, fed by the redraws that publish streaming numbers. */
class ScreenPace {
	#state: PaceState = START_PACE;
	#channel: MessageChannel | null = null;
	#startedAt: number | null = null;

	/** The beat, ms. */
	get period(): number {
		return PACE_PERIODS_MS[this.#state.step];
	}

	/**
	 * For the calmer clocks (ages, connection status, the depth chart): every 500 ms, or at the
	 * beat when a slow device has stretched it past that. Either way a multiple of the beat.
	 */
	get calmPeriod(): number {
		return Math.max(500, this.period);
	}

	/** The cost of one redraw (median of the recent ones), ms; null before any was measured. */
	get costMs(): number | null {
		return paceCost(this.#state);
	}

	/**
	 * Call from the animation frame that publishes: the redraw is measured from now to the first
	 * task after the frame's rendering.
	 */
	measureFrame(): void {
		if (this.#startedAt !== null || typeof MessageChannel !== 'function') return;
		this.#startedAt = performance.now();
		if (!this.#channel) {
			this.#channel = new MessageChannel();
			this.#channel.port1.onmessage = () => {
				const started = this.#startedAt;
				this.#startedAt = null;
				if (started !== null) this.record(performance.now() - started);
			};
		}
		this.#channel.port2.postMessage(null);
	}

	/** One measured redraw. */
	record(costMs: number): void {
		this.#state = nextPace(this.#state, costMs);
	}
}

export const screenPace = new ScreenPace();
