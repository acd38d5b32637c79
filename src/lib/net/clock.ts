/**
 * The offset between this device's clock and an exchange's, measured from request round trips.
 *
 * Exchanges reject signed requests whose timestamp is more than a window (BitMart: one minute)
 * away from their own clock, so signing uses `now()` rather than `Date.now()`. The sample with the
 * shortest round trip is trusted most: its midpoint guess has the smallest possible error.
 */

interface ClockSample {
	offsetMs: number;
	rttMs: number;
}

export interface ServerClockOptions {
	/** The local clock; injectable so tests need no fake timers. */
	now?: () => number;
	/** How many recent samples compete for the best round trip. */
	maxSamples?: number;
}

export class ServerClock {
	readonly #localNow: () => number;
	readonly #maxSamples: number;
	#samples: ClockSample[] = [];
	#best: ClockSample | undefined;

	constructor(options: ServerClockOptions = {}) {
		this.#localNow = options.now ?? (() => Date.now());
		this.#maxSamples = Math.max(1, options.maxSamples ?? 8);
	}

	/** Record one measurement: local send time, the server's reported time, local receive time. */
	addSample(sentAt: number, serverTime: number, receivedAt: number): void {
		const rttMs = receivedAt - sentAt;
		if (![sentAt, serverTime, receivedAt].every(Number.isFinite) || rttMs < 0) return;
		const offsetMs = serverTime - (sentAt + receivedAt) / 2;
		// Old samples age out so a changed local clock (sleep, NTP step) is noticed.
		this.#samples = [...this.#samples, { offsetMs, rttMs }].slice(-this.#maxSamples);
		this.#best = this.#samples.reduce((best, s) => (s.rttMs < best.rttMs ? s : best));
	}

	/** Best estimate of the server's current time, Unix ms. */
	now(): number {
		return Math.round(this.#localNow() + this.offsetMs);
	}

	/** serverTime − localTime, ms; 0 until a sample exists. */
	get offsetMs(): number {
		return this.#best?.offsetMs ?? 0;
	}

	/** Round trip of the sample in use, ms; undefined until a sample exists. */
	get rttMs(): number | undefined {
		return this.#best?.rttMs;
	}

	get hasSample(): boolean {
		return this.#best !== undefined;
	}

	/** True when the local clock is off by more than the threshold (worth telling the user). */
	skewIsLarge(thresholdMs = 2000): boolean {
		return this.hasSample && Math.abs(this.offsetMs) > thresholdMs;
	}
}
