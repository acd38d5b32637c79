import { sveltekit } from '@sveltejs/kit/vite';
import { SvelteKitPWA } from '@vite-pwa/sveltekit';
import { defineConfig } from 'vite';

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
				icons: [{ src: '/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any maskable' }]
			},
			workbox: {
				// Only the app shell is cached: never an exchange response.
				globPatterns: ['client/**/*.{js,css,html,svg,webmanifest}'],
				navigateFallback: '/index.html',
				clientsClaim: true,
				runtimeCaching: []
			}
		})
	],
	server: { host: '127.0.0.1' },
	preview: { host: '127.0.0.1' }
});
