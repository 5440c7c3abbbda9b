// The figures a planner sees do not change when the dashboard's computation does: for the dashboard
// benchmark's filter changes (bench/kit/dashboard-filters.ts), as a national and as a regional planner,
// and for a breakdown of each pair, every table and chart equals the golden file's. The golden file
// holds a digest per table, so a difference names the table; it was written by the dashboard before
// issue 22 (UPDATE_GOLDEN=1 rewrites it: review the diff first). The views run one after another in the
// engine's own database (engine.ts), as the server's engine process runs them: its statements stay
// prepared from one view to the next while the scope table's rows change under them, so a plan that
// kept anything of an earlier view's rows would show here.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Database } from '../../../../src/lib/server/db/database';
import { instrument } from '../../../../src/lib/instrument/survey';
import { LiveCube } from '../../../../src/lib/server/analytics/live-cube';
import { dashboard, wavesOf, type Dashboard, type DashboardFilter } from '../../../../src/lib/server/analytics/dashboard';
import { engineDatabase } from '../../../../src/lib/server/analytics/engine';
import { NHS_DIGITAL_RULE } from '../../../../pipelines/disclosure/protect';
import { loadSuccessMeasures, WORKFORCE_CSV } from '../../../../pipelines/core/reference';
import { BREAKDOWN_PAIRS } from '../../../../pipelines/stages/breakdowns';
import { generateResponses } from '../../../../pipelines/sources/synthetic';
import { tempDir } from '../../../../bench/kit/server';
import { filterChanges } from '../../../../bench/kit/dashboard-filters';

const ENGLAND = 'E92000001';
const LONDON = 'E40000003';
const GOLDEN = join(import.meta.dirname, 'golden', 'dashboard-tables.json');
const settings = { rule: NHS_DIGITAL_RULE, measures: loadSuccessMeasures(), workforceCsv: WORKFORCE_CSV };

let folder: ReturnType<typeof tempDir>;
let db: Database;
let engine: Awaited<ReturnType<typeof engineDatabase>>;

beforeAll(async () => {
	folder = tempDir();
	db = await Database.open(join(folder.path, 'survey.duckdb'), instrument);
	await db.write(async (c) => {
		await generateResponses(c, { n: 8_000, seed: 41, waveId: '2025-26' });
		await generateResponses(c, { n: 12_000, seed: 42, waveId: '2026-27' });
	});
	const cube = new LiveCube(db, { everySeconds: 3600, minNewResponses: 1 });
	await cube.publishNow();
	engine = await engineDatabase();
	await cube.use(settings.measures, async (live) => engine.load(await live.copy(), await wavesOf(live.c)));
}, 120_000);
afterAll(async () => {
	await db?.close();
	folder?.remove();
});

const digest = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 20);

/** What a planner is shown, as digests: the heading figures, each table, the charts. */
const digests = (d: Dashboard) => ({
	heading: digest([d.wave, d.waves, d.scope, d.respondents, d.threshold, d.coverageNote]),
	...Object.fromEntries(d.tables.map((t) => [t.name, digest(t)])),
	charts: digest(d.charts)
});

/** The views: the benchmark's filter changes for a national and a London planner, and each breakdown pair. */
function views(): Array<[string, DashboardFilter]> {
	const out: Array<[string, DashboardFilter]> = [];
	for (const { region, ...f } of filterChanges()) {
		out.push([`national ${JSON.stringify({ region, ...f })}`, { ...f, scope: region ?? ENGLAND }]);
		out.push([`regional ${JSON.stringify(f)}`, { ...f, scope: LONDON }]);
	}
	for (const pair of BREAKDOWN_PAIRS) {
		out.push([`national breakdown ${pair.join('×')}`, { scope: ENGLAND, breakdown: pair }]);
		out.push([`regional breakdown ${pair.join('×')}`, { scope: LONDON, breakdown: [pair[1], pair[0]] }]);
	}
	return out;
}

it('shows every view exactly as the golden file has it', async () => {
	const actual: Record<string, Record<string, string>> = {};
	for (const [name, filter] of views()) actual[name] = digests(await dashboard(engine.live, filter, settings));
	if (process.env.UPDATE_GOLDEN === '1' || !existsSync(GOLDEN)) {
		mkdirSync(join(GOLDEN, '..'), { recursive: true });
		writeFileSync(GOLDEN, `${JSON.stringify(actual, null, '\t')}\n`);
	}
	const golden = JSON.parse(readFileSync(GOLDEN, 'utf8')) as typeof actual;
	expect(Object.keys(actual)).toEqual(Object.keys(golden));
	for (const name of Object.keys(golden)) expect(actual[name], name).toEqual(golden[name]);
}, 300_000);
