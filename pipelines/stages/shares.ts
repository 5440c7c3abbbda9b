// Stage: shares — the share of respondents choosing each option of the training questions (training
// done, preferred learning formats, barriers), nationally and by region, with 95% Wilson intervals.
import type { DuckDBConnection } from '@duckdb/node-api';
import { protect } from '../disclosure/protect';
import { col, optionCodes, regionGroups, unpacked, SHARE_QUESTIONS, type CubeRelation, type RegionGroups } from '../core/cube';
import { published, waveSqlOf, type PipelineContext, type PublishedTable } from '../core/context';
import { rows, textOrder } from '../core/sql';

export { SHARE_QUESTIONS };

/** Every question's options, in the order the table lists them within a region. */
const OPTIONS = SHARE_QUESTIONS.map((question) => ({ question, codes: [...optionCodes(question)].sort(textOrder) }));

/** One pass over the cube for every question: per region, each option's count and the count of people
 *  who answered, packed with their key sums (cube.ts), as two lists. Lists are two columns of the
 *  result rather than one per option, and one statement rather than three: DuckDB's time goes on the
 *  columns and statements, not the rows (BENCHMARKS.md, thirteenth sitting). Every region the table
 *  lists has its row, with no lists where it has no people. */
const SHARES_SQL = (cube: CubeRelation, waveSql: string, regions: RegionGroups) => `
	SELECT r.region_code, s.chosen, s.answered
	FROM ${regions.codes} r LEFT JOIN (
		SELECT ${regions.code} AS region_code,
			[${OPTIONS.flatMap(({ question, codes }) => codes.map((o) => `sum(${col(question, o)})::BIGINT`)).join(', ')}] AS chosen,
			[${OPTIONS.map(({ question }) => `sum(${col(question, 'base')})::BIGINT`).join(', ')}] AS answered
		FROM ${cube} WHERE wave_id = ${waveSql} ${regions.groupBy()}
	) s USING (region_code)
	ORDER BY r.region_code`;

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
	const areas = await rows<{ region_code: string; chosen: Array<bigint | null> | null; answered: Array<bigint | null> | null }>(
		c,
		SHARES_SQL(ctx.cube, waveSqlOf(ctx), regionGroups(ctx.area))
	);
	// By question, then region, then option, as the table lists them.
	const data: Array<Share & { wave: string }> = [];
	let first = 0;
	for (const [q, { question, codes }] of OPTIONS.entries()) {
		for (const { region_code, chosen, answered } of areas) {
			const [base, base_key] = unpacked(answered?.[q]);
			codes.forEach((option, i) => {
				const [respondents, respondents_key] = unpacked(chosen?.[first + i]);
				data.push({ wave, region_code, question, option, respondents, respondents_key, base, base_key });
			});
		}
		first += codes.length;
	}
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
