// Stage: charts — typed Vega-Lite specs built from the published (already protected) tables, shaped
// with arquero, and rendered to SVG on the server with vega. Each chart keeps the rows it shows so
// the report can put a data table beside it for screen readers.
import { withoutControls } from '../src/lib/text';
import * as aq from 'arquero';
import { compile, type TopLevelSpec } from 'vega-lite';
import { parse, View } from 'vega';
import { competencyName, ENGLAND, optionLabel, ratingScale, regionName, sectorName, waveLabel } from './reference';
import type { PublishedTable } from './context';
import { RATINGS, SHARE_QUESTIONS } from './cube';
import { formatNumber, measureDecimals, shareDecimals, SUPPRESSED_MARK, type FigureColumn } from './figures';
import { breakdownChartsFor, breakdownDashboardCharts, locusForFocusChart } from './charts-breakdowns';
import type { BreakdownPair } from './breakdowns';
import { comparisonCharts } from './charts-change';
import { CHART_CONFIG } from './chart-style';
import { MWDS_INTERVAL_COLUMNS, RANK_RANGE_EXPLAINED, rankRangeColumn, rankRangeText } from './needs';

type Row = Record<string, unknown>;

export interface Chart {
	/** File name stem, for example national-needs-ranking or E40000003-needs-ranking. */
	id: string;
	title: string;
	description: string;
	spec: TopLevelSpec;
	/** What the data table shows: column key → heading, which columns are counts of people, and the
	 *  decimals a column's figures are written with (percentages 1, means and scores 2; see figures.ts). */
	table: { columns: Array<FigureColumn & { heading: string; count?: boolean }>; rows: Row[] };
}

const { op } = aq;
const WIDTH = 560;
const config = CHART_CONFIG;
/** Hidden figures are drawn as a grey, labelled mark rather than left out. */
const SUPPRESSED_GREY = '#aeb7bd';
const TEXT = '#212b32';

/** A figure as a chart label: en-GB with fixed decimals and an optional unit, or the suppressed mark. */
const labelOf = (value: unknown, decimals: number, unit = '') => (value === null || value === undefined ? SUPPRESSED_MARK : `${formatNumber(Number(value), decimals)}${unit}`);
/** A wave as people write it: 2026-27 is shown as 2026/27. */

// Arquero verbs: (table, opts) => table.
const forScope = (t: aq.ColumnTable, { region }: { region: string }) => t.params({ region }).filter((d: Row, $: Row) => d.region_code === $.region);

const tableOf = (tables: PublishedTable[], name: string) => {
	const t = tables.find((x) => x.name === name);
	if (!t) throw new Error(`No published table ${name}`);
	// Declared columns even when no rows (a dashboard filter nobody matches), so the verbs still resolve.
	return t.rows.length ? aq.from(t.rows) : aq.table(Object.fromEntries(Object.keys(t.columns).map((c) => [c, []])));
};

const MWDS_EXPLAINED =
	'The needs score is the mean weighted discrepancy score (MWDS, Borich 1980): for each competency, the mean gap between how important respondents rate it and how confident they feel (both on 1 to 5 scales), multiplied by its mean importance. Higher means a bigger training need; a negative score means respondents feel more confident than the competency is important.';

function needsRanking(tables: PublishedTable[], region: string, id: string): Chart {
	// Suppressed competencies stay in, after the ranked ones, marked in the chart and the table.
	const data = forScope(tableOf(tables, 'needs_by_competency_region'), { region })
		.derive({
			competency_name: aq.escape((d: Row) => competencyName(String(d.competency))),
			order: (d: Row) => (d.rank === null ? 1000 : d.rank),
			mwds_label: aq.escape((d: Row) => labelOf(d.mwds, 2)),
			rank_range: aq.escape((d: Row) => rankRangeText(d.rank_best, d.rank_worst)),
			// Labels just past the end of a positive bar's interval, or right of zero beside a negative one.
			mark_at: aq.escape((d: Row) => (d.mwds === null ? 0 : Math.max(0, Number(d.mwds_high ?? d.mwds))))
		})
		.orderby('order', 'competency')
		.objects() as Row[];
	return {
		id,
		title: `Training needs ranked by needs score (MWDS), ${regionName(region)}`,
		description: `${MWDS_EXPLAINED} The lines across the bars are 95% intervals. ${RANK_RANGE_EXPLAINED}`,
		spec: {
			$schema: 'https://vega.github.io/schema/vega-lite/v6.json',
			config,
			width: WIDTH,
			data: { values: data },
			// The rows are in rank order already; null keeps it (a sort by field conflicts across layers).
			encoding: { y: { field: 'competency_name', type: 'nominal', sort: null, title: null } },
			layer: [
				// The scale is not clamped at 0: a negative score (more confident than the competency is important) shows left of zero.
				{ mark: { type: 'bar', color: '#005eb8' }, encoding: { x: { field: 'mwds', type: 'quantitative', title: 'Needs score (MWDS) with 95% interval: higher is a bigger need' } } },
				{ mark: { type: 'rule', color: 'black' }, encoding: { x: { field: 'mwds_low', type: 'quantitative' }, x2: { field: 'mwds_high' } } },
				{ mark: { type: 'text', align: 'left', dx: 4, color: TEXT }, encoding: { x: { field: 'mark_at', type: 'quantitative' }, text: { field: 'mwds_label' } } }
			]
		},
		table: {
			columns: [
				{ key: 'rank', heading: 'Rank' },
				{ key: 'competency_name', heading: 'Competency' },
				{ key: 'mean_importance', heading: 'Mean importance', decimals: 2 },
				{ key: 'mean_confidence', heading: 'Mean confidence', decimals: 2 },
				{ key: 'mwds', heading: 'MWDS', decimals: 2 },
				...MWDS_INTERVAL_COLUMNS,
				rankRangeColumn(),
				{ key: 'respondents', heading: 'Respondents', count: true }
			],
			rows: data
		}
	};
}

/** Each rating's scale labels, as respondents saw them in the instrument. */
const LEVEL_LABELS = Object.fromEntries(RATINGS.map((rating) => [rating, new Map(ratingScale(rating).map((l) => [l.level, l.label]))]));

/** Diverging Likert: ratings 1–2 left of zero, 3 straddling it, 4–5 right, as percentages of raters;
 *  competencies in order of need (the needs ranking), suppressed levels marked at zero. */
function likert(tables: PublishedTable[], region: string, id: string): Chart {
	const needRank = new Map(
		(forScope(tableOf(tables, 'needs_by_competency_region'), { region }).objects() as Row[]).map((r) => [String(r.competency), r.rank === null ? 1000 : Number(r.rank)])
	);
	const data = forScope(tableOf(tables, 'ratings_distribution'), { region })
		.groupby('competency', 'rating')
		.derive({ left: (d: Row) => -op.sum((d.level as number) < 3 ? d.percent : 0) - op.sum(d.level === 3 ? d.percent : 0) / 2 })
		.orderby('level')
		.derive({ cumulative: aq.rolling((d: Row) => op.sum(d.percent)) })
		.ungroup()
		.derive({
			x0: (d: Row) => op.round(((d.left as number) + (d.cumulative as number) - (d.percent as number)) * 10) / 10,
			x1: (d: Row) => op.round(((d.left as number) + (d.cumulative as number)) * 10) / 10,
			competency_name: aq.escape((d: Row) => competencyName(String(d.competency))),
			need_order: aq.escape((d: Row) => needRank.get(String(d.competency)) ?? 1000),
			level_label: aq.escape((d: Row) => `${d.level} ${LEVEL_LABELS[String(d.rating)].get(Number(d.level))}`),
			rating_label: (d: Row) => (d.rating === 'importance' ? 'Importance' : 'Confidence')
		})
		.select('competency', 'competency_name', 'need_order', 'rating', 'rating_label', 'level', 'level_label', 'percent', 'base', 'x0', 'x1', 'suppressed')
		.orderby('need_order', 'competency', 'rating', 'level')
		.objects() as Row[];
	return {
		id,
		title: `Importance and confidence ratings by competency, ${regionName(region)}`,
		description: `Share of respondents giving each rating; low ratings to the left of zero, high ratings to the right. Competencies are in order of training need, biggest first. ${SUPPRESSED_MARK} marks ratings given by too few people to show.`,
		spec: {
			$schema: 'https://vega.github.io/schema/vega-lite/v6.json',
			config,
			data: { values: data },
			facet: { column: { field: 'rating_label', type: 'nominal', title: null, sort: ['Importance', 'Confidence'] } },
			spec: {
				width: 260,
				encoding: { y: { field: 'competency_name', type: 'nominal', title: null, sort: null } },
				layer: [
					{
						mark: 'bar',
						encoding: {
							x: { field: 'x0', type: 'quantitative', title: 'Percentage of respondents (%)', scale: { domain: [-100, 100] }, axis: { labelExpr: "abs(datum.value) + '%'" } },
							x2: { field: 'x1' },
							color: {
								field: 'level',
								type: 'ordinal',
								title: 'Rating (1 low – 5 high)',
								scale: { domain: [1, 2, 3, 4, 5], range: ['#d5281b', '#f4a582', '#d8dde0', '#92c5de', '#005eb8'] }
							},
							tooltip: [{ field: 'competency_name', title: 'Competency' }, { field: 'level_label', title: 'Rating' }, { field: 'percent', title: '%' }]
						}
					},
					// A condition, not a filter: layers over the same rows share the need order of the y axis.
					// The mark sits where its level's bar would start, not at zero away from it.
					{ mark: { type: 'text', color: TEXT }, encoding: { x: { field: 'x0', type: 'quantitative' }, text: { condition: { test: 'datum.suppressed', value: SUPPRESSED_MARK }, value: '' } } }
				]
			}
		},
		table: {
			columns: [
				{ key: 'competency_name', heading: 'Competency' },
				{ key: 'rating_label', heading: 'Rating of' },
				{ key: 'level_label', heading: 'Level' },
				{ key: 'base', heading: 'Rated', count: true },
				{ key: 'percent', heading: '%', baseFrom: 'base' }
			],
			rows: data
		}
	};
}

function needsHeatmap(tables: PublishedTable[], region: string, id: string): Chart {
	const rows = tableOf(tables, 'needs_by_competency_sector')
		.derive({
			competency_name: aq.escape((d: Row) => competencyName(String(d.competency))),
			sector_name: aq.escape((d: Row) => sectorName(String(d.sector))),
			mwds_label: aq.escape((d: Row) => labelOf(d.mwds, 2)),
			rank_range: aq.escape((d: Row) => rankRangeText(d.rank_best, d.rank_worst))
		})
		.orderby('sector', 'competency')
		.objects() as Row[];
	// Dark cells (the upper half of the scores shown) get white text, so every value stays readable.
	const scores = rows.map((r) => r.mwds).filter((v): v is number => typeof v === 'number');
	const middle = scores.length ? (Math.min(...scores) + Math.max(...scores)) / 2 : 0;
	const data = rows.map((r) => ({ ...r, dark: typeof r.mwds === 'number' && r.mwds > middle }));
	return {
		id,
		title: `Needs score (MWDS) by competency and sector, ${regionName(region)}`,
		description: `Needs score (MWDS) in each cell; darker cells are bigger training needs. Grey cells marked ${SUPPRESSED_MARK} rest on too few respondents to publish. ${MWDS_EXPLAINED} ${RANK_RANGE_EXPLAINED}`,
		spec: {
			$schema: 'https://vega.github.io/schema/vega-lite/v6.json',
			config,
			data: { values: data },
			// Cells wide enough for their value.
			width: { step: 46 },
			height: { step: 22 },
			encoding: {
				x: { field: 'sector_name', type: 'nominal', title: 'Sector', axis: { labelAngle: -40 } },
				y: { field: 'competency_name', type: 'nominal', title: null }
			},
			layer: [
				{ mark: { type: 'rect', color: SUPPRESSED_GREY } },
				{
					transform: [{ filter: 'isValid(datum.mwds)' }],
					mark: 'rect',
					encoding: {
						color: { field: 'mwds', type: 'quantitative', title: 'MWDS', scale: { scheme: 'blues' } },
						tooltip: [{ field: 'sector_name', title: 'Sector' }, { field: 'competency_name', title: 'Competency' }, { field: 'mwds', title: 'MWDS' }]
					}
				},
				{
					mark: { type: 'text' },
					encoding: { text: { field: 'mwds_label' }, color: { condition: { test: 'datum.dark', value: 'white' }, value: TEXT } }
				}
			]
		},
		table: {
			columns: [
				{ key: 'sector_name', heading: 'Sector' },
				{ key: 'competency_name', heading: 'Competency' },
				{ key: 'mwds', heading: 'MWDS', decimals: 2 },
				...MWDS_INTERVAL_COLUMNS,
				{ key: 'rank', heading: 'Rank in sector' },
				rankRangeColumn('Rank in sector (range)'),
				{ key: 'respondents', heading: 'Respondents', count: true }
			],
			rows: data
		}
	};
}

const RAG_COLOURS = { domain: ['green', 'amber', 'red'], range: ['#007f3b', '#ffb81c', '#d5281b'] };

/** A measure's figure: 45% for percentages (a decimal from 1,000 people), 1.23 for scores (whose unit is
 *  in the measure's name); the mark when hidden. A target (no base) is written as it was set. */
function measureLabel(value: unknown, unit: unknown, suppressed: unknown, decimals?: number): string {
	if (value === null || value === undefined) return suppressed ? SUPPRESSED_MARK : 'not available';
	const text = formatNumber(Number(value), decimals);
	return unit === '%' ? `${text}%` : text;
}
/** The measure as labelled in charts: its unit unless a percentage, and which way is better when lower. */
const measureName = (d: Row) => `${String(d.name)}${d.unit === '%' ? '' : ` (${String(d.unit)})`}${d.direction === 'lower' ? ', lower is better' : ''}`;
/** How far a measure has come towards its target, in percent (100 = met), whichever way is better; at most 150 drawn. */
function progress(d: Row): number | null {
	if (typeof d.value !== 'number' || typeof d.target !== 'number' || d.target === 0) return null;
	const ratio = d.direction === 'lower' ? (d.value <= 0 ? 2 : d.target / d.value) : d.value / d.target;
	return Math.round(Math.min(1.5, Math.max(0, ratio)) * 1000) / 10;
}

function measuresVsTargets(tables: PublishedTable[], region: string, wave: string, id: string): Chart {
	const data = (
		forScope(tableOf(tables, 'success_measures'), { region })
			.params({ wave })
			.filter((d: Row, $: Row) => d.wave === $.wave)
			.orderby('measure_id')
			.objects() as Row[]
	).map((d) => ({
		...d,
		decimals: measureDecimals(d),
		measure_name: measureName(d),
		progress: progress(d),
		mark_at: progress(d) ?? 0,
		figure_label: `${measureLabel(d.value, d.unit, d.suppressed, measureDecimals(d))}${typeof d.target === 'number' && d.value !== null ? ` (target ${measureLabel(d.target, d.unit, false)})` : ''}`
	}));
	return {
		id,
		title: `Success measures against their targets, ${regionName(region)}, ${waveLabel(wave)}`,
		description:
			'Every measure on one scale: how far it has come towards its target for the wave, where 100% means the target is met (for measures where lower is better, the target over the value). Each bar is labelled with the value in its own unit and the target; colour is the red, amber or green status.',
		spec: {
			$schema: 'https://vega.github.io/schema/vega-lite/v6.json',
			config,
			width: 300,
			data: { values: data },
			layer: [
				{
					mark: 'bar',
					encoding: {
						y: { field: 'measure_name', type: 'nominal', title: null, sort: null },
						x: { field: 'progress', type: 'quantitative', title: 'Progress towards the target (%; 100 = target met)', scale: { domain: [0, 150], nice: false } },
						// Above the chart: the value labels run past the bars on the right.
						color: { field: 'rag', type: 'nominal', title: 'Status', scale: RAG_COLOURS, legend: { orient: 'top', direction: 'horizontal' } }
					}
				},
				// The target line, the full height of the chart.
				{ mark: { type: 'rule', color: TEXT, strokeDash: [4, 3] }, encoding: { x: { datum: 100 } } },
				{
					mark: { type: 'text', align: 'left', dx: 4, color: TEXT },
					encoding: { y: { field: 'measure_name', type: 'nominal', sort: null }, x: { field: 'mark_at', type: 'quantitative' }, text: { field: 'figure_label' } }
				}
			]
		},
		table: {
			columns: [
				{ key: 'name', heading: 'Measure' },
				{ key: 'aim', heading: 'Aim' },
				{ key: 'value', heading: 'Value', decimalsFrom: 'decimals' },
				{ key: 'unit', heading: 'Unit' },
				{ key: 'direction', heading: 'Better when' },
				{ key: 'target', heading: 'Target' },
				{ key: 'rag', heading: 'Status' },
				{ key: 'change', heading: 'Change since previous wave', decimalsFrom: 'decimals' },
				{ key: 'base', heading: 'Base', count: true }
			],
			rows: data
		}
	};
}

function measuresTrend(tables: PublishedTable[], region: string, id: string): Chart {
	const data = (forScope(tableOf(tables, 'success_measures'), { region }).orderby('measure_id', 'wave').objects() as Row[]).map((d) => ({
		...d,
		decimals: measureDecimals(d),
		wave_label: waveLabel(String(d.wave)),
		panel: d.unit === '%' ? `${measureName(d)} (%)` : measureName(d)
	}));
	// As many panels to a row as fill every row, so the grid has no empty cells.
	const panels = new Set(data.map((d) => d.panel)).size;
	const columns = [3, 2, 4].find((c) => panels % c === 0) ?? 3;
	return {
		id,
		title: `Success measures across waves, ${regionName(region)}`,
		description: `Each measure by survey wave (line and dots) and its target for the wave (open circle); ${SUPPRESSED_MARK} marks a wave with too few respondents to show. Each panel has its own scale and unit.`,
		spec: {
			$schema: 'https://vega.github.io/schema/vega-lite/v6.json',
			config,
			data: { values: data },
			facet: { field: 'panel', type: 'nominal', title: null, sort: { field: 'measure_id' }, header: { labelFontSize: 11 } },
			columns,
			resolve: { scale: { y: 'independent' } },
			spec: {
				width: 180,
				height: 90,
				encoding: { x: { field: 'wave_label', type: 'ordinal', title: null, sort: { field: 'wave' }, axis: { labelAngle: 0 } } },
				layer: [
					{ mark: { type: 'line', point: true, color: '#005eb8' }, encoding: { y: { field: 'value', type: 'quantitative', title: null } } },
					{ mark: { type: 'point', shape: 'circle', filled: false, color: 'black' }, encoding: { y: { field: 'target', type: 'quantitative' } } },
					{ mark: { type: 'text', color: TEXT }, encoding: { y: { value: 45 }, text: { condition: { test: 'datum.suppressed', value: SUPPRESSED_MARK }, value: '' } } }
				]
			}
		},
		table: {
			columns: [
				{ key: 'name', heading: 'Measure' },
				{ key: 'wave_label', heading: 'Wave' },
				{ key: 'value', heading: 'Value', decimalsFrom: 'decimals' },
				{ key: 'unit', heading: 'Unit' },
				{ key: 'target', heading: 'Target' },
				{ key: 'rag', heading: 'Status' }
			],
			rows: data
		}
	};
}

/** Where each NHS England region sits on the tile map: roughly its place on a map of England. */
const TILES: Record<string, { col: number; row: number; short: string }> = {
	E40000010: { col: 1, row: 0, short: 'North West' },
	E40000012: { col: 2, row: 0, short: 'NE & Yorkshire' },
	E40000011: { col: 1, row: 1, short: 'Midlands' },
	E40000007: { col: 2, row: 1, short: 'East of England' },
	E40000006: { col: 0, row: 2, short: 'South West' },
	E40000005: { col: 1, row: 2, short: 'South East' },
	E40000003: { col: 2, row: 2, short: 'London' }
};

function coverageByRegion(tables: PublishedTable[], id: string): Chart {
	const data = tableOf(tables, 'coverage_by_region_staff_group')
		.filter((d: Row) => d.staff_group === 'all')
		.derive({ region_name: aq.escape((d: Row) => regionName(String(d.region_code))) })
		.orderby(aq.desc('coverage_percent'), 'region_code')
		.objects() as Row[];
	const tiles = data
		.filter((d) => TILES[String(d.region_code)])
		.map((d) => {
			const tile = TILES[String(d.region_code)];
			return { ...d, tile_col: tile.col, tile_row: tile.row, tile_name: tile.short, tile_value: labelOf(d.coverage_percent, 1, '%') };
		});
	return {
		id,
		title: 'Coverage by region: respondents as a percentage of the workforce',
		description: `A tile map of the seven NHS England regions, darker where a larger share of the workforce responded; ${SUPPRESSED_MARK} marks a region with too few respondents to show. The table gives 95% Wilson intervals. With a staff group chosen, each region’s respondents of that group are divided by that group’s workforce. The workforce figures are those an administrator has uploaded (illustrative ones until then).`,
		spec: {
			$schema: 'https://vega.github.io/schema/vega-lite/v6.json',
			config,
			width: 360,
			height: 300,
			data: { values: tiles },
			encoding: {
				x: { field: 'tile_col', type: 'ordinal', axis: null, scale: { domain: [0, 1, 2], paddingInner: 0.06 } },
				y: { field: 'tile_row', type: 'ordinal', axis: null, scale: { domain: [0, 1, 2], paddingInner: 0.06 } }
			},
			layer: [
				// Every region gets a grey tile, so a suppressed region still shows where it is.
				{ mark: { type: 'rect', color: '#d8dde0' } },
				{
					transform: [{ filter: 'isValid(datum.coverage_percent)' }],
					mark: { type: 'rect' },
					// A light range keeps the dark labels readable on every tile.
					encoding: { color: { field: 'coverage_percent', type: 'quantitative', title: 'Coverage (%)', scale: { range: ['#eef4fb', '#7fb0e6'], domainMin: 0 } } }
				},
				{ mark: { type: 'text', dy: -9, fontWeight: 'bold', fontSize: 12, color: '#212b32' }, encoding: { text: { field: 'tile_name' } } },
				{ mark: { type: 'text', dy: 9, fontSize: 12, color: '#212b32' }, encoding: { text: { field: 'tile_value' } } }
			]
		},
		table: {
			columns: [
				{ key: 'region_name', heading: 'Region' },
				{ key: 'respondents', heading: 'Respondents', count: true },
				{ key: 'workforce', heading: 'Workforce (illustrative)' },
				{ key: 'coverage_percent', heading: 'Coverage %', decimals: 1 }
			],
			rows: data
		}
	};
}

const QUESTION_TITLES: Record<string, string> = {
	training_done: 'Training already done',
	learning_formats: 'Preferred learning formats',
	barriers: 'Barriers to learning'
};

function optionShares(tables: PublishedTable[], region: string, question: string, id: string): Chart {
	const data = forScope(tableOf(tables, 'training_shares'), { region })
		.params({ question })
		.filter((d: Row, $: Row) => d.question === $.question)
		.derive({
			option_label: aq.escape((d: Row) => optionLabel(String(d.question), String(d.option))),
			percent_label: aq.escape((d: Row) => labelOf(d.percent, shareDecimals(d.base), '%')),
			order: (d: Row) => (d.percent === null ? -1 : d.percent),
			mark_at: (d: Row) => (d.ci_high === null ? 0 : d.ci_high)
		})
		.orderby(aq.desc('order'), 'option')
		.objects() as Row[];
	return {
		id,
		title: `${QUESTION_TITLES[question]}, ${regionName(region)}`,
		description: `Percentage of respondents choosing each answer (more than one could be chosen), with 95% Wilson intervals; ${SUPPRESSED_MARK} marks answers chosen by too few people to show.`,
		spec: {
			$schema: 'https://vega.github.io/schema/vega-lite/v6.json',
			config,
			width: WIDTH,
			data: { values: data },
			encoding: { y: { field: 'option_label', type: 'nominal', sort: null, title: null } },
			layer: [
				{ mark: { type: 'bar', color: '#005eb8' }, encoding: { x: { field: 'percent', type: 'quantitative', title: 'Respondents choosing the answer (%)', scale: { domain: [0, 100] } } } },
				{ mark: { type: 'rule', color: 'black' }, encoding: { x: { field: 'ci_low', type: 'quantitative' }, x2: { field: 'ci_high' } } },
				{ mark: { type: 'text', align: 'left', dx: 4, color: TEXT }, encoding: { x: { field: 'mark_at', type: 'quantitative' }, text: { field: 'percent_label' } } }
			]
		},
		table: {
			columns: [
				{ key: 'option_label', heading: 'Answer' },
				{ key: 'base', heading: 'Answered the question', count: true },
				{ key: 'percent', heading: '%', baseFrom: 'base' },
				{ key: 'ci_low', heading: '95% CI low', baseFrom: 'base' },
				{ key: 'ci_high', heading: '95% CI high', baseFrom: 'base' }
			],
			rows: data
		}
	};
}

/** Every chart of a scope: England (national report) or one region. */
export function chartsFor(tables: PublishedTable[], region: string, wave: string): Chart[] {
	const national = region === ENGLAND.code;
	const stem = national ? 'national' : region;
	return [
		needsRanking(tables, region, `${stem}-needs-ranking`),
		locusForFocusChart(tables, region, `${stem}-locus-for-focus`),
		likert(tables, region, `${stem}-ratings-likert`),
		...(national ? [needsHeatmap(tables, region, `${stem}-needs-heatmap-sector`)] : []),
		measuresVsTargets(tables, region, wave, `${stem}-success-measures`),
		measuresTrend(tables, region, `${stem}-success-measures-trend`),
		...(national ? [coverageByRegion(tables, `${stem}-coverage-by-region`)] : []),
		optionShares(tables, region, 'training_done', `${stem}-training-done`),
		optionShares(tables, region, 'learning_formats', `${stem}-learning-formats`),
		optionShares(tables, region, 'barriers', `${stem}-barriers`),
		...breakdownChartsFor(tables, region),
		...comparisonCharts(tables, region, stem)
	];
}

/** The planner dashboard's charts: every chart, whatever the scope. The tables are already restricted
 *  to the planner's scope and filters, so the sector heatmap and coverage show only what they may see. */
export function dashboardCharts(tables: PublishedTable[], region: string, wave: string, pair?: BreakdownPair): Chart[] {
	return [
		needsRanking(tables, region, 'needs-ranking'),
		locusForFocusChart(tables, region, 'locus-for-focus'),
		likert(tables, region, 'ratings-likert'),
		needsHeatmap(tables, region, 'needs-heatmap-sector'),
		measuresVsTargets(tables, region, wave, 'success-measures'),
		measuresTrend(tables, region, 'success-measures-trend'),
		coverageByRegion(tables, 'coverage-by-region'),
		...SHARE_QUESTIONS.map((question) => optionShares(tables, region, question, question.replaceAll('_', '-'))),
		...breakdownDashboardCharts(tables, region, pair),
		...comparisonCharts(tables, region, '')
	];
}

/** Server-side SVG: compile Vega-Lite to Vega and render headless (no canvas needed). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
	const view = new View(parse(compile(spec).spec), { renderer: 'none' });
	try {
		// Labels come from admin-entered text (wave labels, measure names): no invisible controls in print.
		return withoutControls(await view.toSVG());
	} finally {
		view.finalize();
	}
}
