export interface EnvironmentHandlers {
	online(): void;
	offline(): void;
	/** The page became visible again (a backgrounded tab or phone woke up). */
	visible(): void;
}

/**
 * Listens to the browser's network and visibility events. Returns the function that stops
 * listening, or null outside a browser (Node tests, workers without a document).
 */
export function watchEnvironment(handlers: EnvironmentHandlers): (() => void) | null {
	const win = (globalThis as { window?: EventTarget }).window;
	const doc = (globalThis as { document?: EventTarget & { visibilityState?: string } }).document;
	if (!win || !doc) return null;
	const onOnline = () => handlers.online();
	const onOffline = () => handlers.offline();
	const onVisibility = () => {
		if (doc.visibilityState === 'visible') handlers.visible();
	};
	win.addEventListener('online', onOnline);
	win.addEventListener('offline', onOffline);
	doc.addEventListener('visibilitychange', onVisibility);
	return () => {
		win.removeEventListener('online', onOnline);
		win.removeEventListener('offline', onOffline);
		doc.removeEventListener('visibilitychange', onVisibility);
	};
}

/** True only when the browser is sure it has no network; unknown counts as online. */
export function knownOffline(): boolean {
	const nav = (globalThis as { navigator?: { onLine?: boolean } }).navigator;
	return nav?.onLine === false;
}
