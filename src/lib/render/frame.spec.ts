import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FrameLoop, createFrameScheduler } from './frame';

describe('createFrameScheduler without requestAnimationFrame (timer fallback)', () => {
	beforeEach(() => {
		vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
	});
	afterEach(() => {
		vi.useRealTimers();
	});

	it('runs on a Node global without requestAnimationFrame', () => {
		expect(typeof globalThis.requestAnimationFrame).toBe('undefined');
	});

	it('draws once for many requests within one frame, and only on the next frame', () => {
		const draw = vi.fn();
		const frame = createFrameScheduler(draw);
		for (let i = 0; i < 50; i++) frame.request();
		expect(draw).not.toHaveBeenCalled();
		vi.advanceTimersByTime(15);
		expect(draw).not.toHaveBeenCalled();
		vi.advanceTimersByTime(1);
		expect(draw).toHaveBeenCalledTimes(1);
		vi.advanceTimersByTime(100);
		expect(draw).toHaveBeenCalledTimes(1);
	});

	it('draws again when requested after a frame has run', () => {
		const draw = vi.fn();
		const frame = createFrameScheduler(draw);
		frame.request();
		vi.advanceTimersByTime(16);
		frame.request();
		frame.request();
		vi.advanceTimersByTime(16);
		expect(draw).toHaveBeenCalledTimes(2);
	});

	it('does not draw after cancel, and can be requested again afterwards', () => {
		const draw = vi.fn();
		const frame = createFrameScheduler(draw);
		frame.request();
		frame.cancel();
		vi.advanceTimersByTime(100);
		expect(draw).not.toHaveBeenCalled();
		frame.request();
		vi.advanceTimersByTime(16);
		expect(draw).toHaveBeenCalledTimes(1);
	});

	it('schedules a fresh frame when draw itself requests one', () => {
		let calls = 0;
		const frame = createFrameScheduler(() => {
			calls++;
			if (calls === 1) frame.request();
		});
		frame.request();
		vi.advanceTimersByTime(16);
		expect(calls).toBe(1);
		vi.advanceTimersByTime(16);
		expect(calls).toBe(2);
	});

	it('keeps working after draw throws', () => {
		let shouldThrow = true;
		const draw = vi.fn(() => {
			if (shouldThrow) throw new Error('boom');
		});
		const frame = createFrameScheduler(draw);
		frame.request();
		expect(() => vi.advanceTimersByTime(16)).toThrow('boom');
		shouldThrow = false;
		frame.request();
		vi.advanceTimersByTime(16);
		expect(draw).toHaveBeenCalledTimes(2);
	});
});

describe('createFrameScheduler with requestAnimationFrame', () => {
	let callbacks: Map<number, FrameRequestCallback>;
	let nextId: number;

	function flushFrame(): void {
		const due = [...callbacks.values()];
		callbacks.clear();
		for (const callback of due) callback(performance.now());
	}

	beforeEach(() => {
		callbacks = new Map();
		nextId = 1;
		vi.stubGlobal('requestAnimationFrame', (callback: FrameRequestCallback) => {
			const id = nextId++;
			callbacks.set(id, callback);
			return id;
		});
		vi.stubGlobal('cancelAnimationFrame', (id: number) => callbacks.delete(id));
	});
	afterEach(() => {
		vi.unstubAllGlobals();
	});

	it('asks the browser for exactly one frame for many requests', () => {
		const draw = vi.fn();
		const frame = createFrameScheduler(draw);
		frame.request();
		frame.request();
		frame.request();
		expect(callbacks.size).toBe(1);
		expect(draw).not.toHaveBeenCalled();
		flushFrame();
		expect(draw).toHaveBeenCalledTimes(1);
	});

	it('cancels the pending animation frame', () => {
		const draw = vi.fn();
		const frame = createFrameScheduler(draw);
		frame.request();
		frame.cancel();
		expect(callbacks.size).toBe(0);
		flushFrame();
		expect(draw).not.toHaveBeenCalled();
	});
});

describe('FrameLoop: one frame for every task', () => {
	beforeEach(() => {
		vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
	});
	afterEach(() => {
		vi.useRealTimers();
	});

	it('runs every task requested before a frame in that one frame, in request order', () => {
		const loop = new FrameLoop();
		const order: string[] = [];
		const ladder = createFrameScheduler(() => order.push('ladder'), loop);
		const trades = createFrameScheduler(() => order.push('trades'), loop);
		trades.request();
		ladder.request();
		trades.request();
		vi.advanceTimersByTime(16);
		expect(order).toEqual(['trades', 'ladder']);
	});

	it('a task requested by another while the frame runs draws in the same frame', () => {
		const loop = new FrameLoop();
		const drawn: string[] = [];
		const chart = createFrameScheduler(() => drawn.push('chart'), loop);
		// The market state publishes the ladder and then tells the depth chart.
		const market = createFrameScheduler(() => {
			drawn.push('ladder');
			chart.request();
		}, loop);
		market.request();
		vi.advanceTimersByTime(16);
		expect(drawn).toEqual(['ladder', 'chart']);
		vi.advanceTimersByTime(100);
		expect(drawn).toEqual(['ladder', 'chart']);
	});

	it('a task that throws does not cost the others their frame; the error still surfaces', () => {
		const loop = new FrameLoop();
		const drawn: string[] = [];
		const broken = createFrameScheduler(() => {
			throw new Error('boom');
		}, loop);
		const chart = createFrameScheduler(() => drawn.push('chart'), loop);
		broken.request();
		chart.request();
		expect(() => vi.advanceTimersByTime(16)).toThrow('boom');
		expect(drawn).toEqual(['chart']);
		chart.request();
		vi.advanceTimersByTime(16);
		expect(drawn).toEqual(['chart', 'chart']);
	});

	it('cancelling the last pending task gives the frame back', () => {
		const loop = new FrameLoop();
		const draw = vi.fn();
		const one = createFrameScheduler(draw, loop);
		const two = createFrameScheduler(draw, loop);
		one.request();
		two.request();
		one.cancel();
		expect(vi.getTimerCount()).toBe(1);
		two.cancel();
		expect(vi.getTimerCount()).toBe(0);
		vi.advanceTimersByTime(100);
		expect(draw).not.toHaveBeenCalled();
	});
});
