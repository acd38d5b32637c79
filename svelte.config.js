import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import {
	CONNECT_SRC_SETTING,
	connectHostSources,
	parseExtraSources
} from './src/lib/exchanges/hosts.js';
import { buildVersion } from './scripts/build-id.js';

// Kit types CSP sources as template literals; hosts.js returns plain strings.
/** @typedef {NonNullable<NonNullable<NonNullable<import('@sveltejs/kit').KitConfig['csp']>['directives']>['connect-src']>} HostSources */

const extraConnectSources = parseExtraSources(process.env[CONNECT_SRC_SETTING]);

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter({ fallback: 'index.html' }),
		// The commit, not the build time: the same commit must build byte-identical files.
		version: { name: buildVersion() },
		csp: {
			mode: 'hash',
			directives: {
				'default-src': ['self'],
				'script-src': ['self'],
				'style-src': ['self', 'unsafe-inline'],
				'img-src': ['self', 'data:', 'blob:'],
				'font-src': ['self'],
				// The venues, loopback and the build-time PERCH_CONNECT_SRC hosts: nothing else, so
				// a script injected into the page cannot send what it reads anywhere.
				'connect-src': [
					'self',
					.../** @type {HostSources} */ (connectHostSources(extraConnectSources))
				],
				'worker-src': ['self'],
				'manifest-src': ['self'],
				'object-src': ['none'],
				'base-uri': ['self']
				// frame-ancestors 'none' cannot work in a meta tag: scripts/headers.js adds it to the
				// policy sent as a header (scripts/serve.js, build/_headers).
			}
		}
	}
};

export default config;
