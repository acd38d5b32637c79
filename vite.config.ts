import { sveltekit } from '@sveltejs/kit/vite';
import { SvelteKitPWA } from '@vite-pwa/sveltekit';
import { defineConfig, type Plugin } from 'vite';
import { writeHeadersFile } from './scripts/headers.js';
import { injectPreloads } from './scripts/preload.js';
import { chunkGroupsPlugin } from './scripts/chunk-groups.js';
import { CONNECT_SRC_SETTING, parseExtraSources } from './src/lib/exchanges/hosts.js';

/**
 * Writes build/_headers from the built page once the adapter has written it: the CSP meta tag
 * holds the inline script's hash, which changes with every build.
 */
function securityHeadersFile(): Plugin {
	let ssr = false;
	return {
		name: 'perch-security-headers',
		apply: 'build',
		configResolved(config) {
			ssr = Boolean(config.build.ssr);
		},
		closeBundle: {
			order: 'post',
			sequential: true,
			async handler() {
				// SvelteKit runs the adapter at the end of its server build; build/ exists after it.
				if (!ssr) return;
				injectPreloads('build');
				await writeHeadersFile('build');
			}
		}
	};
}

export default defineConfig({
	plugins: [
		sveltekit(),
		SvelteKitPWA({
			// 'prompt' never reloads a page by itself (a reload mid-close would be a defect): a new
			// version waits for every Perch tab to close and takes over on the next visit.
			registerType: 'prompt',
			// adapter-static writes the SPA fallback after Vite: the plugin adds it to the precache.
			kit: { adapterFallback: 'index.html', spa: true },
			injectRegister: false,
			manifest: {
				name: 'Perch',
				short_name: 'Perch',
				description: 'Watch crypto-futures accounts and close positions fast',
				theme_color: '#0b0e11',
				background_color: '#0b0e11',
				display: 'standalone',
				start_url: '/',
				// PNGs rendered from icon.svg by scripts/make-icons.ts (committed in static/).
				icons: [
					{ src: '/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
					{ src: '/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
					{ src: '/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
					{
						src: '/icon-maskable-512.png',
						sizes: '512x512',
						type: 'image/png',
						purpose: 'maskable'
					}
				],
				screenshots: [
					{
						src: '/screenshot-narrow.png',
						sizes: '390x844',
						type: 'image/png',
						form_factor: 'narrow',
						label: 'The market screen on a phone'
					},
					{
						src: '/screenshot-wide.png',
						sizes: '1280x800',
						type: 'image/png',
						form_factor: 'wide',
						label: 'The market screen on a desktop'
					}
				]
			},
			workbox: {
				// Only the app shell is cached: never an exchange response.
				globPatterns: ['client/**/*.{js,css,html,svg,webmanifest}'],
				// The Demo simulator's worker is cached by the page on first Demo use (DEMO_CACHE),
				// not downloaded by everyone.
				// The notification-click script is imported by the worker itself (stored with it at
				// install), so it needs no precache entry.
				globIgnores: ['client/_app/immutable/workers/**', 'client/sw-notification-click.js'],
				navigateFallback: '/index.html',
				clientsClaim: true,
				// A tap on an alert's notification opens Perch at the screen it names.
				importScripts: ['/sw-notification-click.js'],
				runtimeCaching: [
					{
						urlPattern: ({ url, sameOrigin }) =>
							sameOrigin && url.pathname.startsWith('/_app/immutable/workers/'),
						handler: 'CacheFirst',
						// DEMO_CACHE (src/sim/browser/demo-cache.ts)
						options: { cacheName: 'perch-demo' }
					}
				]
			}
		}),
		securityHeadersFile(),
		chunkGroupsPlugin()
	],
	define: {
		// The extra connect-src hosts, for the endpoint checks (svelte.config.js puts them in the CSP).
		__PERCH_CONNECT_SRC__: JSON.stringify(
			parseExtraSources(process.env[CONNECT_SRC_SETTING]).join(' ')
		)
	},
	server: { host: '127.0.0.1' },
	preview: { host: '127.0.0.1' }
});
