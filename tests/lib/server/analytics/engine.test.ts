// The engine's database keeps its statements prepared from one view to the next and across snapshots
// that add rows to its cube, and drops them when it loads a cube that replaces its own: DuckDB plans a
// kept statement afresh at every run once a table it could read has been replaced (measured in
// BENCHMARKS.md: first visits after a new snapshot took twice as long).
import { expect, it } from 'vitest';
import { LiveCube } from '../../../../src/lib/server/analytics/live-cube';
import { dashboard, figuresVersion, wavesOf, type DashboardFilter } from '../../../../src/lib/server/analytics/dashboard';
import { engineDatabase } from '../../../../src/lib/server/analytics/engine';
import { keptStatements } from '../../../../pipelines/core/sql';
import { NHS_DIGITAL_RULE } from '../../../../pipelines/disclosure/protect';
import { loadSuccessMeasures, WORKFORCE_CSV } from '../../../../pipelines/core/reference';
import { generateResponses } from '../../../../pipelines/sources/synthetic';
import { syntheticFile, type SyntheticFile } from '../../../pipelines/fixtures';

const settings = { rule: NHS_DIGITAL_RULE, measures: loadSuccessMeasures(), workforceCsv: WORKFORCE_CSV };
let file: SyntheticFile;
syntheticFile({ n: 2_000, seed: 41, timeout: 60_000 }, (made) => void (file = made));

it('keeps its statements from view to view, and drops them with the cube it replaces', async () => {
	const cube = new LiveCube(file.db, { everySeconds: 3600, minNewResponses: 1 });
	const engine = await engineDatabase();
	const { connections } = engine.live;
	const kept = () => connections.map(keptStatements).reduce((a, b) => a + b);
	const loaded = async () => {
		await cube.publishNow();
		await cube.use(settings.measures, async (live) => engine.load(await live.copy(), await wavesOf(live.c)));
	};

	await loaded();
	const first = await dashboard(engine.live, { scope: 'E92000001' }, settings);
	const prepared = kept();
	expect(prepared).toBeGreaterThan(10);
	await dashboard(engine.live, { scope: 'E92000001', sector: 'community' }, settings);
	expect(kept()).toBeGreaterThanOrEqual(prepared);

	await file.db.write((c) => generateResponses(c, { n: 500, seed: 43, waveId: '2026-27' }));
	await loaded();
	expect(kept()).toBe(0);
	const next = await dashboard(engine.live, { scope: 'E92000001' }, settings);
	expect(next.respondents).toBeGreaterThan(first.respondents! + 400);
	expect(kept()).toBeGreaterThan(10);
}, 120_000);

it('keeps its statements when a snapshot adds rows, and gives the figures of the cube loaded whole', async () => {
	const settleMs = 300;
	const cube = new LiveCube(file.db, { everySeconds: 3600, minNewResponses: 1, settleMs });
	const engine = await engineDatabase();
	const kept = () => engine.live.connections.map(keptStatements).reduce((a, b) => a + b);
	await cube.publishNow();
	await cube.use(settings.measures, async (live) => engine.load(await live.copy(), await wavesOf(live.c)));
	const first = await dashboard(engine.live, { scope: 'E92000001' }, settings);
	const prepared = kept();
	expect(prepared).toBeGreaterThan(10);

	// Responses submitted after the snapshot's watermark: the next snapshot adds their cube rows.
	await file.db.write(async (c) => {
		await c.run('CREATE OR REPLACE TEMP TABLE known AS SELECT submission_id FROM responses');
		await generateResponses(c, { n: 600, seed: 45, waveId: '2026-27' });
		await c.run('UPDATE responses SET submitted_at = now() WHERE submission_id NOT IN (SELECT submission_id FROM known)');
		await c.run('DROP TABLE known');
	});
	await new Promise((ok) => setTimeout(ok, settleMs + 100));
	await cube.publishNow();
	const copy = await cube.use(settings.measures, async (live) => {
		const copy = await live.copy();
		await engine.load(copy, await wavesOf(live.c));
		return copy;
	});
	expect(cube.lastBuild?.kind).toBe('added');
	expect(copy.parts).toHaveLength(2);
	// None dropped (a cube replaced drops them all: the test above).
	expect(kept()).toBeGreaterThanOrEqual(prepared);

	// Another engine loads the same cube built whole, from every response, in one part.
	const whole = new LiveCube(file.db, { everySeconds: 3600, minNewResponses: 1 });
	const other = await engineDatabase();
	await whole.use(settings.measures, async (live) => other.load(await live.copy(), await wavesOf(live.c)));
	const views: DashboardFilter[] = [
		{ scope: 'E92000001' },
		{ scope: 'E40000003', sector: 'community' },
		{ scope: 'E92000001', specialty: 'oncology_haematology', breakdown: ['region', 'staff_group'] }
	];
	for (const filter of views) {
		const added = await dashboard(engine.live, filter, settings);
		expect(added.tables).toEqual((await dashboard(other.live, filter, settings)).tables);
		if (filter === views[0]) expect(added.respondents).toBeGreaterThan(first.respondents! + 500);
	}
}, 120_000);

it('serves every wave with the same statements: a view of the earlier wave prepares only those that name it', async () => {
	await file.db.write((c) => generateResponses(c, { n: 1_000, seed: 44, waveId: '2025-26' }));
	const cube = new LiveCube(file.db, { everySeconds: 3600, minNewResponses: 1 });
	const engine = await engineDatabase();
	await cube.publishNow();
	await cube.use(settings.measures, async (live) => engine.load(await live.copy(), await wavesOf(live.c)));
	// One connection: the stages run one after another on it, so what it keeps does not depend on which
	// connection was free first.
	const live = { ...engine.live, connections: [engine.live.c] };

	const later = await dashboard(live, { scope: 'E92000001' }, settings);
	expect(later.waves.map((w) => w.id)).toEqual(['2025-26', '2026-27']);
	const prepared = keptStatements(live.c);
	expect(prepared).toBeGreaterThan(10);
	const earlier = await dashboard(live, { scope: 'E92000001', wave: '2025-26' }, settings);
	expect(earlier.wave.id).toBe('2025-26');
	expect(earlier.respondents).toBeGreaterThan(900);
	// The stages read the wave from the view's row of chosen filters (PipelineContext.waveSql). New for
	// this wave: the waves up to it, the weights' cells (kept per wave) and the change stage's waves.
	expect(keptStatements(live.c) - prepared).toBeLessThanOrEqual(3);
}, 120_000);

it('serves England, every region and every specialty with the same statements', async () => {
	const cube = new LiveCube(file.db, { everySeconds: 3600, minNewResponses: 1 });
	const engine = await engineDatabase();
	await cube.publishNow();
	await cube.use(settings.measures, async (live) => engine.load(await live.copy(), await wavesOf(live.c)));
	const live = { ...engine.live, connections: [engine.live.c] };
	// As the engine is asked: with the figures' version, so that the views run the stages' statements alone.
	const version = figuresVersion(settings, await wavesOf(live.c));

	// A sector first: the region comparison's figures for England under a filter are kept per filter.
	await dashboard(live, { scope: 'E92000001', sector: 'community' }, settings, version);
	const prepared = keptStatements(live.c);
	expect(prepared).toBeGreaterThan(10);
	// The area's code, England's included, and the chosen specialty are read from the chosen row, not
	// written into the SQL (cube.ts, regionGroups; dashboard.ts, the summed cube per specialty).
	const london = await dashboard(live, { scope: 'E40000003', sector: 'hospital' }, settings, version);
	expect(london.scope.code).toBe('E40000003');
	const specialty = await dashboard(live, { scope: 'E92000001', specialty: 'oncology_haematology', sector: 'hospital' }, settings, version);
	expect(specialty.respondents).toBeGreaterThan(0);
	expect(keptStatements(live.c) - prepared).toBe(0);
}, 120_000);
