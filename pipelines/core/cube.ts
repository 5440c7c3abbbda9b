// The cube: the responses summed to one row per wave × region × sector × staff group × set of
// specialties, holding the sufficient statistics (counts and sums) of every published figure. Every
// stage aggregates the cube, never single responses, so the batch run (a cube of its snapshot) and
// the planner dashboard (a cube of the live responses, filtered by the planner's choices) share one
// implementation, and a dashboard filter change sums thousands of cube rows instead of a million
// responses. Free text never enters it.
import { ENGLAND, ratingColumns, ratingScale, instrument, regions, type SuccessMeasure } from './reference';
import { questionsOf } from '../../src/lib/instrument/questions';
import type { DuckDBConnection } from '@duckdb/node-api';
import { ident, literal, literalList, rows } from './sql';

export const SHARE_QUESTIONS = ['training_done', 'learning_formats', 'barriers'] as const;
export const RATINGS = ['importance', 'confidence'] as const;

/** The cube's grouping columns; `specialties` is the list a respondent ticked, so a specialty filter is exact. */
export const CUBE_KEYS = ['wave_id', 'region', 'sector', 'staff_group', 'specialties'] as const;

/** Cube column names, quoted. Parts come from the instrument and reference data. */
export const col = (...parts: Array<string | number>) => {
	for (const p of parts) if (!/^\w+$/.test(String(p))) throw new Error(`Not a plain cube column part: ${p}`);
	return `"${parts.join(':')}"`;
};

export const optionCodes = (question: string) =>
	(questionsOf(instrument).find((q) => q.id === question)?.options ?? []).map((o) => String(o.code));

/** Counts are kept packed with their cell key (disclosure control, pipelines/disclosure/perturbation.ts): one
 *  column holds count × 2^32 + the sum of the records' keys, which sums like a count and costs one
 *  aggregate instead of two. A key sum stays below 2^32 for any cell of fewer than 16.8 million people. */
export const PACKED = 4294967296;

/** The count in a sum of packed cube values (a SQL expression such as `sum("fh:raters")`). */
export const countOf = (packedSum: string) => `(${packedSum} // ${PACKED})::INTEGER`;

/** The records' key sum in a sum of packed cube values. */
export const keySumOf = (packedSum: string) => `(${packedSum} % ${PACKED})::BIGINT`;

const PACKED_BIGINT = BigInt(PACKED);

/** The count and the records' key sum in a sum of packed cube values read back exactly (a BIGINT list
 *  element comes to JS as a bigint), as countOf and keySumOf give them in SQL; a sum over no rows
 *  (null, or a list that is not there) counts 0, as `coalesce(…, 0)` would. */
export const unpacked = (packedSum: bigint | null | undefined): [count: number, keySum: number] =>
	packedSum === null || packedSum === undefined ? [0, 0] : [Number(packedSum / PACKED_BIGINT), Number(packedSum % PACKED_BIGINT)];

/** The statistics one cube row holds, as `aggregate AS column` over single responses. */
function statistics(measures: SuccessMeasure[]): string[] {
	// Every count comes packed with the sum of its records' keys: its cell key.
	// A response written by another tool without a key counts with key 0 rather than not at all.
	const key = `${PACKED} + coalesce(record_key, 0)`;
	const counted = (column: string, where?: string) => [
		`sum(${where ? `CASE WHEN ${where} THEN ${key} ELSE 0 END` : key})::BIGINT AS ${column}`
	];
	const out = counted('respondents');
	for (const r of ratingColumns()) {
		const imp = ident(r.importance);
		const conf = ident(r.confidence);
		const both = `${imp} IS NOT NULL AND ${conf} IS NOT NULL`;
		out.push(
			// Needs scores rest on people who rated both importance and confidence.
			...counted(col(r.competency, 'raters'), both),
			`sum(${imp}) FILTER (WHERE ${both})::INTEGER AS ${col(r.competency, 'importance_sum')}`,
			`sum(${conf}) FILTER (WHERE ${both})::INTEGER AS ${col(r.competency, 'confidence_sum')}`,
			// Squares and products give the variances Welch's interval for a change in mean confidence
			// (change.ts) and the MWDS interval's delta method (needs.ts) need.
			`sum(${conf} * ${conf}) FILTER (WHERE ${both})::BIGINT AS ${col(r.competency, 'confidence_sq_sum')}`,
			`sum(${imp} * ${imp}) FILTER (WHERE ${both})::BIGINT AS ${col(r.competency, 'importance_sq_sum')}`,
			`sum(${imp} * ${conf}) FILTER (WHERE ${both})::BIGINT AS ${col(r.competency, 'importance_confidence_sum')}`,
			// The MWDS success measure takes mean importance over everyone who rated importance.
			...counted(col(r.competency, 'importance_n'), `${imp} IS NOT NULL`),
			`sum(${imp})::INTEGER AS ${col(r.competency, 'importance_all_sum')}`
		);
		for (const rating of RATINGS)
			for (const { level } of ratingScale(rating)) out.push(...counted(col(r.competency, rating, level), `${ident(r[rating])} = ${level}`));
	}
	for (const q of SHARE_QUESTIONS) {
		out.push(...counted(col(q, 'base'), `${ident(q)} IS NOT NULL`));
		for (const o of optionCodes(q)) out.push(...counted(col(q, o), `list_contains(${ident(q)}, ${literal(o)})`));
	}
	// Mentors (pipelines/stages/mentors.ts): who would mentor, and who has no mentor, each over those who answered.
	out.push(
		...counted(col('mentors', 'willing'), `champion_willing IN ('mentor', 'both')`),
		...counted(col('mentors', 'willing_base'), `champion_willing IS NOT NULL`),
		...counted(col('mentors', 'no_access'), `mentor_access = 'no'`),
		...counted(col('mentors', 'access_base'), `mentor_access IS NOT NULL`)
	);
	for (const m of measures) {
		if (m.kind === 'share') {
			const q = questionsOf(instrument).find((x) => x.id === m.question)!;
			const column = ident(m.question);
			const hit =
				q.type === 'multi' ? `list_has_any(${column}, ${literalList(m.codes)})` : `${column} IN (${m.codes.map(literal).join(', ')})`;
			out.push(...counted(col(m.id, 'numerator'), hit), ...counted(col(m.id, 'base'), `${column} IS NOT NULL`));
		} else if (m.kind === 'mean') {
			// Sum of ratings and of people rating every competency: the mean of each person's mean.
			const columns = ratingColumns().map((r) => ident(r[m.rating]));
			const personTotal = `(${columns.map((c) => `${c}::INTEGER`).join(' + ')})`;
			out.push(
				`sum(${personTotal})::INTEGER AS ${col(m.id, 'sum')}`,
				`sum(${personTotal} * ${personTotal})::BIGINT AS ${col(m.id, 'sq_sum')}`,
				...counted(col(m.id, 'n'), `${personTotal} IS NOT NULL`)
			);
		}
	}
	return out;
}

/** SQL that sums `source` (a table or a parenthesised query over `responses`) into cube rows. */
export const CUBE_SQL = (measures: SuccessMeasure[], source: string) =>
	`SELECT ${CUBE_KEYS.join(', ')}, ${statistics(measures).join(',\n\t')} FROM ${source} GROUP BY ${CUBE_KEYS.join(', ')}`;

/** The cube's keys without `specialties`: a cube summed over them has one row per wave × region ×
 *  sector × staff group, a few hundred rows at any number of responses. */
export const KEYS_WITHOUT_SPECIALTIES = CUBE_KEYS.filter((k) => k !== 'specialties');

/** SQL that sums the cube rows of `source` over `keys`, each statistic kept in its cube column's type.
 *  Every statistic is a sum (packed counts too), so a cube summed over fewer keys gives every stage
 *  the same aggregates for any grouping of the keys it keeps; and cube rows of the same cell, summed,
 *  are that cell's row (the live cube, to which each snapshot adds rows). `cube` gives the columns and
 *  their types. */
export async function summedCubeSql(c: DuckDBConnection, cube: string, source: string, keys: readonly string[]): Promise<string> {
	const columns = await rows<{ name: string; type: string }>(
		c,
		`SELECT column_name AS name, column_type AS type FROM (DESCRIBE SELECT * FROM ${cube})`
	);
	const statistics = columns.filter((column) => !(CUBE_KEYS as readonly string[]).includes(column.name));
	const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;
	return `SELECT ${keys.join(', ')}, ${statistics.map(({ name, type }) => `sum(${quoted(name)})::${type} AS ${quoted(name)}`).join(', ')}
		FROM ${source} GROUP BY ${keys.join(', ')}`;
}

/** A DuckDB relation holding cube rows: what every stage reads. */
export type CubeRelation = string;

/** How a stage's SQL groups the cube by region. A batch run publishes England and every region: one
 *  grouping by region and one over all rows. The dashboard's cube holds one area (England, or one
 *  region: the planner's scope) and shows that area's rows alone, so there one grouping over all rows
 *  is enough, its row labelled with the area's code: the same people, so the same figures and noise. */
export interface RegionGroups {
	/** SQL for a row's region code. */
	code: string;
	/** The GROUP BY clause for groups of `keys` within each region and England. As there, a region's
	 *  groups exist only where it has rows, and England's total always does. */
	groupBy: (...keys: string[]) => string;
	/** What follows a grouping whose total over all rows is the area's row: a region's total is dropped
	 *  where it has no rows, England's kept (empty in a batch run, whose totals are England's). */
	having: string;
	/** A relation of the region codes a table lists (column region_code), England first. */
	codes: string;
	/** SQL: whether a row lies in the area (for tables of every region, such as the workforce's). */
	within: string;
}

/** The one area a cube holds (PipelineContext.area): its code, and where the SQL may read it. */
export interface Area {
	code: string;
	/** A one-row relation (column `code`) holding the code, England's included, which the SQL reads
	 *  instead of having the code written in: one prepared statement then serves every area
	 *  (pipelines/core/sql.ts). */
	table?: string;
}

/** `column`: where the rows grouped hold their region's code. */
export function regionGroups(area?: Area, column = 'region'): RegionGroups {
	if (area) {
		// Read from the table where there is one, England's code too, so one statement serves every area.
		const code = area.table ? `(SELECT code FROM ${area.table})` : literal(area.code);
		// England's total always has its row, and takes every row of a table of regions.
		const england = `${code} = ${literal(ENGLAND.code)}`;
		const having = `HAVING count(*) > 0 OR ${england}`;
		return {
			code,
			groupBy: (...keys) => (keys.length ? `GROUP BY ${keys.join(', ')}` : having),
			having,
			codes: `(SELECT ${code} AS region_code)`,
			within: `(${england} OR ${column} = ${code})`
		};
	}
	return {
		code: `coalesce(${column}, ${literal(ENGLAND.code)})`,
		groupBy: (...keys) => `GROUP BY GROUPING SETS ((${[...keys, column].join(', ')}), (${keys.join(', ')}))`,
		having: '',
		codes: `(SELECT unnest(${literalList([ENGLAND.code, ...regions.map((r) => r.code)])}) AS region_code)`,
		within: 'TRUE'
	};
}
