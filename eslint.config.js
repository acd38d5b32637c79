import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

/** One layer's forbidden imports: static imports and dynamic import() alike (specs are exempt). */
function layerRule(files, forbidden, message) {
	const globs = forbidden.map((g) => g.replace(/\*\*/g, '.*').replace(/(?<!\.)\*/g, '[^/]*'));
	const dynamic = `^(${globs.join('|')})$`;
	return [
		{
			files,
			ignores: ['**/*.spec.ts'],
			rules: {
				'no-restricted-imports': ['error', { patterns: [{ group: forbidden, message }] }],
				'no-restricted-syntax': [
					'error',
					{
						selector: `ImportExpression[source.value=/${dynamic.replace(/\//g, '\\/')}/]`,
						message
					}
				]
			}
		}
	];
}

export default ts.config(
	{ ignores: ['build/', '.svelte-kit/', 'node_modules/', 'dev-dist/', 'test-results/'] },
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	{
		languageOptions: {
			globals: { ...globals.browser, ...globals.node },
			parserOptions: {
				projectService: true,
				extraFileExtensions: ['.svelte'],
				tsconfigRootDir: import.meta.dirname
			}
		},
		rules: {
			'@typescript-eslint/no-floating-promises': 'error',
			'@typescript-eslint/no-misused-promises': 'error',
			'@typescript-eslint/no-unused-vars': [
				'error',
				{ argsIgnorePattern: '^_', varsIgnorePattern: '^_' }
			],
			'no-console': ['error', { allow: ['warn', 'error'] }]
		}
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
		languageOptions: {
			parserOptions: { parser: ts.parser, svelteConfig }
		}
	},
	// The layers, checked on the import text with path globs, so '../net/socket' fails as surely
	// as '$lib/net/socket'. Dynamic import() is held to the same rule by no-restricted-syntax.
	...layerRule(
		['src/lib/components/**', 'src/routes/**', 'src/lib/charts/**'],
		['**/net/**', '**/db/**', '**/vault/**', '**/sim/**', '**/exchanges/*/**'],
		'Components, pages and charts talk to state/, not to sockets, storage, the vault, the simulator or a venue folder.'
	),
	...layerRule(
		['src/lib/state/**'],
		['**/charts/**', '**/components/**', '**/exchanges/*/**', '**/sim/**'],
		'State reaches venues only through exchanges/registry, and never imports charts or components.'
	),
	...layerRule(
		['src/lib/domain/**', 'src/lib/book/**'],
		[
			'**/state/**',
			'**/net/**',
			'**/db/**',
			'**/vault/**',
			'**/charts/**',
			'**/components/**',
			'**/sim/**',
			'**/exchanges/*/**',
			'svelte',
			'svelte/**'
		],
		'Pure calculators and the book import nothing stateful.'
	),
	{
		// Sessions publish immutable $state.raw snapshots; their private Maps and Sets are
		// bookkeeping that must not be reactive.
		files: ['src/lib/state/**'],
		rules: {
			'svelte/prefer-svelte-reactivity': 'off'
		}
	},
	{
		files: ['scripts/**', 'bench/**', 'tests/**', 'src/sim/node/**'],
		rules: { 'no-console': 'off' }
	},
	{
		files: ['**/*.js', '**/*.cjs'],
		...ts.configs.disableTypeChecked
	}
);
