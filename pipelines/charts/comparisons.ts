// Charts of the statistical comparisons (issue 11): change since the previous wave with its 95%
// interval, each region against England, and weighted beside unweighted figures. Built from the
// published tables only; each keeps the words (increase, below England…) in its data table, which
// the reports print beside the chart, so nothing rests on colour alone.
import type { TopLevelSpec } from 'vega-lite';
import { competencyName, ENGLAND, regionName, waveLabel } from '../core/reference';
import { rowsOf, type PublishedTable } from '../core/context';
import type { Chart } from './chart';
import { SUPPRESSED_MARK } from '../core/figures';
import { NO_VERDICT_UNDER_FILTERS } from '../disclosure/planner-view';
import { MIN_VERDICT_BASE } from '../stages/compared-figures';
import { CHART_CONFIG, VEGA_LITE_SCHEMA } from './style';
import { MIN_WEIGHTING_CELL, WEIGHT_CAP_RATIO } from '../stats/weights';

const config = CHART_CONFIG;
const SCHEMA = VEGA_LITE_SCHEMA;

/** Hidden rows stay in the drawing: "[c]" at zero on their line, not a missing dot. */
const hiddenMarks = (y: string) => ({
	transform: [{ filter: 'datum.suppressed' }],
	mark: { type: 'text' as const, color: '#425563', align: 'left' as const, dx: 4 },
	encoding: {
		y: { field: y, type: 'nominal' as const, sort: null, title: null },
		x: { datum: 0, type: 'quantitative' as const },
		text: { value: SUPPRESSED_MARK }
	}
});
const shown = { filter: '!datum.suppressed && datum.difference != null' };

/** Colours for the words, with the words in the legend and the table. */
const CHANGE_COLOURS = { domain: ['increase', 'decrease', 'no clear change'], range: ['#005eb8', '#d5281b', '#768692'] };
const AGAINST_COLOURS = {
	domain: ['above England', 'below England', 'not different from England'],
	range: ['#005eb8', '#d5281b', '#d8dde0']
};

/** How many of a table's verdicts chance alone would give, said beside it: with many comparisons a
 *  few "changes" are expected even when nothing changed (docs/intervals.md). */
function chanceFlags(rows: Array<Record<string, unknown>>, column = 'change'): string {
	const tested = rows.filter((r) => r[column] !== null && r[column] !== undefined).length;
	if (tested === 0) return '';
	const expected = tested / 20;
	return `Of these ${tested} comparisons, about ${expected < 1 ? 'one in 20' : expected.toLocaleString('en-GB', { maximumFractionDigits: 0 })} would show a difference by chance alone, even with none in fact.`;
}

/** Differences with interval bars and a zero line: one chart per unit (percentage points, score). */
function changeChart(tables: PublishedTable[], region: string, id: string, shares: boolean): Chart {
	const all = rowsOf(tables, 'change_between_waves').filter((r) => r.region_code === region && (r.method === 'Newcombe') === shares);
	const unit = shares ? 'percentage points' : 'score 1–5';
	const previous = all.find((r) => r.previous_wave)?.previous_wave;
	const spec: TopLevelSpec = {
		$schema: SCHEMA,
		config,
		width: 420,
		data: { values: all.filter((r) => r.suppressed || r.difference !== null) },
		layer: [
			{ mark: { type: 'rule', color: '#425563', strokeDash: [4, 3] }, encoding: { x: { datum: 0, type: 'quantitative' } } },
			{
				transform: [shown],
				mark: { type: 'rule', strokeWidth: 2 },
				encoding: {
					y: { field: 'name', type: 'nominal', sort: null, title: null },
					x: {
						field: 'ci_low',
						type: 'quantitative',
						title: `Change since ${previous ? waveLabel(String(previous)) : 'the previous wave'} (${unit}), with 95% interval`
					},
					x2: { field: 'ci_high' },
					color: { field: 'change', type: 'nominal', title: 'Change', scale: CHANGE_COLOURS }
				}
			},
			{
				transform: [shown],
				mark: { type: 'point', filled: true, size: 60 },
				encoding: {
					y: { field: 'name', type: 'nominal', sort: null, title: null },
					x: { field: 'difference', type: 'quantitative' },
					color: { field: 'change', type: 'nominal', title: 'Change', scale: CHANGE_COLOURS },
					tooltip: [
						{ field: 'name', title: 'Figure' },
						{ field: 'previous_value', title: 'Previous wave' },
						{ field: 'value', title: 'This wave' },
						{ field: 'difference', title: 'Difference' },
						{ field: 'ci_low', title: '95% low' },
						{ field: 'ci_high', title: '95% high' },
						{ field: 'change', title: 'Change' }
					]
				}
			},
			hiddenMarks('name')
		]
	};
	return {
		id,
		title: `${shares ? 'Shares' : 'Mean scores'}: change since the previous wave, ${regionName(region)}`,
		description: `Difference from the previous wave (dot) with its 95% interval (bar; ${shares ? "Newcombe's method" : "Welch's method"}, widened by the disclosure noise). A change is called an increase or a decrease only when the interval does not cross zero (dashed line), and only for groups of ${MIN_VERDICT_BASE} or more. ${chanceFlags(all)} ${SUPPRESSED_MARK} marks a figure resting on too few respondents to publish.`,
		spec,
		table: {
			columns: [
				{ key: 'name', heading: 'Figure' },
				{ key: 'previous_value', heading: 'Previous wave' },
				{ key: 'value', heading: 'This wave' },
				{ key: 'difference', heading: `Difference (${unit})` },
				{ key: 'ci_low', heading: '95% low' },
				{ key: 'ci_high', heading: '95% high' },
				{ key: 'change', heading: 'Change' },
				{ key: 'base', heading: 'Base', count: true }
			],
			rows: all
		}
	};
}

/** Every region (national report) or one region against England, in words and colour. */
function againstEngland(tables: PublishedTable[], region: string, id: string): Chart {
	const all = rowsOf(tables, 'region_against_england')
		.filter((r) => region === ENGLAND.code || r.region_code === region)
		.map((r) => ({
			...r,
			region_name: regionName(String(r.region_code)),
			short:
				r.against_england === 'above England'
					? 'above'
					: r.against_england === 'below England'
						? 'below'
						: r.suppressed
							? SUPPRESSED_MARK
							: ''
		}));
	// A regional planner's view under a filter carries no verdict at all (planner-view.ts).
	const withheld =
		region !== ENGLAND.code &&
		all.some((r) => (r as Record<string, unknown>).value != null) &&
		all.every((r) => (r as Record<string, unknown>).against_england == null);
	const spec: TopLevelSpec = {
		$schema: SCHEMA,
		config,
		data: { values: all },
		width: { step: 62 },
		encoding: {
			x: { field: 'region_name', type: 'nominal', title: null, axis: { labelAngle: -30 } },
			y: { field: 'name', type: 'nominal', sort: null, title: null }
		},
		layer: [
			{
				mark: 'rect',
				encoding: {
					color: { field: 'against_england', type: 'nominal', title: 'Against England (95%)', scale: AGAINST_COLOURS },
					tooltip: [
						{ field: 'region_name', title: 'Region' },
						{ field: 'name', title: 'Figure' },
						{ field: 'value', title: 'Region' },
						{ field: 'england_value', title: 'England' },
						{ field: 'against_england', title: 'Against England' }
					]
				}
			},
			{
				mark: { type: 'text' },
				// White on the blue and red cells, dark on grey: readable either way.
				encoding: {
					text: { field: 'short' },
					color: { condition: { test: "datum.short === 'above' || datum.short === 'below'", value: 'white' }, value: '#212b32' }
				}
			}
		]
	};
	return {
		id,
		// A regional planner's dashboard names only their region.
		title:
			region === ENGLAND.code
				? 'Regions against England: significantly above, below or not different'
				: `${regionName(region)} against the rest of the country: significantly above, below or not different`,
		description: `Each region is tested against the rest of England at 95% (Newcombe for shares, Welch for means, widened by the disclosure noise; groups of ${MIN_VERDICT_BASE} or more). ${chanceFlags(all, 'against_england')} ${SUPPRESSED_MARK} marks too few respondents to publish.${withheld ? ` ${NO_VERDICT_UNDER_FILTERS}` : ''}`,
		spec,
		table: {
			columns: [
				{ key: 'region_name', heading: 'Region' },
				{ key: 'name', heading: 'Figure' },
				{ key: 'value', heading: 'Figure for the region' },
				{ key: 'england_value', heading: 'England' },
				{ key: 'difference_from_rest', heading: 'Difference from the rest of England' },
				{ key: 'ci_low', heading: '95% low' },
				{ key: 'ci_high', heading: '95% high' },
				{ key: 'against_england', heading: 'Against England' },
				{ key: 'base', heading: 'Base', count: true }
			],
			rows: all
		}
	};
}

/** Why the unweighted score here is not the ranking's: it is made from the weighting cells' own
 *  protected figures, as its weighted partner is (weighting.ts), not from the ranking's (needs.ts). */
export const UNWEIGHTED_BASE =
	"The unweighted score here is worked out from the same weighting cells as the weighted one, with every respondent counted once, so the difference between the two is the weighting's alone. Each weighting cell carries its own disclosure noise, so this unweighted score can differ from the needs ranking's, which is protected as one figure: a little nationally, more for a region.";

/** Weighted beside unweighted: the needs scores (MWDS) by competency, two dots per competency. */
function weightedNeeds(tables: PublishedTable[], region: string, id: string): Chart {
	const all = rowsOf(tables, 'weighted_figures').filter((r) => r.region_code === region && r.statistic === 'mwds');
	const long = all
		.filter((r) => !r.suppressed)
		.flatMap((r) => [
			{ competency: competencyName(String(r.figure_id)), figures: 'Unweighted', mwds: r.unweighted },
			{ competency: competencyName(String(r.figure_id)), figures: 'Weighted to the workforce', mwds: r.weighted }
		])
		.filter((r) => r.mwds !== null);
	const esses = all
		.map((r) => r.effective_sample_size)
		.filter((e) => e !== null)
		.map(Number);
	const ess =
		esses.length === 0
			? 'not published'
			: Math.min(...esses) === Math.max(...esses)
				? esses[0].toLocaleString('en-GB')
				: `${Math.min(...esses).toLocaleString('en-GB')} to ${Math.max(...esses).toLocaleString('en-GB')}`;
	const largest = all.find((r) => r.largest_weight !== null)?.largest_weight;
	return {
		id,
		title: `Needs scores weighted to the workforce beside unweighted, ${regionName(region)}`,
		description: `Weighted to the workforce by staff group within each region (post-stratification; cells with fewer than ${MIN_WEIGHTING_CELL} respondents pooled, no weight above ${WEIGHT_CAP_RATIO} × its region's mean${largest == null ? '' : `, largest weight ${Number(largest).toLocaleString('en-GB', { maximumFractionDigits: 1 })}`}); effective sample size ${ess}. ${UNWEIGHTED_BASE} The notes say which cells were pooled, capped or left out. ${SUPPRESSED_MARK} marks a score resting on too few respondents to publish.`,
		spec: {
			$schema: SCHEMA,
			config,
			width: 420,
			data: {
				values: [
					...long,
					...all.filter((r) => r.suppressed).map((r) => ({ competency: competencyName(String(r.figure_id)), suppressed: true }))
				]
			},
			layer: [
				{
					transform: [{ filter: '!datum.suppressed' }],
					mark: { type: 'point', filled: true, size: 60 },
					encoding: {
						y: { field: 'competency', type: 'nominal', sort: null, title: null },
						x: { field: 'mwds', type: 'quantitative', title: 'Needs score (MWDS)' },
						color: {
							field: 'figures',
							type: 'nominal',
							title: null,
							scale: { domain: ['Unweighted', 'Weighted to the workforce'], range: ['#768692', '#005eb8'] }
						},
						shape: { field: 'figures', type: 'nominal', title: null },
						tooltip: [
							{ field: 'competency', title: 'Competency' },
							{ field: 'figures', title: 'Figures' },
							{ field: 'mwds', title: 'MWDS' }
						]
					}
				},
				hiddenMarks('competency')
			]
		},
		table: {
			columns: [
				{ key: 'name', heading: 'Figure' },
				{ key: 'unweighted', heading: 'Unweighted' },
				{ key: 'weighted', heading: 'Weighted' },
				{ key: 'difference', heading: 'Difference' },
				{ key: 'base', heading: 'Base', count: true },
				{ key: 'effective_sample_size', heading: 'Effective sample size', count: true },
				{ key: 'note', heading: 'Note' }
			],
			rows: all
		}
	};
}

/** The comparison charts of a scope; `stem` prefixes ids (national, a region code, or '' on the dashboard). */
export function comparisonCharts(tables: PublishedTable[], region: string, stem: string): Chart[] {
	const named = (name: string) => (stem ? `${stem}-${name}` : name);
	// Each chart is drawn from its own table, when that table is among those given.
	const has = (name: string) => tables.some((t) => t.name === name);
	return [
		...(has('change_between_waves')
			? [changeChart(tables, region, named('change-shares'), true), changeChart(tables, region, named('change-means'), false)]
			: []),
		...(has('region_against_england') ? [againstEngland(tables, region, named('region-against-england'))] : []),
		...(has('weighted_figures') ? [weightedNeeds(tables, region, named('weighted-needs'))] : [])
	];
}
