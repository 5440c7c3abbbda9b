// The one ordered list of stages after the snapshot, for the batch run and the dashboard alike. Each
// stage publishes tables from the cube (ctx.cube) through disclosure control; the last two are made
// from the tables before them, so they are never more detailed than those.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Memo, PipelineContext, PublishedTable } from '../core/context';
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
	/** Every region under the same filters: a region is tested against the rest of England. `filters`
	 *  names those filters in memo keys, as the relation's name need not (a view of the chosen filters). */
	englandCube?: { relation: CubeRelation; filters: string };
	/** Every respondent of the wave: a filter narrows the figures, not the weights. */
	weightsCube?: CubeRelation;
	/** The two-way breakdowns to publish: every pair unless given (the dashboard asks for one or none). */
	breakdowns?: BreakdownPair[];
	/** What the reader may see of each table, applied as it is made, so the tables made from others
	 *  (Locus for Focus, pathways) come from what the reader sees. */
	view?: (table: PublishedTable) => PublishedTable;
	/** Figures kept with the dashboard's snapshot: `compute` runs once per key until the snapshot or
	 *  the settings change. For inputs that do not follow the filters (the weights, England under the
	 *  same filters for every region). A batch run has none and computes each once anyway. */
	memo?: Memo;
}

export interface Stage {
	name: string;
	run: (c: DuckDBConnection, ctx: StageContext, before: PublishedTable[]) => Promise<PublishedTable[]>;
	/** Made from the tables of the stages before it, not from the cube: it runs after them. */
	fromTables?: true;
}

/** `compute`, through the context's memo when it has one. */
export const remembered = <T>(ctx: StageContext, key: string, compute: () => Promise<T>): Promise<T> =>
	ctx.memo ? ctx.memo(key, compute) : compute();

let pathways: Pathway[] | undefined;

export const STAGES: Stage[] = [
	{ name: 'respondents', run: respondents },
	{ name: 'distributions', run: distributions },
	{ name: 'needs', run: needs },
	{ name: 'shares', run: shares },
	{ name: 'coverage', run: coverage },
	{ name: 'success measures', run: successMeasures },
	{ name: 'change', run: change },
	{
		name: 'region comparison',
		// Every region under the planner's filters, whatever their scope: the same for all scopes.
		run: (c, ctx) => {
			const { relation, filters } = ctx.englandCube ?? { relation: ctx.cube, filters: '' };
			return remembered(ctx, `region comparison|${ctx.wave.id}|${relation}|${filters}`, () =>
				regionComparison(c, { ...ctx, cube: relation })
			);
		}
	},
	{ name: 'weighting', run: (c, ctx) => weighting(c, ctx, ctx.weightsCube ?? ctx.cube, ctx.memo) },
	{ name: 'needs by specialty', run: needsBySpecialty },
	{ name: 'breakdowns', run: async (c, ctx) => (ctx.breakdowns?.length === 0 ? [] : breakdownsOf(ctx.breakdowns)(c, ctx)) },
	{ name: 'mentors', run: mentors },
	// From the protected needs tables above, not from the cube.
	{ name: 'locus for focus', run: async (_c, _ctx, before) => [locusForFocusTable(before)], fromTables: true },
	{ name: 'pathways', run: async (_c, _ctx, before) => [pathwayReadinessTable(before, (pathways ??= loadPathways()))], fromTables: true }
];

/** Wraps a stage's run: the batch run times them and reports progress. */
export type StageTimer = <T>(name: string, job: () => Promise<T>) => Promise<T>;

/** Which connection of a pool (known by its first) each stage first ran on (runStages). */
const homes = new WeakMap<DuckDBConnection, Map<number, number>>();

/** Runs every stage; `time` wraps each (the batch run times them and reports progress). Given one
 *  connection, stages run one after another in order. Given several, the stages that read the cube
 *  run at once, each on a free connection, where it can the one it ran on before (DuckDB runs them
 *  side by side, and one stage's disclosure control runs while another's query does), then those made
 *  from their tables. The tables come out in the list's order either way. */
export async function runStages(
	connections: DuckDBConnection | DuckDBConnection[],
	ctx: StageContext,
	time: StageTimer = (_name, job) => job()
): Promise<PublishedTable[]> {
	const view = ctx.view ?? ((t: PublishedTable) => t);
	const pool = Array.isArray(connections) ? connections : [connections];
	const made: PublishedTable[][] = [];
	const waiting = STAGES.flatMap((stage, i) => (stage.fromTables ? [] : [i]));
	// A stage goes back to the connection it first ran on, whose prepared statements hold its plans; a
	// connection with none of its own left takes a new stage, then another's (so none waits idle).
	const home = homes.get(pool[0]) ?? homes.set(pool[0], new Map()).get(pool[0])!;
	await Promise.all(
		pool.map(async (c, j) => {
			while (waiting.length) {
				const own = waiting.findIndex((i) => home.get(i) === j);
				const homeless = waiting.findIndex((i) => !home.has(i));
				const [i] = waiting.splice(own >= 0 ? own : homeless >= 0 ? homeless : 0, 1);
				if (!home.has(i)) home.set(i, j);
				made[i] = (await time(STAGES[i].name, () => STAGES[i].run(c, ctx, []))).map(view);
			}
		})
	);
	for (const [i, stage] of STAGES.entries()) {
		if (!stage.fromTables) continue;
		made[i] = (await time(stage.name, () => stage.run(pool[0], ctx, made.flat()))).map(view);
	}
	return made.flat();
}
