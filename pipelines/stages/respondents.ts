// Stage: respondents — how many people answered, by region, staff group, sector and specialty,
// with England (E92000001) beside every region. Zero cells are listed (0 stays 0 when published).
import type { DuckDBConnection } from '@duckdb/node-api';
import { protect } from '../disclosure/protect';
import { sectors, staffGroups } from '../core/reference';
import { specialties } from '../../src/lib/instrument/reference';
import { published, waveSqlOf, specialtiesOf, type PipelineContext, type PublishedTable } from '../core/context';
import { literalList, rows } from '../core/sql';
import { countOf, keySumOf, regionGroups, type CubeRelation, type RegionGroups } from '../core/cube';

/** Counts of one grouping column by region, every region × code cell present, England rows included. */
const BY_REGION_SQL = (cube: CubeRelation, waveSql: string, regions: RegionGroups, column: string, codes: string[], multi = false) => `
	WITH people AS (
		SELECT region, ${multi ? `unnest(${column})` : column} AS code, respondents FROM ${cube} WHERE wave_id = ${waveSql}
	), counts AS (
		SELECT ${regions.code} AS region_code, code, ${countOf('sum(respondents)')} AS respondents, ${keySumOf('sum(respondents)')} AS respondents_key
		FROM people ${regions.groupBy('code')}
	)
	SELECT r.region_code, c.code, coalesce(n.respondents, 0) AS respondents, coalesce(n.respondents_key, 0) AS respondents_key
	FROM ${regions.codes} r
	CROSS JOIN (SELECT unnest(${literalList(codes)}) AS code) c
	LEFT JOIN counts n USING (region_code, code)
	ORDER BY r.region_code, c.code`;

const REGION_TOTALS_SQL = (cube: CubeRelation, waveSql: string, regions: RegionGroups) => `
	SELECT r.region_code, coalesce(n.respondents, 0) AS respondents, coalesce(n.respondents_key, 0) AS respondents_key
	FROM ${regions.codes} r
	LEFT JOIN (
		SELECT ${regions.code} AS region_code, ${countOf('sum(respondents)')} AS respondents, ${keySumOf('sum(respondents)')} AS respondents_key
		FROM ${cube} WHERE wave_id = ${waveSql} ${regions.groupBy()}
	) n USING (region_code)
	ORDER BY r.region_code`;

type Count = { region_code: string; code: string; respondents: number; respondents_key: number };

export async function respondents(c: DuckDBConnection, ctx: PipelineContext): Promise<PublishedTable[]> {
	const wave = ctx.wave.id;
	const groups = regionGroups(ctx.area);
	const totals = await rows<{ region_code: string; respondents: number; respondents_key: number }>(
		c,
		REGION_TOTALS_SQL(ctx.cube, waveSqlOf(ctx), groups)
	);
	const byRegion = protect(
		totals.map((r) => ({ wave, ...r })),
		{ counts: ['respondents'] },
		ctx.rule
	);

	const partition = async (column: string, codes: string[]) =>
		protect(
			(await rows<Count>(c, BY_REGION_SQL(ctx.cube, waveSqlOf(ctx), groups, column, codes))).map((r) => ({ wave, ...r })),
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
					specialtiesOf(ctx),
					waveSqlOf(ctx),
					groups,
					'specialties',
					specialties.map((s) => s.code),
					true
				)
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
