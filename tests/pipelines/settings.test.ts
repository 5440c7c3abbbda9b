// One threshold in force (pipelines/settings.ts): PIPELINE_THRESHOLD, when set, is applied by the
// dashboard and by batch runs alike, so the two never suppress at different sizes; every way of
// setting a threshold accepts the same range, 3 to 100, and says so in words.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/lib/server/db/database';
import { loadConfig } from '../../src/lib/server/env';
import { instrument } from '../../src/lib/instrument/survey';
import { generateResponses } from '../../pipelines/sources/synthetic';
import { parseCsv } from '../../pipelines/core/csv';
import { regions } from '../../pipelines/core/reference';
import { createAccounts, PASSWORD } from '../helpers/accounts';
import { startServer, tempDir, type RunningServer } from '../../bench/kit/server';
import { signIn } from '../../bench/kit/trpc';

// 300 people a wave: at most about 75 in a region: every regional figure is hidden at 100, none at the default 8.
const THRESHOLD = 100;
const dir = tempDir();
const databasePath = join(dir.path, 'survey.duckdb');
let server: RunningServer;

beforeAll(async () => {
	await createAccounts(databasePath);
	const db = await Database.open(databasePath, instrument);
	await db.write(async (c) => {
		await generateResponses(c, { n: 300, seed: 31, waveId: '2025-26' });
		await generateResponses(c, { n: 300, seed: 32, waveId: '2026-27', progress: 1 });
	});
	await db.close();
	server = await startServer({
		databasePath,
		env: {
			PIPELINE_THRESHOLD: String(THRESHOLD),
			SETTINGS_DIR: join(dir.path, 'settings'),
			PIPELINE_OUT: join(dir.path, 'reports'),
			RATE_LOGIN_PER_MINUTE: '1000'
		}
	});
}, 120_000);
afterAll(async () => {
	await server?.stop();
	dir.remove();
});

describe('the threshold in force', () => {
	it('is PIPELINE_THRESHOLD for the dashboard and a batch run alike, and the admin page says so', async () => {
		const admin = (await signIn(server.url, 'admin@example.org', PASSWORD)).client;
		expect(await admin.admin.settings.query()).toMatchObject({ threshold: THRESHOLD, saved: 8, setByEnvironment: true });
		await admin.runs.start.mutate();
		let progress = await admin.runs.progress.query();
		for (let i = 0; i < 1200 && progress.status === 'running'; i++) {
			await new Promise((r) => setTimeout(r, 100));
			progress = await admin.runs.progress.query();
		}
		expect(progress).toMatchObject({ status: 'succeeded' });

		const [header, ...body] = parseCsv(
			readFileSync(join(dir.path, 'reports', progress.runId!, 'tables', 'region_against_england.csv'), 'utf8')
		).map((r) => r.fields);
		const report = body.map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i]])));
		const national = (await signIn(server.url, 'national@example.org', PASSWORD)).client;
		const board = await national.reports.dashboard.query({});
		expect(board.threshold).toBe(THRESHOLD);
		const live = board.comparisons.region_against_england;
		expect(live.length).toBe(report.length);
		for (const region of regions) {
			const reported = report.filter((r) => r.region_code === region.code);
			const shown = live.filter((r) => r.region_code === region.code);
			expect(reported.length, region.code).toBeGreaterThan(0);
			// Every regional figure rests on fewer than 100 people: hidden in both, visible in neither.
			expect(
				reported.filter((r) => r.suppressed !== 'true'),
				`report, ${region.code}`
			).toEqual([]);
			expect(
				shown.every((r) => r.suppressed === true && r.value === null),
				`dashboard, ${region.code}`
			).toBe(true);
		}
		// A regional planner's own view suppresses at the same size.
		const london = (await signIn(server.url, 'london@example.org', PASSWORD)).client;
		const summary = await london.reports.summary.query({});
		expect(summary.threshold).toBe(THRESHOLD);
		expect(summary.needs.every((r) => r.suppressed === true)).toBe(true);
	}, 300_000);
});

describe('one range for every way of setting a threshold', () => {
	it('refuses 2 and 101 from the environment, the admin page and the settings file, in words', async () => {
		for (const value of ['2', '101', 'ten']) expect(() => loadConfig({ PIPELINE_THRESHOLD: value })).toThrow(/PIPELINE_THRESHOLD/);
		expect(loadConfig({ PIPELINE_THRESHOLD: '3' }).PIPELINE_THRESHOLD).toBe(3);
		const admin = (await signIn(server.url, 'admin@example.org', PASSWORD)).client;
		await expect(admin.admin.setThreshold.mutate({ threshold: 2 })).rejects.toThrow(/at least 3/);
		await expect(admin.admin.setThreshold.mutate({ threshold: 101 })).rejects.toThrow(/100 or less/);
		const settings = join(dir.path, 'bad-settings');
		mkdirSync(settings, { recursive: true });
		writeFileSync(join(settings, 'disclosure.json'), JSON.stringify({ threshold: 500 }));
		const { disclosureThreshold } = await import('../../pipelines/settings');
		const before = process.env.SETTINGS_DIR;
		process.env.SETTINGS_DIR = settings;
		try {
			expect(() => disclosureThreshold()).toThrow(/disclosure\.json is not valid: The threshold must be 100 or less/);
		} finally {
			if (before === undefined) delete process.env.SETTINGS_DIR;
			else process.env.SETTINGS_DIR = before;
		}
	});
});
