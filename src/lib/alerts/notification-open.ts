/**
 * The page's half of a notification tap: the service worker (static/sw-notification-click.js)
 * reuses an open Perch window and asks it to show a screen; the page goes there client-side, so
 * an unlocked vault stays unlocked.
 */
import { isNotificationPath, type NotificationPath } from './notification-target';

/** Listens for the service worker's "open this screen"; returns the function that stops it. */
export function followNotificationTaps(go: (path: NotificationPath) => Promise<void>): () => void {
	const container = navigator.serviceWorker;
	if (!container) return () => undefined;
	const onMessage = (event: MessageEvent) => {
		const data: unknown = event.data;
		if (typeof data !== 'object' || data === null) return;
		const { type, path } = data as { type?: unknown; path?: unknown };
		if (type !== 'perch:open' || !isNotificationPath(path)) return;
		go(path).catch((e: unknown) => console.warn('[perch] could not open', path, e));
	};
	container.addEventListener('message', onMessage);
	// Messages sent before the listener existed are queued until now.
	container.startMessages();
	return () => container.removeEventListener('message', onMessage);
}
