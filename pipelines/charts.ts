// Stage: charts — typed Vega-Lite specs built from the published (already protected) tables, shaped
// with arquero, and rendered to SVG on the server with vega. Each chart keeps the rows it shows so
// the report can put a data table beside it for screen readers.
import { withoutControls } from '../src/lib/text';
import * as aq from 'arquero';
import { compile, type TopLevelSpec } from 'vega-lite';
import { parse, View } from 'vega';
import { competencyName, ENGLAND, optionLabel, ratingScale, regionName, sectorName } from './reference';
import type { PublishedTable } from './context';
import { RATINGS, SHARE_QUESTIONS } from './cube';
import { comparisonCharts } from './charts-change';

type Row = Record<string, unknown>;

export interface Chart {
	/** File name stem, for example national-needs-ranking or E40000003-needs-ranking. */
	id: string;
	title: string;
	description: string;
	spec: TopLevelSpec;
	/** What the data table shows: column key → heading, and which columns are counts of people. */
	table: { columns: Array<{ key: string; heading: string; count?: boolean }>; rows: Row[] };
}

const { op } = aq;
const WIDTH = 560;
const FONT = 'Arial, Helvetica, sans-serif';
const config = { font: FONT, view: { stroke: null }, axis: { labelFontSize: 11, titleFontSize: 12, labelLimit: 260 }, legend: { labelFontSize: 11, titleLimit: 260 } } as const;

// Arquero verbs: (table, opts) => table.
const forScope = (t: aq.ColumnTable, { region }: { region: string }) => t.params({ region }).filter((d: Row, $: Row) => d.region_code === $.region);
const published = (t: aq.ColumnTable) => t.filter((d: Row) => !d.suppressed);

const tableOf = (tables: PublishedTable[], name: string) => {
	const t = tables.find((x) => x.name === name);
	if (!t) throw new Error(`No published table ${name}`);
	// Declared columns even when no rows (a dashboard filter nobody matches), so the verbs still resolve.
	return t.rows.length ? aq.from(t.rows) : aq.table(Object.fromEntries(Object.keys(t.columns).map((c) => [c, []])));
};

function needsRanking(tables: PublishedTable[], region: string, id: string): Chart {
	const data = published(forScope(tableOf(tables, 'needs_by_competency_region'), { region }))
		.derive({ competency_name: aq.escape((d: Row) => competencyName(String(d.competency))) })
		.orderby('rank')
		.objects() as Row[];
	return {
		id,
		title: `Training needs ranked by needs score (MWDS), ${regionName(region)}`,
		description: 'Higher mean weighted discrepancy score (MWDS) means a bigger training need.',
		spec: {
			$schema: 'https://vega.github.io/schema/vega-lite/v6.json',
			config,
			width: WIDTH,
			data: { values: data },
			mark: { type: 'bar', color: '#005eb8' },
			encoding: {
				y: { field: 'competency_name', type: 'nominal', sort: { field: 'rank', order: 'ascending' }, title: null },
				x: { field: 'mwds', type: 'quantitative', title: 'Needs score (MWDS)' },
				tooltip: [{ field: 'competency_name', title: 'Competency' }, { field: 'mwds', title: 'MWDS' }, { field: 'respondents', title: 'Respondents' }]
			}
		},
		table: {
			columns: [
				{ key: 'rank', heading: 'Rank' },
				{ key: 'competency_name', heading: 'Competency' },
				{ key: 'mean_importance', heading: 'Mean importance' },
				{ key: 'mean_confidence', heading: 'Mean confidence' },
				{ key: 'mwds', heading: 'MWDS' },
				{ key: 'respondents', heading: 'Respondents', count: true }
			],
			rows: data
		}
	};
}

/** Each rating's scale labels, as respondents saw them in the instrument. */
const LEVEL_LABELS = Object.fromEntries(RATINGS.map((rating) => [rating, new Map(ratingScale(rating).map((l) => [l.level, l.label]))]));

/** Diverging Likert: ratings 1–2 left of zero, 3 straddling it, 4–5 right, as percentages of raters. */
function likert(tables: PublishedTable[], region: string, id: string): Chart {
	const data = published(forScope(tableOf(tables, 'ratings_distribution'), { region }))
		.groupby('competency', 'rating')
		.derive({ left: (d: Row) => -op.sum((d.level as number) < 3 ? d.percent : 0) - op.sum(d.level === 3 ? d.percent : 0) / 2 })
		.orderby('level')
		.derive({ cumulative: aq.rolling((d: Row) => op.sum(d.percent)) })
		.ungroup()
		.derive({
			x0: (d: Row) => op.round(((d.left as number) + (d.cumulative as number) - (d.percent as number)) * 10) / 10,
			x1: (d: Row) => op.round(((d.left as number) + (d.cumulative as number)) * 10) / 10,
			competency_name: aq.escape((d: Row) => competencyName(String(d.competency))),
			level_label: aq.escape((d: Row) => `${d.level} ${LEVEL_LABELS[String(d.rating)].get(Number(d.level))}`)
		})
		.select('competency', 'competency_name', 'rating', 'level', 'level_label', 'percent', 'respondents', 'x0', 'x1')
		.orderby('competency', 'rating', 'level')
		.objects() as Row[];
	return {
		id,
		title: `Importance and confidence ratings by competency, ${regionName(region)}`,
		description: 'Share of respondents giving each rating; low ratings to the left of zero, high ratings to the right.',
		spec: {
			$schema: 'https://vega.github.io/schema/vega-lite/v6.json',
			config,
			data: { values: data },
			facet: { column: { field: 'rating', type: 'nominal', title: null } },
			spec: {
				width: 300,
				mark: 'bar',
				encoding: {
					y: { field: 'competency_name', type: 'nominal', title: null },
					x: { field: 'x0', type: 'quantitative', title: 'Percentage of respondents', scale: { domain: [-100, 100] } },
					x2: { field: 'x1' },
					color: {
						field: 'level',
						type: 'ordinal',
						title: 'Rating (1 low – 5 high)',
						scale: { domain: [1, 2, 3, 4, 5], range: ['#d5281b', '#f4a582', '#d8dde0', '#92c5de', '#005eb8'] }
					},
					tooltip: [{ field: 'competency_name', title: 'Competency' }, { field: 'level_label', title: 'Rating' }, { field: 'percent', title: '%' }]
				}
			}
		},
		table: {
			columns: [
				{ key: 'competency_name', heading: 'Competency' },
				{ key: 'rating', heading: 'Rating of' },
				{ key: 'level_label', heading: 'Level' },
				{ key: 'respondents', heading: 'Respondents', count: true },
				{ key: 'percent', heading: '%' }
			],
			rows: data
		}
	};
}

function needsHeatmap(tables: PublishedTable[], region: string, id: string): Chart {
	const data = published(tableOf(tables, 'needs_by_competency_sector'))
		.derive({
			competency_name: aq.escape((d: Row) => competencyName(String(d.competency))),
			sector_name: aq.escape((d: Row) => sectorName(String(d.sector)))
		})
		.orderby('sector', 'competency')
		.objects() as Row[];
	return {
		id,
		title: `Needs score (MWDS) by competency and sector, ${regionName(region)}`,
		description: 'Darker cells are bigger training needs. Sectors with too few respondents to publish are left blank.',
		spec: {
			$schema: 'https://vega.github.io/schema/vega-lite/v6.json',
			config,
			data: { values: data },
			mark: 'rect',
			encoding: {
				x: { field: 'sector_name', type: 'nominal', title: 'Sector', axis: { labelAngle: -40 } },
				y: { field: 'competency_name', type: 'nominal', title: null },
				color: { field: 'mwds', type: 'quantitative', title: 'MWDS', scale: { scheme: 'blues' } },
				tooltip: [{ field: 'sector_name', title: 'Sector' }, { field: 'competency_name', title: 'Competency' }, { field: 'mwds', title: 'MWDS' }]
			}
		},
		table: {
			columns: [
				{ key: 'sector_name', heading: 'Sector' },
				{ key: 'competency_name', heading: 'Competency' },
				{ key: 'mwds', heading: 'MWDS' },
				{ key: 'rank', heading: 'Rank in sector' },
				{ key: 'respondents', heading: 'Respondents', count: true }
			],
			rows: data
		}
	};
}

const RAG_COLOURS = { domain: ['green', 'amber', 'red'], range: ['#007f3b', '#ffb81c', '#d5281b'] };

function measuresVsTargets(tables: PublishedTable[], region: string, wave: string, id: string): Chart {
	const data = forScope(tableOf(tables, 'success_measures'), { region })
		.params({ wave })
		.filter((d: Row, $: Row) => d.wave === $.wave)
		.orderby('measure_id')
		.objects() as Row[];
	return {
		id,
		title: `Success measures against their targets, ${regionName(region)}, ${wave}`,
		description: 'Bars show the value, the black tick the target; colour is the red, amber or green status.',
		spec: {
			$schema: 'https://vega.github.io/schema/vega-lite/v6.json',
			config,
			data: { values: data },
			facet: { row: { field: 'name', type: 'nominal', title: null, header: { labelAngle: 0, labelAlign: 'left', labelLimit: 260 } } },
			resolve: { scale: { x: 'independent' } },
			spec: {
				width: 320,
				height: 18,
				layer: [
					{ mark: 'bar', encoding: { x: { field: 'value', type: 'quantitative', title: null }, color: { field: 'rag', type: 'nominal', title: 'Status', scale: RAG_COLOURS } } },
					{ mark: { type: 'tick', color: 'black', thickness: 2 }, encoding: { x: { field: 'target', type: 'quantitative' } } }
				]
			}
		},
		table: {
			columns: [
				{ key: 'name', heading: 'Measure' },
				{ key: 'aim', heading: 'Aim' },
				{ key: 'value', heading: 'Value' },
				{ key: 'unit', heading: 'Unit' },
				{ key: 'target', heading: 'Target' },
				{ key: 'rag', heading: 'Status' },
				{ key: 'change', heading: 'Change since previous wave' },
				{ key: 'base', heading: 'Base', count: true }
			],
			rows: data
		}
	};
}

function measuresTrend(tables: PublishedTable[], region: string, id: string): Chart {
	const data = forScope(tableOf(tables, 'success_measures'), { region }).orderby('measure_id', 'wave').objects() as Row[];
	return {
		id,
		title: `Success measures across waves, ${regionName(region)}`,
		description: 'Each measure by survey wave (line) and its target for the wave (open circle).',
		spec: {
			$schema: 'https://vega.github.io/schema/vega-lite/v6.json',
			config,
			data: { values: data },
			facet: { field: 'name', type: 'nominal', title: null },
			columns: 3,
			resolve: { scale: { y: 'independent' } },
			spec: {
				width: 150,
				height: 90,
				layer: [
					{ mark: { type: 'line', point: true, color: '#005eb8' }, encoding: { x: { field: 'wave', type: 'ordinal', title: null }, y: { field: 'value', type: 'quantitative', title: null } } },
					{ mark: { type: 'point', shape: 'circle', filled: false, color: 'black' }, encoding: { x: { field: 'wave', type: 'ordinal' }, y: { field: 'target', type: 'quantitative' } } }
				]
			}
		},
		table: {
			columns: [
				{ key: 'name', heading: 'Measure' },
				{ key: 'wave', heading: 'Wave' },
				{ key: 'value', heading: 'Value' },
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
	const data = published(tableOf(tables, 'coverage_by_region_staff_group'))
		.filter((d: Row) => d.staff_group === 'all')
		.derive({ region_name: aq.escape((d: Row) => regionName(String(d.region_code))) })
		.orderby(aq.desc('coverage_percent'))
		.objects() as Row[];
	const tiles = data
		.filter((d) => TILES[String(d.region_code)])
		.map((d) => {
			const tile = TILES[String(d.region_code)];
			return { ...d, tile_col: tile.col, tile_row: tile.row, tile_name: tile.short, tile_value: d.coverage_percent === null ? '*' : `${d.coverage_percent}%` };
		});
	return {
		id,
		title: 'Coverage by region: respondents as a percentage of the workforce',
		description: 'A tile map of the seven NHS England regions, darker where a larger share of the workforce responded; * is suppressed. The table gives 95% Wilson intervals. Workforce denominators are illustrative (see data/reference/workforce.csv).',
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
				{ key: 'coverage_percent', heading: 'Coverage %' },
				{ key: 'ci_low', heading: '95% CI low' },
				{ key: 'ci_high', heading: '95% CI high' }
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
	const data = published(forScope(tableOf(tables, 'training_shares'), { region }))
		.params({ question })
		.filter((d: Row, $: Row) => d.question === $.question)
		.derive({ option_label: aq.escape((d: Row) => optionLabel(String(d.question), String(d.option))) })
		.orderby(aq.desc('percent'))
		.objects() as Row[];
	return {
		id,
		title: `${QUESTION_TITLES[question]}, ${regionName(region)}`,
		description: 'Percentage of respondents choosing each answer (more than one could be chosen), with 95% Wilson intervals.',
		spec: {
			$schema: 'https://vega.github.io/schema/vega-lite/v6.json',
			config,
			width: WIDTH,
			data: { values: data },
			encoding: { y: { field: 'option_label', type: 'nominal', sort: null, title: null } },
			layer: [
				{ mark: { type: 'bar', color: '#005eb8' }, encoding: { x: { field: 'percent', type: 'quantitative', title: 'Respondents (%)', scale: { domain: [0, 100] } } } },
				{ mark: { type: 'rule', color: 'black' }, encoding: { x: { field: 'ci_low', type: 'quantitative' }, x2: { field: 'ci_high' } } }
			]
		},
		table: {
			columns: [
				{ key: 'option_label', heading: 'Answer' },
				{ key: 'respondents', heading: 'Respondents', count: true },
				{ key: 'base', heading: 'Answered the question', count: true },
				{ key: 'percent', heading: '%' },
				{ key: 'ci_low', heading: '95% CI low' },
				{ key: 'ci_high', heading: '95% CI high' }
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
		likert(tables, region, `${stem}-ratings-likert`),
		...(national ? [needsHeatmap(tables, region, `${stem}-needs-heatmap-sector`)] : []),
		measuresVsTargets(tables, region, wave, `${stem}-success-measures`),
		measuresTrend(tables, region, `${stem}-success-measures-trend`),
		...(national ? [coverageByRegion(tables, `${stem}-coverage-by-region`)] : []),
		optionShares(tables, region, 'training_done', `${stem}-training-done`),
		optionShares(tables, region, 'learning_formats', `${stem}-learning-formats`),
		optionShares(tables, region, 'barriers', `${stem}-barriers`),
		...comparisonCharts(tables, region, stem)
	];
}

/** The planner dashboard's charts: every chart, whatever the scope. The tables are already restricted
 *  to the planner's scope and filters, so the sector heatmap and coverage show only what they may see. */
export function dashboardCharts(tables: PublishedTable[], region: string, wave: string): Chart[] {
	return [
		needsRanking(tables, region, 'needs-ranking'),
		likert(tables, region, 'ratings-likert'),
		needsHeatmap(tables, region, 'needs-heatmap-sector'),
		measuresVsTargets(tables, region, wave, 'success-measures'),
		measuresTrend(tables, region, 'success-measures-trend'),
		coverageByRegion(tables, 'coverage-by-region'),
		...SHARE_QUESTIONS.map((question) => optionShares(tables, region, question, question.replaceAll('_', '-'))),
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
