// Stage: mentors — the framework names too few trained genomics mentors. Per region (and England):
// people willing to mentor (champion_willing "Yes, a mentor" or "Yes, both") against people without
// access to a genomics mentor (mentor_access "No"), each with the number who answered its question,
// as counts and percentages (95% Wilson intervals) through disclosure control.
import type { DuckDBConnection } from '@duckdb/node-api';
import { protect } from '../disclosure/protect';
import { published, waveSqlOf, type PipelineContext, type PublishedTable } from '../core/context';
import { rows } from '../core/sql';
import { col, countOf, keySumOf, regionGroups, type CubeRelation, type RegionGroups } from '../core/cube';

const COUNTS = { willing: 'willing', willing_base: 'willing_base', no_access: 'no_access', access_base: 'access_base' } as const;

const MENTORS_SQL = (cube: CubeRelation, waveSql: string, regions: RegionGroups) => {
	const counted = (part: string) =>
		`${countOf(`coalesce(sum(${col('mentors', part)}), 0)`)} AS ${part}, ${keySumOf(`coalesce(sum(${col('mentors', part)}), 0)`)} AS ${part}_key`;
	return `
		SELECT r.region_code, ${Object.keys(COUNTS)
			.map((k) => `coalesce(m.${k}, 0) AS ${k}, coalesce(m.${k}_key, 0) AS ${k}_key`)
			.join(', ')}
		FROM ${regions.codes} r
		LEFT JOIN (
			SELECT ${regions.code} AS region_code, ${Object.keys(COUNTS).map(counted).join(', ')}
			FROM ${cube} WHERE wave_id = ${waveSql} ${regions.groupBy()}
		) m USING (region_code)
		ORDER BY r.region_code`;
};

type MentorCounts = { region_code: string } & Record<keyof typeof COUNTS | `${keyof typeof COUNTS}_key`, number>;

/** The two figures, each a count over the people who answered its question. */
const MENTOR_MEASURES = [
	{ measure: 'willing_to_mentor', numerator: 'willing', base: 'willing_base' },
	{ measure: 'no_mentor_access', numerator: 'no_access', base: 'access_base' }
] as const;

export async function mentors(c: DuckDBConnection, ctx: PipelineContext): Promise<PublishedTable[]> {
	const wave = ctx.wave.id;
	const counts = await rows<MentorCounts>(c, MENTORS_SQL(ctx.cube, waveSqlOf(ctx), regionGroups(ctx.area)));
	// One row per region and figure, protected on its own: a region with few willing mentors still
	// shows how many lack a mentor.
	const data = MENTOR_MEASURES.flatMap(({ measure, numerator, base }) =>
		counts.map((r) => ({
			wave,
			region_code: r.region_code,
			measure,
			base: r[base],
			base_key: r[`${base}_key`],
			numerator: r[numerator],
			numerator_key: r[`${numerator}_key`]
		}))
	);
	const safe = protect(
		data,
		{
			counts: ['base'],
			shares: [
				{
					column: 'percent',
					numerator: 'numerator',
					denominator: 'base',
					low: 'ci_low',
					high: 'ci_high',
					answer: (r) => `mentors:${r.measure}`
				}
			]
		},
		ctx.rule
	);
	return [
		published(
			'mentors_by_region',
			'Genomics mentors: people willing to mentor against people without access to a mentor, England and regions',
			{
				wave: 'VARCHAR',
				region_code: 'VARCHAR',
				measure: 'VARCHAR',
				base: 'INTEGER',
				percent: 'DOUBLE',
				ci_low: 'DOUBLE',
				ci_high: 'DOUBLE',
				suppressed: 'BOOLEAN'
			},
			safe
		)
	];
}
