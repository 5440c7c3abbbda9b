// The one ordered list of stages after the snapshot, for the batch run and the dashboard alike. Each
// stage publishes tables from the cube (ctx.cube) through disclosure control; the last two are made
// from the tables before them, so they are never more detailed than those.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { PipelineContext, PublishedTable } from '../core/context';
import type { CubeRelation } from '../core/cube';
import { respondents } from './respondents';
import { distributions } from './distributions';
import { needs } from './needs';
import { shares } from './shares';
import { coverage } from './coverage';
import { successMeasures } from './success-measures';
import { change } from './change';
import { regionComparison } from './region-comparison';
import { weighting } from './weighting';
import { needsBySpecialty } from './needs-specialty';
import { breakdownsOf, type BreakdownPair } from './breakdowns';
import { locusForFocusTable } from './locus-for-focus';
import { loadPathways, pathwayReadinessTable, type Pathway } from './pathways';
import { mentors } from './mentors';

/** What the stages are given. The fields beyond PipelineContext are where the dashboard differs from
 *  a batch run, which leaves them out. */
export interface StageContext extends PipelineContext {
	/** Every region under the same filters: a region is tested against the rest of England. */
	englandCube?: CubeRelation;
	/** Every respondent of the wave: a filter narrows the figures, not the weights. */
	weightsCube?: CubeRelation;
	/** The two-way breakdowns to publish: every pair unless given (the dashboard asks for one or none). */
	breakdowns?: BreakdownPair[];
	/** What the reader may see of each table, applied as it is made, so the tables made from others
	 *  (Locus for Focus, pathways) come from what the reader sees. */
	view?: (table: PublishedTable) => PublishedTable;
}

export interface Stage {
	name: string;
	run: (c: DuckDBConnection, ctx: StageContext, before: PublishedTable[]) => Promise<PublishedTable[]>;
}

let pathways: Pathway[] | undefined;

export const STAGES: Stage[] = [
	{ name: 'respondents', run: respondents },
	{ name: 'distributions', run: distributions },
	{ name: 'needs', run: needs },
	{ name: 'shares', run: shares },
	{ name: 'coverage', run: coverage },
	{ name: 'success measures', run: successMeasures },
	{ name: 'change', run: change },
	{ name: 'region comparison', run: (c, ctx) => regionComparison(c, { ...ctx, cube: ctx.englandCube ?? ctx.cube }) },
	{ name: 'weighting', run: (c, ctx) => weighting(c, ctx, ctx.weightsCube ?? ctx.cube) },
	{ name: 'needs by specialty', run: needsBySpecialty },
	{ name: 'breakdowns', run: async (c, ctx) => (ctx.breakdowns?.length === 0 ? [] : breakdownsOf(ctx.breakdowns)(c, ctx)) },
	{ name: 'mentors', run: mentors },
	// From the protected needs tables above, not from the cube.
	{ name: 'locus for focus', run: async (_c, _ctx, before) => [locusForFocusTable(before)] },
	{ name: 'pathways', run: async (_c, _ctx, before) => [pathwayReadinessTable(before, (pathways ??= loadPathways()))] }
];

/** Runs every stage in order; `time` wraps each (the batch run times them and reports progress). */
export async function runStages(
	c: DuckDBConnection,
	ctx: StageContext,
	time: <T>(name: string, job: () => Promise<T>) => Promise<T> = (_name, job) => job()
): Promise<PublishedTable[]> {
	const tables: PublishedTable[] = [];
	const view = ctx.view ?? ((t: PublishedTable) => t);
	for (const stage of STAGES) tables.push(...(await time(stage.name, () => stage.run(c, ctx, tables))).map(view));
	return tables;
}
