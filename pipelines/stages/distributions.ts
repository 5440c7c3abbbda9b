// Stage: distributions — the share of people giving each importance and confidence rating (1–5) per
// competency, nationally and by region: the data behind the diverging Likert charts.
import type { DuckDBConnection } from '@duckdb/node-api';
import { protect } from '../disclosure/protect';
import { ratingColumns, ratingScale } from '../core/reference';
import { published, waveSqlOf, type PipelineContext, type PublishedTable } from '../core/context';
import { rows } from '../core/sql';
import { col, countOf, keySumOf, RATINGS, regionGroups, type CubeRelation, type RegionGroups } from '../core/cube';

// One pass over the cube: the count per rating column and level, then UNPIVOTed to long form.
const DISTRIBUTION_SQL = (cube: CubeRelation, waveSql: string, regions: RegionGroups) => {
	// Counts stay packed with their key sums (cube.ts) through the UNPIVOT, and are unpacked after it.
	const counts = ratingColumns().flatMap((r) =>
		RATINGS.flatMap((rating) =>
			ratingScale(rating).map(({ level }) => `sum(${col(r.competency, rating, level)})::BIGINT AS "${r.competency}|${rating}|${level}"`)
		)
	);
	return `
		WITH wide AS (
			SELECT ${regions.code} AS region_code, ${counts.join(', ')}
			FROM ${cube} WHERE wave_id = ${waveSql} ${regions.groupBy()}
		), long AS (
			UNPIVOT wide ON COLUMNS(* EXCLUDE (region_code)) INTO NAME cell VALUE packed
		), cells AS (
			SELECT region_code, split_part(cell, '|', 1) AS competency, split_part(cell, '|', 2) AS rating,
				split_part(cell, '|', 3)::INTEGER AS level, ${countOf('packed')} AS respondents, ${keySumOf('packed')} AS respondents_key
			FROM long
		)
		SELECT *,
			sum(respondents) OVER w::INTEGER AS base, sum(respondents_key) OVER w::BIGINT AS base_key
		FROM cells WINDOW w AS (PARTITION BY region_code, competency, rating)
		ORDER BY region_code, competency, rating, level`;
};

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

export async function distributions(c: DuckDBConnection, ctx: PipelineContext): Promise<PublishedTable[]> {
	const wave = ctx.wave.id;
	const cells = (await rows<Cell>(c, DISTRIBUTION_SQL(ctx.cube, waveSqlOf(ctx), regionGroups(ctx.area)))).map((r) => ({ wave, ...r }));
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
