// Stage: coverage — respondents as a share of the workforce (denominators supplied as data in
// data/reference/workforce.csv) by region and staff group, with region and England totals ('all').
import type { DuckDBConnection } from '@duckdb/node-api';
import { protect } from '../disclosure/protect';
import { ENGLAND } from '../core/reference';
import { published, waveSqlOf, type PipelineContext, type PublishedTable, type WorkforceScope } from '../core/context';
import { literal, rows } from '../core/sql';
import { countOf, keySumOf, type CubeRelation } from '../core/cube';

/** The workforce denominators (region, staff group, workforce) of the people the cube covers: with a
 *  staff group chosen, that staff group's workforce only, so respondents and workforce match. */
export const workforceSql = (workforceCsv: string, scope: WorkforceScope = {}) =>
	scope.relation ??
	`(
	SELECT * FROM read_csv(${literal(workforceCsv)}, comment = '#', delim = ',', header = true, auto_detect = false,
		columns = {'region_code': 'VARCHAR', 'staff_group': 'VARCHAR', 'workforce': 'INTEGER'})
	${scope.staffGroup ? `WHERE staff_group = ${literal(scope.staffGroup)}` : ''})`;

const COVERAGE_SQL = (cube: CubeRelation, waveSql: string, workforceCsv: string, scope?: WorkforceScope) => `
	WITH workforce AS (
		SELECT coalesce(region_code, '${ENGLAND.code}') AS region_code, coalesce(staff_group, 'all') AS staff_group, sum(workforce)::INTEGER AS workforce
		FROM ${workforceSql(workforceCsv, scope)}
		GROUP BY GROUPING SETS ((region_code, staff_group), (region_code), (staff_group), ())
	), answered AS (
		SELECT coalesce(region, '${ENGLAND.code}') AS region_code, coalesce(staff_group, 'all') AS staff_group, ${countOf('sum(respondents)')} AS respondents,
			${keySumOf('sum(respondents)')} AS respondents_key
		FROM ${cube} WHERE wave_id = ${waveSql}
		GROUP BY GROUPING SETS ((region, staff_group), (region), (staff_group), ())
	)
	SELECT region_code, staff_group, coalesce(a.respondents, 0) AS respondents, coalesce(a.respondents_key, 0) AS respondents_key, w.workforce
	FROM workforce w LEFT JOIN answered a USING (region_code, staff_group)
	ORDER BY region_code, staff_group`;

type Coverage = { region_code: string; staff_group: string; respondents: number; respondents_key: number; workforce: number };

/** Raw coverage counts, before disclosure control. */
const coverageCounts = (c: DuckDBConnection, waveSql: string, workforceCsv: string, cube: CubeRelation, scope?: WorkforceScope) =>
	rows<Coverage>(c, COVERAGE_SQL(cube, waveSql, workforceCsv, scope));

export async function coverage(c: DuckDBConnection, ctx: PipelineContext): Promise<PublishedTable[]> {
	const wave = ctx.wave.id;
	// No denominator matches a sector or specialty: no rows rather than a share of the wrong workforce.
	const data = ctx.workforce?.unavailable
		? []
		: (await coverageCounts(c, waveSqlOf(ctx), ctx.workforceCsv, ctx.cube, ctx.workforce)).map((r) => ({ wave, ...r }));
	const safe = protect(
		data,
		{
			counts: ['respondents'],
			// A census ratio, not a sample's estimate: no sampling interval (docs/coverage.md).
			shares: [{ column: 'coverage_percent', numerator: 'respondents', denominator: 'workforce' }]
		},
		ctx.rule
	);
	return [
		published(
			'coverage_by_region_staff_group',
			'Coverage: respondents as a share of the workforce (illustrative denominators) by region and staff group',
			{
				wave: 'VARCHAR',
				region_code: 'VARCHAR',
				staff_group: 'VARCHAR',
				respondents: 'INTEGER',
				workforce: 'INTEGER',
				coverage_percent: 'DOUBLE',
				suppressed: 'BOOLEAN'
			},
			safe
		)
	];
}
