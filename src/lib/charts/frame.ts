/**
 * Coalesces redraw requests: however many `request()` calls land inside one animation frame, the
 * chart draws once, on the next frame. Streams can push dozens of updates per frame; the screen
 * can only show one.
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

export function createFrameScheduler(draw: () => void): FrameScheduler {
	let cancelPending: CancelFrame | null = null;

	function runFrame(): void {
		// Cleared before drawing so a request made during draw (or after draw throws) gets its own frame.
		cancelPending = null;
		draw();
	}

	return {
		request() {
			if (cancelPending) return;
			cancelPending = scheduleFrame(runFrame);
		},
		cancel() {
			cancelPending?.();
			cancelPending = null;
		}
	};
}
