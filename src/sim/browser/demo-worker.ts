/**
 * The Demo venue's simulator, in a Web Worker: its market engine, matching and codecs run off the
 * page's main thread, which the app needs for the screen. The page talks to it through
 * port-transport.ts; the seeding that used to run synchronously in the page runs here.
 */
import { keepForOffline } from './demo-cache';
import { startDemoSim } from './demo-seed';
import { serveTransport, type Port } from './port-transport';

const sim = startDemoSim(Date.now() % 100000);
serveTransport(sim, globalThis as unknown as Port);
// Seeded and serving: now keep this script for offline use (see demo-cache.ts).
keepForOffline(self.location.href);
