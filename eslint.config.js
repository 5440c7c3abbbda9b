// Lint: JavaScript's and typescript-eslint's recommended rules, Svelte's, and nothing that Prettier
// decides (eslint-config-prettier). `npm run lint` runs it in CI with the import rules and Prettier.
import js from '@eslint/js';
import ts from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import svelteConfig from './svelte.config.js';

export default ts.config(
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	prettier,
	...svelte.configs.prettier,
	{ languageOptions: { globals: { ...globals.browser, ...globals.node } } },
	{
		files: ['**/*.svelte', '**/*.svelte.ts'],
		languageOptions: { parserOptions: { projectService: true, extraFileExtensions: ['.svelte'], parser: ts.parser, svelteConfig } }
	},
	{
		rules: {
			// A leading underscore says a value is left unused on purpose (a destructured field dropped, say).
			// The app is served from the root (no `paths.base`), so links are plain paths, not resolve() calls.
			'svelte/no-navigation-without-resolve': 'off',
			'@typescript-eslint/no-unused-expressions': ['error', { allowShortCircuit: true, allowTernary: true }],
			'@typescript-eslint/no-unused-vars': [
				'error',
				{ argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrors: 'none' }
			]
		}
	},
	{ ignores: ['build/', '.svelte-kit/', 'data/', 'node_modules/', 'tests/pipelines/golden/'] }
);
