import { describe, expect, it } from 'vitest';
import { ServerClock } from './clock';

const HOUR = 3_600_000;

/** A device whose wall clock and monotonic clock the test moves independently. */
function device(wall: number, mono = 0) {
	const d = {
		wall,
		mono,
		clock: (maxSamples?: number) =>
			new ServerClock({ now: () => d.wall, monotonicNow: () => d.mono, maxSamples }),
		/** Time passes: both clocks move together. */
		pass(ms: number) {
			d.wall += ms;
			d.mono += ms;
		}
	};
	return d;
}

describe('ServerClock', () => {
	it('has no offset and no round trip before the first sample', () => {
		const clock = new ServerClock({ now: () => 1_000, monotonicNow: () => 5 });
		expect(clock.hasSample).toBe(false);
		expect(clock.offsetMs).toBe(0);
		expect(clock.rttMs).toBeUndefined();
		expect(clock.now()).toBe(1_000);
		expect(clock.skewIsLarge()).toBe(false);
	});

	it('measures the offset against the midpoint of the round trip', () => {
		const d = device(10_000, 1_100);
		const clock = d.clock();
		// Sent at monotonic 1000, received at 1100: midpoint 1050, when the device's wall clock read
		// 9950; the server said 12950, 3000 ahead.
		clock.addSample(1_000, 12_950, 1_100);
		expect(clock.offsetMs).toBe(3_000);
		expect(clock.rttMs).toBe(100);
		expect(clock.now()).toBe(13_000);
		d.pass(10_000);
		expect(clock.now()).toBe(23_000);
		expect(clock.offsetMs).toBe(3_000);
	});

	it('trusts the sample with the shortest round trip', () => {
		const d = device(0);
		const clock = d.clock();
		// The server runs 100 ms ahead of the monotonic clock; each reply was stamped somewhere
		// inside its round trip, so the midpoints scatter by up to half a trip.
		clock.addSample(0, 450, 400); // rtt 400, offset 250
		clock.addSample(1_000, 1_120, 1_040); // rtt 40, offset 100
		clock.addSample(2_000, 2_150, 2_200); // rtt 200, offset 50
		expect(clock.rttMs).toBe(40);
		expect(clock.offsetMs).toBe(100);
	});

	it('forgets samples older than the window', () => {
		const clock = device(0).clock(3);
		clock.addSample(0, 5, 10); // rtt 10, offset 0: best until it ages out
		clock.addSample(100, 170, 200); // rtt 100, offset 20
		clock.addSample(300, 380, 400); // rtt 100, offset 30
		expect(clock.offsetMs).toBe(0);
		clock.addSample(500, 560, 600); // pushes the rtt-10 sample out
		expect(clock.rttMs).toBe(100);
		expect(clock.offsetMs).toBe(20);
	});

	it('keeps about eight samples by default', () => {
		const clock = device(0).clock();
		clock.addSample(0, 1, 2); // rtt 2, offset 0
		for (let i = 1; i <= 7; i++) clock.addSample(i * 100, i * 100 + 15, i * 100 + 20);
		expect(clock.rttMs).toBe(2);
		clock.addSample(900, 915, 920);
		expect(clock.rttMs).toBe(20);
		expect(clock.offsetMs).toBe(5);
	});

	it('ignores impossible samples', () => {
		const clock = device(0).clock();
		clock.addSample(100, 5_000, 50); // received before sent
		clock.addSample(0, Number.NaN, 10);
		expect(clock.hasSample).toBe(false);
	});

	it('flags a large skew in either direction', () => {
		const ahead = device(0).clock();
		ahead.addSample(0, 2_600, 100); // offset 2550
		expect(ahead.skewIsLarge()).toBe(true);
		expect(ahead.skewIsLarge(3_000)).toBe(false);

		const behind = device(10_100, 10_100).clock();
		behind.addSample(10_000, 7_000, 10_100); // offset -3050
		expect(behind.skewIsLarge()).toBe(true);

		const close = device(0).clock();
		close.addSample(0, 1_000, 100);
		expect(close.skewIsLarge()).toBe(false);
	});

	for (const step of [HOUR, -HOUR]) {
		it(`keeps the server time when the device's wall clock steps ${step > 0 ? 'forward' : 'back'} an hour`, () => {
			const T = 1_700_000_000_000;
			const d = device(T, T);
			const clock = d.clock();
			clock.addSample(T - 100, T + 450, T); // server 500 ms ahead of the device
			expect(clock.now()).toBe(T + 500);
			d.pass(1_000);
			expect(clock.now()).toBe(T + 1_500);

			d.wall += step; // NTP, the user, or a bad time zone change
			expect(clock.now()).toBe(T + 1_500);
			d.pass(2_000);
			expect(clock.now()).toBe(T + 3_500);
			// The device's own clock is what is wrong now, and the display says so.
			expect(clock.offsetMs).toBe(500 - step);
			expect(clock.skewIsLarge()).toBe(true);
		});
	}

	it('replaces a short-trip sample that a newer one contradicts', () => {
		const T = 1_700_000_000_000;
		const d = device(T, T);
		const clock = d.clock();
		clock.addSample(T - 10, T - 5, T); // rtt 10, in step with the device
		expect(clock.now()).toBe(T);

		// The exchange corrected its clock by 5 s; a slower trip shows it.
		d.pass(1_000);
		clock.addSample(T + 800, T + 5_900, T + 1_000); // rtt 200, offset 5000
		expect(clock.rttMs).toBe(200);
		expect(clock.now()).toBe(T + 6_000);

		// Later samples that agree with the new truth compete as usual.
		d.pass(1_000);
		clock.addSample(T + 1_980, T + 6_990, T + 2_000);
		expect(clock.rttMs).toBe(20);
		expect(clock.now()).toBe(T + 7_000);
	});

	it('starts afresh when the monotonic clock stood still while the device slept', () => {
		const d = device(1_700_000_000_000, 1_000);
		const clock = d.clock();
		clock.addSample(990, 1_700_000_000_000, 1_000); // rtt 10: the best trip there will be
		expect(clock.now()).toBe(1_700_000_000_005);

		// Ten minutes of sleep pass on the wall clock only.
		d.wall += 600_000;
		d.pass(1_000);
		clock.addSample(1_800, 1_700_000_600_905, 2_000); // rtt 200, midpoint 1900
		expect(clock.rttMs).toBe(200);
		expect(clock.now()).toBe(1_700_000_601_005);
		d.pass(500);
		expect(clock.now()).toBe(1_700_000_601_505);
		expect(clock.offsetMs).toBe(5);
	});

	it('keeps samples that agree within their round trips and a little clock drift', () => {
		const d = device(0, 0);
		const clock = d.clock();
		clock.addSample(0, 1_005, 10); // rtt 10, offset 1000
		d.pass(HOUR);
		// An hour later the device's crystal has drifted 200 ms against the server's: allowed.
		clock.addSample(HOUR, HOUR + 1_250, HOUR + 100); // rtt 100, offset 1200
		expect(clock.rttMs).toBe(10);
		expect(clock.now()).toBe(HOUR + 1_000);
	});
});
