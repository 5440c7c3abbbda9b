// Stage: needs — Borich needs scores per competency. For each respondent, discrepancy =
// importance − confidence; for a group, MWDS = mean(discrepancy) × mean(importance), and competencies
// are ranked by it (1 = largest training need). Groups: England, each region, sector and staff group.
// Means come from the group's sums through disclosure control (noisy sums), and the discrepancy and
// score from those means: mean(discrepancy) = mean(importance) − mean(confidence) over the same people.
// Each score has a 95% interval (delta method, from noisy squares and products as well), and each rank
// the range of ranks its interval allows (docs/needs-assessment.md, "Intervals and ties").
import type { DuckDBConnection } from '@duckdb/node-api';
import { protect, type DisclosureRule, type FigureSpec, type Protected } from '../disclosure/protect';
import { ENGLAND, ratingColumns } from '../core/reference';
import { published, waveSqlOf, type PipelineContext, type PublishedTable } from '../core/context';
import { literal, rows, textOrder } from '../core/sql';
import {
	MOMENT_NOISE_MULTIPLIER,
	PRODUCT_SENSITIVITY,
	RATING_MIDPOINT,
	RATING_SENSITIVITY,
	SQUARE_SENSITIVITY
} from '../disclosure/perturbation';
import { col, unpacked, type Area, type CubeRelation } from '../core/cube';
import { mwdsInterval, type RatingMoments } from '../stats/intervals';
import type { FigureColumn } from '../core/figures';

export type NeedsDimension = 'region' | 'sector' | 'staff_group';

/** The sums a needs statistic is made of, after the raters (packed with their key sum). */
const SUMS = ['importance_sum', 'confidence_sum', 'importance_sq_sum', 'confidence_sq_sum', 'importance_confidence_sum'] as const;

/** The competencies in the order the statistics list them. */
const COMPETENCIES = ratingColumns()
	.map((r) => r.competency)
	.sort(textOrder);

/** Each group's sums as one list (per competency: raters packed with their key sum, then SUMS), which
 *  needsStatistics sets out per competency. A list is one column of the result rather than 77: DuckDB's
 *  time goes on the columns, not the rows (BENCHMARKS.md, thirteenth sitting). Sums run over the people
 *  who rated both importance and confidence; means and scores are made from them by disclosure
 *  control, never here. */
const SUMS_LIST = `[${COMPETENCIES.flatMap((competency) => [
	`coalesce(sum(${col(competency, 'raters')}), 0)::BIGINT`,
	...SUMS.map((sum) => `sum(${col(competency, sum)})::BIGINT`)
]).join(', ')}] AS sums`;

/** Raw (unprotected) needs statistics of a cube of every area: one grouping pass. Re-labelled cubes
 *  (breakdowns, specialties) need their `region` groups only: one grouping, not four. */
const NEEDS_SQL = (cube: CubeRelation, waveSql: string, regionsOnly: boolean) => {
	const grouped = regionsOnly
		? `SELECT 'region' AS dimension, coalesce(region, '${ENGLAND.code}') AS group_code, ${SUMS_LIST}
			FROM ${cube} WHERE wave_id = ${waveSql} GROUP BY region`
		: `SELECT CASE WHEN grouping(region) = 0 THEN 'region' WHEN grouping(sector) = 0 THEN 'sector'
					WHEN grouping(staff_group) = 0 THEN 'staff_group' ELSE 'region' END AS dimension,
				coalesce(region, sector, staff_group, '${ENGLAND.code}') AS group_code, ${SUMS_LIST}
			FROM ${cube} WHERE wave_id = ${waveSql}
			GROUP BY GROUPING SETS ((region), (sector), (staff_group), ())`;
	return `${grouped} ORDER BY dimension, group_code`;
};

/** One area's cube (the dashboard's scope) by sector × staff group: one grouping, whose cells
 *  areaGroups sums to the sector, staff group and area groups. Three groupings in DuckDB (GROUPING
 *  SETS) took twice the time of this one. */
const AREA_CELLS_SQL = (cube: CubeRelation, waveSql: string) =>
	`SELECT sector, staff_group, ${SUMS_LIST} FROM ${cube} WHERE wave_id = ${waveSql} GROUP BY sector, staff_group`;

type GroupSums = { dimension: NeedsDimension; group_code: string; sums: Array<bigint | null> };
type AreaCell = { sector: string | null; staff_group: string | null; sums: Array<bigint | null> };

/** Lists summed element by element as SQL sums: null where every list has null. */
function summed(lists: Array<Array<bigint | null>>): Array<bigint | null> {
	return lists[0].map((_, i) => lists.reduce<bigint | null>((total, list) => (list[i] === null ? total : (total ?? 0n) + list[i]!), null));
}

/** The area's sector, staff group and own groups from its sector × staff group cells, as one grouping
 *  per dimension would give them: a sector or staff group where it has people, the area itself even
 *  without people when it is England (its raters 0, its sums null), as regionGroups has it. */
function areaGroups(cells: AreaCell[], area: Area): GroupSums[] {
	const by = (dimension: NeedsDimension, codeOf: (cell: AreaCell) => string | null): GroupSums[] => {
		const groups = new Map<string, Array<Array<bigint | null>>>();
		for (const cell of cells) {
			const code = codeOf(cell) ?? ENGLAND.code;
			groups
				.set(code, groups.get(code) ?? [])
				.get(code)!
				.push(cell.sums);
		}
		return [...groups].map(([group_code, lists]) => ({ dimension, group_code, sums: summed(lists) }));
	};
	const own: GroupSums[] = cells.length
		? [{ dimension: 'region', group_code: area.code, sums: summed(cells.map((cell) => cell.sums)) }]
		: area.code === ENGLAND.code
			? [{ dimension: 'region', group_code: area.code, sums: COMPETENCIES.flatMap(() => [0n, ...SUMS.map(() => null)]) }]
			: [];
	return [...own, ...by('sector', (cell) => cell.sector), ...by('staff_group', (cell) => cell.staff_group)].sort(
		(a, b) => textOrder(a.dimension, b.dimension) || textOrder(a.group_code, b.group_code)
	);
}

export type NeedsStatistics = {
	dimension: NeedsDimension;
	group_code: string;
	competency: string;
	respondents: number;
	respondents_key: number;
	importance_sum: number | null;
	confidence_sum: number | null;
	/** Σ importance², Σ confidence² and Σ importance × confidence over the same people. */
	importance_sq_sum: number | null;
	confidence_sq_sum: number | null;
	importance_confidence_sum: number | null;
};

interface NeedsGroups {
	/** The `region` groups alone (England's row may be among them, as a group of people without a
	 *  region): what a re-labelled cube's callers keep. */
	regionsOnly?: boolean;
	/** The one area the cube holds (PipelineContext.area): its row stands for the region groups. */
	area?: Area;
}

const numberOrNull = (value: bigint | null) => (value === null ? null : Number(value));

/** Each group's needs statistics per competency (competencies nobody in it rated stay in, with no
 *  sums), by dimension, group and competency. */
export async function needsStatistics(
	c: DuckDBConnection,
	waveSql: string,
	cube: CubeRelation = 'cube',
	options: NeedsGroups = {}
): Promise<NeedsStatistics[]> {
	const { regionsOnly = false, area } = options;
	const groups =
		area && !regionsOnly
			? areaGroups(await rows<AreaCell>(c, AREA_CELLS_SQL(cube, waveSql)), area)
			: await rows<GroupSums>(c, NEEDS_SQL(cube, waveSql, regionsOnly));
	const width = 1 + SUMS.length;
	return groups.flatMap(({ dimension, group_code, sums }) =>
		COMPETENCIES.map((competency, i) => {
			const [respondents, respondents_key] = unpacked(sums[i * width]!);
			const statistics: NeedsStatistics = {
				dimension,
				group_code,
				competency,
				respondents,
				respondents_key,
				importance_sum: null,
				confidence_sum: null,
				importance_sq_sum: null,
				confidence_sq_sum: null,
				importance_confidence_sum: null
			};
			SUMS.forEach((sum, j) => (statistics[sum] = numberOrNull(sums[i * width + 1 + j])));
			return statistics;
		})
	);
}

const questionOf = new Map(ratingColumns().map((r) => [r.competency, r]));
const importanceOf = (r: { competency: string }) => questionOf.get(r.competency)!.importance;
const confidenceOf = (r: { competency: string }) => questionOf.get(r.competency)!.confidence;

/** Borich needs scores through disclosure control: mean importance and confidence from noisy sums,
 *  discrepancy and MWDS from those means (so they agree with them), for rows of one kind of group.
 *  The mean squares and product about the scale's middle (noisy too) are for the MWDS interval only
 *  (protectNeeds); the squares of confidence share their name, so their noise, with the change tables'. */
export const NEEDS_FIGURES = {
	counts: ['respondents'],
	means: [
		{ column: 'mean_importance', sum: 'importance_sum', n: 'respondents', variable: importanceOf, sensitivity: RATING_SENSITIVITY },
		{ column: 'mean_confidence', sum: 'confidence_sum', n: 'respondents', variable: confidenceOf, sensitivity: RATING_SENSITIVITY },
		{
			column: 'importance_square',
			sum: 'importance_sq_sum',
			n: 'respondents',
			variable: (r: { competency: string }) => `${importanceOf(r)}:squares`,
			sensitivity: MOMENT_NOISE_MULTIPLIER * SQUARE_SENSITIVITY
		},
		{
			column: 'confidence_square',
			sum: 'confidence_sq_sum',
			n: 'respondents',
			variable: (r: { competency: string }) => `${confidenceOf(r)}:squares`,
			sensitivity: SQUARE_SENSITIVITY
		},
		{
			column: 'importance_confidence',
			sum: 'importance_confidence_sum',
			n: 'respondents',
			variable: (r: { competency: string }) => `${importanceOf(r)}:${confidenceOf(r)}:products`,
			sensitivity: MOMENT_NOISE_MULTIPLIER * PRODUCT_SENSITIVITY
		}
	],
	derived: [
		{
			column: 'mean_discrepancy',
			from: (m: Record<string, number | null>) =>
				m.mean_importance === null || m.mean_confidence === null ? null : m.mean_importance - m.mean_confidence
		},
		{
			column: 'mwds',
			from: (m: Record<string, number | null>) =>
				m.mean_importance === null || m.mean_confidence === null ? null : (m.mean_importance - m.mean_confidence) * m.mean_importance
		}
	]
} satisfies FigureSpec<NeedsStatistics>;

/** The statistics with squares and products taken about the scale's middle (RATING_MIDPOINT), from the
 *  exact sums before any noise, so that one person moves them by at most 4 and 8:
 *  Σ(i − 3)² = Σi² − 6Σi + 9n and Σ(i − 3)(c − 3) = Σic − 3Σi − 3Σc + 9n. */
export function centredSums<R extends NeedsStatistics>(s: R): R {
	const m = RATING_MIDPOINT;
	const n = Number(s.respondents);
	const known = (...sums: Array<number | null>) => sums.every((v) => v !== null && v !== undefined);
	const { importance_sum: i, confidence_sum: c, importance_sq_sum: ii, confidence_sq_sum: cc, importance_confidence_sum: ic } = s;
	return {
		...s,
		importance_sq_sum: known(ii, i) ? Number(ii) - 2 * m * Number(i) + m * m * n : null,
		confidence_sq_sum: known(cc, c) ? Number(cc) - 2 * m * Number(c) + m * m * n : null,
		importance_confidence_sum: known(ic, i, c) ? Number(ic) - m * (Number(i) + Number(c)) + m * m * n : null
	};
}

/** Means, variances and covariance of a protected row, from its noisy means and mean squares and
 *  product about the middle, over its published count (divisor n − 1 with it, as Welch's interval
 *  takes the published base: docs/intervals.md). Null when a figure is missing or n is under 2. */
export function sampleMoments(r: Record<string, unknown>): RatingMoments | null {
	const figures = [r.respondents, r.mean_importance, r.mean_confidence, r.importance_square, r.confidence_square, r.importance_confidence];
	if (figures.some((v) => v === null || v === undefined)) return null;
	const [n, importance, confidence, importanceSquare, confidenceSquare, product] = figures.map(Number);
	if (n < 2) return null;
	const [i, c] = [importance - RATING_MIDPOINT, confidence - RATING_MIDPOINT];
	const sample = n / (n - 1);
	// A variance below 0 can only be noise: none, as populationSd takes it.
	return {
		n,
		importance,
		confidence,
		importanceVariance: sample * Math.max(0, importanceSquare - i * i),
		confidenceVariance: sample * Math.max(0, confidenceSquare - c * c),
		covariance: sample * (product - i * c)
	};
}

/** NEEDS_FIGURES' means that serve the interval only. */
const MOMENTS = ['importance_square', 'confidence_square', 'importance_confidence'];

const round = (value: number, places: number) => Math.round(value * 10 ** places) / 10 ** places;

/** Needs figures through disclosure control, each MWDS with its 95% interval (mwds_low, mwds_high):
 *  the delta method over the published figures and the noisy moments, widened by the noise on the two
 *  means (public, so stating it leaks nothing). The moments themselves are not returned. */
export function protectNeeds<R extends NeedsStatistics>(data: R[], rule: DisclosureRule) {
	return protect(data.map(centredSums), NEEDS_FIGURES, rule).map((r) => {
		const moments = r.mwds === null ? null : sampleMoments(r);
		const noiseSd = moments && rule.perturbation ? (rule.noiseScale * RATING_SENSITIVITY) / moments.n : 0;
		const interval = moments && mwdsInterval(Number(r.mwds), moments, noiseSd);
		const out: Protected<R> & Record<'mwds_low' | 'mwds_high', number | null> = {
			...r,
			mwds_low: interval ? round(interval.low, rule.meanDecimals) : null,
			mwds_high: interval ? round(interval.high, rule.meanDecimals) : null
		};
		for (const moment of MOMENTS) delete out[moment];
		return out;
	});
}

export interface RankRange {
	/** 1 = largest training need; competencies with the same published score share a rank. */
	rank: number | null;
	/** The best and worst ranks the competency's interval allows against the others' (see rankNeeds). */
	rank_best: number | null;
	rank_worst: number | null;
}

/** The columns of a published needs score and its rank. */
export const MWDS_COLUMNS = { mwds: 'DOUBLE', mwds_low: 'DOUBLE', mwds_high: 'DOUBLE' } as const;
export const RANK_COLUMNS = { rank: 'INTEGER', rank_best: 'INTEGER', rank_worst: 'INTEGER' } as const;

/** A needs table's columns after its group's. */
export const NEEDS_COLUMNS = {
	competency: 'VARCHAR',
	respondents: 'INTEGER',
	mean_importance: 'DOUBLE',
	mean_confidence: 'DOUBLE',
	mean_discrepancy: 'DOUBLE',
	...MWDS_COLUMNS,
	...RANK_COLUMNS,
	suppressed: 'BOOLEAN'
} as const;

/** A score's interval, or the score alone where it has none. */
const limitsOf = (r: Record<string, unknown>) => [Number(r.mwds_low ?? r.mwds), Number(r.mwds_high ?? r.mwds)];

/** Ranks competencies by published MWDS within each group (1 = largest training need) and lists each
 *  group's rows in rank order, unscored ones last. A competency could rank as high as 1 + the number
 *  of competencies whose interval lies wholly above its own, and as low as the number whose interval
 *  does not lie wholly below its own (itself included): overlapping intervals are read as a tie. */
export function rankNeeds<R extends Record<string, unknown>>(data: R[], groupOf: (r: R) => string): Array<R & RankRange> {
	const groups = new Map<string, R[]>();
	for (const r of data) (groups.get(groupOf(r)) ?? groups.set(groupOf(r), []).get(groupOf(r))!).push(r);
	const ranks = new Map<R, RankRange>();
	for (const members of groups.values()) {
		const scored = members.filter((r) => r.mwds !== null && r.mwds !== undefined);
		for (const r of scored) {
			const [low, high] = limitsOf(r);
			ranks.set(r, {
				rank: 1 + scored.filter((o) => Number(o.mwds) > Number(r.mwds)).length,
				rank_best: 1 + scored.filter((o) => limitsOf(o)[0] > high).length,
				rank_worst: scored.filter((o) => limitsOf(o)[1] >= low).length
			});
		}
	}
	const unranked: RankRange = { rank: null, rank_best: null, rank_worst: null };
	// Groups in the order they came, each group's rows by rank (unscored last).
	return [...groups.values()].flatMap((members) =>
		members.map((r) => ({ ...r, ...(ranks.get(r) ?? unranked) })).sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity))
	);
}

/** A rank range in words for tables: "2–6", or "3" when the intervals fix it. */
export const rankRangeText = (best: unknown, worst: unknown): string | null =>
	best === null || best === undefined || worst === null || worst === undefined ? null : best === worst ? String(best) : `${best}–${worst}`;

/** Why charts of needs scores give intervals and ranks as ranges. */
export const RANK_RANGE_EXPLAINED =
	"Competencies whose 95% intervals overlap could swap places, so the table gives each score's interval and the ranks each could take (1–3: anywhere from first to third).";

/** A needs score's interval in a chart's data table. */
export const MWDS_INTERVAL_COLUMNS: Array<FigureColumn & { heading: string }> = [
	{ key: 'mwds_low', heading: '95% interval low', decimals: 2 },
	{ key: 'mwds_high', heading: '95% interval high', decimals: 2 }
];

/** A rank's range (rankRangeText of the row, as `rank_range`) in a chart's data table. */
export const rankRangeColumn = (heading = 'Rank (range)') => ({ key: 'rank_range', heading });

/** Needs scores of every group (England, regions, sectors, staff groups) through `rule`, ranked. */
export async function needsScores(c: DuckDBConnection, waveId: string, cube: CubeRelation, rule: DisclosureRule) {
	const stats = await needsStatistics(c, literal(waveId), cube);
	return rankNeeds(protectNeeds(stats, rule), (r) => `${r.dimension}|${r.group_code}`);
}

export async function needs(c: DuckDBConnection, ctx: PipelineContext): Promise<PublishedTable[]> {
	const wave = ctx.wave.id;
	const scores = (await needsStatistics(c, waveSqlOf(ctx), ctx.cube, { area: ctx.area })).map((s) => ({ wave, ...s }));
	const table = (dimension: NeedsDimension, column: string, name: string, title: string) => {
		// Groups of one dimension partition England, so per competency they add up to a published total.
		const data = scores.filter((s) => s.dimension === dimension && (dimension === 'region' || s.group_code !== ENGLAND.code));
		const safe = rankNeeds(protectNeeds(data, ctx.rule), (r) => String(r.group_code)).map((r) => ({ ...r, [column]: r.group_code }));
		return published(name, title, { wave: 'VARCHAR', [column]: 'VARCHAR', ...NEEDS_COLUMNS }, safe);
	};
	return [
		table('region', 'region_code', 'needs_by_competency_region', 'Needs scores (MWDS) by competency, England and regions'),
		table('sector', 'sector', 'needs_by_competency_sector', 'Needs scores (MWDS) by competency and sector'),
		table('staff_group', 'staff_group', 'needs_by_competency_staff_group', 'Needs scores (MWDS) by competency and staff group')
	];
}
