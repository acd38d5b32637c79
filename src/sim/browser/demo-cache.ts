/**
 * The simulator's worker is left out of the service worker's precache (most users never run the
 * Demo). The worker puts its own script in this cache once it runs, and the service worker serves
 * it from there (vite.config.ts, runtimeCaching), so the Demo opens offline after its first run.
 */
export const DEMO_CACHE = 'perch-demo';

/** Caches the running worker's own script; it is in the HTTP cache already, so nothing downloads. */
export function keepForOffline(href: string): void {
	if (!import.meta.env.PROD || typeof caches === 'undefined') return;
	caches
		.open(DEMO_CACHE)
		.then((cache) => cache.add(href))
		.catch((e: unknown) => console.warn('[perch] demo simulator not cached for offline use', e));
}
