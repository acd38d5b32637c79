/**
 * Every periodic screen update runs on one shared beat: timers fire on multiples of their period
 * on the monotonic clock, so a 250 ms book publication, the 500 ms "how old" clock and the 500 ms
 * connection-status read land together and the page renders one frame for all of them instead of
 * one frame each. A phone pays layout, paint and commit per frame, not per update.
 */

/** ms from `nowMs` to the next multiple of `periodMs` (a full period when exactly on one). */
export function msToNextBeat(periodMs: number, nowMs: number): number {
	if (!(periodMs > 0)) throw new RangeError(`period must be positive, got ${periodMs}`);
	const into = ((nowMs % periodMs) + periodMs) % periodMs;
	return periodMs - into;
}

/** A period in ms, or a function giving the current one (read each time a beat is aimed). */
export type Period = number | (() => number);

function periodOf(period: Period): number {
	return typeof period === 'function' ? period() : period;
}

export interface Beat {
	stop(): void;
}

/**
 * Calls `tick` on every multiple of `periodMs` of `performance.now()` until stopped. Re-aimed at
 * each beat, so a late timer does not drift the phase.
 */
export function everyBeat(
	periodMs: Period,
	tick: () => void,
	clock: () => number = () => performance.now()
): Beat {
	let timer: ReturnType<typeof setTimeout> | null = null;
	let stopped = false;
	const arm = () => {
		timer = setTimeout(fire, msToNextBeat(periodOf(periodMs), clock()));
	};
	const fire = () => {
		if (stopped) return;
		arm();
		tick();
	};
	arm();
	return {
		stop() {
			stopped = true;
			if (timer) clearTimeout(timer);
			timer = null;
		}
	};
}

/**
 * Calls `fire` once, on the next beat of `periodMs`; repeated `request()` calls before then are
 * free. For news that should be shown soon, but no sooner than the beat.
 */
export function onNextBeat(
	periodMs: Period,
	fire: () => void,
	clock: () => number = () => performance.now()
): { request(): void; cancel(): void; readonly pending: boolean } {
	let timer: ReturnType<typeof setTimeout> | null = null;
	return {
		request() {
			timer ??= setTimeout(
				() => {
					timer = null;
					fire();
				},
				msToNextBeat(periodOf(periodMs), clock())
			);
		},
		cancel() {
			if (timer) clearTimeout(timer);
			timer = null;
		},
		get pending() {
			return timer !== null;
		}
	};
}
