import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FirstContent } from './first-content';

describe('FirstContent', () => {
	beforeEach(() => vi.useFakeTimers());
	afterEach(() => vi.useRealTimers());

	it('runs waiting tasks only after the first content is marked, once each', async () => {
		const fc = new FirstContent();
		const ran: string[] = [];
		fc.after(() => ran.push('a'));
		fc.after(() => ran.push('b'));
		await vi.advanceTimersByTimeAsync(1000);
		expect(ran).toEqual([]);
		fc.mark();
		fc.mark();
		await vi.advanceTimersByTimeAsync(1);
		expect(ran).toEqual(['a', 'b']);
		// The fallback timers of tasks that already ran do nothing.
		await vi.advanceTimersByTimeAsync(10_000);
		expect(ran).toEqual(['a', 'b']);
	});

	it('runs a task anyway after the fallback delay when nothing marks the content', async () => {
		const fc = new FirstContent();
		const ran: string[] = [];
		fc.after(() => ran.push('late'), 3000);
		await vi.advanceTimersByTimeAsync(2999);
		expect(ran).toEqual([]);
		await vi.advanceTimersByTimeAsync(1);
		expect(ran).toEqual(['late']);
		fc.mark();
		await vi.advanceTimersByTimeAsync(10);
		expect(ran).toEqual(['late']);
	});

	it('runs a task asked for after the mark soon, and a cancelled one never', async () => {
		const fc = new FirstContent();
		fc.mark();
		const ran: string[] = [];
		fc.after(() => ran.push('now'));
		const cancel = fc.after(() => ran.push('never'));
		cancel();
		await vi.advanceTimersByTimeAsync(5000);
		expect(ran).toEqual(['now']);
	});
});
