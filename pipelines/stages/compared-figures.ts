// The figures compared between two groups of people (a wave against the one before it, a region
// against the rest of England): each share-kind and mean-kind success measure, and each competency's
// mean confidence. One set of cube aggregates and one disclosure spec serve change.ts and
// region-comparison.ts, so both publish a figure exactly as success_measures and the needs tables do
// (same variable, same people: same noise), with the spread Welch's interval needs.
import { protect, type DisclosureRule } from '../disclosure/protect';
import { competencyName, ratingColumns, type SuccessMeasure } from '../core/reference';
import { col, PACKED } from '../core/cube';
import { ANSWER_SENSITIVITY, RATING_MIDPOINT, RATING_SENSITIVITY, SQUARE_SENSITIVITY } from '../disclosure/perturbation';
import { shareDecimals } from '../core/figures';
import { newcombe, populationSd, sampleSd, welch, type Interval } from '../stats/intervals';
import { rowsOfSums } from '../core/sql';
import type { DuckDBConnection } from '@duckdb/node-api';

export interface ComparedItem {
	item_kind: 'measure' | 'competency';
	/** Success measure id, or competency code. */
	item_id: string;
	name: string;
	unit: string;
	method: 'Newcombe' | 'Welch';
	/** Aggregates over cube rows, each BIGINT, with their names prefixed with `p` (see ItemStatistics). */
	aggregates: (p: string) => Array<[sql: string, name: string]>;
}

/** Aggregates over cube rows: counts with their key sums, and sums for means. */
export type ItemStatistics = {
	item_id: string;
	numerator: number | null;
	numerator_key: number | null;
	base: number;
	base_key: number;
	total_sum: number | null;
	total_sq_sum: number | null;
};

/** Counts stay packed with their key sums (cube.ts) until byItem: packed sums add and subtract, so a
 *  larger group (England, the rest of England) is the sum or difference of smaller ones. */
const counted = (column: string, as: string): [string, string] => [`coalesce(sum(${column}), 0)::BIGINT`, as];
const summed = (column: string, as: string): [string, string] => [`sum(${column})::BIGINT`, as];

/** Share and mean measures (MWDS and coverage have no sampling interval here: docs/intervals.md), then
 *  each competency's mean confidence. */
export function comparedItems(measures: SuccessMeasure[]): ComparedItem[] {
	const out: ComparedItem[] = [];
	for (const m of measures) {
		if (m.kind === 'share')
			out.push({
				item_kind: 'measure',
				item_id: m.id,
				name: m.name,
				unit: '%',
				method: 'Newcombe',
				aggregates: (p) => [counted(col(m.id, 'numerator'), `${p}numerator`), counted(col(m.id, 'base'), `${p}base`)]
			});
		else if (m.kind === 'mean')
			out.push({
				item_kind: 'measure',
				item_id: m.id,
				name: m.name,
				unit: m.unit,
				method: 'Welch',
				aggregates: (p) => [
					counted(col(m.id, 'n'), `${p}base`),
					summed(col(m.id, 'sum'), `${p}total_sum`),
					summed(col(m.id, 'sq_sum'), `${p}total_sq_sum`)
				]
			});
	}
	for (const r of ratingColumns())
		out.push({
			item_kind: 'competency',
			item_id: r.competency,
			name: `Mean confidence: ${competencyName(r.competency)}`,
			unit: 'score 1–5',
			method: 'Welch',
			aggregates: (p) => [
				counted(col(r.competency, 'raters'), `${p}base`),
				summed(col(r.competency, 'confidence_sum'), `${p}total_sum`),
				summed(col(r.competency, 'confidence_sq_sum'), `${p}total_sq_sum`)
			]
		});
	return out;
}

/** One pass over the cube for every item: `select` gives the grouping columns, `rest` the FROM … GROUP BY;
 *  each item's aggregates are prefixed `i<k>:` in the rows. */
export const itemRows = (c: DuckDBConnection, items: ComparedItem[], select: string, rest: string) =>
	rowsOfSums(
		c,
		select,
		items.flatMap((item, k) => item.aggregates(`i${k}:`)),
		rest
	);

type Wide = Record<string, unknown>;

/** Adds (sign 1) or takes away (sign −1) the statistics of wide rows; grouping columns come from `head`. */
export function combine(rows: Wide[], head: Wide, sign: 1 | -1 = 1): Wide {
	const out: Wide = { ...head };
	rows.forEach((r, i) => {
		for (const [k, v] of Object.entries(r)) {
			if (!k.startsWith('i') || !k.includes(':') || v === null) continue;
			out[k] = Number(out[k] ?? 0) + (i === 0 ? 1 : sign) * Number(v);
		}
	});
	return out;
}

/** The wide rows of itemsSql as one row per group and item, counts unpacked, grouping columns kept. */
export function byItem<G extends Record<string, unknown>>(
	wide: Wide[],
	items: ComparedItem[],
	groups: Array<keyof G & string>
): Array<G & ItemStatistics> {
	const unpack = (v: unknown) => (v === null || v === undefined ? [null, null] : [Math.floor(Number(v) / PACKED), Number(v) % PACKED]);
	return items.flatMap((item, k) =>
		wide.map((w) => {
			const row: Record<string, unknown> = { item_id: item.item_id };
			for (const g of groups) row[g] = w[g];
			[row.numerator, row.numerator_key] = unpack(w[`i${k}:numerator`]);
			[row.base, row.base_key] = unpack(w[`i${k}:base`] ?? 0);
			row.total_sum = w[`i${k}:total_sum`] ?? null;
			row.total_sq_sum = w[`i${k}:total_sq_sum`] ?? null;
			return row as G & ItemStatistics;
		})
	);
}

/** What is summed, for the noise: the same names success-measures.ts and needs.ts give the same sums. */
function variableOf(measures: SuccessMeasure[]) {
	const confidence = new Map(ratingColumns().map((r) => [r.competency, r.confidence]));
	const rating = new Map(measures.flatMap((m) => (m.kind === 'mean' ? [[m.id, m.rating] as const] : [])));
	return (id: string) => (rating.has(id) ? `person_total:${rating.get(id)}` : confidence.get(id)!);
}

/** A mean-kind measure is each person's mean over the competencies: their total over this. */
function divisorOf() {
	const competencies = ratingColumns();
	const codes = new Set(competencies.map((r) => r.competency));
	return (id: string) => (codes.has(id) ? 1 : competencies.length);
}

/** Disclosure control for compared figures: the mean and the mean square about the scale's middle
 *  are noisy means over the same people; the standard deviation is derived from them, never from
 *  exact sums. A mean-kind measure's person is their mean over the competencies (total ÷ divisor),
 *  so one person moves the sum of squares by at most 4 on either kind. */
export function comparedFigures<R extends ItemStatistics>(data: R[], measures: SuccessMeasure[], rule: DisclosureRule) {
	const variable = variableOf(measures);
	const divisor = divisorOf();
	// Σ(x/d − 3)² = Σx²/d² − 6Σx/d + 9n, from the exact sums, before any noise.
	const centred = data.map((r) => {
		const d = divisor(r.item_id);
		const squares =
			r.total_sq_sum === null || r.total_sum === null
				? null
				: Number(r.total_sq_sum) / (d * d) -
					(2 * RATING_MIDPOINT * Number(r.total_sum)) / d +
					RATING_MIDPOINT * RATING_MIDPOINT * Number(r.base);
		return { ...r, total_sq_sum: squares };
	});
	return protect<R>(
		centred,
		{
			counts: ['base', 'numerator'],
			means: [
				{
					column: 'mean_total',
					sum: 'total_sum',
					n: 'base',
					variable: (r) => variable(r.item_id),
					sensitivity: (r) => RATING_SENSITIVITY * divisor(r.item_id)
				},
				{
					column: 'mean_square',
					sum: 'total_sq_sum',
					n: 'base',
					variable: (r) => `${variable(r.item_id)}:squares`,
					sensitivity: SQUARE_SENSITIVITY
				}
			],
			derived: [
				{ column: 'mean', from: (m, r) => (m.mean_total === null ? null : m.mean_total / divisor(r.item_id)) },
				{
					column: 'sd',
					from: (m, r) =>
						m.mean_total === null ? NaN : (populationSd(m.mean_total / divisor(r.item_id) - RATING_MIDPOINT, m.mean_square) ?? NaN)
				}
			],
			// The same answer name as success_measures, so the same people get the same noise.
			shares: [
				{
					column: 'share',
					numerator: 'numerator',
					denominator: 'base',
					answer: (r) => (r.numerator === null ? null : `measure:${r.item_id}`)
				}
			]
		},
		rule
	);
}

export type ComparedFigure = ReturnType<typeof comparedFigures<ItemStatistics>>[number];

/** The published value: a percentage for shares (1 decimal), a mean otherwise (2 decimals). */
export const valueOf = (item: ComparedItem, f: ComparedFigure | undefined): number | null =>
	f === undefined || f.suppressed ? null : ((item.method === 'Newcombe' ? f.share : f.mean) as number | null);

const round = (v: number, places: number) => Math.round(v * 10 ** places) / 10 ** places;

/** The fewest people on either side for a verdict: below it, sampling error and disclosure noise
 *  together leave an interval too wide to say anything (docs/intervals.md, "Noise-aware verdicts"). */
export const MIN_VERDICT_BASE = 20;

const Z95 = 1.959963984540054;

/** The 95% interval for a − b from published figures only (published bases, shares and noisy means
 *  and spreads), in the figure's unit: percentage points for shares. The disclosure noise is public,
 *  so its variance is added to each side's (saying so leaks nothing): a share's count carries noise
 *  of sd `answerNoiseScale` × 2, a mean's sum `noiseScale` × 4 on the person's scale. */
export function compare(
	item: ComparedItem,
	a: ComparedFigure | undefined,
	b: ComparedFigure | undefined,
	rule: DisclosureRule
): Interval | null {
	if (!a || !b || a.suppressed || b.suppressed) return null;
	const [n1, n2] = [Number(a.base), Number(b.base)];
	if (n1 < MIN_VERDICT_BASE || n2 < MIN_VERDICT_BASE) return null;
	const noisy = rule.perturbation !== null;
	if (item.method === 'Newcombe') {
		// The published share of the published base: the numerator is never published on its own.
		if (a.share === null || b.share === null) return null;
		const i = newcombe((Number(a.share) / 100) * n1, n1, (Number(b.share) / 100) * n2, n2);
		if (!i) return null;
		// Newcombe's limits widened by the noise on each share, (σ/n)², σ in people.
		const sigma = noisy ? rule.answerNoiseScale * ANSWER_SENSITIVITY : 0;
		const noise = Z95 ** 2 * ((sigma / n1) ** 2 + (sigma / n2) ** 2);
		const low = i.difference - Math.sqrt((i.difference - i.low) ** 2 + noise);
		const high = i.difference + Math.sqrt((i.high - i.difference) ** 2 + noise);
		// Points to the decimals the smaller side's share is given to.
		const places = shareDecimals(Math.min(n1, n2));
		return { difference: round(100 * i.difference, places), low: round(100 * low, places), high: round(100 * high, places) };
	}
	if (a.mean === null || b.mean === null || a.sd === null || b.sd === null) return null;
	// Each side's spread widened so that its variance of the mean gains the noise's, (σ/n)²: also a
	// floor, so a group with no spread still gets an interval as wide as the noise.
	const sigma = noisy ? rule.noiseScale * RATING_SENSITIVITY : 0;
	const spread = (sd: number | null, n: number) => (sd === null ? null : Math.sqrt(sd * sd + (sigma * sigma) / n));
	const sd1 = spread(sampleSd(Number(a.sd), n1), n1);
	const sd2 = spread(sampleSd(Number(b.sd), n2), n2);
	const i = sd1 === null || sd2 === null ? null : welch(Number(a.mean), sd1, n1, Number(b.mean), sd2, n2);
	return i && { difference: round(i.difference, 2), low: round(i.low, 2), high: round(i.high, 2) };
}
