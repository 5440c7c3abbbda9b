// One figure for respondents everywhere: after loading demo data and a batch run, the dashboard, the
// national report, the runs list, the run page and the admin's wave table all show the same published
// count for the same wave, and write the wave the same way (2026/27).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccounts, PASSWORD } from '../helpers/accounts';
import { ROOT, startServer, tempDir, type RunningServer } from '../../bench/kit/server';
import { signIn } from '../../bench/kit/trpc';

const dir = tempDir();
const env = {
	PIPELINE_PDF: 'off',
	DATABASE_PATH: join(dir.path, 'survey.duckdb'),
	PIPELINE_OUT: join(dir.path, 'reports'),
	SETTINGS_DIR: join(dir.path, 'settings')
};
let server: RunningServer;

beforeAll(async () => {
	const demo = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', '--responses', '3001'], {
		cwd: ROOT,
		env: { ...process.env, ...env },
		encoding: 'utf8'
	});
	if (demo.status !== 0) throw new Error(demo.stderr);
	await createAccounts(env.DATABASE_PATH);
	server = await startServer({ databasePath: env.DATABASE_PATH, env });
}, 120_000);
afterAll(async () => {
	await server?.stop();
	dir.remove();
});

/** The words a person reads: no scripts (page data), no tags. */
const text = (html: string) =>
	html
		.replace(/<script\b[\s\S]*?<\/script>/g, '')
		.replace(/<[^>]+>/g, ' ')
		.replace(/&nbsp;|\s+/g, ' ');
const number = (s: string | undefined) => Number(String(s).replaceAll(',', ''));

describe('respondents', () => {
	it('are the same published count on the dashboard, report, runs list, run page and admin, for the same wave', async () => {
		const { client, cookie } = await signIn(server.url, 'admin@example.org', PASSWORD);
		const html = async (path: string) => {
			const response = await fetch(`${server.url}${path}`, { headers: { cookie } });
			expect(response.status, path).toBe(200);
			return response.text();
		};
		const get = async (path: string) => text(await html(path));
		const [run] = await client.runs.list.query();
		const dashboard = await client.reports.summary.query({});
		expect(dashboard.wave.label).toMatch(/^\d{4}\/\d{2}$/);
		const label = dashboard.wave.label.replace('/', '\\/');

		const reportHtml = await html(`/runs/${run.runId}/national/index.html`);
		const report = text(reportHtml);
		const runsList = await get('/runs');
		const runPage = await get(`/runs/${run.runId}`);
		const admin = await get('/admin');
		const figures = {
			dashboard: dashboard.respondents,
			report: number(new RegExp(`Survey wave ${label} Respondents ([\\d,]+)`).exec(report)?.[1]),
			runsList: number(new RegExp(`${label} succeeded [\\d.]+ s ([\\d,]+)`).exec(runsList)?.[1]),
			runPage: number(/([\d,]+) respondents\. Counts under/.exec(runPage)?.[1]),
			admin: number(new RegExp(`${label} open ([\\d,]+)`).exec(admin)?.[1])
		};
		// About 1,500 this wave (half the demo's responses), published: rounded to 5.
		expect(figures.dashboard! % 5).toBe(0);
		expect(Math.abs(figures.dashboard! - 1500)).toBeLessThanOrEqual(5);
		expect(figures).toEqual({
			dashboard: figures.dashboard,
			report: figures.dashboard,
			runsList: figures.dashboard,
			runPage: figures.dashboard,
			admin: figures.dashboard
		});
		// The wave is written one way in the words of every page: never its id (2026-27) beside or instead
		// of the label. (Chart axes are drawn from the charts' data: pipelines/charts/index.ts.)
		const id = dashboard.wave.id;
		const words = { report: text(reportHtml.replace(/<svg[\s\S]*?<\/svg>/g, '')), runsList, runPage, admin };
		for (const [page, body] of Object.entries(words))
			expect(body.includes(id), `${page} writes ${id}: ${body.slice(Math.max(0, body.indexOf(id) - 80), body.indexOf(id) + 20)}`).toBe(
				false
			);
	});
});
