// Stage: weighting to the workforce — respondents are not a random sample of the workforce
// (pharmacists answer more than support staff), so each success measure and each competency's mean
// importance, confidence and MWDS is also given weighted to the workforce, beside the same figure
// unweighted. Method (docs/weighting.md): post-stratification within each region by staff group,
// weight = N / n per weighting cell from the workforce denominators; a cell with fewer than
// MIN_WEIGHTING_CELL respondents pooled with others of its region; weights trimmed to
// WEIGHT_CAP_RATIO × the region's mean weight; Kish's effective sample size for each figure from its
// own cells. Weights are constant within a weighting cell, so weighted figures come from the cube
// summed to weighting cells. Every input is a protected figure (published counts, noisy means).
import type { DuckDBConnection } from '@duckdb/node-api';
import { isHidden, perturbedMean, perturbedShare, publishedCount, roundCount, type DisclosureRule } from '../disclosure/protect';
import { RATING_SENSITIVITY } from '../disclosure/perturbation';
import { competencyName, ENGLAND, ratingColumns, regionName, staffGroupName, type SuccessMeasure } from '../core/reference';
import { published, waveSqlOf, type Memo, type PipelineContext, type PublishedTable } from '../core/context';
import { literal, rows, rowsOfSums } from '../core/sql';
import { col, countOf, keySumOf, PACKED, type CubeRelation } from '../core/cube';
import { workforceSql } from './coverage';
import {
	cellKey,
	combined,
	MIN_WEIGHTING_CELL,
	tooFew,
	WEIGHT_CAP_RATIO,
	weightsWithinRegions,
	type Cell,
	type CellFigure,
	type RegionWeights,
	type WeightingCell
} from '../stats/weights';

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** Cells in words; a long list is counted instead (the weights table lists every cell). */
const listed = (cells: Cell[]) =>
	cells.length > 3
		? `${cells.length} region × staff group cells (see the weights table)`
		: cells.map((c) => `${staffGroupName(c.staff_group)} in ${regionName(c.region_code)}`).join('; ');

/** What was done, in words, for the regions of one scope (England: every region). */
export function weightingNote(fits: RegionWeights[]): string | null {
	const cells = fits.flatMap((f) => f.cells);
	const pooled = cells.flatMap((w) => (w.members.length > 1 ? w.members.filter((m) => tooFew(m.respondents)) : []));
	const capped = cells.filter((w) => w.capped).flatMap((w) => w.members);
	const unrepresented = fits.flatMap((f) => f.unrepresented);
	const without = fits.flatMap((f) => f.withoutWorkforce);
	const notes: string[] = [];
	if (pooled.length)
		notes.push(`Pooled with other cells of their region, having fewer than ${MIN_WEIGHTING_CELL} respondents: ${listed(pooled)}.`);
	if (capped.length) notes.push(`Weight capped at ${WEIGHT_CAP_RATIO} × the region's mean weight: ${listed(capped)}.`);
	if (unrepresented.length)
		notes.push(
			`Not represented, with fewer than ${MIN_WEIGHTING_CELL} respondents even pooled within their region: ${listed(unrepresented)} (workforce ${sum(unrepresented.map((c) => c.workforce!)).toLocaleString('en-GB')}).`
		);
	if (without.length) notes.push(`No workforce figure for ${listed(without)}: those respondents are left out of the weighted figures.`);
	return notes.join(' ') || null;
}

/** Why one region × staff group cell has the weight it has, in words. */
function cellNote(cell: Cell, weighting: WeightingCell | undefined, fit: RegionWeights): string | null {
	if (fit.withoutWorkforce.includes(cell)) return 'no workforce figure: its respondents are left out';
	if (fit.unrepresented.includes(cell)) {
		const others = fit.unrepresented.filter((c) => c !== cell).map((c) => staffGroupName(c.staff_group));
		return `not represented: fewer than ${MIN_WEIGHTING_CELL} respondents${others.length ? `, even pooled with ${others.join(', ')}` : ''}, and no cell of its staff-group family with ${MIN_WEIGHTING_CELL} or more in the region`;
	}
	if (!weighting) return null;
	const others = weighting.members.filter((m) => m !== cell);
	const names = others.map((m) => staffGroupName(m.staff_group)).join(', ');
	const notes = [];
	if (others.length && tooFew(cell.respondents)) notes.push(`pooled with ${names} (fewer than ${MIN_WEIGHTING_CELL} respondents)`);
	else if (others.length)
		notes.push(`pooled with ${names}, which ${others.length === 1 ? 'has' : 'have'} fewer than ${MIN_WEIGHTING_CELL} respondents`);
	if (weighting.capped) notes.push(`weight capped at ${WEIGHT_CAP_RATIO} × the region's mean`);
	return notes.join('; ') || null;
}

/** An effective sample size as published: never above the figure's published base (the cells' bases
 *  are published counts, which need not add up to it), rounded like a count, not at all below the
 *  threshold. */
export function publishedEss(ess: number | null, base: number | null, rule: DisclosureRule): number | null {
	if (ess === null || base === null) return null;
	const shown = roundCount(Math.min(ess, base), rule);
	return shown < rule.threshold ? null : shown;
}

const WORKFORCE_SQL = (csv: string) =>
	`SELECT region_code, staff_group, sum(workforce)::INTEGER AS workforce FROM ${workforceSql(csv)} GROUP BY ALL`;

/** A cell with its people's exact count and key sum, which only pool counts are made from. */
type CountedCell = Cell & { n: number; key: number };

/** Respondents per region × staff group, as respondents_by_region_staff_group publishes them. */
async function publishedCells(
	c: DuckDBConnection,
	wave: string,
	cube: CubeRelation,
	workforceCsv: string,
	rule: DisclosureRule
): Promise<CountedCell[]> {
	const data = await rows<{ region_code: string | null; staff_group: string | null; workforce: number | null; n: number; key: number }>(
		c,
		`WITH answered AS (
			SELECT region AS region_code, staff_group, ${countOf('sum(respondents)')} AS n, ${keySumOf('sum(respondents)')} AS key
			FROM ${cube} WHERE wave_id = ${literal(wave)} GROUP BY ALL
		)
		SELECT region_code, staff_group, w.workforce, coalesce(a.n, 0) AS n, coalesce(a.key, 0) AS key
		FROM (${WORKFORCE_SQL(workforceCsv)}) w FULL JOIN answered a USING (region_code, staff_group)
		ORDER BY region_code, staff_group`
	);
	return data.map((d) => ({
		region_code: d.region_code ?? 'unknown',
		staff_group: d.staff_group ?? 'unknown',
		workforce: d.workforce,
		respondents: publishedCount(Number(d.n), Number(d.key), rule),
		n: Number(d.n),
		key: Number(d.key)
	}));
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
		if (m.kind === 'share')
			out.push({ id: `measure:${m.id}`, variable: null, divisor: 1, numerator: col(m.id, 'numerator'), base: col(m.id, 'base') });
		if (m.kind === 'mean')
			out.push({
				id: `measure:${m.id}`,
				variable: `person_total:${m.rating}`,
				divisor: ratingColumns().length,
				base: col(m.id, 'n'),
				sum: col(m.id, 'sum')
			});
	}
	for (const r of ratingColumns()) {
		// The needs tables' means (over people rating both) and the MWDS measure's importance (over everyone rating it).
		out.push({
			id: `importance:${r.competency}`,
			variable: r.importance,
			divisor: 1,
			base: col(r.competency, 'raters'),
			sum: col(r.competency, 'importance_sum')
		});
		out.push({
			id: `confidence:${r.competency}`,
			variable: r.confidence,
			divisor: 1,
			base: col(r.competency, 'raters'),
			sum: col(r.competency, 'confidence_sum')
		});
		out.push({
			id: `importance_all:${r.competency}`,
			variable: r.importance,
			divisor: 1,
			base: col(r.competency, 'importance_n'),
			sum: col(r.competency, 'importance_all_sum')
		});
	}
	return out;
}

type InputStatistics = {
	level: 'cell' | 'scope';
	region_code: string;
	staff_group: string;
	input: string;
	numerator: number | null;
	base: number;
	base_key: number;
	total_sum: number | null;
};

/** Every input per region × staff group cell and per scope (each region and England), unpivoted. */
async function inputStatistics(c: DuckDBConnection, waveSql: string, cube: CubeRelation, inputs: Input[]): Promise<InputStatistics[]> {
	// Cells only from the database: a scope (a region, England) is the sum of its cells, packed counts
	// and key sums included (both add up), summed here rather than by a second grouping in SQL.
	const columns = inputs.flatMap((i, k): Array<[string, string]> => [
		[`coalesce(sum(${i.base}), 0)::BIGINT`, `b${k}`],
		...(i.numerator ? [[`coalesce(sum(${i.numerator}), 0)::BIGINT`, `x${k}`] as [string, string]] : []),
		...(i.sum ? [[`sum(${i.sum})::BIGINT`, `s${k}`] as [string, string]] : [])
	]);
	const cells = (await rowsOfSums(c, 'region, staff_group', columns, `FROM ${cube} WHERE wave_id = ${waveSql} GROUP BY ALL`)) as Array<
		Record<string, number | string | null>
	>;
	const scopes = new Map<string, Record<string, number | null>>();
	const add = (scope: string, cell: Record<string, number | string | null>) => {
		const into = scopes.get(scope) ?? scopes.set(scope, {}).get(scope)!;
		for (const [k, v] of Object.entries(cell))
			if (k !== 'region' && k !== 'staff_group' && v !== null) into[k] = (into[k] ?? 0) + Number(v);
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
				level,
				region_code,
				staff_group,
				input: i.id,
				numerator: numerator === null ? null : Math.floor(numerator / PACKED),
				base: Math.floor(base / PACKED),
				base_key: base % PACKED,
				total_sum: i.sum && w[`s${k}`] !== undefined && w[`s${k}`] !== null ? Number(w[`s${k}`]) : null
			};
		});
	return [
		...cells
			.filter((w) => w.region !== null && w.staff_group !== null)
			.flatMap((w) => unpack('cell', String(w.region), String(w.staff_group), w)),
		...[...scopes].flatMap(([scope, w]) => unpack('scope', scope, 'all', w))
	];
}

const round = (v: number | null, places: number) =>
	v === null || !Number.isFinite(v) ? null : Math.round(v * 10 ** places) / 10 ** places;

/** One weighting cell's people for one input: how many gave it and their key sum, how many said yes
 *  (shares), and the sum of their answers (means). */
interface Pooled {
	base: number;
	key: number;
	yes: number;
	total: number | null;
}

/** Each input's statistics summed over the region × staff group cells of each weighting cell. */
function pooledStatistics(
	statistics: InputStatistics[],
	weightingCellOf: Map<string, WeightingCell>
): Map<WeightingCell, Map<string, Pooled>> {
	const out = new Map<WeightingCell, Map<string, Pooled>>();
	for (const s of statistics) {
		const w = s.level === 'cell' ? weightingCellOf.get(cellKey(s.region_code, s.staff_group)) : undefined;
		if (!w) continue;
		const inputs = out.get(w) ?? out.set(w, new Map()).get(w)!;
		const into = inputs.get(s.input) ?? inputs.set(s.input, { base: 0, key: 0, yes: 0, total: null }).get(s.input)!;
		into.base += s.base;
		into.key += s.base_key;
		into.yes += s.numerator ?? 0;
		if (s.total_sum !== null) into.total = (into.total ?? 0) + s.total_sum;
	}
	return out;
}

interface Figure {
	unweighted: number | null;
	weighted: number | null;
	base: number | null;
	ess: number | null;
	/** Weighting cells with too few people answering to use. */
	left: number;
	suppressed: boolean;
}

/** The weights of each region's weighting cells, and which weighting cell each region × staff group
 *  cell belongs to. A pool's count is protected like a published count of its people. */
function fitted(cells: CountedCell[], rule: DisclosureRule) {
	const fits = weightsWithinRegions(cells, (members) => publishedCount(sum(members.map((m) => m.n)), sum(members.map((m) => m.key)), rule));
	const weightingCells = [...fits.values()].flatMap((f) => f.cells);
	const weightingCellOf = new Map<string, WeightingCell>(
		weightingCells.flatMap((w) => w.members.map((m) => [cellKey(m.region_code, m.staff_group), w] as const))
	);
	return { fits, weightingCells, weightingCellOf };
}

/** Weighted and unweighted value of an input (by id) in a scope, from the scope's weighting cells. */
function figuresOf(statistics: InputStatistics[], inputs: Input[], weights: ReturnType<typeof fitted>, rule: DisclosureRule) {
	const byId = new Map(inputs.map((i) => [i.id, i]));
	// The scope's published base: the figure's base, and hidden with it (1–7 people).
	const scopeBase = new Map(
		statistics
			.filter((s) => s.level === 'scope')
			.map((s) => [`${s.region_code}|${s.input}`, { base: publishedCount(s.base, s.base_key, rule), hidden: isHidden(s.base, rule) }])
	);
	// Weighting cells are inputs only, each protected as a published figure would be: its base as a
	// published count (hidden at 1–7 people), its share or mean with the noise keyed on its own people,
	// as a published table of the same people would carry. So a weighted figure tells no more about a
	// weighting cell than such a table. Unrounded, so rounding does not add to the weighting's error.
	const pooled = pooledStatistics(statistics, weights.weightingCellOf);
	const cellFigure = (w: WeightingCell, input: Input): CellFigure => {
		const p = pooled.get(w)?.get(input.id);
		if (!p) return { base: 0, value: null, weight: w.weight };
		const value = input.numerator
			? // Its answer has the name success_measures gives it (measure:<id>): same people, same noise.
				perturbedShare(p.yes, p.base, p.key, input.id, rule)
			: perturbedMean(p.total, p.base, p.key, input.variable!, rule, RATING_SENSITIVITY * input.divisor);
		return {
			base: publishedCount(p.base, p.key, rule),
			value: value === null || input.numerator ? value : value / input.divisor,
			weight: w.weight
		};
	};
	return (scope: string, id: string): Figure => {
		const input = byId.get(id)!;
		const { base, hidden } = scopeBase.get(`${scope}|${id}`)!;
		const own = weights.weightingCells.filter((w) => inScope(scope, w.region_code)).map((w) => cellFigure(w, input));
		const f = combined(own);
		const percent = (v: number | null) => (v === null || !input.numerator ? v : 100 * v);
		return {
			unweighted: hidden ? null : percent(f.unweighted),
			weighted: hidden ? null : percent(f.weighted),
			base: hidden ? null : base,
			ess: hidden ? null : f.ess,
			left: own.filter((o) => o.base === null).length,
			suppressed: hidden
		};
	};
}

const inScope = (scope: string, region: string) => scope === ENGLAND.code || scope === region;

/** Borich MWDS from means: (importance − confidence) × weight importance; null if any is missing. */
const mwds = (i: number | null, c: number | null, w: number | null) => (i === null || c === null || w === null ? null : (i - c) * w);

/** The MWDS success measure: the mean of every competency's MWDS, as precise as its least precise part. */
function mwdsMeasure(means: (prefix: string, competency: string) => Figure): Figure {
	const parts = ratingColumns().map((r) => [
		means('importance', r.competency),
		means('confidence', r.competency),
		means('importance_all', r.competency)
	]);
	const mean = (pick: 'unweighted' | 'weighted') => {
		const scores = parts.map(([i, c, w]) => mwds(i[pick], c[pick], w[pick]));
		return scores.some((s) => s === null) ? null : sum(scores as number[]) / scores.length;
	};
	const esses = parts.flat().map((p) => p.ess);
	const [i0] = parts[0];
	return {
		unweighted: mean('unweighted'),
		weighted: mean('weighted'),
		base: i0.base,
		ess: esses.some((e) => e === null) ? null : Math.min(...(esses as number[])),
		left: Math.max(...parts.flat().map((p) => p.left)),
		suppressed: i0.suppressed
	};
}

/** One scope's rows of weighted_figures: each success measure, then each competency's means and MWDS. */
function scopeRows(scope: string, ctx: PipelineContext, figure: (scope: string, id: string) => Figure, fitsInScope: RegionWeights[]) {
	const largest = Math.max(...fitsInScope.flatMap((f) => f.cells.map((w) => w.weight)));
	const note = weightingNote(fitsInScope);
	const out: Record<string, unknown>[] = [];
	const row = (kind: 'measure' | 'competency', id: string, statistic: string, name: string, f: Figure, places: number) => {
		const left = f.left
			? [
					`${f.left} weighting cell${f.left === 1 ? '' : 's'} with fewer than ${ctx.rule.threshold} people answering this question left out.`
				]
			: [];
		out.push({
			wave: ctx.wave.id,
			region_code: scope,
			figure_kind: kind,
			figure_id: id,
			statistic,
			name,
			unweighted: round(f.unweighted, places),
			weighted: round(f.weighted, places),
			difference: f.unweighted === null || f.weighted === null ? null : round(f.weighted - f.unweighted, places),
			base: f.base,
			effective_sample_size: publishedEss(f.ess, f.base, ctx.rule),
			largest_weight: round(largest, 4),
			method: 'post-stratification',
			note: [...left, ...(note ? [note] : [])].join(' ') || null,
			suppressed: f.suppressed
		});
	};
	const means = (prefix: string, competency: string) => figure(scope, `${prefix}:${competency}`);
	for (const m of ctx.measures) {
		if (m.kind === 'share' || m.kind === 'mean')
			row('measure', m.id, 'value', m.name, figure(scope, `measure:${m.id}`), m.kind === 'share' ? 1 : 2);
		if (m.kind === 'mwds') row('measure', m.id, 'value', m.name, mwdsMeasure(means), 2);
	}
	for (const r of ratingColumns()) {
		const [i, conf] = [means('importance', r.competency), means('confidence', r.competency)];
		const name = competencyName(r.competency);
		row('competency', r.competency, 'mean_importance', `Mean importance: ${name}`, i, 2);
		row('competency', r.competency, 'mean_confidence', `Mean confidence: ${name}`, conf, 2);
		const score = {
			...i,
			unweighted: mwds(i.unweighted, conf.unweighted, i.unweighted),
			weighted: mwds(i.weighted, conf.weighted, i.weighted)
		};
		row('competency', r.competency, 'mwds', `Needs score (MWDS): ${name}`, score, 2);
	}
	return out;
}

/** The weights table: every region × staff group cell, its weight and why it has it. */
function weightsTable(wave: string, cells: CountedCell[], weights: ReturnType<typeof fitted>): PublishedTable {
	const weightRows = cells.map((cell) => {
		const w = weights.weightingCellOf.get(cellKey(cell.region_code, cell.staff_group));
		return {
			wave,
			region_code: cell.region_code,
			staff_group: cell.staff_group,
			workforce: cell.workforce,
			respondents: cell.respondents,
			weight: round(w?.weight ?? null, 4),
			method: 'post-stratification',
			capped: w?.capped ?? false,
			note: cellNote(cell, w, weights.fits.get(cell.region_code)!),
			suppressed: cell.respondents === null
		};
	});
	return published(
		'weights_by_region_staff_group',
		'Weights to the workforce by region and staff group (post-stratification within each region, small cells pooled, weights capped)',
		{
			wave: 'VARCHAR',
			region_code: 'VARCHAR',
			staff_group: 'VARCHAR',
			workforce: 'INTEGER',
			respondents: 'INTEGER',
			weight: 'DOUBLE',
			method: 'VARCHAR',
			capped: 'BOOLEAN',
			note: 'VARCHAR',
			suppressed: 'BOOLEAN'
		},
		weightRows
	);
}

const weightedFiguresTable = (rows: Record<string, unknown>[]): PublishedTable =>
	published(
		'weighted_figures',
		'Success measures and needs weighted to the workforce, beside the same figures unweighted, with the effective sample size and the largest weight',
		{
			wave: 'VARCHAR',
			region_code: 'VARCHAR',
			figure_kind: 'VARCHAR',
			figure_id: 'VARCHAR',
			statistic: 'VARCHAR',
			name: 'VARCHAR',
			unweighted: 'DOUBLE',
			weighted: 'DOUBLE',
			difference: 'DOUBLE',
			base: 'INTEGER',
			effective_sample_size: 'INTEGER',
			largest_weight: 'DOUBLE',
			method: 'VARCHAR',
			note: 'VARCHAR',
			suppressed: 'BOOLEAN'
		},
		rows
	);

/** The stage. `weightsCube` holds the people the weights are made from: in the dashboard, every
 *  respondent of the wave (weights do not change with a filter), while the figures follow the filters;
 *  there `memo` keeps the weights' cells from one filter change to the next. */
export async function weighting(
	c: DuckDBConnection,
	ctx: PipelineContext,
	weightsCube: CubeRelation = ctx.cube,
	memo: Memo = (_key, compute) => compute()
): Promise<PublishedTable[]> {
	const wave = ctx.wave.id;
	const cells = await memo(`weights|${wave}|${weightsCube}`, () => publishedCells(c, wave, weightsCube, ctx.workforceCsv, ctx.rule));
	const weights = fitted(cells, ctx.rule);
	const inputs = inputsOf(ctx.measures);
	const statistics = await inputStatistics(c, waveSqlOf(ctx), ctx.cube, inputs);
	const figure = figuresOf(statistics, inputs, weights, ctx.rule);
	// A cube of one area (PipelineContext.area) publishes that area's figures only.
	const scopes = [
		...new Set(statistics.filter((s) => s.level === 'scope' && (!ctx.area || s.region_code === ctx.area.code)).map((s) => s.region_code))
	].sort((a, b) => (a === ENGLAND.code ? -1 : b === ENGLAND.code ? 1 : a.localeCompare(b)));
	const figures = scopes.flatMap((scope) =>
		scopeRows(
			scope,
			ctx,
			figure,
			[...weights.fits].filter(([region]) => inScope(scope, region)).map(([, f]) => f)
		)
	);
	return [weightsTable(wave, cells, weights), weightedFiguresTable(figures)];
}
