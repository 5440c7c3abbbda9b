// One rule for what a regional planner sees (pipelines/disclosure/planner-view.ts, docs/disclosure.md): for the
// same responses, the files of their region's batch report (its page and chart files) and their
// dashboard hold the same figures, and neither holds a figure of England or the rest of England.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Database } from '../../../src/lib/server/db/database';
import { LiveCube } from '../../../src/lib/server/analytics/live-cube';
import { dashboard, type Dashboard } from '../../../src/lib/server/analytics/dashboard';
import { runPipeline, type RunResult } from '../../../pipelines/batch/run';
import { NHS_DIGITAL_RULE } from '../../../pipelines/disclosure/protect';
import { ENGLAND_SIDE } from '../../../pipelines/disclosure/planner-view';
import { loadSuccessMeasures, WORKFORCE_CSV } from '../../../pipelines/core/reference';
import { syntheticFile } from '../fixtures';

const LONDON = 'E40000003';
const settings = { rule: NHS_DIGITAL_RULE, measures: loadSuccessMeasures(), workforceCsv: WORKFORCE_CSV };

let dir: string;
let db: Database;
let c: DuckDBConnection;
let run: RunResult;
let board: Dashboard;

syntheticFile({ n: 600, seed: 7, timeout: 300_000 }, async (file) => {
	({ dir, db, c } = file);
	run = await runPipeline(c, { out: join(dir, 'reports'), trigger: 'test' });
	const cube = new LiveCube(db, { everySeconds: 3600, minNewResponses: 1 });
	await cube.publishNow();
	board = await cube.use(settings.measures, (live) => dashboard(live, { scope: LONDON }, settings));
});

/** The chart files a regional planner may open (the run page's rule: charts/<region>-…). */
const chartFiles = () =>
	readdirSync(join(run.dir, 'charts'))
		.filter((f) => f.startsWith(`${LONDON}-`) && f.endsWith('.vl.json'))
		.map((f) => ({
			id: f.slice(LONDON.length + 1, -'.vl.json'.length),
			spec: JSON.parse(readFileSync(join(run.dir, 'charts', f), 'utf8'))
		}));

describe('a regional planner’s report files and dashboard', () => {
	it('draw every chart they share from the same figures', () => {
		const files = chartFiles();
		let compared = 0;
		for (const file of files) {
			const live = board.charts.find((ch) => ch.id === file.id);
			if (!live) continue;
			compared++;
			expect(file.spec.data?.values ?? file.spec.datasets, file.id).toEqual(
				JSON.parse(
					JSON.stringify((live.spec as { data?: { values?: unknown } }).data?.values ?? (live.spec as { datasets?: unknown }).datasets)
				)
			);
		}
		// Ranking, Locus for Focus, ratings, success measures and trend, three training charts, comparisons.
		expect(compared).toBeGreaterThanOrEqual(10);
	});

	it('show no figure of England or of the rest of England, only the verdict in words', () => {
		const against = chartFiles().find((f) => f.id === 'region-against-england')!;
		const rows = against.spec.data.values as Array<Record<string, unknown>>;
		expect(rows.length).toBeGreaterThan(0);
		expect(rows.some((r) => r.against_england !== null)).toBe(true);
		for (const r of rows) {
			expect(r.region_code).toBe(LONDON);
			for (const k of ENGLAND_SIDE) expect(r[k], k).toBeNull();
		}
		// The same rows as the dashboard's table, which the chart only adds names and short words to.
		const dashboardRows = board.tables.find((t) => t.name === 'region_against_england')!.rows;
		expect(rows.map(({ region_name: _, short: __, ...r }) => r)).toEqual(JSON.parse(JSON.stringify(dashboardRows)));
		// And the report page says nothing of England beyond the words.
		const page = readFileSync(join(run.dir, 'regions', LONDON, 'index.html'), 'utf8');
		expect(page).toMatch(/(above|below|not different from) England/);
	});
});
