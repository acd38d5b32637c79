/**
 * Calls `onWidth` with the element's content width (whole CSS pixels) whenever it changes, so a
 * canvas chart can follow its container. Returns the function that stops watching.
 */
export function observeWidth(element: HTMLElement, onWidth: (width: number) => void): () => void {
	let lastWidth = -1;
	const observer = new ResizeObserver((entries) => {
		const entry = entries[entries.length - 1];
		const width = Math.floor(entry.contentRect.width);
		// A hidden container reports 0: keep the last size rather than collapse the canvas.
		if (width > 0 && width !== lastWidth) {
			lastWidth = width;
			onWidth(width);
		}
	});
	observer.observe(element);
	return () => observer.disconnect();
}
