// Stage: success measures — every measure in data/reference/success-measures.json, per wave
// (the reported one and those before it), nationally and by region: value, 95% interval for shares,
// target, red/amber/green status and change since the previous wave.
import type { DuckDBConnection } from '@duckdb/node-api';
import { protect, type FigureSpec, type MeanSpec } from '../disclosure/protect';
import { ratingColumns, type SuccessMeasure } from '../core/reference';
import { published, withColumns, type PipelineContext, type PublishedTable, type WorkforceScope } from '../core/context';
import { workforceSql } from './coverage';
import { literal, rows, textOrder } from '../core/sql';
import { RATING_SENSITIVITY } from '../disclosure/perturbation';
import { col, countOf, keySumOf, regionGroups, unpacked, type Area, type CubeRelation } from '../core/cube';

/** One sum over cube rows a measure's statistics come from: a count packed with its key sum (cube.ts),
 *  published as `as` and `${as}_key`, or a plain sum published as `as`. */
type Sum = { column: string; as: string; packed: boolean };
const counted = (column: string, as: string): Sum => ({ column, as, packed: true });
const plain = (column: string, as: string): Sum => ({ column, as, packed: false });

/** The sums of a share, mean or MWDS measure. */
function measureSums(m: SuccessMeasure): Sum[] {
	const base = counted('respondents', 'base');
	switch (m.kind) {
		case 'share':
			return [counted(col(m.id, 'numerator'), 'numerator'), counted(col(m.id, 'base'), 'base')];
		case 'mean':
			// The mean of each person's mean rating: their total over the number of competencies.
			return [base, plain(col(m.id, 'sum'), 'total_sum'), counted(col(m.id, 'n'), 'total_n')];
		case 'mwds':
			return [
				base,
				...ratingColumns().flatMap((r) => [
					counted(col(r.competency, 'raters'), `${r.competency}_n`),
					plain(col(r.competency, 'importance_sum'), `${r.competency}_imp`),
					plain(col(r.competency, 'confidence_sum'), `${r.competency}_conf`),
					counted(col(r.competency, 'importance_n'), `${r.competency}_impn`),
					plain(col(r.competency, 'importance_all_sum'), `${r.competency}_impall`)
				])
			];
		case 'coverage':
			throw new Error('Coverage is counted against the workforce: see coverageSql');
	}
}

/** The respondents of each wave and region (England and each region, or the cube's one area) against
 *  the workforce: the coverage measure's raw statistics, which disclosure control turns into its value. */
function coverageSql(m: SuccessMeasure, cube: CubeRelation, workforceCsv: string, workforce?: WorkforceScope, area?: Area): string {
	const regions = regionGroups(area);
	const workforceRegions = regionGroups(area, 'region_code');
	// The workforce is a public denominator; it carries the respondents' key only because every
	// count does (its perturbation, at most 2 in thousands, is immaterial).
	return `SELECT a.*, w.workforce AS base, a.numerator_key AS base_key
		FROM (SELECT wave_id, ${regions.code} AS region_code, ${literal(m.id)} AS measure_id,
			${countOf('sum(respondents)')} AS numerator, ${keySumOf('sum(respondents)')} AS numerator_key
			FROM ${cube} ${regions.groupBy('wave_id')}) a
		JOIN (SELECT ${workforceRegions.code} AS region_code, sum(workforce)::INTEGER AS workforce
			FROM ${workforceSql(workforceCsv, workforce)} WHERE ${workforceRegions.within}
			${workforceRegions.groupBy()}) w USING (region_code)`;
}

type MeasureRow = Record<string, unknown> & { wave_id: string; region_code: string; measure_id: string; kind: string };
type Statistics = Record<string, unknown> & Pick<MeasureRow, 'wave_id' | 'region_code' | 'measure_id'>;

/** Every measure's statistics per wave and region, one row per measure, wave and region, each with
 *  `kind` and `rating` and every measure kind's columns (null where not its own), ordered by measure,
 *  region and wave. The share, mean and MWDS measures come from one pass over the cube (one query, its
 *  sums as one list: one column of the result rather than a hundred; BENCHMARKS.md, thirteenth
 *  sitting), coverage from its own. */
export async function measureStatisticsOf(
	c: DuckDBConnection,
	measures: SuccessMeasure[],
	cube: CubeRelation,
	workforceCsv: string,
	workforce?: WorkforceScope,
	area?: Area
): Promise<MeasureRow[]> {
	const pooled: SuccessMeasure[] = measures.filter((m) => m.kind !== 'coverage');
	const sums = pooled.map(measureSums);
	const regions = regionGroups(area);
	const groups = pooled.length
		? await rows<{ wave_id: string; region_code: string; sums: Array<bigint | null> }>(
				c,
				`SELECT wave_id, ${regions.code} AS region_code, [${sums
					.flat()
					.map((s) => `sum(${s.column})::BIGINT`)
					.join(', ')}] AS sums FROM ${cube} ${regions.groupBy('wave_id')}`
			)
		: [];
	// Where each pooled measure's sums start in a group's list.
	const starts = sums.map((_, k) => sums.slice(0, k).reduce((n, list) => n + list.length, 0));
	const parts: MeasureRow[][] = await Promise.all(
		measures.map(async (m) => {
			const k = pooled.indexOf(m);
			const data =
				k < 0
					? await rows<Statistics>(c, coverageSql(m, cube, workforceCsv, workforce, area))
					: groups.map((g) => {
							const r: Statistics = { wave_id: g.wave_id, region_code: g.region_code, measure_id: m.id };
							sums[k].forEach((s, i) => {
								const value = g.sums[starts[k] + i];
								if (!s.packed) r[s.as] = value === null ? null : Number(value);
								else [r[s.as], r[`${s.as}_key`]] = value === null ? [null, null] : unpacked(value);
							});
							return r;
						});
			return data.map((r) => ({ kind: m.kind, rating: m.kind === 'mean' ? m.rating : '', ...r }) as MeasureRow);
		})
	);
	// Every kind's columns on every row, in the order they first appear, as a UNION ALL BY NAME gives them.
	const columns = [...new Set(parts.flatMap((p) => p.flatMap((r) => Object.keys(r))))];
	// Ordered by measure, region and wave, as the query's ORDER BY did (codes compare as plain text).
	const order = (r: MeasureRow) => `${r.measure_id}\u0000${r.region_code}\u0000${r.wave_id}`;
	return parts
		.flat()
		.map((r) => [order(r), withColumns(r, columns)] as const)
		.sort(([a], [b]) => textOrder(a, b))
		.map(([, r]) => r);
}

type Figures = Record<string, unknown> & { wave_id: string; region_code: string; measure_id: string };

/** Means of the mean and MWDS kinds, from noisy sums (the same noise as the needs tables' means over
 *  the same people, since the variable and the people are the same). */
export function meanFigures(
	competencies: Array<{ competency: string; importance: string; confidence: string }>
): Pick<FigureSpec<Figures>, 'means' | 'derived'> {
	// A person's total over every competency moves by up to 4 per competency.
	const means: MeanSpec<Figures>[] = [
		{
			column: 'person_total',
			sum: 'total_sum',
			n: 'total_n',
			variable: (r) => `person_total:${String(r.rating)}`,
			sensitivity: RATING_SENSITIVITY * competencies.length
		}
	];
	for (const c of competencies) {
		means.push(
			{
				column: `${c.competency}_i`,
				sum: `${c.competency}_imp`,
				n: `${c.competency}_n`,
				variable: c.importance,
				sensitivity: RATING_SENSITIVITY
			},
			{
				column: `${c.competency}_c`,
				sum: `${c.competency}_conf`,
				n: `${c.competency}_n`,
				variable: c.confidence,
				sensitivity: RATING_SENSITIVITY
			},
			{
				column: `${c.competency}_w`,
				sum: `${c.competency}_impall`,
				n: `${c.competency}_impn`,
				variable: c.importance,
				sensitivity: RATING_SENSITIVITY
			}
		);
	}
	const mwds = (m: Record<string, number | null>) => {
		const scores = competencies.map((c) =>
			m[`${c.competency}_i`] === null || m[`${c.competency}_c`] === null || m[`${c.competency}_w`] === null
				? null
				: (m[`${c.competency}_i`]! - m[`${c.competency}_c`]!) * m[`${c.competency}_w`]!
		);
		return scores.some((s) => s === null) ? null : scores.reduce((a, b) => a! + b!, 0)! / scores.length;
	};
	return {
		means,
		derived: [
			{
				column: 'mean',
				from: (m, r) =>
					r.kind === 'mean' ? (m.person_total === null ? null : m.person_total / competencies.length) : r.kind === 'mwds' ? mwds(m) : null
			}
		]
	};
}

/** The answer a share measure counts, the same name wherever its share is published (change, region
 *  comparison, weighting, breakdowns), so the same people get the same noise. Coverage's numerator is
 *  the respondents themselves over the workforce: not an answer. */
export const measureAnswer = (r: { kind?: unknown; measure_id?: unknown }) =>
	r.kind === 'share' ? `measure:${String(r.measure_id)}` : null;

export type Rag = 'green' | 'amber' | 'red';

/** Red/amber/green against the wave's target: green when met, amber within `amberWithin`, else red. */
export function ragStatus(
	m: Pick<SuccessMeasure, 'direction' | 'amberWithin'>,
	value: number | null,
	target: number | undefined
): Rag | null {
	if (value === null || target === undefined) return null;
	const shortfall = m.direction === 'higher' ? target - value : value - target;
	return shortfall <= 0 ? 'green' : shortfall <= m.amberWithin ? 'amber' : 'red';
}

const round = (v: number, places: number) => Math.round(v * 10 ** places) / 10 ** places;

export async function successMeasures(c: DuckDBConnection, ctx: PipelineContext): Promise<PublishedTable[]> {
	const figures = (await measureStatisticsOf(c, ctx.measures, ctx.cube, ctx.workforceCsv, ctx.workforce, ctx.area)) as Figures[];
	const ratings = ratingColumns();
	const safe = protect<Figures>(
		figures.map((f) => ({ ...f, wave: f.wave_id })),
		{
			// Base first: means and needs scores rest on the respondents in the base. (Coverage's base is
			// the workforce, so there its numerator is the count of respondents; both pass the rule.)
			counts: ['base', 'numerator'],
			...meanFigures(ratings),
			shares: [{ column: 'share', numerator: 'numerator', denominator: 'base', low: 'ci_low', high: 'ci_high', answer: measureAnswer }],
			keepUnrounded: true
		},
		ctx.rule
	);
	const byMeasure = new Map(ctx.measures.map((m) => [m.id, m]));
	const waveOrder = ctx.waves.map((w) => w.id);
	const isMean = (r: (typeof safe)[number]) => ['mean', 'mwds'].includes(byMeasure.get(String(r.measure_id))!.kind);
	const value = (r: (typeof safe)[number]) => (isMean(r) ? r.mean : r.share) as number | null;
	const key = (wave: string, region: string, measure: string) => `${wave}|${region}|${measure}`;
	const values = new Map(safe.map((r) => [key(String(r.wave), String(r.region_code), String(r.measure_id)), value(r)]));
	const out = safe.map((r) => {
		const m = byMeasure.get(String(r.measure_id))!;
		// Coverage of a sector or specialty has no denominator: no value, so no status either (never a false red).
		const v = m.kind === 'coverage' && ctx.workforce?.unavailable ? null : value(r);
		// The status from the figure before rounding: a true 9.95% is short of a 10% target, not on it.
		const unrounded = v === null ? null : ((isMean(r) ? r['mean:unrounded'] : r['share:unrounded']) as number | null);
		const previousWave = waveOrder[waveOrder.indexOf(String(r.wave)) - 1] ?? null;
		const previous = previousWave ? (values.get(key(previousWave, String(r.region_code), m.id)) ?? null) : null;
		const target = m.targets[String(r.wave)];
		return {
			...r,
			aim: m.aim,
			name: m.name,
			unit: m.unit,
			direction: m.direction,
			value: v === null ? null : round(v, m.kind === 'share' || m.kind === 'coverage' ? 1 : 2),
			ci_low: m.kind === 'share' ? r.ci_low : null,
			ci_high: m.kind === 'share' ? r.ci_high : null,
			target: target ?? null,
			rag: ragStatus(m, unrounded, target),
			previous_wave: previousWave,
			previous_value: previous,
			change: v !== null && previous !== null ? round(v - previous, 2) : null
		};
	});
	return [
		published(
			'success_measures',
			'Success measures by wave and region against their targets',
			{
				wave: 'VARCHAR',
				region_code: 'VARCHAR',
				measure_id: 'VARCHAR',
				aim: 'INTEGER',
				name: 'VARCHAR',
				unit: 'VARCHAR',
				direction: 'VARCHAR',
				value: 'DOUBLE',
				ci_low: 'DOUBLE',
				ci_high: 'DOUBLE',
				base: 'INTEGER',
				target: 'DOUBLE',
				rag: 'VARCHAR',
				previous_wave: 'VARCHAR',
				previous_value: 'DOUBLE',
				change: 'DOUBLE',
				suppressed: 'BOOLEAN'
			},
			out
		)
	];
}
