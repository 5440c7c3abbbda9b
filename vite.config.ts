import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

/** Tests that start the built server or a CLI process: two files at a time, as most of their time is
 *  spent waiting on the server, a timer or a child process. */
const SERVER = [
	'tests/lib/server/**',
	'tests/routes/**',
	'tests/scripts/**',
	'tests/*.test.ts',
	'tests/pipelines/settings.test.ts',
	'tests/pipelines/batch/**'
];
/** Tests that drive Chromium, and the one that compares response times (fairness between planners):
 *  one file at a time, so nothing else competes for the two cores while they run. */
const ONE_AT_A_TIME = ['tests/browser/**', 'tests/pipelines/reports/pdf.test.ts', 'tests/lib/server/analytics/fair-queue.test.ts'];
const files = (globs: string[]) => globs.map((p) => (p.endsWith('.ts') ? p : `${p}/*.test.ts`));

export default defineConfig({
	plugins: [sveltekit()],
	server: { fs: { allow: ['data'] } },
	test: {
		reporters: ['default', './tests/plain-summary-reporter.ts'],
		testTimeout: 60_000,
		hookTimeout: 120_000,
		projects: [
			// In-process tests (a DuckDB file each, no server), the attacks included: files in parallel, first.
			{
				extends: true,
				test: {
					name: 'unit',
					include: ['tests/**/*.test.ts'],
					exclude: [...files(SERVER), ...files(ONE_AT_A_TIME)],
					// Vitest's default is one worker fewer than the cores: one, on a 2-core machine.
					maxWorkers: 2,
					sequence: { groupOrder: 0 }
				}
			},
			{
				extends: true,
				test: { name: 'server', include: files(SERVER), exclude: files(ONE_AT_A_TIME), maxWorkers: 2, sequence: { groupOrder: 1 } }
			},
			{ extends: true, test: { name: 'one at a time', include: files(ONE_AT_A_TIME), fileParallelism: false, sequence: { groupOrder: 2 } } }
		]
	}
});
