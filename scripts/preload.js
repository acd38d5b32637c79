// Adds <link rel="modulepreload"> for the market screen's code to the built index.html. Without
// them the browser finds that code one round trip at a time: the start script, then the route
// node, then the Demo adapter. Link tags are not scripts, so the page's CSP hash is unchanged.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const GENERATED_NODES = '.svelte-kit/generated/client-optimized/nodes';
const CLIENT_MANIFEST = '.svelte-kit/output/client/.vite/manifest.json';
/** Besides the `/` route: the Demo venue, which a first visit opens. */
const ALSO = ['src/lib/exchanges/demo/adapter.ts'];

/** @typedef {{ file: string, imports?: string[], css?: string[] }} Chunk */

/** The manifest key of the route node that renders src/routes/+page.svelte (`/`). */
function rootPageNode() {
	for (const name of readdirSync(GENERATED_NODES)) {
		const text = readFileSync(join(GENERATED_NODES, name), 'utf8');
		if (/src\/routes\/\+page\.svelte["']/.test(text)) return `${GENERATED_NODES}/${name}`;
	}
	throw new Error('no route node renders src/routes/+page.svelte');
}

/**
 * @param {string} dir the build output
 * @param {string} [manifestPath]
 */
export function injectPreloads(dir, manifestPath = CLIENT_MANIFEST) {
	/** @type {Record<string, Chunk>} */
	const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
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
	for (const key of [rootPageNode(), ...ALSO]) visit(key);

	const indexPath = join(dir, 'index.html');
	const html = readFileSync(indexPath, 'utf8');
	const links = [
		...[...js].sort().map((f) => `<link href="/${f}" rel="modulepreload">`),
		...[...css].sort().map((f) => `<link href="/${f}" rel="preload" as="style">`)
	].filter((link) => !html.includes(link.match(/href="([^"]+)"/)?.[1] ?? '\0'));
	if (links.length === 0) return;
	const next = html.replace('</head>', `\t${links.join('\n\t\t')}\n\t</head>`);
	writeFileSync(indexPath, next);
}
