/**
 * One frame loop for the whole page. Streams can push dozens of updates per frame and the screen
 * can only show one, so every redraw goes through here: however many `request()` calls land
 * before a frame, each task draws once, on the next frame.
 *
 * All tasks share one animation frame, in the order they were requested, and a task requested
 * while the frame runs still runs in it. So when the market state publishes the book and then
 * tells the depth chart, the chart draws in the same frame as the ladder, not one frame later.
 * A task that asks again during its own draw gets the next frame.
 */

export interface FrameScheduler {
	/** Ask for one `draw()` on the next frame; repeated calls before that frame are free. */
	request(): void;
	/** Drop a pending draw, e.g. when the chart is destroyed. */
	cancel(): void;
}

/** Without `requestAnimationFrame` (Node, some workers) a 16 ms timer stands in for one frame. */
const FALLBACK_FRAME_MS = 16;

type CancelFrame = () => void;

function scheduleFrame(callback: () => void): CancelFrame {
	const raf = globalThis.requestAnimationFrame;
	if (typeof raf === 'function') {
		const id = raf(() => callback());
		return () => globalThis.cancelAnimationFrame?.(id);
	}
	const timer = setTimeout(callback, FALLBACK_FRAME_MS);
	return () => clearTimeout(timer);
}

interface Task {
	readonly draw: () => void;
	queued: boolean;
}

export class FrameLoop {
	#queue: Task[] = [];
	#cancelFrame: CancelFrame | null = null;
	#running = false;

	/** A scheduler for one drawing task on this loop. */
	scheduler(draw: () => void): FrameScheduler {
		const task: Task = { draw, queued: false };
		return {
			request: () => {
				if (task.queued) return;
				task.queued = true;
				this.#queue.push(task);
				this.#schedule();
			},
			cancel: () => {
				if (!task.queued) return;
				task.queued = false;
				this.#queue.splice(this.#queue.indexOf(task), 1);
				if (this.#queue.length === 0 && !this.#running) this.#unschedule();
			}
		};
	}

	#schedule(): void {
		if (this.#running || this.#cancelFrame) return;
		this.#cancelFrame = scheduleFrame(() => this.#run());
	}

	#unschedule(): void {
		this.#cancelFrame?.();
		this.#cancelFrame = null;
	}

	#run(): void {
		this.#cancelFrame = null;
		this.#running = true;
		const ran = new Set<Task>();
		let failure: { error: unknown } | null = null;
		try {
			let i = 0;
			while (i < this.#queue.length) {
				const task = this.#queue[i];
				if (ran.has(task)) {
					// Asked again after drawing in this frame: it keeps its place for the next one.
					i++;
					continue;
				}
				this.#queue.splice(i, 1);
				// Cleared before drawing so a request made during draw (or after it throws) is kept.
				task.queued = false;
				ran.add(task);
				try {
					task.draw();
				} catch (error) {
					// One broken task must not cost the others their frame; the first error still
					// surfaces once the frame is done.
					failure ??= { error };
				}
			}
		} finally {
			this.#running = false;
			if (this.#queue.length > 0) this.#schedule();
		}
		if (failure) throw failure.error;
	}
}

/** The page's loop: the market state and every chart draw on it. */
export const frameLoop = new FrameLoop();

export function createFrameScheduler(
	draw: () => void,
	loop: FrameLoop = frameLoop
): FrameScheduler {
	return loop.scheduler(draw);
}
