// Stage: Locus for Focus — each competency placed by its mean importance against its mean
// discrepancy (importance − confidence), within each group that has an MWDS ranking, and split at
// the group's means of those two figures into four quadrants (Mink, Shultz & Mink 1991; used beside
// the Borich ranking as in Narine & Harder 2021). High importance with high discrepancy is the
// "Training priority". Method and worked example: docs/needs-assessment.md.
//
// Made from the published (protected) needs tables of the same run, so it can reveal nothing they do
// not, and costs no query: the batch run and the dashboard call it on the tables they already have.
import { published, type PublishedTable } from '../core/context';
import { MWDS_COLUMNS, RANK_COLUMNS } from './needs';

export const QUADRANTS = {
	priority: 'Training priority',
	maintain: 'Maintain',
	secondary: 'Secondary priority',
	low: 'Low priority'
} as const;

export type Quadrant = (typeof QUADRANTS)[keyof typeof QUADRANTS];

/** The quadrant of a competency against the group's split points; a figure at the split counts as high. */
export function quadrantOf(importance: number, discrepancy: number, importanceSplit: number, discrepancySplit: number): Quadrant {
	const important = importance >= importanceSplit;
	const gap = discrepancy >= discrepancySplit;
	return important ? (gap ? QUADRANTS.priority : QUADRANTS.maintain) : gap ? QUADRANTS.secondary : QUADRANTS.low;
}

type NeedsRow = Record<string, unknown> & { mean_importance: number | null; mean_discrepancy: number | null };

const round = (v: number) => Math.round(v * 1000) / 1000;

/** The fewest scored competencies that make quadrants mean anything: with one or two, the split at
 *  their own means calls half of them (or all, when equal) a "Training priority". */
export const MIN_LOCUS_COMPETENCIES = 3;

/** Locus for Focus of rows grouped by `groupOf`: split points are the means, over the group's
 *  published competencies, of mean importance and of mean discrepancy, so quadrants are relative to the
 *  group. Suppressed or unscored competencies take no part in the split and get no quadrant; a group
 *  with fewer than MIN_LOCUS_COMPETENCIES scored, or whose figures do not differ, gets no quadrants. */
export function locusForFocusOf<R extends NeedsRow>(data: R[], groupOf: (r: R) => string) {
	const groups = new Map<string, R[]>();
	for (const r of data) (groups.get(groupOf(r)) ?? groups.set(groupOf(r), []).get(groupOf(r))!).push(r);
	return [...groups.values()].flatMap((members) => {
		const scored = members.filter((r) => r.mean_importance !== null && r.mean_discrepancy !== null);
		const varies = (f: (r: R) => number) => new Set(scored.map(f)).size > 1;
		const usable = scored.length >= MIN_LOCUS_COMPETENCIES && varies((r) => r.mean_importance!) && varies((r) => r.mean_discrepancy!);
		const mean = (f: (r: R) => number) => (usable ? scored.reduce((s, r) => s + f(r), 0) / scored.length : null);
		const importanceSplit = mean((r) => r.mean_importance!);
		const discrepancySplit = mean((r) => r.mean_discrepancy!);
		return members.map((r) => {
			const placed = r.mean_importance !== null && r.mean_discrepancy !== null && importanceSplit !== null && discrepancySplit !== null;
			return {
				...r,
				importance_split: importanceSplit === null ? null : round(importanceSplit),
				discrepancy_split: discrepancySplit === null ? null : round(discrepancySplit),
				quadrant: placed ? quadrantOf(r.mean_importance!, r.mean_discrepancy!, importanceSplit!, discrepancySplit!) : null
			};
		});
	});
}

/** Which needs table holds each dimension's ranking, and the column naming its group. */
const SOURCES = [
	{ table: 'needs_by_competency_region', dimension: 'region', column: 'region_code' },
	{ table: 'needs_by_competency_sector', dimension: 'sector', column: 'sector' },
	{ table: 'needs_by_competency_staff_group', dimension: 'staff_group', column: 'staff_group' },
	{ table: 'needs_by_competency_specialty', dimension: 'specialty', column: 'specialty' }
] as const;

/** The locus_for_focus table from published needs tables (those present among `tables`). */
export function locusForFocusTable(tables: PublishedTable[]): PublishedTable {
	const data = SOURCES.flatMap(({ table, dimension, column }) =>
		(tables.find((t) => t.name === table)?.rows ?? []).map(
			(r) => ({ ...r, dimension, group_code: r[column] }) as NeedsRow & { dimension: string; group_code: unknown }
		)
	);
	return published(
		'locus_for_focus',
		'Locus for Focus: mean importance against mean discrepancy per competency, split at the group\'s own means (quadrants are relative to the group); "Training priority" is high importance with high discrepancy',
		{
			wave: 'VARCHAR',
			dimension: 'VARCHAR',
			group_code: 'VARCHAR',
			competency: 'VARCHAR',
			respondents: 'INTEGER',
			mean_importance: 'DOUBLE',
			mean_discrepancy: 'DOUBLE',
			...MWDS_COLUMNS,
			...RANK_COLUMNS,
			importance_split: 'DOUBLE',
			discrepancy_split: 'DOUBLE',
			quadrant: 'VARCHAR',
			suppressed: 'BOOLEAN'
		},
		locusForFocusOf(data, (r) => `${r.dimension}|${String(r.group_code)}`)
	);
}
