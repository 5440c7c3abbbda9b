// Stage: respondents — how many people answered, by region, staff group, sector and specialty,
// with England (E92000001) beside every region. Zero cells are listed (0 stays 0 when published).
import type { DuckDBConnection } from '@duckdb/node-api';
import { protect } from '../disclosure/protect';
import { sectors, staffGroups } from '../core/reference';
import { specialties } from '../../src/lib/instrument/reference';
import { published, waveSqlOf, specialtiesOf, type PipelineContext, type PublishedTable } from '../core/context';
import { literal, rows, textOrder } from '../core/sql';
import { regionGroups, unpacked, type CubeRelation, type RegionGroups } from '../core/cube';

/** Each region's count (packed with its key sum, cube.ts) of everyone, then of each code of the
 *  partitions, as one list, by sums over the cube's rows filtered to each code: one pass and one result
 *  column rather than a query per partition, each joining every region to every code (BENCHMARKS.md,
 *  thirteenth sitting). Every region the table lists has its row, with no list where it has no people. */
const COUNTS_SQL = (cube: CubeRelation, waveSql: string, regions: RegionGroups, partitions: Partition[]) => {
	const sums = [
		'sum(respondents)',
		...partitions.flatMap(({ column, codes, multi }) =>
			codes.map((code) =>
				multi
					? // As many times as the list holds it, as unnest would count it.
						`sum(respondents * length(list_filter(${column}, (x) -> x = ${literal(code)})))`
					: `sum(respondents) FILTER (WHERE ${column} = ${literal(code)})`
			)
		)
	];
	return `
		SELECT r.region_code, s.packed
		FROM ${regions.codes} r LEFT JOIN (
			SELECT ${regions.code} AS region_code, [${sums.map((sum) => `${sum}::BIGINT`).join(', ')}] AS packed
			FROM ${cube} WHERE wave_id = ${waveSql} ${regions.groupBy()}
		) s USING (region_code)
		ORDER BY r.region_code`;
};

/** A grouping column of the cube and the codes the tables list, sorted as they list them. */
type Partition = { column: string; codes: string[]; multi?: boolean };

type Packed = { region_code: string; packed: Array<bigint | null> | null };

/** Each region's packed counts of everyone, then of each code of the partitions in order. */
const countsOf = (c: DuckDBConnection, cube: CubeRelation, waveSql: string, regions: RegionGroups, partitions: Partition[]) =>
	rows<Packed>(c, COUNTS_SQL(cube, waveSql, regions, partitions));

/** The `i`th count of a region and its key sum. */
function countAt({ packed }: Packed, i: number) {
	const [respondents, respondents_key] = unpacked(packed?.[i]);
	return { respondents, respondents_key };
}

type Count = { region_code: string; code: string; respondents: number; respondents_key: number };

export async function respondents(c: DuckDBConnection, ctx: PipelineContext): Promise<PublishedTable[]> {
	const wave = ctx.wave.id;
	const groups = regionGroups(ctx.area);
	const staffAndSector: Partition[] = [
		{ column: 'staff_group', codes: staffGroups.map((s) => s.code).sort(textOrder) },
		{ column: 'sector', codes: sectors.map((s) => s.code).sort(textOrder) }
	];
	const bySpecialty: Partition = { column: 'specialties', codes: specialties.map((s) => s.code).sort(textOrder), multi: true };
	// Everyone, by staff group and by sector, from the cube; by specialty from its rows with their
	// specialties (specialtiesOf).
	const counts = await countsOf(c, ctx.cube, waveSqlOf(ctx), groups, staffAndSector);
	const specialtyCounts = await countsOf(c, specialtiesOf(ctx), waveSqlOf(ctx), groups, [bySpecialty]);
	/** Region × code rows of one partition, from the counts where its codes start. */
	const partition = (of: Packed[], { codes }: Partition, start: number): Count[] =>
		of.flatMap((region) => codes.map((code, i) => ({ region_code: region.region_code, code, ...countAt(region, start + i) })));
	const byRegion = protect(
		counts.map((region) => ({ wave, region_code: region.region_code, ...countAt(region, 0) })),
		{ counts: ['respondents'] },
		ctx.rule
	);
	const safely = (data: Count[]) =>
		protect(
			data.map((r) => ({ wave, ...r })),
			{ counts: ['respondents'] },
			ctx.rule
		);
	const staff = safely(partition(counts, staffAndSector[0], 1));
	const sector = safely(partition(counts, staffAndSector[1], 1 + staffAndSector[0].codes.length));
	const specialty = safely(partition(specialtyCounts, bySpecialty, 1));
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
