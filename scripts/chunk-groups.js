// Fewer, larger chunks on the way to the first screen. Left to itself the bundler makes one shared
// chunk per combination of importers: the market screen needed 33 files, many under 200 bytes.
// A phone on mobile data pays a round trip for each (six at a time over HTTP/1.1), so a cold load
// spent more time waiting than downloading.
//
// Groups, from the client build's module graph (static imports only):
// - `shell`: what the layout and SvelteKit's start-up import. Every screen needs all of it.
// - `screens`: what the market screen or the Demo venue shares with another screen.
// - `market`: what only the market screen imports; no other screen downloads it.
// - `venues`: the Demo venue's code shared with the other venue adapters.
// - `demo-venue`: the rest of the Demo venue (the BitMart adapter it speaks through).
// The other screens and venue adapters are chunked as before.

/** @typedef {import('vite').Plugin} Plugin */

const NODE = /[\\/]generated[\\/]client-optimized[\\/]nodes[\\/](\d+)\.js$/;
const APP = /[\\/]generated[\\/]client-optimized[\\/]app\.js$/;
const KIT_ENTRY = /[\\/]@sveltejs[\\/]kit[\\/]src[\\/]runtime[\\/]client[\\/]entry\.js$/;
const ADAPTER = /[\\/]src[\\/]lib[\\/]exchanges[\\/][^\\/]+[\\/](adapter|demo)\.ts$/;
const DEMO = /[\\/]src[\\/]lib[\\/]exchanges[\\/]demo[\\/]adapter\.ts$/;
/** SvelteKit's node numbers: 0 is the root layout, 2 the root page (the market screen). */
const LAYOUT = '0';
const MARKET = '2';

/** The Demo venue's chunk, by name in the client manifest (scripts/preload.js preloads it). */
export const DEMO_CHUNK = 'demo-venue';

/** @param {string} id @returns {string | undefined} */
const nodeOf = (id) => NODE.exec(id)?.[1];

/**
 * @param {Map<string, string[]>} imports each module's static imports
 * @param {(id: string) => boolean} isRoot
 * @returns {Set<string>} the roots and everything they import statically
 */
export function staticClosure(imports, isRoot) {
	/** @type {Set<string>} */
	const seen = new Set();
	const stack = [...imports.keys()].filter(isRoot);
	while (stack.length) {
		const id = /** @type {string} */ (stack.pop());
		if (seen.has(id)) continue;
		seen.add(id);
		for (const next of imports.get(id) ?? []) stack.push(next);
	}
	return seen;
}

/**
 * The groups' members.
 * @param {Map<string, string[]>} imports each module's static imports
 */
export function chunkGroups(imports) {
	const shell = staticClosure(
		imports,
		(id) => nodeOf(id) === LAYOUT || APP.test(id) || KIT_ENTRY.test(id)
	);
	const otherScreens = staticClosure(imports, (id) => {
		const node = nodeOf(id);
		return node !== undefined && node !== LAYOUT && node !== MARKET;
	});
	const demo = staticClosure(imports, (id) => DEMO.test(id));
	// The venues the Demo does not speak through (it speaks BitMart's protocol to its simulator).
	const otherVenues = staticClosure(imports, (id) => ADAPTER.test(id) && !demo.has(id));
	const elsewhere = new Set([...otherScreens, ...otherVenues]);
	/** @type {Record<'screens' | 'market' | 'venues' | 'demo', Set<string>>} */
	const groups = { screens: new Set(), market: new Set(), venues: new Set(), demo: new Set() };
	for (const id of staticClosure(imports, (id) => nodeOf(id) === MARKET)) {
		if (!shell.has(id)) groups[elsewhere.has(id) ? 'screens' : 'market'].add(id);
	}
	for (const id of demo) {
		if (shell.has(id) || groups.screens.has(id) || groups.market.has(id)) continue;
		groups[otherScreens.has(id) ? 'screens' : otherVenues.has(id) ? 'venues' : 'demo'].add(id);
	}
	return { shell, ...groups };
}

/** @returns {Plugin} */
export function chunkGroupsPlugin() {
	/** @type {Map<string, string[]>} */
	const imports = new Map();
	/** @type {ReturnType<typeof chunkGroups> | null} */
	let groups = null;
	const get = () => (groups ??= chunkGroups(imports));
	return {
		name: 'perch-chunk-groups',
		apply: 'build',
		config(_config, env) {
			// The server build renders nothing (ssr is off); only the browser's chunks matter.
			if (env.isSsrBuild) return;
			return {
				build: {
					rolldownOptions: {
						output: {
							codeSplitting: {
								// A module goes to the first group, by priority, whose test it passes.
								groups: [
									{ name: 'shell', priority: 3, test: (id) => get().shell.has(id) },
									{ name: 'screens', priority: 2, test: (id) => get().screens.has(id) },
									{ name: 'market', priority: 1, test: (id) => get().market.has(id) },
									{ name: 'venues', priority: 1, test: (id) => get().venues.has(id) },
									{ name: DEMO_CHUNK, priority: 1, test: (id) => get().demo.has(id) }
								]
							}
						}
					}
				}
			};
		},
		buildStart() {
			imports.clear();
			groups = null;
		},
		moduleParsed(info) {
			imports.set(info.id, [...info.importedIds]);
		}
	};
}
