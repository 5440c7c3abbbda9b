// Charts of issue 11's tables: needs by clinical specialty, Locus for Focus, two-way breakdowns,
// clinical pathway readiness and mentors. Typed Vega-Lite specs over the published (protected)
// rows; heatmaps print their values in the cells and mark a suppressed cell with "[c]" on grey rather
// than leaving it blank, so a hidden figure is never mistaken for a missing one.
import type { TopLevelSpec } from 'vega-lite';
import { competencyName, ENGLAND, groupName, regionName, specialtyName } from '../core/reference';
import { rowsOf, type PublishedTable } from '../core/context';
import type { Chart } from './chart';
import { DIMENSION_NAMES, type BreakdownPair } from '../stages/breakdowns';
import { MIN_LOCUS_COMPETENCIES, QUADRANTS } from '../stages/locus-for-focus';
import { SPECIALTY_NOTE } from '../stages/needs-specialty';
import { MWDS_INTERVAL_COLUMNS, RANK_RANGE_EXPLAINED, rankRangeColumn, rankRangeText } from '../stages/needs';
import { formatNumber, SUPPRESSED_MARK } from '../core/figures';
import { CHART_CONFIG, VEGA_LITE_SCHEMA } from './style';

type Row = Record<string, unknown>;

const config = CHART_CONFIG;
const SCHEMA = VEGA_LITE_SCHEMA;
const SUPPRESSED = SUPPRESSED_MARK;
const NO_FIGURE = '–';
const SUPPRESSED_NOTE = `${SUPPRESSED} on grey: too few respondents to publish; ${NO_FIGURE}: no figure (too few rated a part of it, or nobody answered).`;
const GREY = '#d8dde0';

const fixed = (v: unknown, places = 2) => formatNumber(Number(v), places);

/** A cell's text: its value, the suppressed mark, or the no-figure mark. */
const cellLabel = (r: Row, column: string, places = 2) =>
	r.suppressed ? SUPPRESSED : r[column] === null || r[column] === undefined ? NO_FIGURE : fixed(r[column], places);

/** Text colour in a cell: white on the darker cells, dark on the lighter ones (as in the region grid). */
const TEXT = '#212b32';
const textColour = (darkTest: string) => ({ condition: { test: darkTest, value: 'white' }, value: TEXT });

/** A needs row with its rank range in words (rankRangeText), for the data tables. */
const withRankRange = (r: Row): Row => ({ ...r, rank_range: rankRangeText(r.rank_best, r.rank_worst) });

/** Cells wide enough for their printed value at 11 px. */
const CELL = { width: { step: 48 }, height: { step: 24 } } as const;

/** Marks the cells whose colour sits in the darker part of a sequential scale running from `low`
 *  (zero when `zeroBased`) to the largest value: white text reads there, dark text elsewhere. */
function withDark<T extends Row>(rows: T[], field: string, zeroBased = false): Array<T & { dark: boolean }> {
	const values = rows
		.filter((r) => !r.suppressed)
		.map((r) => r[field])
		.filter((v): v is number => typeof v === 'number');
	const low = values.length ? Math.min(zeroBased ? 0 : Infinity, ...values) : 0;
	const high = values.length ? Math.max(...values) : 0;
	const darkFrom = low + (high - low) * 0.55;
	return rows.map((r) => ({ ...r, dark: !r.suppressed && typeof r[field] === 'number' && high > low && (r[field] as number) > darkFrom }));
}

interface CellColour {
	field: string;
	title: string;
	type: 'quantitative' | 'nominal';
	scheme?: string;
	domain?: string[];
	range?: string[];
	/** Include zero in the colour scale, so small differences between large values look small. */
	zero?: boolean;
}

/** Rect + text layers: colour by `colour` (grey where suppressed), value printed in the cell, white on
 *  the cells `darkTest` picks out. */
function heatLayers(colour: CellColour, darkTest = 'datum.dark') {
	const scale = colour.scheme
		? { scheme: colour.scheme, ...(colour.zero && { zero: true }) }
		: { domain: colour.domain, range: colour.range };
	return [
		{ mark: { type: 'rect' as const, color: GREY } },
		{
			transform: [{ filter: `datum.label !== '${SUPPRESSED}' && datum.label !== '${NO_FIGURE}'` }],
			mark: { type: 'rect' as const },
			encoding: { color: { field: colour.field, type: colour.type, title: colour.title, scale } }
		},
		{ mark: { type: 'text' as const }, encoding: { text: { field: 'label', type: 'nominal' as const }, color: textColour(darkTest) } }
	];
}

/** Needs scores by competency and clinical specialty (England in the batch; the planner's scope on the dashboard). */
export function specialtyNeedsHeatmap(tables: PublishedTable[], region: string, id: string): Chart {
	const data = withDark(
		rowsOf(tables, 'needs_by_competency_specialty').map((r) => ({
			...withRankRange(r),
			competency_name: competencyName(String(r.competency)),
			specialty_name: specialtyName(String(r.specialty)),
			label: cellLabel(r, 'mwds')
		})),
		'mwds'
	);
	return {
		id,
		title: `Needs score (MWDS) by competency and clinical specialty, ${regionName(region)}`,
		description: `Darker cells are bigger training needs; each cell gives its MWDS. ${RANK_RANGE_EXPLAINED} ${SPECIALTY_NOTE} ${SUPPRESSED_NOTE}`,
		spec: {
			$schema: SCHEMA,
			config,
			data: { values: data },
			...CELL,
			encoding: {
				x: { field: 'specialty_name', type: 'nominal', title: 'Clinical specialty', axis: { labelAngle: -40 } },
				y: { field: 'competency_name', type: 'nominal', title: null }
			},
			layer: heatLayers({ field: 'mwds', title: 'MWDS', scheme: 'blues', type: 'quantitative' })
		} as TopLevelSpec,
		table: {
			columns: [
				{ key: 'specialty_name', heading: 'Clinical specialty' },
				{ key: 'competency_name', heading: 'Competency' },
				{ key: 'mwds', heading: 'MWDS', decimals: 2 },
				...MWDS_INTERVAL_COLUMNS,
				{ key: 'rank', heading: 'Rank in specialty' },
				rankRangeColumn('Rank in specialty (range)'),
				{ key: 'respondents', heading: 'Respondents', count: true }
			],
			rows: data
		}
	};
}

const QUADRANT_COLOURS = {
	domain: [QUADRANTS.priority, QUADRANTS.secondary, QUADRANTS.maintain, QUADRANTS.low],
	range: ['#d5281b', '#ffb81c', '#005eb8', '#768692']
};

/** Locus for Focus scatter of a scope's competencies: quadrant lines at the means, quadrants named. */
export function locusForFocusChart(tables: PublishedTable[], region: string, id: string): Chart {
	const all = rowsOf(tables, 'locus_for_focus').filter((r) => r.dimension === 'region' && r.group_code === region);
	// Points are numbered by rank, not named: ten long names beside close points ran into each other.
	// The number sits right of odd ranks and left of even ones, so neighbours in rank rarely collide;
	// the table below (rank first) and the tooltip give the names.
	const data = all
		.filter((r) => r.quadrant !== null)
		.map((r) => ({
			...withRankRange(r),
			competency_name: competencyName(String(r.competency)),
			point_label: r.rank === null ? '' : String(r.rank),
			label_side: Number(r.rank) % 2 ? 'right' : 'left'
		}));
	const split = { importance: Number(all[0]?.importance_split ?? 0), discrepancy: Number(all[0]?.discrepancy_split ?? 0) };
	return {
		id,
		title: `Locus for Focus: importance against discrepancy, ${regionName(region)}`,
		description: `Each competency by its mean importance (up) and mean discrepancy, importance minus confidence (right), numbered by its rank in training need as in the table. The lines are this group's own means over its competencies (importance ${split.importance}, discrepancy ${split.discrepancy}), so the quadrants are relative to the group, not absolute; top right, "${QUADRANTS.priority}", is high importance with a large gap. Quadrants need at least ${MIN_LOCUS_COMPETENCIES} scored competencies whose figures differ.`,
		spec: {
			$schema: SCHEMA,
			config,
			width: 480,
			height: 360,
			data: { values: data },
			layer: [
				{
					mark: { type: 'point', filled: true, size: 70 },
					encoding: {
						x: {
							field: 'mean_discrepancy',
							type: 'quantitative',
							title: 'Mean discrepancy (importance − confidence)',
							scale: { zero: false }
						},
						y: { field: 'mean_importance', type: 'quantitative', title: 'Mean importance (1–5)', scale: { zero: false } },
						color: { field: 'quadrant', type: 'nominal', title: 'Quadrant', scale: QUADRANT_COLOURS },
						tooltip: [
							{ field: 'competency_name', title: 'Competency' },
							{ field: 'mean_importance', title: 'Mean importance' },
							{ field: 'mean_discrepancy', title: 'Mean discrepancy' },
							{ field: 'quadrant', title: 'Quadrant' }
						]
					}
				},
				...(['right', 'left'] as const).map((side) => ({
					transform: [{ filter: `datum.label_side === '${side}'` }],
					mark: {
						type: 'text' as const,
						align: side === 'right' ? ('left' as const) : ('right' as const),
						dx: side === 'right' ? 7 : -7,
						color: TEXT
					},
					encoding: {
						x: { field: 'mean_discrepancy', type: 'quantitative' as const },
						y: { field: 'mean_importance', type: 'quantitative' as const },
						text: { field: 'point_label' }
					}
				})),
				// The split points are the same on every row: one rule each.
				{
					mark: { type: 'rule', color: '#4c6272', strokeDash: [4, 3] },
					encoding: { x: { field: 'discrepancy_split', type: 'quantitative', aggregate: 'min' } }
				},
				{
					mark: { type: 'rule', color: '#4c6272', strokeDash: [4, 3] },
					encoding: { y: { field: 'importance_split', type: 'quantitative', aggregate: 'min' } }
				},
				...[
					{ text: QUADRANTS.priority, x: 'width' as const, y: 12, align: 'right' as const },
					{ text: QUADRANTS.maintain, x: 0, y: 12, align: 'left' as const },
					{ text: QUADRANTS.low, x: 0, y: 'height' as const, align: 'left' as const },
					{ text: QUADRANTS.secondary, x: 'width' as const, y: 'height' as const, align: 'right' as const }
				].map((corner) => ({
					data: { values: [{}] },
					mark: {
						type: 'text' as const,
						fontWeight: 'bold' as const,
						fontSize: 11,
						color: '#4c6272',
						dy: corner.y === 12 ? 0 : -8,
						...corner
					}
				}))
			]
		} as TopLevelSpec,
		table: {
			columns: [
				{ key: 'rank', heading: 'Rank (number on the chart)' },
				{ key: 'competency_name', heading: 'Competency' },
				{ key: 'mean_importance', heading: 'Mean importance' },
				{ key: 'mean_discrepancy', heading: 'Mean discrepancy' },
				{ key: 'mwds', heading: 'MWDS', decimals: 2 },
				...MWDS_INTERVAL_COLUMNS,
				rankRangeColumn(),
				{ key: 'quadrant', heading: 'Quadrant' }
			],
			rows: data
		}
	};
}

const pairTitle = ([d1, d2]: BreakdownPair) => `${DIMENSION_NAMES[d1].toLowerCase()} and ${DIMENSION_NAMES[d2].toLowerCase()}`;
const pairNote = (pair: BreakdownPair) => (pair.includes('specialty') ? ` ${SPECIALTY_NOTE}` : '');

const cellsOf = (tables: PublishedTable[], name: string, [d1, d2]: BreakdownPair) =>
	rowsOf(tables, name)
		.filter((r) => r.dimension_1 === d1 && r.dimension_2 === d2)
		.map((r): Row => ({ ...r, group_1_name: groupName(d1, String(r.group_1)), group_2_name: groupName(d2, String(r.group_2)) }));

/** Needs scores by two characteristics, one small heatmap per competency. */
export function needsTwoWayHeatmap(tables: PublishedTable[], region: string, pair: BreakdownPair, id: string): Chart {
	const data = withDark(
		cellsOf(tables, 'needs_two_way', pair).map((r) => ({
			...withRankRange(r),
			competency_name: competencyName(String(r.competency)),
			label: cellLabel(r, 'mwds', 1)
		})),
		'mwds'
	);
	return {
		id,
		title: `Needs score (MWDS) by ${pairTitle(pair)}, ${regionName(region)}`,
		description: `One panel per competency; darker cells are bigger training needs, each cell gives its MWDS. ${RANK_RANGE_EXPLAINED}${pairNote(pair)} ${SUPPRESSED_NOTE}`,
		spec: {
			$schema: SCHEMA,
			config,
			data: { values: data },
			facet: { field: 'competency_name', type: 'nominal', title: null },
			columns: 3,
			spec: {
				...CELL,
				encoding: {
					x: { field: 'group_2_name', type: 'nominal', title: DIMENSION_NAMES[pair[1]], axis: { labelAngle: -40 } },
					y: { field: 'group_1_name', type: 'nominal', title: DIMENSION_NAMES[pair[0]] }
				},
				layer: heatLayers({ field: 'mwds', title: 'MWDS', scheme: 'blues', type: 'quantitative' })
			}
		} as TopLevelSpec,
		table: {
			columns: [
				{ key: 'group_1_name', heading: DIMENSION_NAMES[pair[0]] },
				{ key: 'group_2_name', heading: DIMENSION_NAMES[pair[1]] },
				{ key: 'competency_name', heading: 'Competency' },
				{ key: 'mwds', heading: 'MWDS', decimals: 2 },
				...MWDS_INTERVAL_COLUMNS,
				{ key: 'rank', heading: 'Rank in cell' },
				rankRangeColumn('Rank in cell (range)'),
				{ key: 'respondents', heading: 'Respondents', count: true }
			],
			rows: data
		}
	};
}

const RAG = { domain: ['green', 'amber', 'red'], range: ['#007f3b', '#ffb81c', '#d5281b'] };
/** The statuses drawn dark (green, red) among the cells that show a value. */
const ON_DARK_STATUS = `(datum.status === 'green' || datum.status === 'red') && datum.label !== '${SUPPRESSED}' && datum.label !== '${NO_FIGURE}'`;

/** Success measures by two characteristics, one heatmap per measure, coloured by status against target. */
export function measuresTwoWayHeatmap(tables: PublishedTable[], region: string, pair: BreakdownPair, id: string): Chart {
	const data = cellsOf(tables, 'success_measures_two_way', pair).map((r) => ({
		...r,
		label:
			r.suppressed || r.value === null ? cellLabel(r, 'value') : `${fixed(r.value, r.unit === '%' ? 0 : 2)}${r.unit === '%' ? '%' : ''}`,
		status: r.rag ?? 'no target'
	}));
	return {
		id,
		title: `Success measures by ${pairTitle(pair)}, ${regionName(region)}`,
		description: `One panel per measure; each cell gives the value, coloured green, amber or red against the wave's target.${pairNote(pair)} ${SUPPRESSED_NOTE}`,
		spec: {
			$schema: SCHEMA,
			config,
			data: { values: data },
			facet: { field: 'name', type: 'nominal', title: null, header: { labelLimit: 0 } },
			columns: 2,
			spec: {
				...CELL,
				encoding: {
					x: { field: 'group_2_name', type: 'nominal', title: DIMENSION_NAMES[pair[1]], axis: { labelAngle: -40 } },
					y: { field: 'group_1_name', type: 'nominal', title: DIMENSION_NAMES[pair[0]] }
				},
				// White on the green and red cells, dark on amber and grey: every value readable.
				layer: heatLayers(
					{
						field: 'status',
						title: 'Status against target',
						domain: [...RAG.domain, 'no target'],
						range: [...RAG.range, '#aeb7bd'],
						type: 'nominal'
					},
					ON_DARK_STATUS
				)
			}
		} as TopLevelSpec,
		table: {
			columns: [
				{ key: 'name', heading: 'Measure' },
				{ key: 'group_1_name', heading: DIMENSION_NAMES[pair[0]] },
				{ key: 'group_2_name', heading: DIMENSION_NAMES[pair[1]] },
				{ key: 'value', heading: 'Value' },
				{ key: 'unit', heading: 'Unit' },
				{ key: 'target', heading: 'Target' },
				{ key: 'rag', heading: 'Status' },
				{ key: 'base', heading: 'Base', count: true }
			],
			rows: data
		}
	};
}

/** Pathway × region heatmap of the needs score, England beside the regions (or one region beside England). */
export function pathwayReadinessHeatmap(tables: PublishedTable[], region: string, id: string): Chart {
	const data = withDark(
		rowsOf(tables, 'pathway_readiness')
			.filter((r) => region === ENGLAND.code || r.region_code === region || r.region_code === ENGLAND.code)
			.map((r) => ({ ...r, region_name: regionName(String(r.region_code)), label: cellLabel(r, 'needs_score') })),
		'needs_score',
		true
	);
	return {
		id,
		title: `Clinical pathway readiness: needs score over each pathway's competencies, ${regionName(region)}`,
		description: `Each cell is the mean needs score (MWDS) of the competencies the pathway's steps need; darker is a bigger need, on a scale from zero, so close scores look close. The table gives the mean confidence too. ${SUPPRESSED_NOTE}`,
		spec: {
			$schema: SCHEMA,
			config,
			data: { values: data },
			...CELL,
			encoding: {
				x: { field: 'region_name', type: 'nominal', title: null, axis: { labelAngle: -40 } },
				y: { field: 'pathway', type: 'nominal', title: null },
				tooltip: [
					{ field: 'pathway', title: 'Pathway' },
					{ field: 'region_name', title: 'Region' },
					{ field: 'needs_score', title: 'Needs score' },
					{ field: 'mean_confidence', title: 'Mean confidence' }
				]
			},
			// From zero: a scale from the smallest score to the largest made 0.95 against 1.09 look like a big gap.
			layer: heatLayers({ field: 'needs_score', title: 'Needs score (MWDS)', scheme: 'oranges', type: 'quantitative', zero: true })
		} as TopLevelSpec,
		table: {
			columns: [
				{ key: 'pathway', heading: 'Pathway' },
				{ key: 'region_name', heading: 'Region' },
				{ key: 'competencies', heading: 'Competencies' },
				{ key: 'mean_confidence', heading: 'Mean confidence (1–5)' },
				{ key: 'needs_score', heading: 'Needs score (MWDS)' }
			],
			rows: data
		}
	};
}

const MENTOR_LABELS: Record<string, string> = { willing_to_mentor: 'Willing to mentor', no_mentor_access: 'No access to a mentor' };

/** Dot plot: per region, the percentage willing to mentor and the percentage without a mentor. */
export function mentorsChart(tables: PublishedTable[], region: string, id: string): Chart {
	const data = rowsOf(tables, 'mentors_by_region')
		.filter((r) => region === ENGLAND.code || r.region_code === region || r.region_code === ENGLAND.code)
		.map((r): Row => ({
			...r,
			region_name: regionName(String(r.region_code)),
			measure_name: MENTOR_LABELS[String(r.measure)],
			label: cellLabel(r, 'percent', 1)
		}));
	return {
		id,
		title: `Genomics mentors: willing to mentor against no access to a mentor, ${regionName(region)}`,
		description: `Percentage of respondents willing to mentor (as a mentor, or as both champion and mentor) and percentage with no access to a genomics mentor, with 95% intervals. ${SUPPRESSED} marks a figure resting on too few respondents to publish.`,
		spec: {
			$schema: SCHEMA,
			config,
			width: 420,
			data: { values: data },
			encoding: {
				y: { field: 'region_name', type: 'nominal', title: null },
				yOffset: { field: 'measure_name', type: 'nominal', sort: Object.values(MENTOR_LABELS) }
			},
			layer: [
				{
					mark: { type: 'rule' },
					encoding: {
						x: { field: 'ci_low', type: 'quantitative' },
						x2: { field: 'ci_high' },
						color: {
							field: 'measure_name',
							type: 'nominal',
							title: null,
							scale: { domain: Object.values(MENTOR_LABELS), range: ['#007f3b', '#d5281b'] }
						}
					}
				},
				{
					mark: { type: 'point', filled: true, size: 80 },
					encoding: {
						x: { field: 'percent', type: 'quantitative', title: 'Respondents (%)', scale: { domain: [0, 100] } },
						color: { field: 'measure_name', type: 'nominal', title: null },
						shape: { field: 'measure_name', type: 'nominal', title: null },
						tooltip: [
							{ field: 'region_name', title: 'Region' },
							{ field: 'measure_name', title: 'Figure' },
							{ field: 'label', title: '%' }
						]
					}
				},
				{
					transform: [{ filter: 'datum.percent === null' }],
					mark: { type: 'text', align: 'left', x: 4, color: TEXT },
					encoding: { text: { field: 'label', type: 'nominal' } }
				}
			]
		} as TopLevelSpec,
		table: {
			columns: [
				{ key: 'region_name', heading: 'Region' },
				{ key: 'measure_name', heading: 'Figure' },
				{ key: 'base', heading: 'Answered', count: true },
				{ key: 'percent', heading: '%' },
				{ key: 'ci_low', heading: '95% CI low' },
				{ key: 'ci_high', heading: '95% CI high' }
			],
			rows: data
		}
	};
}

/** The pair the national report shows as a chart; the table holds every pair. */
const REPORT_PAIR: BreakdownPair = ['region', 'staff_group'];

/** Issue 11's charts for a report scope (England or one region), after the Locus for Focus that sits beside the ranking. */
export function breakdownChartsFor(tables: PublishedTable[], region: string): Chart[] {
	const national = region === ENGLAND.code;
	const stem = national ? 'national' : region;
	return [
		...(national
			? [
					specialtyNeedsHeatmap(tables, region, `${stem}-needs-heatmap-specialty`),
					needsTwoWayHeatmap(tables, region, REPORT_PAIR, `${stem}-needs-two-way`),
					measuresTwoWayHeatmap(tables, region, REPORT_PAIR, `${stem}-success-measures-two-way`)
				]
			: []),
		pathwayReadinessHeatmap(tables, region, `${stem}-pathway-readiness`),
		mentorsChart(tables, region, `${stem}-mentors`)
	];
}

/** Issue 11's dashboard charts (after the Locus for Focus); the two-way pair only when the planner asked for one. */
export function breakdownDashboardCharts(tables: PublishedTable[], region: string, pair?: BreakdownPair): Chart[] {
	return [
		specialtyNeedsHeatmap(tables, region, 'needs-heatmap-specialty'),
		...(pair
			? [needsTwoWayHeatmap(tables, region, pair, 'needs-two-way'), measuresTwoWayHeatmap(tables, region, pair, 'success-measures-two-way')]
			: []),
		pathwayReadinessHeatmap(tables, region, 'pathway-readiness'),
		mentorsChart(tables, region, 'mentors')
	];
}
