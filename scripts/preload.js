// Adds <link rel="modulepreload"> for each screen's code to the built pages. Without them the
// browser finds that code one round trip at a time: the start script, then the route node, then
// (on the market screen) the Demo adapter. Link tags are not scripts, so the page's CSP hash is
// unchanged.
//
// index.html is the market screen (`/`) and, for the service worker, the fallback of every
// route. A deep link to another screen (`/accounts`) gets its own copy of the same page,
// `accounts.html`, preloading that screen's code instead of the market's: static hosts serve
// `/accounts` from `accounts.html` (scripts/serve.js does the same).
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DEMO_CHUNK } from './chunk-groups.js';

const GENERATED_NODES = '.svelte-kit/generated/client-optimized/nodes';
const CLIENT_MANIFEST = '.svelte-kit/output/client/.vite/manifest.json';
/** Besides the `/` route: the Demo venue, which a first visit opens (its module, or its chunk). */
const DEMO_MODULE = 'src/lib/exchanges/demo/adapter.ts';

/** @typedef {{ file: string, name?: string, imports?: string[], css?: string[] }} Chunk */

/**
 * The route node of every page: its manifest key by the route's path (`''` for `/`).
 * @param {string} [nodesDir]
 * @returns {Map<string, string>}
 */
export function pageNodes(nodesDir = GENERATED_NODES) {
	/** @type {Map<string, string>} */
	const nodes = new Map();
	for (const name of readdirSync(nodesDir).sort()) {
		const text = readFileSync(join(nodesDir, name), 'utf8');
		const page = /src\/routes\/((?:[\w-]+\/)*)\+page\.svelte["']/.exec(text);
		if (page) nodes.set(page[1].replace(/\/$/, ''), `${nodesDir}/${name}`);
	}
	if (!nodes.has('')) throw new Error('no route node renders src/routes/+page.svelte');
	return nodes;
}

/**
 * The root error page's node: SvelteKit asks for it at start-up beside the layout, on every route.
 * @param {string} [nodesDir]
 * @returns {string[]} its manifest key, if the build has one
 */
export function startupNodes(nodesDir = GENERATED_NODES) {
	return readdirSync(nodesDir)
		.sort()
		.filter((name) => /error\.svelte["']/.test(readFileSync(join(nodesDir, name), 'utf8')))
		.slice(0, 1)
		.map((name) => `${nodesDir}/${name}`);
}

/**
 * The preload links for some manifest entries and everything they import, minus files the page
 * already names.
 * @param {Record<string, Chunk>} manifest
 * @param {string[]} keys
 * @param {string} html
 * @returns {string[]}
 */
export function preloadLinks(manifest, keys, html) {
	/** @type {Set<string>} */
	const js = new Set();
	/** @type {Set<string>} */
	const css = new Set();
	/** @param {string} key */
	const visit = (key) => {
		const chunk = manifest[key];
		if (!chunk) throw new Error(`not in the client manifest: ${key}`);
		if (js.has(chunk.file)) return;
		js.add(chunk.file);
		for (const c of chunk.css ?? []) css.add(c);
		for (const i of chunk.imports ?? []) visit(i);
	};
	for (const key of keys) visit(key);
	// Vite loads a screen's stylesheets with crossorigin (a CORS request): a preload without it does
	// not match, is thrown away, and the stylesheet is downloaded twice.
	return [
		...[...js].sort().map((f) => `<link href="/${f}" rel="modulepreload">`),
		...[...css].sort().map((f) => `<link href="/${f}" rel="preload" as="style" crossorigin>`)
	].filter((link) => !html.includes(link.match(/href="([^"]+)"/)?.[1] ?? '\0'));
}

/**
 * @param {string} html
 * @param {string[]} links
 */
function withLinks(html, links) {
	return links.length ? html.replace('</head>', `\t${links.join('\n\t\t')}\n\t</head>`) : html;
}

/**
 * Writes the market screen's preloads into index.html, and `<route>.html` for every other page.
 * Run once per build, on the page adapter-static wrote.
 * @param {string} dir the build output
 * @param {{ manifestPath?: string, nodesDir?: string }} [paths]
 * @returns {string[]} the route pages written, relative to `dir`
 */
export function injectPreloads(dir, { manifestPath = CLIENT_MANIFEST, nodesDir } = {}) {
	/** @type {Record<string, Chunk>} */
	const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
	const indexPath = join(dir, 'index.html');
	const html = readFileSync(indexPath, 'utf8');
	const startup = startupNodes(nodesDir).filter((key) => key in manifest);
	/** @type {string[]} */
	const written = [];
	for (const [route, node] of pageNodes(nodesDir)) {
		if (route === '') continue;
		const file = `${route}.html`;
		mkdirSync(dirname(join(dir, file)), { recursive: true });
		writeFileSync(
			join(dir, file),
			withLinks(html, preloadLinks(manifest, [...startup, node], html))
		);
		written.push(file);
	}
	const root = /** @type {string} */ (pageNodes(nodesDir).get(''));
	// The Demo adapter is its own entry, or (scripts/chunk-groups.js) part of a named chunk.
	const also = Object.keys(manifest).filter(
		(key) => key === DEMO_MODULE || (key.startsWith('_') && manifest[key].name === DEMO_CHUNK)
	);
	if (also.length === 0) throw new Error('no chunk holds the Demo adapter');
	writeFileSync(
		indexPath,
		withLinks(html, preloadLinks(manifest, [...startup, root, ...also], html))
	);
	return written;
}
