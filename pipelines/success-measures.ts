// Stage: success measures — every measure in data/reference/success-measures.json, per wave
// (the reported one and those before it), nationally and by region: value, 95% interval for shares,
// target, red/amber/green status and change since the previous wave.
import type { DuckDBConnection } from '@duckdb/node-api';
import { protect } from './disclosure';
import { ENGLAND, ratingColumns, type SuccessMeasure } from './reference';
import { published, type PipelineContext, type PublishedTable } from './context';
import { literal, rows } from './sql';
import { col, type CubeRelation } from './cube';

/** The figures of one measure per wave and region: numerator and base (people) or a mean over base. */
function measureSql(m: SuccessMeasure, cube: CubeRelation, workforceCsv: string): string {
	const groups = `GROUP BY GROUPING SETS ((wave_id, region), (wave_id))`;
	const region = `coalesce(region, '${ENGLAND.code}')`;
	const mean = (sum: string, n: string) => `(sum(${sum}) / nullif(sum(${n}), 0))`;
	switch (m.kind) {
		case 'share':
			return `SELECT wave_id, ${region} AS region_code, ${literal(m.id)} AS measure_id,
				sum(${col(m.id, 'numerator')})::INTEGER AS numerator, sum(${col(m.id, 'base')})::INTEGER AS base, NULL::DOUBLE AS mean
				FROM ${cube} ${groups}`;
		case 'mean':
			// The mean of each person's mean rating: their total over the number of competencies.
			return `SELECT wave_id, ${region} AS region_code, ${literal(m.id)} AS measure_id, NULL::INTEGER AS numerator,
				sum(respondents)::INTEGER AS base, (${mean(col(m.id, 'sum'), col(m.id, 'n'))} / ${ratingColumns().length})::DOUBLE AS mean
				FROM ${cube} ${groups}`;
		case 'mwds': {
			const scores = ratingColumns().map((r) => `${mean(col(r.competency, 'discrepancy_sum'), col(r.competency, 'raters'))} * ${mean(col(r.competency, 'importance_all_sum'), col(r.competency, 'importance_n'))}`);
			return `SELECT wave_id, ${region} AS region_code, ${literal(m.id)} AS measure_id, NULL::INTEGER AS numerator,
				sum(respondents)::INTEGER AS base, ((${scores.join(' + ')}) / ${scores.length})::DOUBLE AS mean
				FROM ${cube} ${groups}`;
		}
		case 'coverage':
			return `SELECT a.wave_id, a.region_code, ${literal(m.id)} AS measure_id, a.numerator, w.workforce AS base, NULL::DOUBLE AS mean
				FROM (SELECT wave_id, ${region} AS region_code, sum(respondents)::INTEGER AS numerator FROM ${cube} ${groups}) a
				JOIN (SELECT coalesce(region_code, '${ENGLAND.code}') AS region_code, sum(workforce)::INTEGER AS workforce
					FROM read_csv(${literal(workforceCsv)}, comment = '#', delim = ',', header = true, auto_detect = false, columns = {'region_code': 'VARCHAR', 'staff_group': 'VARCHAR', 'workforce': 'INTEGER'})
					GROUP BY GROUPING SETS ((region_code), ())) w USING (region_code)`;
	}
}

export const SUCCESS_MEASURES_SQL = (measures: SuccessMeasure[], cube: CubeRelation, workforceCsv: string) =>
	`${measures.map((m) => measureSql(m, cube, workforceCsv)).join('\nUNION ALL\n')}\nORDER BY measure_id, region_code, wave_id`;

type Figures = { wave_id: string; region_code: string; measure_id: string; numerator: number | null; base: number; mean: number | null };

export type Rag = 'green' | 'amber' | 'red';

/** Red/amber/green against the wave's target: green when met, amber within `amberWithin`, else red. */
export function ragStatus(m: Pick<SuccessMeasure, 'direction' | 'amberWithin'>, value: number | null, target: number | undefined): Rag | null {
	if (value === null || target === undefined) return null;
	const shortfall = m.direction === 'higher' ? target - value : value - target;
	return shortfall <= 0 ? 'green' : shortfall <= m.amberWithin ? 'amber' : 'red';
}

const round = (v: number, places: number) => Math.round(v * 10 ** places) / 10 ** places;

export async function successMeasures(c: DuckDBConnection, ctx: PipelineContext): Promise<PublishedTable[]> {
	const figures = await rows<Figures>(c, SUCCESS_MEASURES_SQL(ctx.measures, ctx.cube, ctx.workforceCsv));
	const safe = protect(
		figures.map((f) => ({ ...f, wave: f.wave_id })),
		{
			// Base first: means and needs scores rest on the respondents in the base. (Coverage's base is
			// the workforce, so there its numerator is the count of respondents; both pass the rule.)
			counts: ['base', 'numerator'],
			means: ['mean'],
			shares: [{ column: 'share', numerator: 'numerator', denominator: 'base', low: 'ci_low', high: 'ci_high' }],
			lines: [{ by: ['wave', 'measure_id'], where: (r) => r.region_code !== ENGLAND.code }]
		},
		ctx.rule
	);
	const byMeasure = new Map(ctx.measures.map((m) => [m.id, m]));
	const order = ctx.waves.map((w) => w.id);
	const isMean = (r: (typeof safe)[number]) => ['mean', 'mwds'].includes(byMeasure.get(String(r.measure_id))!.kind);
	const value = (r: (typeof safe)[number]) => ((isMean(r) ? r.mean : r.share) as number | null);
	const key = (wave: string, region: string, measure: string) => `${wave}|${region}|${measure}`;
	const values = new Map(safe.map((r) => [key(String(r.wave), String(r.region_code), String(r.measure_id)), value(r)]));
	const out = safe.map((r) => {
		const m = byMeasure.get(String(r.measure_id))!;
		const v = value(r);
		const previousWave = order[order.indexOf(String(r.wave)) - 1] ?? null;
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
			rag: ragStatus(m, v, target),
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
				wave: 'VARCHAR', region_code: 'VARCHAR', measure_id: 'VARCHAR', aim: 'INTEGER', name: 'VARCHAR', unit: 'VARCHAR', direction: 'VARCHAR',
				value: 'DOUBLE', ci_low: 'DOUBLE', ci_high: 'DOUBLE', numerator: 'INTEGER', base: 'INTEGER', target: 'DOUBLE', rag: 'VARCHAR',
				previous_wave: 'VARCHAR', previous_value: 'DOUBLE', change: 'DOUBLE', suppressed: 'BOOLEAN'
			},
			out
		)
	];
}
