// Stage: breakdowns — needs scores (MWDS per competency) and success measures by two characteristics
// at once: any two of region, sector, staff group and clinical specialty, for one wave. The batch
// publishes every pair for England; the dashboard computes only the pair a planner asks for.
//
// Each pair reuses the one-way stages' own SQL and disclosure control: the cube is re-labelled so
// that its `region` column holds the pair's cell (`group_1|group_2`), and needsStatistics and
// measureStatisticsOf group by it as they would by region. Specialties are multiple choice, so the
// cube is unnested by specialty first: a respondent counts in every specialty they ticked.
import type { DuckDBConnection } from '@duckdb/node-api';
import { protect } from '../disclosure/protect';
import { ENGLAND, ratingColumns } from '../core/reference';
import { published, waveSqlOf, specialtiesOf, type PipelineContext, type PublishedTable } from '../core/context';
import type { CubeRelation } from '../core/cube';
import { NEEDS_COLUMNS, needsStatistics, protectNeeds, rankNeeds } from './needs';
import { meanFigures, measureAnswer, measureStatisticsOf, ragStatus } from './success-measures';

export const BREAKDOWN_DIMENSIONS = ['region', 'sector', 'staff_group', 'specialty'] as const;
export type BreakdownDimension = (typeof BREAKDOWN_DIMENSIONS)[number];
export type BreakdownPair = [BreakdownDimension, BreakdownDimension];

export const DIMENSION_NAMES: Record<BreakdownDimension, string> = {
	region: 'Region',
	sector: 'Sector',
	staff_group: 'Staff group',
	specialty: 'Clinical specialty'
};

/** Every pair once, in the order of BREAKDOWN_DIMENSIONS (specialty, the multiple-choice one, always second). */
export const BREAKDOWN_PAIRS: BreakdownPair[] = BREAKDOWN_DIMENSIONS.flatMap((a, i) =>
	BREAKDOWN_DIMENSIONS.slice(i + 1).map((b) => [a, b] as BreakdownPair)
);

/** A pair in the canonical order, whichever way round it was asked for. */
export const orderedPair = ([a, b]: BreakdownPair): BreakdownPair =>
	BREAKDOWN_DIMENSIONS.indexOf(a) <= BREAKDOWN_DIMENSIONS.indexOf(b) ? [a, b] : [b, a];

const SEPARATOR = '|';

/** One wave's cube rows with `region` re-labelled as the cell of a breakdown: the codes of `dimensions`
 *  joined by "|". Rows without a code for a dimension (no specialty ticked) are left out. */
export function relabelledCube(cube: CubeRelation, waveSql: string, dimensions: BreakdownDimension[]): CubeRelation {
	const unnested = dimensions.includes('specialty')
		? `(SELECT *, unnest(specialties) AS specialty FROM ${cube} WHERE wave_id = ${waveSql})`
		: `(SELECT * FROM ${cube} WHERE wave_id = ${waveSql})`;
	const cell = dimensions.join(` || '${SEPARATOR}' || `);
	return `(SELECT * REPLACE (${cell} AS region) FROM ${unnested} WHERE ${dimensions.map((d) => `${d} IS NOT NULL`).join(' AND ')})`;
}

/** Runs `job` over a pair's re-labelled cube. Read in place, not copied: each pair is read twice (once
 *  for needs, once for every success measure), and copying the cube's few hundred columns costs more
 *  than unnesting a few thousand rows again. */
const overPair = <T>(ctx: PipelineContext, pair: BreakdownPair, job: (cube: CubeRelation) => Promise<T>): Promise<T> =>
	job(relabelledCube(pair.includes('specialty') ? specialtiesOf(ctx) : ctx.cube, waveSqlOf(ctx), pair));

type Cell = { dimension_1: string; group_1: string; dimension_2: string; group_2: string; pair: string };

const cellOf = ([d1, d2]: BreakdownPair, code: string): Cell => {
	const [group_1, group_2] = code.split(SEPARATOR);
	return { dimension_1: d1, group_1, dimension_2: d2, group_2, pair: `${d1}|${d2}` };
};

/** Needs scores of every cell of the pairs, through disclosure control, with intervals, ranked within each cell. */
export async function needsTwoWay(c: DuckDBConnection, ctx: PipelineContext, pairs: BreakdownPair[]) {
	const wave = ctx.wave.id;
	const data = [];
	for (const pair of pairs) {
		const stats = await overPair(ctx, pair, (cube) => needsStatistics(c, waveSqlOf(ctx), cube, { regionsOnly: true }));
		// The England row of a re-labelled cube is not a cell; the other dimensions' groups are unused.
		for (const s of stats)
			if (s.dimension === 'region' && s.group_code !== ENGLAND.code) data.push({ wave, ...cellOf(pair, s.group_code), ...s });
	}
	return rankNeeds(protectNeeds(data, ctx.rule), (r) => `${r.pair}|${r.group_1}|${r.group_2}`);
}

type MeasureFigures = Record<string, unknown> &
	Cell & { wave: string; wave_id: string; region_code: string; measure_id: string; kind: string };

/** Success measures (not coverage: the workforce is known by region and staff group only) of every
 *  cell of the pairs, through the same disclosure control as the one-way table. */
export async function successMeasuresTwoWay(c: DuckDBConnection, ctx: PipelineContext, pairs: BreakdownPair[]) {
	const wave = ctx.wave.id;
	const measures = ctx.measures.filter((m) => m.kind !== 'coverage');
	const data: MeasureFigures[] = [];
	for (const pair of pairs) {
		if (measures.length === 0) break;
		// Every measure in one pass over the pair's cube, as in the one-way stage.
		const figures = await overPair(ctx, pair, (cube) => measureStatisticsOf(c, measures, cube, ctx.workforceCsv));
		for (const f of figures) {
			if (f.region_code !== ENGLAND.code) data.push({ ...f, wave, ...cellOf(pair, f.region_code) });
		}
	}
	const safe = protect<MeasureFigures>(
		data,
		{
			counts: ['base', 'numerator'],
			...meanFigures(ratingColumns()),
			shares: [{ column: 'share', numerator: 'numerator', denominator: 'base', low: 'ci_low', high: 'ci_high', answer: measureAnswer }],
			keepUnrounded: true
		},
		ctx.rule
	);
	const byId = new Map(measures.map((m) => [m.id, m]));
	return safe.map((r) => {
		const m = byId.get(String(r.measure_id))!;
		const v = (m.kind === 'share' ? r.share : r.mean) as number | null;
		const value = v === null ? null : Math.round(v * (m.kind === 'share' ? 10 : 100)) / (m.kind === 'share' ? 10 : 100);
		return {
			...r,
			name: m.name,
			unit: m.unit,
			direction: m.direction,
			value,
			ci_low: m.kind === 'share' ? r.ci_low : null,
			ci_high: m.kind === 'share' ? r.ci_high : null,
			target: m.targets[wave] ?? null,
			rag: ragStatus(m, (m.kind === 'share' ? r['share:unrounded'] : r['mean:unrounded']) as number | null, m.targets[wave])
		};
	});
}

const CELL_COLUMNS = { wave: 'VARCHAR', dimension_1: 'VARCHAR', group_1: 'VARCHAR', dimension_2: 'VARCHAR', group_2: 'VARCHAR' } as const;

/** The stage for some pairs: every pair for the batch run, the planner's one pair for the dashboard. */
export const breakdownsOf =
	(pairs: BreakdownPair[] = BREAKDOWN_PAIRS) =>
	async (c: DuckDBConnection, ctx: PipelineContext): Promise<PublishedTable[]> => {
		const ordered = pairs.map(orderedPair);
		return [
			published(
				'needs_two_way',
				'Needs scores (MWDS) by competency for two characteristics at once (a respondent counts in each clinical specialty they ticked)',
				{ ...CELL_COLUMNS, ...NEEDS_COLUMNS },
				await needsTwoWay(c, ctx, ordered)
			),
			published(
				'success_measures_two_way',
				'Success measures for two characteristics at once (a respondent counts in each clinical specialty they ticked)',
				{
					...CELL_COLUMNS,
					measure_id: 'VARCHAR',
					name: 'VARCHAR',
					unit: 'VARCHAR',
					direction: 'VARCHAR',
					value: 'DOUBLE',
					ci_low: 'DOUBLE',
					ci_high: 'DOUBLE',
					base: 'INTEGER',
					target: 'DOUBLE',
					rag: 'VARCHAR',
					suppressed: 'BOOLEAN'
				},
				await successMeasuresTwoWay(c, ctx, ordered)
			)
		];
	};

/** The batch stage: every pair, England. */
export const breakdowns = breakdownsOf();
