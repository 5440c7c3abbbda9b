// The dashboard's two-way breakdown over real HTTP against the built server: computed only when asked,
// every count disclosure-controlled, a regional planner's region dimension holding only their region,
// needs by specialty narrowed by the specialty filter, and bad breakdowns refused in words.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../../../../src/lib/server/db/database';
import { instrument } from '../../../../../src/lib/instrument/survey';
import { generateResponses } from '../../../../../pipelines/sources/synthetic';
import { createAccounts, PASSWORD } from '../../../../helpers/accounts';
import { startServer, tempDir, type RunningServer } from '../../../../../bench/kit/server';
import { failureOf, signIn } from '../../../../../bench/kit/trpc';

const LONDON = 'E40000003';
const COUNTS = new Set(['respondents', 'base', 'numerator']);

const dir = tempDir();
const databasePath = join(dir.path, 'survey.duckdb');
let server: RunningServer;
let national: Awaited<ReturnType<typeof signIn>>['client'];
let london: typeof national;

beforeAll(async () => {
	await createAccounts(databasePath);
	const db = await Database.open(databasePath, instrument);
	await db.write(async (c) => {
		await generateResponses(c, { n: 3000, seed: 5, waveId: '2026-27', progress: 1 });
	});
	await db.close();
	server = await startServer({ databasePath, env: { SETTINGS_DIR: join(dir.path, 'settings'), PIPELINE_OUT: join(dir.path, 'reports') } });
	national = (await signIn(server.url, 'national@example.org', PASSWORD)).client;
	london = (await signIn(server.url, 'london@example.org', PASSWORD)).client;
});
afterAll(async () => {
	await server?.stop();
	dir.remove();
});

type Dashboard = Awaited<ReturnType<typeof national.reports.dashboard.query>>;
const chart = (d: Dashboard, id: string) => d.charts.find((c) => c.id === id)!;

/** Every count of people in the charts is 0, suppressed, or at least 8 and a multiple of 5. */
function expectCountsProtected(d: Dashboard) {
	let counts = 0;
	for (const c of d.charts) {
		for (const r of [...c.table.rows, ...((c.spec as { data?: { values: Array<Record<string, unknown>> } }).data?.values ?? [])]) {
			for (const [k, v] of Object.entries(r)) {
				if (!COUNTS.has(k) || v === null || v === 0) continue;
				counts++;
				expect(Number(v) >= 8 && Number(v) % 5 === 0, `${c.id} ${k} = ${String(v)}`).toBe(true);
			}
		}
	}
	expect(counts).toBeGreaterThan(0);
}

describe('reports.dashboard with a two-way breakdown', () => {
	it('adds the two-way table and heatmaps only when asked, for every cell of the pair', async () => {
		const plain = await national.reports.dashboard.query({});
		expect(plain.charts.some((c) => c.id.includes('two-way'))).toBe(false);
		const d = await national.reports.dashboard.query({ breakdown: ['staff_group', 'sector'] });
		const needs = chart(d, 'needs-two-way');
		// Asked either way round, the pair is shown as sector × staff group.
		expect(new Set(needs.table.rows.map((r) => `${r.dimension_1}×${r.dimension_2}`))).toEqual(new Set(['sector×staff_group']));
		expect(new Set(needs.table.rows.map((r) => r.group_1)).size).toBeGreaterThan(5);
		const measures = chart(d, 'success-measures-two-way');
		expect(measures.table.rows.length).toBeGreaterThan(7);
		// Suppressed cells stay in the table, with no figure.
		const hidden = needs.table.rows.filter((r) => r.suppressed);
		expect(hidden.length).toBeGreaterThan(0);
		for (const r of hidden) expect([r.respondents, r.mwds, r.mwds_low, r.mwds_high, r.rank_range]).toEqual([null, null, null, null, null]);
		expectCountsProtected(d);
	});

	it('gives a regional planner only their own region in the region dimension', async () => {
		const d = await london.reports.dashboard.query({ breakdown: ['region', 'sector'] });
		for (const id of ['needs-two-way', 'success-measures-two-way'])
			expect(new Set(chart(d, id).table.rows.map((r) => r.group_1))).toEqual(new Set([LONDON]));
		expect(d).toEqual(await national.reports.dashboard.query({ region: LONDON, breakdown: ['region', 'sector'] }));
		expectCountsProtected(d);
	});

	it('narrows needs by specialty to the chosen specialty', async () => {
		const d = await national.reports.dashboard.query({ specialty: 'oncology_haematology' });
		expect(new Set(chart(d, 'needs-heatmap-specialty').table.rows.map((r) => r.specialty))).toEqual(new Set(['oncology_haematology']));
		const all = await national.reports.dashboard.query({});
		expect(new Set(chart(all, 'needs-heatmap-specialty').table.rows.map((r) => r.specialty)).size).toBeGreaterThan(5);
	});

	it('refuses a breakdown that is not two different characteristics, saying why', async () => {
		const cases: Array<[unknown, RegExp]> = [
			[['region', 'region'], /Choose two different characteristics to break the figures down by/],
			[['region'], /Choose two characteristics to break the figures down by, from: region, sector, staff_group, specialty/],
			[
				['region', 'age'],
				/"age" is not a characteristic to break the figures down by\. Use two of: region, sector, staff_group, specialty/
			],
			['region', /A breakdown is a list of two characteristics/]
		];
		for (const [breakdown, message] of cases) {
			const failure = await failureOf(national.reports.dashboard.query({ breakdown } as never));
			expect(failure, JSON.stringify(breakdown)).toMatchObject({ code: 'BAD_REQUEST', status: 400 });
			expect(failure.message).toMatch(message);
		}
	});
});
