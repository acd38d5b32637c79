import type uPlot from 'uplot';

/**
 * Touch-to-inspect: a finger on the plot moves the cursor (and so the legend's values) the way a
 * mouse does; uPlot itself follows mouse events only. Returns the teardown.
 */
export function followTouch(u: uPlot): () => void {
	const over = u.over;
	const move = (e: TouchEvent) => {
		const touch = e.touches[0];
		if (!touch) return;
		const rect = over.getBoundingClientRect();
		u.setCursor({ left: touch.clientX - rect.left, top: touch.clientY - rect.top });
	};
	over.addEventListener('touchstart', move, { passive: true });
	over.addEventListener('touchmove', move, { passive: true });
	return () => {
		over.removeEventListener('touchstart', move);
		over.removeEventListener('touchmove', move);
	};
}
