/**
 * The exchange's clock, estimated from request round trips.
 *
 * Exchanges reject signed requests whose timestamp is more than a window (often one minute)
 * away from their own clock, so signing uses `now()` rather than `Date.now()`. The sample with the
 * shortest round trip is trusted most: its midpoint guess has the smallest possible error.
 *
 * Samples are anchored to the monotonic clock, not the device's wall clock: a wall clock that
 * steps (NTP, the user, a time zone bug) does not move the estimate at all, so a step forward
 * cannot get every signed request refused until the old samples age out. The monotonic clock can
 * itself stop (some platforms pause it while the device sleeps); a newer sample that contradicts
 * the older ones by more than their round trips allow then replaces them.
 */

interface ClockSample {
	/** serverTime − monotonic midpoint of the round trip. */
	offsetMs: number;
	rttMs: number;
	/** Monotonic time the answer arrived: drift allowance grows with a sample's age. */
	receivedAt: number;
}

export interface ServerClockOptions {
	/** The device's wall clock, Unix ms (default Date.now); used before the first sample and for `offsetMs`. */
	now?: () => number;
	/** The monotonic clock samples are taken on (default performance.now). */
	monotonicNow?: () => number;
	/** How many recent samples compete for the best round trip. */
	maxSamples?: number;
}

/** Quartz clocks drift up to ~100 ppm; two honest samples an hour apart may differ by this much. */
const DRIFT_PER_MS = 1e-4;
/** Server timestamps are whole ms; allow a little more than the rounding either side. */
const RESOLUTION_MS = 2;

export class ServerClock {
	readonly #wallNow: () => number;
	readonly #monotonicNow: () => number;
	readonly #maxSamples: number;
	#samples: ClockSample[] = [];
	#best: ClockSample | undefined;

	constructor(options: ServerClockOptions = {}) {
		this.#wallNow = options.now ?? (() => Date.now());
		this.#monotonicNow = options.monotonicNow ?? (() => performance.now());
		this.#maxSamples = Math.max(1, options.maxSamples ?? 8);
	}

	/**
	 * Record one measurement: monotonic send time, the server's reported time (Unix ms), monotonic
	 * receive time. Both local times must come from the same clock as `monotonicNow`.
	 */
	addSample(sentAt: number, serverTime: number, receivedAt: number): void {
		const rttMs = receivedAt - sentAt;
		if (![sentAt, serverTime, receivedAt].every(Number.isFinite) || rttMs < 0) return;
		const sample: ClockSample = {
			offsetMs: serverTime - (sentAt + receivedAt) / 2,
			rttMs,
			receivedAt
		};
		// An older sample the new one contradicts was taken on a clock that has since jumped
		// (a paused monotonic clock, a restarted server): it cannot be trusted, however short its trip.
		const agreeing = this.#samples.filter((old) => agree(old, sample));
		this.#samples = [...agreeing, sample].slice(-this.#maxSamples);
		this.#best = this.#samples.reduce((best, s) => (s.rttMs < best.rttMs ? s : best));
	}

	/** Best estimate of the server's current time, Unix ms. */
	now(): number {
		const best = this.#best;
		return Math.round(best ? this.#monotonicNow() + best.offsetMs : this.#wallNow());
	}

	/** serverTime − device wall-clock time, ms (for display and skew warnings); 0 until a sample exists. */
	get offsetMs(): number {
		return this.#best ? this.now() - this.#wallNow() : 0;
	}

	/** Round trip of the sample in use, ms; undefined until a sample exists. */
	get rttMs(): number | undefined {
		return this.#best?.rttMs;
	}

	get hasSample(): boolean {
		return this.#best !== undefined;
	}

	/** True when the device's clock is off by more than the threshold (worth telling the user). */
	skewIsLarge(thresholdMs = 2000): boolean {
		return this.hasSample && Math.abs(this.offsetMs) > thresholdMs;
	}
}

/** Each sample bounds the true offset to its midpoint ± half its round trip; do the bounds overlap? */
function agree(older: ClockSample, newer: ClockSample): boolean {
	const slack =
		(older.rttMs + newer.rttMs) / 2 +
		RESOLUTION_MS +
		DRIFT_PER_MS * Math.abs(newer.receivedAt - older.receivedAt);
	return Math.abs(newer.offsetMs - older.offsetMs) <= slack;
}
