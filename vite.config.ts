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
/** Tests that drive Chromium (each its own server; one Chromium a worker, tests/helpers/browser.ts), and
 *  the PDF test that prints with Chromium: two files at a time, after the others, not isolated, so a
 *  worker's Chromium and its kept contexts serve its next file too. */
const BROWSER = ['tests/browser/**', 'tests/pipelines/reports/pdf.test.ts'];
/** The test that compares response times (fairness between planners): last and alone, so nothing else
 *  competes for the two cores while it measures. */
const ALONE = ['tests/lib/server/analytics/fair-queue.test.ts'];
const files = (globs: string[]) => globs.map((p) => (p.endsWith('.ts') ? p : `${p}/*.test.ts`));

export default defineConfig({
	plugins: [sveltekit()],
	server: { fs: { allow: ['data'] } },
	test: {
		reporters: ['default', './tests/plain-summary-reporter.ts'],
		testTimeout: 60_000,
		hookTimeout: 120_000,
		// The servers the tests start (they inherit this environment) give a planner's figures minutes,
		// not the 20 seconds in production: with several test files loading both cores, a first request
		// that starts the engine and builds the live cube has been seen to take longer. The time limit's
		// own test sets its limit (fair-queue.time-limit.test.ts).
		env: { DASHBOARD_JOB_SECONDS: '180', DASHBOARD_WAIT_SECONDS: '240' },
		projects: [
			// In-process tests (a DuckDB file each, no server), the attacks included: files in parallel, first.
			// A worker keeps its modules from one file to the next (none of these files changes the
			// environment or module state): importing DuckDB, arquero and vega-lite once per worker instead
			// of once per file took a quarter of the project's CPU time (BENCHMARKS.md, sixth sitting).
			{
				extends: true,
				test: {
					name: 'unit',
					include: ['tests/**/*.test.ts'],
					exclude: files([...SERVER, ...BROWSER, ...ALONE]),
					maxWorkers: 3,
					isolate: false,
					sequence: { groupOrder: 0 }
				}
			},
			{
				extends: true,
				test: { name: 'server', include: files(SERVER), exclude: files([...BROWSER, ...ALONE]), maxWorkers: 3, sequence: { groupOrder: 0 } }
			},
			{ extends: true, test: { name: 'browser', include: files(BROWSER), maxWorkers: 2, isolate: false, sequence: { groupOrder: 1 } } },
			{ extends: true, test: { name: 'alone', include: files(ALONE), sequence: { groupOrder: 2 } } }
		]
	}
});
