// Stage: mentors — the framework names too few trained genomics mentors. Per region (and England):
// people willing to mentor (champion_willing "Yes, a mentor" or "Yes, both") against people without
// access to a genomics mentor (mentor_access "No"), each with the number who answered its question,
// as counts and percentages through disclosure control.
import type { DuckDBConnection } from '@duckdb/node-api';
import { protect } from './disclosure';
import { ENGLAND, regions } from './reference';
import { published, type PipelineContext, type PublishedTable } from './context';
import { literalList, rows } from './sql';
import { col, countOf, keySumOf, type CubeRelation } from './cube';

const COUNTS = { willing: 'willing', willing_base: 'willing_base', no_access: 'no_access', access_base: 'access_base' } as const;

const MENTORS_SQL = (cube: CubeRelation) => {
	const counted = (part: string) => `${countOf(`coalesce(sum(${col('mentors', part)}), 0)`)} AS ${part}, ${keySumOf(`coalesce(sum(${col('mentors', part)}), 0)`)} AS ${part}_key`;
	return `
		SELECT r.region_code, ${Object.keys(COUNTS).map((k) => `coalesce(m.${k}, 0) AS ${k}, coalesce(m.${k}_key, 0) AS ${k}_key`).join(', ')}
		FROM (SELECT unnest(${literalList([ENGLAND.code, ...regions.map((r) => r.code)])}) AS region_code) r
		LEFT JOIN (
			SELECT coalesce(region, '${ENGLAND.code}') AS region_code, ${Object.keys(COUNTS).map(counted).join(', ')}
			FROM ${cube} WHERE wave_id = $1 GROUP BY GROUPING SETS ((region), ())
		) m USING (region_code)
		ORDER BY r.region_code`;
};

type MentorCounts = { region_code: string } & Record<keyof typeof COUNTS | `${keyof typeof COUNTS}_key`, number>;

export async function mentors(c: DuckDBConnection, ctx: PipelineContext): Promise<PublishedTable[]> {
	const wave = ctx.wave.id;
	const data = (await rows<MentorCounts>(c, MENTORS_SQL(ctx.cube), [wave])).map((r) => ({ wave, ...r }));
	const safe = protect(
		data,
		{
			counts: ['willing_base', 'willing', 'access_base', 'no_access'],
			shares: [
				{ column: 'willing_percent', numerator: 'willing', denominator: 'willing_base' },
				{ column: 'no_access_percent', numerator: 'no_access', denominator: 'access_base' }
			],
			// Regions add up to England.
			lines: [{ by: ['wave'], where: (r) => r.region_code !== ENGLAND.code }]
		},
		ctx.rule
	);
	return [
		published(
			'mentors_by_region',
			'Genomics mentors: people willing to mentor against people without access to a mentor, England and regions',
			{
				wave: 'VARCHAR', region_code: 'VARCHAR', willing: 'INTEGER', willing_base: 'INTEGER', willing_percent: 'DOUBLE',
				no_access: 'INTEGER', access_base: 'INTEGER', no_access_percent: 'DOUBLE', suppressed: 'BOOLEAN'
			},
			safe
		)
	];
}
