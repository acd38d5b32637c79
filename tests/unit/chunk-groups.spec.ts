import { describe, expect, it } from 'vitest';
import { chunkGroups, staticClosure } from '../../scripts/chunk-groups.js';

/** A client build's module graph in miniature: SvelteKit's entries, nodes and two venues. */
const N = (n: number) => `/app/.svelte-kit/generated/client-optimized/nodes/${n}.js`;
const KIT = '/app/node_modules/@sveltejs/kit/src/runtime/client/entry.js';
const APP = '/app/.svelte-kit/generated/client-optimized/app.js';
const DEMO = '/app/src/lib/exchanges/demo/adapter.ts';
const BITMART = '/app/src/lib/exchanges/bitmart/adapter.ts';
const BITGET = '/app/src/lib/exchanges/bitget/adapter.ts';

const graph = new Map<string, string[]>([
	[KIT, ['svelte']],
	[APP, []],
	['svelte', []],
	[N(0), ['layout.svelte']],
	['layout.svelte', ['svelte', 'nav']],
	['nav', ['svelte']],
	[N(2), ['market.svelte']],
	['market.svelte', ['svelte', 'ladder', 'format']],
	['ladder', ['format']],
	['format', []],
	[N(3), ['accounts.svelte']],
	['accounts.svelte', ['svelte', 'format', 'vault']],
	['vault', []],
	[DEMO, [BITMART, 'worker-url']],
	['worker-url', []],
	[BITMART, ['codec', 'backoff']],
	['codec', []],
	['backoff', []],
	[BITGET, ['backoff']]
]);

describe('chunk groups', () => {
	it('follows static imports from the roots, once each', () => {
		expect([...staticClosure(graph, (id) => id === N(2))].sort()).toEqual(
			[N(2), 'format', 'ladder', 'market.svelte', 'svelte'].sort()
		);
	});

	it('puts what every screen needs in the shell and what only the market needs in its own chunk', () => {
		const g = chunkGroups(graph);
		expect([...g.shell].sort()).toEqual([APP, KIT, N(0), 'layout.svelte', 'nav', 'svelte'].sort());
		// `format` is also the accounts screen's: it must not drag the market chunk there.
		expect([...g.screens]).toEqual(['format']);
		expect([...g.market].sort()).toEqual([N(2), 'ladder', 'market.svelte'].sort());
		// The Demo's own code in one chunk; what another venue also imports in another.
		expect([...g.demo].sort()).toEqual([BITMART, DEMO, 'codec', 'worker-url'].sort());
		expect([...g.venues]).toEqual(['backoff']);
		// Nothing only another screen or venue imports is in any group.
		const grouped = new Set([...g.shell, ...g.screens, ...g.market, ...g.demo, ...g.venues]);
		for (const id of ['accounts.svelte', 'vault', N(3), BITGET])
			expect(grouped.has(id)).toBe(false);
	});
});
