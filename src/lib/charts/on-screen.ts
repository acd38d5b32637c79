/**
 * Calls `onChange(true)` while `element` is on screen in a visible page, `onChange(false)` when it
 * scrolls off or the page is hidden, so a chart can skip drawing what nobody sees. Returns the stop.
 */
export function watchOnScreen(element: Element, onChange: (shown: boolean) => void): () => void {
	let intersecting = true;
	let shown = true;
	const update = () => {
		const now = intersecting && document.visibilityState === 'visible';
		if (now !== shown) {
			shown = now;
			onChange(now);
		}
	};
	const observer =
		typeof IntersectionObserver === 'function'
			? new IntersectionObserver((entries) => {
					intersecting = entries[entries.length - 1]?.isIntersecting ?? intersecting;
					update();
				})
			: null;
	observer?.observe(element);
	document.addEventListener('visibilitychange', update);
	update();
	return () => {
		observer?.disconnect();
		document.removeEventListener('visibilitychange', update);
	};
}
