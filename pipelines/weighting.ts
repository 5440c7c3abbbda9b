// Stage: weighting to the workforce — respondents are not a random sample of the workforce
// (pharmacists answer more than support staff), so each success measure and each competency's mean
// importance, confidence and MWDS is also given weighted to the workforce, beside the unweighted
// figure. Method (docs/weighting.md): post-stratification by region × staff group, weight =
// N_cell / n_cell from the workforce denominators; raking (iterative proportional fitting, Deming and
// Stephan 1940) to the region and staff-group totals when a cell is empty, a cell with fewer
// respondents than the disclosure threshold counting as empty; Kish's effective sample size.
// Weights are constant within a cell, so weighted figures come from the cube summed to region × staff
// group. Every input is a protected figure (published cell counts, noisy means): never an exact one.
import type { DuckDBConnection } from '@duckdb/node-api';
import { isHidden, perturbedMean, perturbedShare, protect, publishedCount, roundCount, type DisclosureRule } from './disclosure';
import { RATING_SENSITIVITY } from './perturbation';
import { competencyName, ENGLAND, ratingColumns, regionName, staffGroupName, type SuccessMeasure } from './reference';
import { published, type PipelineContext, type PublishedTable } from './context';
import { rows } from './sql';
import { col, countOf, keySumOf, PACKED, type CubeRelation } from './cube';
import { workforceSql } from './coverage';

export interface Cell {
	region_code: string;
	staff_group: string;
	/** Workforce denominator; null when the reference data has none for this cell. */
	workforce: number | null;
	/** Respondents as published (null when suppressed). */
	respondents: number | null;
}

export interface Weighting {
	method: 'post-stratification' | 'raking';
	iterations: number;
	converged: boolean;
	/** Weight of each cell, by `${region}|${staff group}`; null for a cell left out. */
	weights: Map<string, number | null>;
	/** Cells with a workforce but fewer respondents than the threshold: empty, raked over. */
	empty: Cell[];
	/** Workforce no weight can reach: its region or staff group has no usable cell at all. */
	unrepresented: Cell[];
	/** Respondents with no workforce figure for their cell: left out of weighted figures. */
	withoutWorkforce: Cell[];
}

const cellKey = (region: string, staffGroup: string) => `${region}|${staffGroup}`;
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** Weights for every cell: post-stratified when every cell with a workforce has at least `threshold`
 *  respondents, otherwise raked to the region and staff-group totals over the cells that have. */
export function weightsFor(cells: Cell[], threshold: number, tolerance = 1e-9, maxIterations = 1000): Weighting {
	const weights = new Map<string, number | null>(cells.map((c) => [cellKey(c.region_code, c.staff_group), null]));
	const withoutWorkforce = cells.filter((c) => c.workforce === null && c.respondents !== 0);
	const withWorkforce = cells.filter((c) => c.workforce !== null && c.workforce > 0);
	const usable = withWorkforce.filter((c) => c.respondents !== null && c.respondents >= threshold);
	const empty = withWorkforce.filter((c) => !usable.includes(c));
	if (empty.length === 0) {
		for (const c of usable) weights.set(cellKey(c.region_code, c.staff_group), c.workforce! / c.respondents!);
		return { method: 'post-stratification', iterations: 0, converged: true, weights, empty, unrepresented: [], withoutWorkforce };
	}
	// Margins over the regions and staff groups that have a usable cell, so both add up to the same total.
	const regionsIn = new Set(usable.map((c) => c.region_code));
	const groupsIn = new Set(usable.map((c) => c.staff_group));
	const unrepresented = withWorkforce.filter((c) => !regionsIn.has(c.region_code) || !groupsIn.has(c.staff_group));
	const fitted = withWorkforce.filter((c) => !unrepresented.includes(c));
	const regionTotal = new Map([...regionsIn].map((r) => [r, sum(fitted.filter((c) => c.region_code === r).map((c) => c.workforce!))]));
	const groupTotal = new Map([...groupsIn].map((g) => [g, sum(fitted.filter((c) => c.staff_group === g).map((c) => c.workforce!))]));
	// Iterative proportional fitting of the weighted cell totals, starting from the respondents.
	const total = new Map(usable.map((c) => [c, c.respondents!]));
	const scale = (by: 'region_code' | 'staff_group', target: Map<string, number>) => {
		for (const [group, wanted] of target) {
			const members = usable.filter((c) => c[by] === group);
			const have = sum(members.map((c) => total.get(c)!));
			for (const c of members) total.set(c, (total.get(c)! * wanted) / have);
		}
	};
	const gap = () => {
		const off = (by: 'region_code' | 'staff_group', target: Map<string, number>) =>
			[...target].map(([group, wanted]) => Math.abs(sum(usable.filter((c) => c[by] === group).map((c) => total.get(c)!)) - wanted) / wanted);
		return Math.max(...off('region_code', regionTotal), ...off('staff_group', groupTotal));
	};
	let iterations = 0;
	while (iterations < maxIterations && (iterations === 0 || gap() > tolerance)) {
		scale('region_code', regionTotal);
		scale('staff_group', groupTotal);
		iterations++;
	}
	for (const c of usable) weights.set(cellKey(c.region_code, c.staff_group), total.get(c)! / c.respondents!);
	return { method: 'raking', iterations, converged: gap() <= tolerance, weights, empty, unrepresented, withoutWorkforce };
}

/** Weights made within each region from its own cells only, so that a region's weighted figures do
 *  not depend on another region's cells (a regional planner must learn nothing of other regions' small
 *  cells, docs/disclosure.md). England's weights are every region's together. */
export function weightsWithinRegions(cells: Cell[], threshold: number): Weighting & { byRegion: Map<string, Weighting> } {
	const byRegion = new Map<string, Weighting>();
	for (const region of new Set(cells.map((c) => c.region_code))) {
		const fit = weightsFor(cells.filter((c) => c.region_code === region), threshold);
		// Within one region each staff group is one cell, so raking to its margins is post-stratification
		// of the usable cells; a cell under the threshold is not represented (and said so).
		byRegion.set(region, { ...fit, method: 'post-stratification', iterations: 0, converged: true, empty: [] });
	}
	const fits = [...byRegion.values()];
	return {
		method: fits.some((f) => f.method === 'raking') ? 'raking' : 'post-stratification',
		iterations: Math.max(0, ...fits.map((f) => f.iterations)),
		converged: fits.every((f) => f.converged),
		weights: new Map(fits.flatMap((f) => [...f.weights])),
		empty: fits.flatMap((f) => f.empty),
		unrepresented: fits.flatMap((f) => f.unrepresented),
		withoutWorkforce: fits.flatMap((f) => f.withoutWorkforce),
		byRegion
	};
}

/** Cells in words; a long list is counted instead (the weights table lists every cell). */
const listed = (cells: Cell[]) => (cells.length > 3 ? `${cells.length} region × staff group cells (see the weights table)` : cells.map((c) => `${staffGroupName(c.staff_group)} in ${regionName(c.region_code)}`).join('; '));

/** What was done, in words, for the cells of one scope (England: every cell). */
export function weightingNote(fit: Weighting, threshold: number, inScope: (region: string) => boolean = () => true): string | null {
	const of = (cells: Cell[]) => cells.filter((c) => inScope(c.region_code));
	const notes: string[] = [];
	const empty = of(fit.empty).filter((c) => !fit.unrepresented.includes(c));
	if (fit.method === 'raking')
		notes.push(`Raked to the region and staff-group totals in ${fit.iterations} iterations${fit.converged ? '' : ' (not converged)'}: ${empty.length ? `${listed(empty)} had fewer than ${threshold} respondents and count as empty` : 'another region has a cell with too few respondents'}.`);
	const unrepresented = of(fit.unrepresented);
	if (unrepresented.length) notes.push(`Not represented, as no cell of its region or staff group has ${threshold} or more respondents: ${listed(unrepresented)} (workforce ${sum(unrepresented.map((c) => c.workforce!)).toLocaleString('en-GB')}).`);
	const without = of(fit.withoutWorkforce);
	if (without.length) notes.push(`No workforce figure for ${listed(without)}: those respondents are left out of the weighted figures.`);
	return notes.join(' ') || null;
}

/** Kish's effective sample size, (Σw)² / Σw², over people: `n` people in each cell of weight `w`. */
export function kish(cells: Array<{ n: number; w: number }>): number | null {
	const sw = sum(cells.map((c) => c.n * c.w));
	const sw2 = sum(cells.map((c) => c.n * c.w * c.w));
	return sw2 > 0 ? (sw * sw) / sw2 : null;
}

const WORKFORCE_SQL = (csv: string) => `SELECT region_code, staff_group, sum(workforce)::INTEGER AS workforce FROM ${workforceSql(csv)} GROUP BY ALL`;

/** Respondents per region × staff group, as respondents_by_region_staff_group publishes them. */
async function publishedCells(c: DuckDBConnection, wave: string, cube: CubeRelation, workforceCsv: string, rule: DisclosureRule): Promise<Cell[]> {
	const data = await rows<{ region_code: string; staff_group: string; workforce: number | null; respondents: number; respondents_key: number }>(
		c,
		`WITH answered AS (
			SELECT region AS region_code, staff_group, ${countOf('sum(respondents)')} AS respondents, ${keySumOf('sum(respondents)')} AS respondents_key
			FROM ${cube} WHERE wave_id = $1 GROUP BY ALL
		)
		SELECT region_code, staff_group, w.workforce, coalesce(a.respondents, 0) AS respondents, coalesce(a.respondents_key, 0) AS respondents_key
		FROM (${WORKFORCE_SQL(workforceCsv)}) w FULL JOIN answered a USING (region_code, staff_group)
		ORDER BY region_code, staff_group`,
		[wave]
	);
	const safe = protect(
		data.map((d) => ({ wave, ...d, region_code: d.region_code ?? 'unknown', staff_group: d.staff_group ?? 'unknown' })),
		{ counts: ['respondents'] },
		rule
	);
	return safe.map((s) => ({ region_code: String(s.region_code), staff_group: String(s.staff_group), workforce: s.workforce as number | null, respondents: s.respondents as number | null }));
}

/** One weighted input: a share (numerator over base) or a mean (sum over base) of a cube statistic. */
interface Input {
	id: string;
	variable: string | null;
	divisor: number;
	numerator?: string;
	base: string;
	sum?: string;
}

function inputsOf(measures: SuccessMeasure[]): Input[] {
	const out: Input[] = [];
	for (const m of measures) {
		if (m.kind === 'share') out.push({ id: `measure:${m.id}`, variable: null, divisor: 1, numerator: col(m.id, 'numerator'), base: col(m.id, 'base') });
		if (m.kind === 'mean') out.push({ id: `measure:${m.id}`, variable: `person_total:${m.rating}`, divisor: ratingColumns().length, base: col(m.id, 'n'), sum: col(m.id, 'sum') });
	}
	for (const r of ratingColumns()) {
		// The needs tables' means (over people rating both) and the MWDS measure's importance (over everyone rating it).
		out.push({ id: `importance:${r.competency}`, variable: r.importance, divisor: 1, base: col(r.competency, 'raters'), sum: col(r.competency, 'importance_sum') });
		out.push({ id: `confidence:${r.competency}`, variable: r.confidence, divisor: 1, base: col(r.competency, 'raters'), sum: col(r.competency, 'confidence_sum') });
		out.push({ id: `importance_all:${r.competency}`, variable: r.importance, divisor: 1, base: col(r.competency, 'importance_n'), sum: col(r.competency, 'importance_all_sum') });
	}
	return out;
}

type InputStatistics = { level: 'cell' | 'scope'; region_code: string; staff_group: string; input: string; numerator: number | null; numerator_key: number | null; base: number; base_key: number; total_sum: number | null };

/** Every input per region × staff group cell and per scope (each region and England), unpivoted. */
async function inputStatistics(c: DuckDBConnection, wave: string, cube: CubeRelation, inputs: Input[]): Promise<InputStatistics[]> {
	// Cells only from the database: a scope (a region, England) is the sum of its cells, packed counts
	// and key sums included (both add up), summed here rather than by a second grouping in SQL.
	const columns = inputs.flatMap((i, k) => [
		`coalesce(sum(${i.base}), 0)::BIGINT AS "b${k}"`,
		...(i.numerator ? [`coalesce(sum(${i.numerator}), 0)::BIGINT AS "x${k}"`] : []),
		...(i.sum ? [`sum(${i.sum})::BIGINT AS "s${k}"`] : [])
	]);
	const cells = await rows<Record<string, number | string | null>>(c, `SELECT region, staff_group, ${columns.join(', ')} FROM ${cube} WHERE wave_id = $1 GROUP BY ALL`, [wave]);
	const scopes = new Map<string, Record<string, number | null>>();
	const add = (scope: string, cell: Record<string, number | string | null>) => {
		const into = scopes.get(scope) ?? scopes.set(scope, {}).get(scope)!;
		for (const [k, v] of Object.entries(cell)) if (k !== 'region' && k !== 'staff_group' && v !== null) into[k] = (into[k] ?? 0) + Number(v);
	};
	for (const cell of cells) {
		add(ENGLAND.code, cell);
		if (cell.region !== null) add(String(cell.region), cell);
	}
	const unpack = (level: InputStatistics['level'], region_code: string, staff_group: string, w: Record<string, number | string | null>) =>
		inputs.map((i, k) => {
			const base = Number(w[`b${k}`] ?? 0);
			const numerator = i.numerator ? Number(w[`x${k}`] ?? 0) : null;
			return {
				level, region_code, staff_group, input: i.id,
				numerator: numerator === null ? null : Math.floor(numerator / PACKED),
				numerator_key: numerator === null ? null : numerator % PACKED,
				base: Math.floor(base / PACKED),
				base_key: base % PACKED,
				total_sum: i.sum && w[`s${k}`] !== undefined && w[`s${k}`] !== null ? Number(w[`s${k}`]) : null
			};
		});
	return [
		...cells.filter((w) => w.region !== null && w.staff_group !== null).flatMap((w) => unpack('cell', String(w.region), String(w.staff_group), w)),
		...[...scopes].flatMap(([scope, w]) => unpack('scope', scope, 'all', w))
	];
}

const round = (v: number | null, places: number) => (v === null || !Number.isFinite(v) ? null : Math.round(v * 10 ** places) / 10 ** places);

/** The stage. `weightsCube` holds the people the weights are made from: in the dashboard, every
 *  respondent of the wave (weights do not change with a filter), while the figures follow the filters. */
export async function weighting(c: DuckDBConnection, ctx: PipelineContext, weightsCube: CubeRelation = ctx.cube): Promise<PublishedTable[]> {
	const wave = ctx.wave.id;
	const cells = await publishedCells(c, wave, weightsCube, ctx.workforceCsv, ctx.rule);
	const fit = weightsWithinRegions(cells, ctx.rule.threshold);
	// A region's own fit for its rows and notes; England's is every region's together.
	const fitOf = (scope: string) => fit.byRegion.get(scope) ?? fit;
	const inputs = inputsOf(ctx.measures);
	const byId = new Map(inputs.map((i) => [i.id, i]));
	const statistics = await inputStatistics(c, wave, ctx.cube, inputs);
	const variable = (r: InputStatistics) => byId.get(r.input)!.variable!;
	const sensitivity = (r: InputStatistics) => RATING_SENSITIVITY * byId.get(r.input)!.divisor;
	// A share input's answer has the name success_measures gives it (measure:<id>): same people, same noise.
	const answer = (r: InputStatistics) => (byId.get(r.input)!.numerator ? r.input : null);
	// Unweighted figures are published as success_measures and the needs tables publish them.
	const scopeFigures = protect(
		statistics.filter((s) => s.level === 'scope'),
		{
			counts: ['base', 'numerator'],
			means: [{ column: 'mean', sum: 'total_sum', n: 'base', variable, sensitivity }],
			derived: [{ column: 'value', from: (m, r) => (m.mean === null ? null : m.mean / byId.get(r.input)!.divisor) }],
			shares: [{ column: 'share', numerator: 'numerator', denominator: 'base', answer }]
		},
		ctx.rule
	);
	// Cells are inputs only, each protected as a published figure would be: its base as a published
	// count (hidden at 1–7 people), its share or mean with the same noise, keyed on the same people, as
	// the two-way breakdown of region × staff group publishes. So a weighted figure tells no more about
	// a cell than that table does. Unrounded, so rounding does not add to the weighting's error.
	const cellFigures = statistics
		.filter((s) => s.level === 'cell')
		.map((s) => {
			const input = byId.get(s.input)!;
			const suppressed = isHidden(s.base, ctx.rule);
			const noisy = suppressed || s.base === 0 ? null
				: input.numerator ? perturbedShare(s.numerator ?? 0, s.base, s.base_key, s.input, ctx.rule)
				: perturbedMean(s.total_sum, s.base, s.base_key, variable(s), ctx.rule, sensitivity(s));
			const value = noisy === null ? null : input.numerator ? noisy : noisy / input.divisor;
			return { region_code: s.region_code, staff_group: s.staff_group, input: s.input, base: publishedCount(s.base, s.base_key, ctx.rule), value, suppressed };
		});
	const scopeFigureOf = new Map(scopeFigures.map((f) => [`${f.region_code}|${f.input}`, f]));
	const cellsOf = new Map<string, typeof cellFigures>();
	for (const f of cellFigures) {
		const input = String(f.input);
		(cellsOf.get(input) ?? cellsOf.set(input, []).get(input)!).push(f);
	}
	const scopes = [...new Set(scopeFigures.map((s) => String(s.region_code)))].sort((a, b) => (a === ENGLAND.code ? -1 : b === ENGLAND.code ? 1 : a.localeCompare(b)));
	const inScope = (scope: string, region: string) => scope === ENGLAND.code || scope === region;

	/** Weighted and unweighted value of an input in a scope, and how many cells with people were left out. */
	const figure = (scope: string, input: Input) => {
		const unweighted = scopeFigureOf.get(`${scope}|${input.id}`)!;
		let top = 0;
		let bottom = 0;
		let left = 0;
		for (const s of cellsOf.get(input.id) ?? []) {
			if (!inScope(scope, String(s.region_code))) continue;
			const w = fit.weights.get(cellKey(String(s.region_code), String(s.staff_group))) ?? null;
			// Cells without a weight are in the weighting note; here, cells too few answered.
			if (w === null) continue;
			if (s.suppressed || !s.base || s.value === null) {
				if (s.suppressed) left++;
				continue;
			}
			top += w * Number(s.value) * Number(s.base);
			bottom += w * Number(s.base);
		}
		const weighted = bottom > 0 ? (input.numerator ? (100 * top) / bottom : top / bottom) : null;
		const value = unweighted.suppressed ? null : ((input.numerator ? unweighted.share : unweighted.value) as number | null);
		return { unweighted: value, weighted: unweighted.suppressed ? null : weighted, base: unweighted.suppressed ? null : (unweighted.base as number | null), left, suppressed: unweighted.suppressed };
	};

	const out: Record<string, unknown>[] = [];
	for (const scope of scopes) {
		const people = cells.filter((cell) => inScope(scope, cell.region_code) && cell.respondents !== null && fit.weights.get(cellKey(cell.region_code, cell.staff_group)) != null);
		const ess = kish(people.map((p) => ({ n: p.respondents!, w: fit.weights.get(cellKey(p.region_code, p.staff_group))! })));
		const note = weightingNote(fitOf(scope), ctx.rule.threshold, (region) => inScope(scope, region));
		const row = (kind: 'measure' | 'competency', id: string, statistic: string, name: string, f: { unweighted: number | null; weighted: number | null; base: number | null; left: number; suppressed: boolean }, places: number) => {
			const left = f.left ? [`${f.left} region × staff group cell${f.left === 1 ? '' : 's'} with fewer than ${ctx.rule.threshold} answers to this question left out.`] : [];
			out.push({
				wave, region_code: scope, figure_kind: kind, figure_id: id, statistic, name,
				unweighted: round(f.unweighted, places), weighted: round(f.weighted, places),
				difference: f.unweighted === null || f.weighted === null ? null : round(f.weighted - f.unweighted, places),
				base: f.base,
				effective_sample_size: f.suppressed || ess === null || ess < ctx.rule.threshold ? null : roundCount(ess, ctx.rule),
				method: fitOf(scope).method,
				note: [...left, ...(note ? [note] : [])].join(' ') || null,
				suppressed: f.suppressed
			});
		};
		const means = (prefix: string, competency: string) => figure(scope, byId.get(`${prefix}:${competency}`)!);
		/** Borich MWDS from means: (importance − confidence) × weight importance; null if any is missing. */
		const mwds = (i: number | null, c: number | null, w: number | null) => (i === null || c === null || w === null ? null : (i - c) * w);
		for (const m of ctx.measures) {
			if (m.kind === 'share' || m.kind === 'mean') row('measure', m.id, 'value', m.name, figure(scope, byId.get(`measure:${m.id}`)!), m.kind === 'share' ? 1 : 2);
			if (m.kind === 'mwds') {
				const parts = ratingColumns().map((r) => [means('importance', r.competency), means('confidence', r.competency), means('importance_all', r.competency)]);
				const mean = (pick: 'unweighted' | 'weighted') => {
					const scores = parts.map(([i, c, w]) => mwds(i[pick], c[pick], w[pick]));
					return scores.some((s) => s === null) ? null : sum(scores as number[]) / scores.length;
				};
				const [i0] = parts[0];
				row('measure', m.id, 'value', m.name, { unweighted: mean('unweighted'), weighted: mean('weighted'), base: i0.base, left: Math.max(...parts.flat().map((p) => p.left)), suppressed: i0.suppressed }, 2);
			}
		}
		for (const r of ratingColumns()) {
			const [i, conf] = [means('importance', r.competency), means('confidence', r.competency)];
			const name = competencyName(r.competency);
			row('competency', r.competency, 'mean_importance', `Mean importance: ${name}`, i, 2);
			row('competency', r.competency, 'mean_confidence', `Mean confidence: ${name}`, conf, 2);
			row('competency', r.competency, 'mwds', `Needs score (MWDS): ${name}`, { ...i, unweighted: mwds(i.unweighted, conf.unweighted, i.unweighted), weighted: mwds(i.weighted, conf.weighted, i.weighted) }, 2);
		}
	}

	const weighted = cells.filter((cell) => fit.weights.get(cellKey(cell.region_code, cell.staff_group)) != null);
	const weightRows = cells.map((cell) => {
		const w = fit.weights.get(cellKey(cell.region_code, cell.staff_group)) ?? null;
		const represented = weighted.some((x) => x.region_code === cell.region_code) && weighted.some((x) => x.staff_group === cell.staff_group);
		const note =
			cell.workforce === null ? 'no workforce figure: its respondents are left out'
			: w !== null ? null
			: !represented ? `no ${weighted.some((x) => x.region_code === cell.region_code) ? 'staff group' : 'region'} cell with ${ctx.rule.threshold} or more respondents: this workforce is not represented`
			: `fewer than ${ctx.rule.threshold} respondents: treated as empty (raked)`;
		return { wave, region_code: cell.region_code, staff_group: cell.staff_group, workforce: cell.workforce, respondents: cell.respondents, weight: round(w, 4), method: fitOf(cell.region_code).method, iterations: fitOf(cell.region_code).iterations, note, suppressed: cell.respondents === null };
	});
	return [
		published(
			'weights_by_region_staff_group',
			'Weights to the workforce by region and staff group (post-stratification, raked when a cell is empty)',
			{ wave: 'VARCHAR', region_code: 'VARCHAR', staff_group: 'VARCHAR', workforce: 'INTEGER', respondents: 'INTEGER', weight: 'DOUBLE', method: 'VARCHAR', iterations: 'INTEGER', note: 'VARCHAR', suppressed: 'BOOLEAN' },
			weightRows
		),
		published(
			'weighted_figures',
			'Success measures and needs weighted to the workforce, beside the unweighted figures, with the effective sample size',
			{
				wave: 'VARCHAR', region_code: 'VARCHAR', figure_kind: 'VARCHAR', figure_id: 'VARCHAR', statistic: 'VARCHAR', name: 'VARCHAR', unweighted: 'DOUBLE', weighted: 'DOUBLE',
				difference: 'DOUBLE', base: 'INTEGER', effective_sample_size: 'INTEGER', method: 'VARCHAR', note: 'VARCHAR', suppressed: 'BOOLEAN'
			},
			out
		)
	];
}
