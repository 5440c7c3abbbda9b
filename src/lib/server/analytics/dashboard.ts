// The planner dashboard's figures: the batch pipeline's own stages and disclosure control, run over
// the live cube narrowed to the planner's scope and filters, then the batch reports' chart builders.
// Only protected aggregates leave this module; free text is not in the cube at all.
import { ENGLAND, regionName } from '$pipelines/core/reference';
import { wavesUpTo } from '$pipelines/stages/snapshot';
import { forgetPrepared, literal, literalList } from '$pipelines/core/sql';
import { KEYS_WITHOUT_SPECIALTIES, summedCubeSql, type Area } from '$pipelines/core/cube';
import { orderedPair, type BreakdownPair } from '$pipelines/stages/breakdowns';
import { workforceSql } from '$pipelines/stages/coverage';
import { runStages, type StageContext, type StageTimer } from '$pipelines/stages';
import { dashboardCharts, type Chart } from '$pipelines/charts';
import type { Memo, PipelineContext, PublishedTable, Wave } from '$pipelines/core/context';
import { tableForPlanner } from '$pipelines/disclosure/planner-view';
import type { CubeView } from './live-cube';
import type { DuckDBConnection } from '@duckdb/node-api';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { rows } from '$pipelines/core/sql';

export interface DashboardFilter {
	wave?: string;
	/** England (E92000001) or one region's ONS code: already checked against the planner's role. */
	scope: string;
	sector?: string;
	staffGroup?: string;
	specialty?: string;
	/** Two different dimensions for a two-way breakdown: computed only when asked (it costs two queries). */
	breakdown?: BreakdownPair;
}

export type DashboardSettings = Pick<PipelineContext, 'rule' | 'measures' | 'workforceCsv'>;

export interface Dashboard {
	wave: Wave;
	waves: Wave[];
	scope: { code: string; name: string };
	/** People in scope who match the filters, rounded; null when too few to publish. */
	respondents: number | null;
	threshold: number;
	/** Why coverage is not shown for these filters, in words for the page; null when it is shown. */
	coverageNote: string | null;
	tables: PublishedTable[];
	charts: Chart[];
}

export const COVERAGE_UNAVAILABLE =
	'Coverage is not available when a sector or specialty is chosen: there are no workforce figures by sector or specialty.';
const COVERAGE_CHART = 'coverage-by-region';

/** The cube rows of the waves, as a query the stages can read. */
const cubeRows = (cube: string, waves: Wave[]) =>
	`(SELECT * FROM ${cube} WHERE wave_id IN (SELECT unnest(${literalList(waves.map((w) => w.id))})))`;

/** Where the stages read a view's rows. One row, `${catalog}.chosen`, holds the view's wave, waves and
 *  filters, and views over the cube select by it: the planner's scope, and every region under the same
 *  filters (the region comparison). They read the cube summed per specialty (`cube_summed`: a few
 *  hundred rows per specialty at any number of responses), its rows over every specialty when none is
 *  chosen; the queries that read specialties read the cube itself (specialtiesOf). The views mark the
 *  chosen wave's rows, and the stages pick them by that mark (waveSql), so their statements read the
 *  same whatever the wave and filters: the statements each connection keeps prepared keep their plans
 *  (binding and planning cost a wide query more than running it; BENCHMARKS.md), and a filter change
 *  writes one row instead of copying the scope's rows. Where they are kept, plans rest on no
 *  statistics of these rows (engine.ts). */
interface ViewRelations {
	scope: string;
	/** The scope with its specialties, for the stages that read them. */
	scopeWithSpecialties: string;
	/** Every region under the same filters. */
	england: string;
	area: Area;
	/** The cube summed over specialties, every wave: the weights' people. */
	withoutSpecialties: string;
	/** The chosen waves and filters but the region: what `england` holds, for memo keys. */
	englandFilters: string;
	/** What the stages compare wave_id with: the row's own wave_id where it is of the chosen wave
	 *  (PipelineContext.waveSql). */
	wave: string;
	/** The workforce file's rows of the chosen staff group (WorkforceScope.relation). */
	workforce: string;
}

/** Whether a row of the views is of the chosen wave, worked out where they read the chosen row: the
 *  stages pick the wave's rows by it (ViewRelations.wave) rather than join the chosen row again, which
 *  cost a wide aggregate a fifth of its time, a view 14% of its CPU (BENCHMARKS.md). */
const CHOSEN_WAVE = 'c.wave_id = f.wave AS chosen_wave';

async function relationsOf(
	live: CubeView,
	memo: Memo,
	wave: Wave,
	waves: Wave[],
	filter: DashboardFilter,
	workforceCsv: string
): Promise<ViewRelations> {
	const name = (table: string) => `${live.catalog}.${table}`;
	const chosen = name('chosen');
	// Made once per cube, kept while snapshots only add rows to it (addToCube): the views' SQL is the same
	// for every filter change, and a table made afresh would have every kept statement planned again.
	await live.lasting('view relations', async () => {
		const matching = (region: boolean) =>
			' AND list_contains(f.waves, c.wave_id)' +
			(region ? ' AND (f.region IS NULL OR c.region = f.region)' : '') +
			' AND (f.staff_group IS NULL OR c.staff_group = f.staff_group) AND (f.sector IS NULL OR c.sector = f.sector)';
		// The summed cube's rows of the chosen specialty, or its rows over every specialty when none is
		// chosen: one view (so one set of statements) whichever is chosen.
		const summedOver = (region: boolean) =>
			`SELECT c.* EXCLUDE (specialty), ${CHOSEN_WAVE} FROM ${summedCube(live)} c, ${chosen} f WHERE c.specialty IS NOT DISTINCT FROM f.specialty` +
			matching(region);
		const views = {
			scope: summedOver(true),
			scope_with_specialties:
				`SELECT c.*, ${CHOSEN_WAVE} FROM ${live.cube} c, ${chosen} f WHERE (f.specialty IS NULL OR list_contains(c.specialties, f.specialty))` +
				matching(true),
			england: summedOver(false),
			cube_without_specialties: `SELECT * EXCLUDE (specialty) FROM ${summedCube(live)} WHERE specialty IS NULL`,
			// England is the chosen row's region when none is chosen, so one statement serves every area.
			area: `SELECT coalesce(region, ${literal(ENGLAND.code)}) AS code FROM ${chosen}`,
			// The chosen staff group's workforce (WorkforceScope): every staff group's when none is chosen.
			workforce_in_scope: `SELECT w.* FROM ${name('workforce')} w, ${chosen} f WHERE f.staff_group IS NULL OR w.staff_group = f.staff_group`
		};
		// The workforce file's columns; its rows are read below, once per snapshot and file.
		await live.c.run(`CREATE OR REPLACE TABLE ${name('workforce')} AS SELECT * FROM ${workforceSql(workforceCsv)} LIMIT 0`);
		await live.c.run(
			`CREATE OR REPLACE TABLE ${summedCube(live)} AS ${await summedCubeSql(live.c, live.cube, perSpecialty(live.cube), SUMMED_KEYS)}`
		);
		await live.c.run(
			`CREATE OR REPLACE TABLE ${chosen} (wave VARCHAR, waves VARCHAR[], ${FILTER_COLUMNS.map((k) => `${k} VARCHAR`).join(', ')})`
		);
		await live.c.run(`INSERT INTO ${chosen} (waves) VALUES (NULL)`);
		for (const [view, sql] of Object.entries(views)) await live.c.run(`CREATE OR REPLACE VIEW ${name(view)} AS ${sql}`);
		live.connections.forEach(forgetPrepared);
	});
	// The workforce file, read once per snapshot rather than at every view (figuresVersion follows its
	// content), into the table's rows: the table stays, and so do the statements kept.
	await memo('workforce', async () => {
		await live.c.run(`DELETE FROM ${name('workforce')}`);
		await live.c.run(`INSERT INTO ${name('workforce')} SELECT * FROM ${workforceSql(workforceCsv)}`);
	});
	const row = chosenRow(wave, waves, filter);
	const value = (v: string | undefined) => (v === undefined ? 'NULL' : literal(v));
	await live.c.run(
		`UPDATE ${chosen} SET wave = ${literal(row.wave)}, waves = ${literalList(row.waves)}, ${FILTER_COLUMNS.map((k) => `${k} = ${value(row[k])}`).join(', ')}`
	);
	return {
		scope: name('scope'),
		scopeWithSpecialties: name('scope_with_specialties'),
		england: name('england'),
		area: { code: filter.scope, table: name('area') },
		withoutSpecialties: name('cube_without_specialties'),
		englandFilters: JSON.stringify({ ...row, region: undefined }),
		workforce: name('workforce_in_scope'),
		wave: 'CASE WHEN chosen_wave THEN wave_id END'
	};
}

/** The cube summed over specialties (specialty NULL: a few hundred rows at any number of responses),
 *  then summed per specialty ticked: a specialty's rows are its people's, as the cube's rows whose lists
 *  hold it are, so every figure is the same, from fewer rows. */
const summedCube = (live: CubeView) => `${live.catalog}.cube_summed`;
const SUMMED_KEYS = [...KEYS_WITHOUT_SPECIALTIES, 'specialty'];
const perSpecialty = (rows: string) => `(SELECT *, NULL::VARCHAR AS specialty FROM ${rows}
	UNION ALL SELECT *, unnest(list_distinct(specialties)) AS specialty FROM ${rows})`;

/** Adds cube rows (`added`: a relation of them, such as the new part of a cube copy) to the cube of
 *  `live`, and to its summed cube once made. Tables keep their rows' cells apart rather than summed
 *  into one: every stage sums, so the figures are those of the cube summed (summedCubeSql), and no
 *  table is replaced, so the statements a connection keeps stay planned (pipelines/core/sql.ts). */
export async function addToCube(live: CubeView, added: string): Promise<void> {
	await live.c.run(`INSERT INTO ${live.cube} SELECT * FROM ${added}`);
	const [{ made }] = await rows<{ made: boolean }>(
		live.c,
		`SELECT count(*) > 0 AS made FROM duckdb_tables() WHERE database_name = ${literal(live.catalog)} AND table_name = 'cube_summed'`
	);
	if (made) await live.c.run(`INSERT INTO ${summedCube(live)} ${await summedCubeSql(live.c, live.cube, perSpecialty(added), SUMMED_KEYS)}`);
}

/** The chosen row's filter columns: a column left NULL does not narrow. */
const FILTER_COLUMNS = ['region', 'staff_group', 'sector', 'specialty'] as const;

/** A view's row of chosen waves and filters (England: no region). */
const chosenRow = (wave: Wave, waves: Wave[], filter: DashboardFilter) => ({
	wave: wave.id,
	waves: waves.map((w) => w.id),
	region: filter.scope === ENGLAND.code ? undefined : filter.scope,
	staff_group: filter.staffGroup,
	sector: filter.sector,
	specialty: filter.specialty
});

/** The tables of a view the server reads, beside its charts (reports router): the summary's, and the
 *  comparisons the dashboard lists in words. */
const SUMMARY_TABLES = ['needs_by_competency_region', 'success_measures'];
export const COMPARISON_TABLES = ['change_between_waves', 'region_against_england', 'weighted_figures', 'weights_by_region_staff_group'];

/** A view's figures with only the tables the server reads: what the engine sends it. The others reach
 *  planners as charts, with rows of their own, and were 40–48% of the bytes between the processes. */
export const servedFigures = (d: Dashboard): Dashboard => ({
	...d,
	tables: d.tables.filter((t) => SUMMARY_TABLES.includes(t.name) || COMPARISON_TABLES.includes(t.name))
});

/** A wave with its status (open, closed, planned): what the engine is sent, and part of figuresVersion. */
export type StatusedWave = Wave & { status: string };

/** Every wave with its status, in order. */
export const wavesOf = (c: DuckDBConnection) => rows<StatusedWave>(c, 'SELECT id, label, status FROM waves ORDER BY id');

/** What the figures depend on besides the snapshot and the filters: the settings files an admin edits,
 *  and the waves with their status. */
export function figuresVersion(settings: DashboardSettings, waves: StatusedWave[]): string {
	// The denominators file is a few kilobytes: hashing its content is cheaper than trusting a timestamp.
	const workforce = existsSync(settings.workforceCsv) ? readFileSync(settings.workforceCsv) : '';
	return createHash('sha256')
		.update(
			JSON.stringify([
				settings.rule.threshold,
				settings.rule.rounding,
				settings.rule.meanDecimals,
				settings.rule.perturbation !== null,
				settings.measures,
				waves.map((w) => `${w.id}:${w.status}`).join(',')
			])
		)
		.update(workforce)
		.digest('hex');
}

/** Runs the pipeline's aggregation and disclosure stages for one scope and filter set, inside
 *  LiveCube.use (it keeps the rows in scope in a table of the cube's database). `version` says what the
 *  figures depend on besides the snapshot and the filters (figuresVersion): figures the stages keep
 *  for the snapshot are kept under it. `time` wraps each stage (bench/first-views.ts). */
export async function dashboard(
	live: CubeView,
	filter: DashboardFilter,
	settings: DashboardSettings,
	version = '',
	time?: StageTimer
): Promise<Dashboard> {
	const memo = live.memo(version || figuresVersion(settings, await wavesOf(live.c)));
	const { wave, waves } = await memo(`waves|${filter.wave ?? ''}`, () => wavesUpTo(live.c, filter.wave));
	// A pair asked either way round is published and drawn in one order.
	const pair = filter.breakdown && orderedPair(filter.breakdown);
	const relations = await relationsOf(live, memo, wave, waves, filter, settings.workforceCsv);
	const coverageNote = filter.sector || filter.specialty ? COVERAGE_UNAVAILABLE : null;
	const filtered = Boolean(filter.sector || filter.staffGroup || filter.specialty);
	const ctx: StageContext = {
		wave,
		waves,
		...settings,
		waveSql: relations.wave,
		cube: relations.scope,
		cubeWithSpecialties: relations.scopeWithSpecialties,
		// Only the scope's own rows are shown (tableForPlanner), so the stages make no others.
		area: relations.area,
		// Coverage divides by the workforce of the same people: the chosen staff group's, and none for a sector or specialty.
		workforce: { staffGroup: filter.staffGroup, unavailable: coverageNote !== null, relation: relations.workforce },
		// The region comparison reads every region under the same filters; only the planner's own rows are kept.
		englandCube: { relation: relations.england, filters: relations.englandFilters },
		weightsCube: cubeRows(relations.withoutSpecialties, waves),
		memo,
		breakdowns: pair ? [pair] : [],
		view: (t) => {
			const seen = tableForPlanner(t, { scope: filter.scope, filtered });
			return seen.name === 'needs_by_competency_specialty' && filter.specialty
				? { ...seen, rows: seen.rows.filter((r) => r.specialty === filter.specialty) }
				: seen;
		}
	};
	const tables = await runStages(live.connections, ctx, time);
	const total = tables.find((t) => t.name === 'respondents_by_region')!.rows[0];
	return {
		wave,
		waves,
		scope: { code: filter.scope, name: regionName(filter.scope) },
		respondents: (total?.respondents as number | null) ?? null,
		threshold: ctx.rule.threshold,
		coverageNote,
		tables,
		charts: dashboardCharts(tables, filter.scope, wave.id, pair).filter((chart) => !(coverageNote && chart.id === COVERAGE_CHART))
	};
}
