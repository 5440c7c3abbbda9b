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
import { needsBySpecialty } from '$pipelines/needs-specialty';
import { breakdownsOf, orderedPair, type BreakdownPair } from '$pipelines/breakdowns';
import { locusForFocusTable } from '$pipelines/locus-for-focus';
import { loadPathways, pathwayReadinessTable, type Pathway } from '$pipelines/pathways';
import { mentors } from '$pipelines/mentors';
import { dashboardCharts, type Chart } from '$pipelines/charts';
import type { PipelineContext, PublishedTable, Wave } from '$pipelines/context';
import { tableForPlanner } from '$pipelines/planner-view';
import { LIVE_CUBE } from './live-cube';

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

export const COVERAGE_UNAVAILABLE = 'Coverage is not available when a sector or specialty is chosen: there are no workforce figures by sector or specialty.';
const COVERAGE_CHART = 'coverage-by-region';

/** The cube rows in scope for the chosen waves and filters, as a query the stages can read. */
function cubeRows(waves: Wave[], filter: DashboardFilter): string {
	const where = [`wave_id IN (SELECT unnest(${literalList(waves.map((w) => w.id))}))`];
	if (filter.scope !== ENGLAND.code) where.push(`region = ${literal(filter.scope)}`);
	if (filter.staffGroup) where.push(`staff_group = ${literal(filter.staffGroup)}`);
	if (filter.sector) where.push(`sector = ${literal(filter.sector)}`);
	if (filter.specialty) where.push(`list_contains(specialties, ${literal(filter.specialty)})`);
	return `(SELECT * FROM ${LIVE_CUBE} WHERE ${where.join(' AND ')})`;
}

let pathways: Pathway[] | undefined;

/** Runs the pipeline's aggregation and disclosure stages for one scope and filter set. Call it only
 *  inside LiveCube.use: it keeps the filtered rows in a temporary table of the cube's connection. */
export async function dashboard(c: DuckDBConnection, filter: DashboardFilter, settings: DashboardSettings): Promise<Dashboard> {
	const { wave, waves } = await wavesUpTo(c, filter.wave);
	// A pair asked either way round is published and drawn in one order.
	const pair = filter.breakdown && orderedPair(filter.breakdown);
	// Copied once, so the stages' dozen queries each read a few thousand rows without filtering again.
	await c.run(`CREATE OR REPLACE TEMP TABLE dashboard_scope AS ${cubeRows(waves, filter)}`);
	const coverageNote = filter.sector || filter.specialty ? COVERAGE_UNAVAILABLE : null;
	const ctx: PipelineContext = {
		wave,
		waves,
		...settings,
		cube: 'dashboard_scope',
		// Coverage divides by the workforce of the same people: the chosen staff group's, and none for a sector or specialty.
		workforce: { staffGroup: filter.staffGroup, unavailable: coverageNote !== null }
	};
	const tables: PublishedTable[] = [
		...(await respondents(c, ctx)),
		...(await distributions(c, ctx)),
		...(await needs(c, ctx)),
		...(await shares(c, ctx)),
		...(await coverage(c, ctx)),
		...(await successMeasures(c, ctx)),
		...(await change(c, ctx)),
		// A region is tested against the rest of England, so this stage reads every region (same filters);
		// only the planner's own region's rows are kept below.
		...(await regionComparison(c, { ...ctx, cube: cubeRows(waves, { ...filter, scope: ENGLAND.code }) })),
		// Weights are made from every respondent of the wave: a filter narrows the figures, not the weights.
		...(await weighting(c, ctx, cubeRows(waves, { scope: ENGLAND.code }))),
		...(await needsBySpecialty(c, ctx)),
		...(pair ? await breakdownsOf([pair])(c, ctx) : []),
		...(await mentors(c, ctx))
	]
		.map((t) => tableForPlanner(t, { scope: filter.scope, filtered: Boolean(filter.sector || filter.staffGroup || filter.specialty) }))
		.map((t) => (t.name === 'needs_by_competency_specialty' && filter.specialty ? { ...t, rows: t.rows.filter((r) => r.specialty === filter.specialty) } : t));
	// From the protected, scoped needs tables: no further query.
	tables.push(locusForFocusTable(tables), pathwayReadinessTable(tables, (pathways ??= loadPathways())));
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
