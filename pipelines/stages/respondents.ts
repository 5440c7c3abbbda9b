// Stage: respondents — how many people answered, by region, staff group, sector and specialty,
// with England (E92000001) beside every region. Zero cells are listed (0 stays 0 when published).
import type { DuckDBConnection } from '@duckdb/node-api';
import { protect } from '../disclosure/protect';
import { ENGLAND, regions, sectors, staffGroups } from '../core/reference';
import { specialties } from '../../src/lib/instrument/reference';
import { published, type PipelineContext, type PublishedTable } from '../core/context';
import { literalList, rows } from '../core/sql';
import { countOf, keySumOf, type CubeRelation } from '../core/cube';

const REGION_CODES = regions.map((r) => r.code);

/** Counts of one grouping column by region, every region × code cell present, England rows included. */
const BY_REGION_SQL = (cube: CubeRelation, column: string, codes: string[], multi = false) => `
	WITH people AS (
		SELECT region, ${multi ? `unnest(${column})` : column} AS code, respondents FROM ${cube} WHERE wave_id = $1
	), counts AS (
		SELECT coalesce(region, '${ENGLAND.code}') AS region_code, code, ${countOf('sum(respondents)')} AS respondents, ${keySumOf('sum(respondents)')} AS respondents_key
		FROM people GROUP BY GROUPING SETS ((region, code), (code))
	)
	SELECT r.region_code, c.code, coalesce(n.respondents, 0) AS respondents, coalesce(n.respondents_key, 0) AS respondents_key
	FROM (SELECT unnest(${literalList([ENGLAND.code, ...REGION_CODES])}) AS region_code) r
	CROSS JOIN (SELECT unnest(${literalList(codes)}) AS code) c
	LEFT JOIN counts n USING (region_code, code)
	ORDER BY r.region_code, c.code`;

const REGION_TOTALS_SQL = (cube: CubeRelation) => `
	SELECT r.region_code, coalesce(n.respondents, 0) AS respondents, coalesce(n.respondents_key, 0) AS respondents_key
	FROM (SELECT unnest(${literalList([ENGLAND.code, ...REGION_CODES])}) AS region_code) r
	LEFT JOIN (
		SELECT coalesce(region, '${ENGLAND.code}') AS region_code, ${countOf('sum(respondents)')} AS respondents, ${keySumOf('sum(respondents)')} AS respondents_key
		FROM ${cube} WHERE wave_id = $1 GROUP BY GROUPING SETS ((region), ())
	) n USING (region_code)
	ORDER BY r.region_code`;

type Count = { region_code: string; code: string; respondents: number; respondents_key: number };

export async function respondents(c: DuckDBConnection, ctx: PipelineContext): Promise<PublishedTable[]> {
	const wave = ctx.wave.id;
	const totals = await rows<{ region_code: string; respondents: number; respondents_key: number }>(c, REGION_TOTALS_SQL(ctx.cube), [wave]);
	const byRegion = protect(
		totals.map((r) => ({ wave, ...r })),
		{ counts: ['respondents'] },
		ctx.rule
	);

	const partition = async (column: string, codes: string[]) =>
		protect(
			(await rows<Count>(c, BY_REGION_SQL(ctx.cube, column, codes), [wave])).map((r) => ({ wave, ...r })),
			{ counts: ['respondents'] },
			ctx.rule
		);
	const staff = await partition(
		'staff_group',
		staffGroups.map((s) => s.code)
	);
	const sector = await partition(
		'sector',
		sectors.map((s) => s.code)
	);
	const specialty = protect(
		(
			await rows<Count>(
				c,
				BY_REGION_SQL(
					ctx.cube,
					'specialties',
					specialties.map((s) => s.code),
					true
				),
				[wave]
			)
		).map((r) => ({ wave, ...r })),
		{ counts: ['respondents'] },
		ctx.rule
	);
	const rename = (column: string) => (r: Record<string, unknown>) => ({ ...r, [column]: r.code });
	return [
		published(
			'respondents_by_region',
			'Respondents by region',
			{ wave: 'VARCHAR', region_code: 'VARCHAR', respondents: 'INTEGER', suppressed: 'BOOLEAN' },
			byRegion
		),
		published(
			'respondents_by_region_staff_group',
			'Respondents by region and staff group',
			{ wave: 'VARCHAR', region_code: 'VARCHAR', staff_group: 'VARCHAR', respondents: 'INTEGER', suppressed: 'BOOLEAN' },
			staff.map(rename('staff_group'))
		),
		published(
			'respondents_by_region_sector',
			'Respondents by region and sector',
			{ wave: 'VARCHAR', region_code: 'VARCHAR', sector: 'VARCHAR', respondents: 'INTEGER', suppressed: 'BOOLEAN' },
			sector.map(rename('sector'))
		),
		published(
			'respondents_by_region_specialty',
			'Respondents by region and clinical specialty (more than one may be chosen)',
			{ wave: 'VARCHAR', region_code: 'VARCHAR', specialty: 'VARCHAR', respondents: 'INTEGER', suppressed: 'BOOLEAN' },
			specialty.map(rename('specialty'))
		)
	];
}
