// The planner dashboard's figures: the batch pipeline's own stages and disclosure control, run over
// the live cube narrowed to the planner's scope and filters, then the batch reports' chart builders.
// Only protected aggregates leave this module; free text is not in the cube at all.
import type { DuckDBConnection } from '@duckdb/node-api';
import { ENGLAND, regionName } from '$pipelines/reference';
import { wavesUpTo } from '$pipelines/snapshot';
import { literal, literalList } from '$pipelines/sql';
import { respondents } from '$pipelines/respondents';
import { distributions } from '$pipelines/distributions';
import { needs } from '$pipelines/needs';
import { shares } from '$pipelines/shares';
import { coverage } from '$pipelines/coverage';
import { successMeasures } from '$pipelines/success-measures';
import { change } from '$pipelines/change';
import { regionComparison } from '$pipelines/region-comparison';
import { weighting } from '$pipelines/weighting';
import { dashboardCharts, type Chart } from '$pipelines/charts';
import type { PipelineContext, PublishedTable, Wave } from '$pipelines/context';
import { LIVE_CUBE } from './live-cube';

export interface DashboardFilter {
	wave?: string;
	/** England (E92000001) or one region's ONS code: already checked against the planner's role. */
	scope: string;
	sector?: string;
	staffGroup?: string;
	specialty?: string;
}

export type DashboardSettings = Pick<PipelineContext, 'rule' | 'measures' | 'workforceCsv'>;

export interface Dashboard {
	wave: Wave;
	waves: Wave[];
	scope: { code: string; name: string };
	/** People in scope who match the filters, rounded; null when too few to publish. */
	respondents: number | null;
	threshold: number;
	tables: PublishedTable[];
	charts: Chart[];
}

/** The cube rows in scope for the chosen waves and filters, as a query the stages can read. */
function cubeRows(waves: Wave[], filter: DashboardFilter, { sectorAndSpecialty = true } = {}): string {
	const where = [`wave_id IN (SELECT unnest(${literalList(waves.map((w) => w.id))}))`];
	if (filter.scope !== ENGLAND.code) where.push(`region = ${literal(filter.scope)}`);
	if (filter.staffGroup) where.push(`staff_group = ${literal(filter.staffGroup)}`);
	if (sectorAndSpecialty && filter.sector) where.push(`sector = ${literal(filter.sector)}`);
	if (sectorAndSpecialty && filter.specialty) where.push(`list_contains(specialties, ${literal(filter.specialty)})`);
	return `(SELECT * FROM ${LIVE_CUBE} WHERE ${where.join(' AND ')})`;
}

/** Tables whose point is to set the regions side by side: England's planners see every region's rows. */
const EVERY_REGION_FOR_ENGLAND = new Set(['region_against_england', 'weights_by_region_staff_group']);

/** Keeps the rows a planner of this scope may see: their region's, or every region's for England. */
function inScope(table: PublishedTable, scope: string): PublishedTable {
	if (!('region_code' in table.columns)) return table;
	if (scope === ENGLAND.code && EVERY_REGION_FOR_ENGLAND.has(table.name)) return table;
	if (table.name === 'coverage_by_region_staff_group' && scope === ENGLAND.code) return table;
	return { ...table, rows: table.rows.filter((r) => r.region_code === scope) };
}

/** Runs the pipeline's aggregation and disclosure stages for one scope and filter set. Call it only
 *  inside LiveCube.use: it keeps the filtered rows in a temporary table of the cube's connection. */
export async function dashboard(c: DuckDBConnection, filter: DashboardFilter, settings: DashboardSettings): Promise<Dashboard> {
	const { wave, waves } = await wavesUpTo(c, filter.wave);
	// Copied once, so the stages' dozen queries each read a few thousand rows without filtering again.
	await c.run(`CREATE OR REPLACE TEMP TABLE dashboard_scope AS ${cubeRows(waves, filter)}`);
	const ctx: PipelineContext = {
		wave,
		waves,
		...settings,
		cube: 'dashboard_scope'
	};
	const tables: PublishedTable[] = [
		...(await respondents(c, ctx)),
		...(await distributions(c, ctx)),
		...(await needs(c, ctx)),
		...(await shares(c, ctx)),
		// Workforce denominators exist by region and staff group only: coverage ignores sector and specialty.
		...(await coverage(c, { ...ctx, cube: `(${cubeRows(waves, filter, { sectorAndSpecialty: false })})` })),
		...(await successMeasures(c, ctx)),
		...(await change(c, ctx)),
		// A region is tested against the rest of England, so this stage reads every region (same filters);
		// only the planner's own region's rows are kept below.
		...(await regionComparison(c, { ...ctx, cube: cubeRows(waves, { ...filter, scope: ENGLAND.code }) })),
		// Weights are made from every respondent of the wave: a filter narrows the figures, not the weights.
		...(await weighting(c, ctx, cubeRows(waves, { scope: ENGLAND.code })))
	].map((t) => inScope(t, filter.scope));
	const total = tables.find((t) => t.name === 'respondents_by_region')!.rows[0];
	return {
		wave,
		waves,
		scope: { code: filter.scope, name: regionName(filter.scope) },
		respondents: (total?.respondents as number | null) ?? null,
		threshold: ctx.rule.threshold,
		tables,
		charts: dashboardCharts(tables, filter.scope, wave.id)
	};
}
