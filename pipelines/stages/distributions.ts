// Stage: distributions — the share of people giving each importance and confidence rating (1–5) per
// competency, nationally and by region: the data behind the diverging Likert charts.
import type { DuckDBConnection } from '@duckdb/node-api';
import { protect } from '../disclosure/protect';
import { ratingColumns, ratingScale } from '../core/reference';
import { published, waveSqlOf, type PipelineContext, type PublishedTable } from '../core/context';
import { rows, textOrder } from '../core/sql';
import { col, RATINGS, unpacked, regionGroups, type CubeRelation, type RegionGroups } from '../core/cube';

/** Every rating column's levels, in the order the table lists them (by competency, rating, level). */
const LEVELS = ratingColumns()
	.flatMap((r) => RATINGS.flatMap((rating) => ratingScale(rating).map(({ level }) => ({ competency: r.competency, rating, level }))))
	.sort((a, b) => textOrder(a.competency, b.competency) || textOrder(a.rating, b.rating) || a.level - b.level);

// One pass over the cube: each area's count per rating column and level, packed with its key sum
// (cube.ts), as one list. A list is one column of the result rather than 190: DuckDB returned the wide
// row, then unpivoted it in SQL, in about 1.7 times the time (BENCHMARKS.md, thirteenth sitting).
const DISTRIBUTION_SQL = (cube: CubeRelation, waveSql: string, regions: RegionGroups) => `
	SELECT ${regions.code} AS region_code, [${LEVELS.map((l) => `sum(${col(l.competency, l.rating, l.level)})::BIGINT`).join(', ')}] AS packed
	FROM ${cube} WHERE wave_id = ${waveSql} ${regions.groupBy()}
	ORDER BY region_code`;

type Cell = {
	region_code: string;
	competency: string;
	rating: string;
	level: number;
	respondents: number;
	respondents_key: number;
	base: number;
	base_key: number;
};

/** An area's cells from its packed counts: each level's count and key sum, and the people who gave
 *  the rating any level (the base) with theirs. An area with no rows has no counts, so no cells. */
function cellsOf(region_code: string, packed: Array<bigint | null>): Cell[] {
	const cells = LEVELS.flatMap((l, i) => {
		const value = packed[i];
		if (value === null) return [];
		const [respondents, respondents_key] = unpacked(value);
		return [{ region_code, ...l, respondents, respondents_key }];
	});
	const bases = new Map<string, { base: number; base_key: number }>();
	for (const cell of cells) {
		const key = `${cell.competency}|${cell.rating}`;
		const base = bases.get(key) ?? bases.set(key, { base: 0, base_key: 0 }).get(key)!;
		base.base += cell.respondents;
		base.base_key += cell.respondents_key;
	}
	return cells.map((cell) => ({ ...cell, ...bases.get(`${cell.competency}|${cell.rating}`)! }));
}

export async function distributions(c: DuckDBConnection, ctx: PipelineContext): Promise<PublishedTable[]> {
	const wave = ctx.wave.id;
	const areas = await rows<{ region_code: string; packed: Array<bigint | null> }>(
		c,
		DISTRIBUTION_SQL(ctx.cube, waveSqlOf(ctx), regionGroups(ctx.area))
	);
	const cells = areas.flatMap((a) => cellsOf(a.region_code, a.packed)).map((r) => ({ wave, ...r }));
	const safe = protect(
		cells,
		{
			// Each level is a share of the people who rated (a mean of a yes/no answer), its noise keyed on
			// all of them: one person more redraws every level, not only the level they chose.
			counts: ['base'],
			shares: [
				{ column: 'percent', numerator: 'respondents', denominator: 'base', answer: (r) => `${r.competency}:${r.rating}:${r.level}` }
			]
		},
		ctx.rule
	);
	return [
		published(
			'ratings_distribution',
			'Importance and confidence ratings by competency and region',
			{
				wave: 'VARCHAR',
				region_code: 'VARCHAR',
				competency: 'VARCHAR',
				rating: 'VARCHAR',
				level: 'INTEGER',
				base: 'INTEGER',
				percent: 'DOUBLE',
				suppressed: 'BOOLEAN'
			},
			safe
		)
	];
}
