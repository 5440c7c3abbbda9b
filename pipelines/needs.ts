// Stage: needs — Borich needs scores per competency. For each respondent, discrepancy =
// importance − confidence; for a group, MWDS = mean(discrepancy) × mean(importance), and competencies
// are ranked by it (1 = largest training need). Groups: England, each region, sector and staff group.
// Means come from the group's sums through disclosure control (noisy sums), and the discrepancy and
// score from those means: mean(discrepancy) = mean(importance) − mean(confidence) over the same people.
import type { DuckDBConnection } from '@duckdb/node-api';
import { protect, type DisclosureRule, type FigureSpec } from './disclosure';
import { ENGLAND, ratingColumns } from './reference';
import { published, type PipelineContext, type PublishedTable } from './context';
import { rows } from './sql';
import { RATING_SENSITIVITY } from './perturbation';
import { col, countOf, keySumOf, type CubeRelation } from './cube';

export type NeedsDimension = 'region' | 'sector' | 'staff_group';

/** Raw (unprotected) needs statistics: one grouping pass over the cube, unpivoted per competency.
 *  Sums run over the people who rated both importance and confidence; means and scores are made
 *  from them by disclosure control, never here. */
export const NEEDS_SQL = (cube: CubeRelation) => {
	const competencies = ratingColumns();
	const aggregates = competencies.flatMap((r) => [
		`${countOf(`coalesce(sum(${col(r.competency, 'raters')}), 0)`)} AS "${r.competency}_n"`,
		`${keySumOf(`coalesce(sum(${col(r.competency, 'raters')}), 0)`)} AS "${r.competency}_key"`,
		`sum(${col(r.competency, 'importance_sum')})::BIGINT AS "${r.competency}_imp"`,
		`sum(${col(r.competency, 'confidence_sum')})::BIGINT AS "${r.competency}_conf"`
	]);
	const unpivot = competencies
		.map((r) => `("${r.competency}_n", "${r.competency}_key", "${r.competency}_imp", "${r.competency}_conf") AS '${r.competency}'`)
		.join(', ');
	return `
		WITH grouped AS (
			SELECT CASE WHEN grouping(region) = 0 THEN 'region' WHEN grouping(sector) = 0 THEN 'sector'
					WHEN grouping(staff_group) = 0 THEN 'staff_group' ELSE 'region' END AS dimension,
				coalesce(region, sector, staff_group, '${ENGLAND.code}') AS group_code,
				${aggregates.join(',\n\t\t\t\t')}
			FROM ${cube} WHERE wave_id = $1
			GROUP BY GROUPING SETS ((region), (sector), (staff_group), ())
		)
		-- Competencies nobody rated stay in, with no score (INCLUDE NULLS).
		SELECT dimension, group_code, competency, respondents, respondents_key, importance_sum, confidence_sum
		FROM grouped UNPIVOT INCLUDE NULLS ((respondents, respondents_key, importance_sum, confidence_sum) FOR competency IN (${unpivot}))
		ORDER BY dimension, group_code, competency`;
};

export type NeedsStatistics = {
	dimension: NeedsDimension;
	group_code: string;
	competency: string;
	respondents: number;
	respondents_key: number;
	importance_sum: number | null;
	confidence_sum: number | null;
};

export const needsStatistics = (c: DuckDBConnection, waveId: string, cube: CubeRelation = 'cube') => rows<NeedsStatistics>(c, NEEDS_SQL(cube), [waveId]);

const questionOf = new Map(ratingColumns().map((r) => [r.competency, r]));

/** Borich needs scores through disclosure control: mean importance and confidence from noisy sums,
 *  discrepancy and MWDS from those means (so they agree with them), for rows of one kind of group. */
export const NEEDS_FIGURES = {
	counts: ['respondents'],
	means: [
		{ column: 'mean_importance', sum: 'importance_sum', n: 'respondents', variable: (r: { competency: string }) => questionOf.get(r.competency)!.importance, sensitivity: RATING_SENSITIVITY },
		{ column: 'mean_confidence', sum: 'confidence_sum', n: 'respondents', variable: (r: { competency: string }) => questionOf.get(r.competency)!.confidence, sensitivity: RATING_SENSITIVITY }
	],
	derived: [
		{ column: 'mean_discrepancy', from: (m: Record<string, number | null>) => (m.mean_importance === null || m.mean_confidence === null ? null : m.mean_importance - m.mean_confidence) },
		{ column: 'mwds', from: (m: Record<string, number | null>) => (m.mean_importance === null || m.mean_confidence === null ? null : (m.mean_importance - m.mean_confidence) * m.mean_importance) }
	]
} satisfies FigureSpec<NeedsStatistics & { wave: string }>;

/** Ranks competencies by published MWDS within each group (1 = largest training need) and lists each
 *  group's rows in rank order, unscored ones last. */
export function rankNeeds<R extends Record<string, unknown>>(data: R[], groupOf: (r: R) => string): Array<R & { rank: number | null }> {
	const groups = new Map<string, R[]>();
	for (const r of data) (groups.get(groupOf(r)) ?? groups.set(groupOf(r), []).get(groupOf(r))!).push(r);
	const rankOf = new Map<R, number>();
	for (const members of groups.values()) {
		const scored = members.filter((r) => r.mwds !== null && r.mwds !== undefined).sort((a, b) => Number(b.mwds) - Number(a.mwds));
		scored.forEach((r, i) => rankOf.set(r, i > 0 && scored[i - 1].mwds === r.mwds ? rankOf.get(scored[i - 1])! : i + 1));
	}
	// Groups in the order they came, each group's rows by rank (unscored last).
	return [...groups.values()].flatMap((members) =>
		members.map((r) => ({ ...r, rank: rankOf.get(r) ?? null })).sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || 0)
	);
}

/** Needs scores of every group (England, regions, sectors, staff groups) through `rule`, ranked. */
export async function needsScores(c: DuckDBConnection, waveId: string, cube: CubeRelation, rule: DisclosureRule) {
	const stats = await needsStatistics(c, waveId, cube);
	return rankNeeds(protect(stats, NEEDS_FIGURES, rule), (r) => `${r.dimension}|${r.group_code}`);
}

export async function needs(c: DuckDBConnection, ctx: PipelineContext): Promise<PublishedTable[]> {
	const wave = ctx.wave.id;
	const scores = (await needsStatistics(c, wave, ctx.cube)).map((s) => ({ wave, ...s }));
	const table = (dimension: NeedsDimension, column: string, name: string, title: string) => {
		// Groups of one dimension partition England, so per competency they add up to a published total.
		const data = scores.filter((s) => s.dimension === dimension && (dimension === 'region' || s.group_code !== ENGLAND.code));
		const safe = rankNeeds(
			protect(data, NEEDS_FIGURES, ctx.rule),
			(r) => String(r.group_code)
		).map((r) => ({ ...r, [column]: r.group_code }));
		return published(name, title, { wave: 'VARCHAR', [column]: 'VARCHAR', competency: 'VARCHAR', respondents: 'INTEGER', mean_importance: 'DOUBLE', mean_confidence: 'DOUBLE', mean_discrepancy: 'DOUBLE', mwds: 'DOUBLE', rank: 'INTEGER', suppressed: 'BOOLEAN' }, safe);
	};
	return [
		table('region', 'region_code', 'needs_by_competency_region', 'Needs scores (MWDS) by competency, England and regions'),
		table('sector', 'sector', 'needs_by_competency_sector', 'Needs scores (MWDS) by competency and sector'),
		table('staff_group', 'staff_group', 'needs_by_competency_staff_group', 'Needs scores (MWDS) by competency and staff group')
	];
}
