import { describe, expect, it } from 'vitest';
import { ServerClock } from './clock';

describe('ServerClock', () => {
	it('has no offset and no round trip before the first sample', () => {
		const clock = new ServerClock({ now: () => 1_000 });
		expect(clock.hasSample).toBe(false);
		expect(clock.offsetMs).toBe(0);
		expect(clock.rttMs).toBeUndefined();
		expect(clock.now()).toBe(1_000);
		expect(clock.skewIsLarge()).toBe(false);
	});

	it('measures the offset against the midpoint of the round trip', () => {
		let local = 10_000;
		const clock = new ServerClock({ now: () => local });
		// Sent at 1000, received at 1100: midpoint 1050; the server said 4050.
		clock.addSample(1_000, 4_050, 1_100);
		expect(clock.offsetMs).toBe(3_000);
		expect(clock.rttMs).toBe(100);
		expect(clock.now()).toBe(13_000);
		local = 20_000;
		expect(clock.now()).toBe(23_000);
	});

	it('trusts the sample with the shortest round trip', () => {
		const clock = new ServerClock({ now: () => 0 });
		clock.addSample(0, 600, 400); // rtt 400, offset 400
		clock.addSample(1_000, 1_120, 1_040); // rtt 40, offset 100
		clock.addSample(2_000, 2_900, 2_200); // rtt 200, offset 800
		expect(clock.rttMs).toBe(40);
		expect(clock.offsetMs).toBe(100);
	});

	it('forgets samples older than the window', () => {
		const clock = new ServerClock({ now: () => 0, maxSamples: 3 });
		clock.addSample(0, 10, 10); // rtt 10, offset 5: best until it ages out
		clock.addSample(100, 250, 200); // rtt 100, offset 100
		clock.addSample(300, 450, 400); // rtt 100, offset 100
		expect(clock.offsetMs).toBe(5);
		clock.addSample(500, 650, 600); // pushes the rtt-10 sample out
		expect(clock.rttMs).toBe(100);
		expect(clock.offsetMs).toBe(100);
	});

	it('keeps about eight samples by default', () => {
		const clock = new ServerClock({ now: () => 0 });
		clock.addSample(0, 1, 2); // rtt 2, offset 0
		for (let i = 1; i <= 7; i++) clock.addSample(i * 100, i * 100 + 60, i * 100 + 20);
		expect(clock.rttMs).toBe(2);
		clock.addSample(900, 960, 920);
		expect(clock.rttMs).toBe(20);
		expect(clock.offsetMs).toBe(50);
	});

	it('ignores impossible samples', () => {
		const clock = new ServerClock({ now: () => 0 });
		clock.addSample(100, 5_000, 50); // received before sent
		clock.addSample(0, Number.NaN, 10);
		expect(clock.hasSample).toBe(false);
	});

	it('flags a large skew in either direction', () => {
		const ahead = new ServerClock({ now: () => 0 });
		ahead.addSample(0, 2_600, 100); // offset 2550
		expect(ahead.skewIsLarge()).toBe(true);
		expect(ahead.skewIsLarge(3_000)).toBe(false);

		const behind = new ServerClock({ now: () => 0 });
		behind.addSample(10_000, 7_000, 10_100); // offset -3050
		expect(behind.skewIsLarge()).toBe(true);

		const close = new ServerClock({ now: () => 0 });
		close.addSample(0, 1_000, 100);
		expect(close.skewIsLarge()).toBe(false);
	});
});
