/**
 * Imported by the generated service worker (vite.config.ts, workbox importScripts): a tap on an
 * alert's system notification closes it and brings Perch forward at the screen the alert names
 * (its `data.path`, chosen by src/lib/alerts/notification-target.ts).
 *
 * An open Perch window is reused and routed inside the page (a message the layout turns into a
 * client-side navigation): loading a page afresh would drop the unlocked keys and ask for the
 * passphrase again. Only when no Perch window is open is a new one opened, at that path.
 *
 * Plain script, not a module: importScripts() runs it in the worker's global scope as is.
 */
(() => {
	/** The screens a notification may open; anything else opens the accounts overview. */
	const PATHS = ['/accounts', '/alerts'];
	const FALLBACK = '/accounts';
	/** The message type the page listens for (src/lib/alerts/notification-open.ts). */
	const OPEN = 'perch:open';

	/** @param {unknown} data */
	function pathOf(data) {
		const path =
			typeof data === 'object' && data !== null
				? /** @type {{ path?: unknown }} */ (data).path
				: '';
		return typeof path === 'string' && PATHS.includes(path) ? path : FALLBACK;
	}

	/**
	 * @param {string} path
	 * @returns {Promise<void>}
	 */
	async function openAt(path) {
		const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
		const target =
			windows.find((w) => new URL(w.url).pathname === path) ??
			windows.find((w) => w.focused) ??
			windows.find((w) => w.visibilityState === 'visible') ??
			windows[0];
		if (!target) {
			await self.clients.openWindow(new URL(path, self.registration.scope).href);
			return;
		}
		target.postMessage({ type: OPEN, path });
		try {
			await target.focus();
		} catch {
			// Focus is allowed only while a tap is being handled; the page was routed all the same.
		}
	}

	self.addEventListener('notificationclick', (event) => {
		event.notification.close();
		event.waitUntil(openAt(pathOf(event.notification.data)));
	});
})();
