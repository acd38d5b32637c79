import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

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
	{
		// Components are presentational: sockets, storage, the vault and venue code stay behind state/.
		files: ['src/lib/components/**', 'src/routes/**/*.svelte'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							group: [
								'$lib/net/*',
								'$lib/db/*',
								'$lib/vault/*',
								'$lib/exchanges/*/*',
								'$lib/../sim/*',
								'**/sim/*'
							],
							message: 'Components talk to state/, not to sockets, storage or venues.'
						}
					]
				}
			]
		}
	},
	{
		// Sessions publish immutable $state.raw snapshots; their private Maps and Sets are
		// bookkeeping that must not be reactive.
		files: ['src/lib/state/**'],
		rules: {
			'svelte/prefer-svelte-reactivity': 'off',
			// The dependency runs one way: charts draw what state publishes, never the reverse.
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							group: ['$lib/charts/*', '**/charts/*'],
							message: 'state/ must not import charts/: put shared data code in book/ or render/.'
						}
					]
				}
			]
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
