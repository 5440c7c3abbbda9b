// The planner dashboard's figures: the batch pipeline's own stages and disclosure control, run over
// the live cube narrowed to the planner's scope and filters, then the batch reports' chart builders.
// Only protected aggregates leave this module; free text is not in the cube at all.
import { ENGLAND, regionName } from '$pipelines/core/reference';
import { wavesUpTo } from '$pipelines/stages/snapshot';
import { literal, literalList } from '$pipelines/core/sql';
import type { Area } from '$pipelines/core/cube';
import { orderedPair, type BreakdownPair } from '$pipelines/stages/breakdowns';
import { runStages, type StageContext } from '$pipelines/stages';
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

/** The cube rows in scope for the chosen waves and filters, as a query the stages can read. */
function cubeRows(cube: string, waves: Wave[], filter: DashboardFilter): string {
	const where = [`wave_id IN (SELECT unnest(${literalList(waves.map((w) => w.id))}))`];
	if (filter.scope !== ENGLAND.code) where.push(`region = ${literal(filter.scope)}`);
	if (filter.staffGroup) where.push(`staff_group = ${literal(filter.staffGroup)}`);
	if (filter.sector) where.push(`sector = ${literal(filter.sector)}`);
	if (filter.specialty) where.push(`list_contains(specialties, ${literal(filter.specialty)})`);
	return `(SELECT * FROM ${cube} WHERE ${where.join(' AND ')})`;
}

/** Puts the cube rows in scope for the chosen waves and filters into `${live.catalog}.scope`, once, so
 *  the stages' queries each read a few hundred rows without filtering again, and the scope's code into
 *  `${live.catalog}.area`, which the stages read rather than write into their SQL (one statement serves
 *  every region). Both tables are made once per cube (the scope's columns are the cube's) and then
 *  emptied and filled, never replaced: the statements each connection keeps prepared over them keep
 *  their plans, which halves what a wide query costs (binding and planning; BENCHMARKS.md, fifth
 *  sitting). Where they are kept, plans rest on no statistics of these rows (engine.ts). */
async function scopeOf(live: CubeView, memo: Memo, waves: Wave[], filter: DashboardFilter): Promise<{ scope: string; area: Area }> {
	const scope = `${live.catalog}.scope`;
	const area: Area = { code: filter.scope, table: `${live.catalog}.area` };
	await memo('scope table', async () => {
		await live.c.run(`CREATE OR REPLACE TABLE ${scope} AS SELECT * FROM ${live.cube} LIMIT 0`);
		await live.c.run(`CREATE OR REPLACE TABLE ${area.table} (code VARCHAR)`);
	});
	await live.c.run(`DELETE FROM ${area.table}`);
	await live.c.run(`INSERT INTO ${area.table} VALUES (${literal(area.code)})`);
	await live.c.run(`DELETE FROM ${scope}`);
	// The deleted rows' blocks freed now: left to DuckDB, they pile up to hundreds of megabytes.
	await live.c.run(`CHECKPOINT ${live.catalog}`);
	await live.c.run(`INSERT INTO ${scope} ${cubeRows(live.cube, waves, filter)}`);
	return { scope, area };
}

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
 *  for the snapshot are kept under it. */
export async function dashboard(live: CubeView, filter: DashboardFilter, settings: DashboardSettings, version = ''): Promise<Dashboard> {
	const memo = live.memo(version || figuresVersion(settings, await wavesOf(live.c)));
	const { wave, waves } = await memo(`waves|${filter.wave ?? ''}`, () => wavesUpTo(live.c, filter.wave));
	// A pair asked either way round is published and drawn in one order.
	const pair = filter.breakdown && orderedPair(filter.breakdown);
	const { scope, area } = await scopeOf(live, memo, waves, filter);
	const coverageNote = filter.sector || filter.specialty ? COVERAGE_UNAVAILABLE : null;
	const filtered = Boolean(filter.sector || filter.staffGroup || filter.specialty);
	const ctx: StageContext = {
		wave,
		waves,
		...settings,
		cube: scope,
		// Only the scope's own rows are shown (tableForPlanner), so the stages make no others.
		area,
		// Coverage divides by the workforce of the same people: the chosen staff group's, and none for a sector or specialty.
		workforce: { staffGroup: filter.staffGroup, unavailable: coverageNote !== null },
		// The region comparison reads every region under the same filters; only the planner's own rows are kept.
		englandCube: cubeRows(live.cube, waves, { ...filter, scope: ENGLAND.code }),
		weightsCube: cubeRows(live.cube, waves, { scope: ENGLAND.code }),
		memo,
		breakdowns: pair ? [pair] : [],
		view: (t) => {
			const seen = tableForPlanner(t, { scope: filter.scope, filtered });
			return seen.name === 'needs_by_competency_specialty' && filter.specialty
				? { ...seen, rows: seen.rows.filter((r) => r.specialty === filter.specialty) }
				: seen;
		}
	};
	const tables = await runStages(live.connections, ctx);
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
