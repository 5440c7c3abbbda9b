// Stage: shares — the share of respondents choosing each option of the training questions (training
// done, preferred learning formats, barriers), nationally and by region, with 95% Wilson intervals.
import type { DuckDBConnection } from '@duckdb/node-api';
import { protect } from '../disclosure/protect';
import { col, countOf, keySumOf, optionCodes, regionGroups, SHARE_QUESTIONS, type CubeRelation, type RegionGroups } from '../core/cube';
import { published, waveSqlOf, type PipelineContext, type PublishedTable } from '../core/context';
import { ident, literal, literalList, rows } from '../core/sql';

export { SHARE_QUESTIONS };

/** Option counts and the people who answered, every region × option cell present (zeros included). */
const SHARES_SQL = (cube: CubeRelation, waveSql: string, question: string, regions: RegionGroups) => {
	const codes = optionCodes(question);
	return `
		WITH wide AS (
			-- Counts stay packed with their key sums (cube.ts) through the UNPIVOT.
			SELECT ${regions.code} AS region_code, ${codes.map((o) => `sum(${col(question, o)})::BIGINT AS ${ident(o)}`).join(', ')}
			FROM ${cube} WHERE wave_id = ${waveSql} ${regions.groupBy()}
		), chosen AS (
			UNPIVOT wide ON COLUMNS(* EXCLUDE (region_code)) INTO NAME option VALUE packed
		), answered AS (
			SELECT ${regions.code} AS region_code, ${countOf(`sum(${col(question, 'base')})`)} AS base, ${keySumOf(`sum(${col(question, 'base')})`)} AS base_key
			FROM ${cube} WHERE wave_id = ${waveSql} ${regions.groupBy()}
		)
		SELECT r.region_code, ${literal(question)} AS question, o.option,
			coalesce(${countOf('c.packed')}, 0) AS respondents, coalesce(${keySumOf('c.packed')}, 0) AS respondents_key,
			coalesce(a.base, 0) AS base, coalesce(a.base_key, 0) AS base_key
		FROM ${regions.codes} r
		CROSS JOIN (SELECT unnest(${literalList(codes)}) AS option) o
		LEFT JOIN chosen c USING (region_code, option)
		LEFT JOIN answered a USING (region_code)
		ORDER BY r.region_code, o.option`;
};

type Share = {
	region_code: string;
	question: string;
	option: string;
	respondents: number;
	respondents_key: number;
	base: number;
	base_key: number;
};

export async function shares(c: DuckDBConnection, ctx: PipelineContext): Promise<PublishedTable[]> {
	const wave = ctx.wave.id;
	const data: Array<Share & { wave: string }> = [];
	for (const q of SHARE_QUESTIONS)
		data.push(...(await rows<Share>(c, SHARES_SQL(ctx.cube, waveSqlOf(ctx), q, regionGroups(ctx.area)))).map((r) => ({ wave, ...r })));
	const safe = protect(
		data,
		{
			// An option's share is a mean of a yes/no answer over the people who answered (disclosure.ts).
			counts: ['base'],
			shares: [
				{
					column: 'percent',
					numerator: 'respondents',
					denominator: 'base',
					low: 'ci_low',
					high: 'ci_high',
					answer: (r) => `${r.question}:${r.option}`
				}
			]
		},
		ctx.rule
	);
	return [
		published(
			'training_shares',
			'Training done, preferred learning formats and barriers: share of respondents choosing each',
			{
				wave: 'VARCHAR',
				region_code: 'VARCHAR',
				question: 'VARCHAR',
				option: 'VARCHAR',
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
