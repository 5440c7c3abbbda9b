// Stage: needs — Borich needs scores per competency. For each respondent, discrepancy =
// importance − confidence; for a group, MWDS = mean(discrepancy) × mean(importance), and competencies
// are ranked by it (1 = largest training need). Groups: England, each region, sector and staff group.
import type { DuckDBConnection } from '@duckdb/node-api';
import { protect } from './disclosure';
import { ENGLAND, ratingColumns } from './reference';
import { published, type PipelineContext, type PublishedTable } from './context';
import { rows } from './sql';
import { col, type CubeRelation } from './cube';

export type NeedsDimension = 'region' | 'sector' | 'staff_group';

/** Raw (unprotected) needs scores: one grouping pass over the cube, unpivoted per competency and
 *  ranked in SQL. Means are sums over the people who rated both importance and confidence. */
export const NEEDS_SQL = (cube: CubeRelation) => {
	const competencies = ratingColumns();
	const aggregates = competencies.flatMap((r) => {
		const raters = `nullif(sum(${col(r.competency, 'raters')}), 0)`;
		return [
			`coalesce(sum(${col(r.competency, 'raters')}), 0)::INTEGER AS "${r.competency}_n"`,
			`(sum(${col(r.competency, 'importance_sum')}) / ${raters})::DOUBLE AS "${r.competency}_imp"`,
			`(sum(${col(r.competency, 'confidence_sum')}) / ${raters})::DOUBLE AS "${r.competency}_conf"`,
			`(sum(${col(r.competency, 'discrepancy_sum')}) / ${raters})::DOUBLE AS "${r.competency}_disc"`
		];
	});
	const unpivot = competencies
		.map((r) => `("${r.competency}_n", "${r.competency}_imp", "${r.competency}_conf", "${r.competency}_disc") AS '${r.competency}'`)
		.join(', ');
	return `
		WITH grouped AS (
			SELECT CASE WHEN grouping(region) = 0 THEN 'region' WHEN grouping(sector) = 0 THEN 'sector'
					WHEN grouping(staff_group) = 0 THEN 'staff_group' ELSE 'region' END AS dimension,
				coalesce(region, sector, staff_group, '${ENGLAND.code}') AS group_code,
				${aggregates.join(',\n\t\t\t\t')}
			FROM ${cube} WHERE wave_id = $1
			GROUP BY GROUPING SETS ((region), (sector), (staff_group), ())
		), long AS (
			-- Competencies nobody rated stay in, with no score (INCLUDE NULLS).
			SELECT * FROM grouped UNPIVOT INCLUDE NULLS ((respondents, mean_importance, mean_confidence, mean_discrepancy) FOR competency IN (${unpivot}))
		)
		SELECT dimension, group_code, competency, respondents, mean_importance, mean_confidence, mean_discrepancy,
			mean_discrepancy * mean_importance AS mwds,
			rank() OVER (PARTITION BY dimension, group_code ORDER BY mean_discrepancy * mean_importance DESC NULLS LAST)::INTEGER AS rank
		FROM long ORDER BY dimension, group_code, rank, competency`;
};

export interface NeedsScore {
	dimension: NeedsDimension;
	group_code: string;
	competency: string;
	respondents: number;
	mean_importance: number | null;
	mean_confidence: number | null;
	mean_discrepancy: number | null;
	mwds: number | null;
	rank: number;
}

export const needsScores = (c: DuckDBConnection, waveId: string, cube: CubeRelation = 'cube') => rows<NeedsScore>(c, NEEDS_SQL(cube), [waveId]);

const FIGURES = ['mean_importance', 'mean_confidence', 'mean_discrepancy', 'mwds', 'rank'] as const;

export async function needs(c: DuckDBConnection, ctx: PipelineContext): Promise<PublishedTable[]> {
	const wave = ctx.wave.id;
	const scores = (await needsScores(c, wave, ctx.cube)).map((s) => ({ wave, ...s }));
	const table = (dimension: NeedsDimension, column: string, name: string, title: string) => {
		// Groups of one dimension partition England, so per competency they add up to a published total.
		const data = scores.filter((s) => s.dimension === dimension && (dimension === 'region' || s.group_code !== ENGLAND.code));
		const safe = protect(
			data,
			{ counts: ['respondents'], means: [...FIGURES], lines: [{ by: ['wave', 'competency'], where: (r) => r.group_code !== ENGLAND.code }] },
			ctx.rule
		).map((r) => ({ ...r, [column]: r.group_code }));
		return published(name, title, { wave: 'VARCHAR', [column]: 'VARCHAR', competency: 'VARCHAR', respondents: 'INTEGER', mean_importance: 'DOUBLE', mean_confidence: 'DOUBLE', mean_discrepancy: 'DOUBLE', mwds: 'DOUBLE', rank: 'INTEGER', suppressed: 'BOOLEAN' }, safe);
	};
	return [
		table('region', 'region_code', 'needs_by_competency_region', 'Needs scores (MWDS) by competency, England and regions'),
		table('sector', 'sector', 'needs_by_competency_sector', 'Needs scores (MWDS) by competency and sector'),
		table('staff_group', 'staff_group', 'needs_by_competency_staff_group', 'Needs scores (MWDS) by competency and staff group')
	];
}
