// Charts of needs scores: the ranking with its intervals, and the heatmap by sector.
import * as aq from 'arquero';
import { competencyName, regionName, sectorName } from '../core/reference';
import type { PublishedTable } from '../core/context';
import { SUPPRESSED_MARK } from '../core/figures';
import { MWDS_INTERVAL_COLUMNS, RANK_RANGE_EXPLAINED, rankRangeColumn, rankRangeText } from '../stages/needs';
import { config, forScope, labelOf, SUPPRESSED_GREY, tableOf, TEXT, WIDTH, type Chart, type Row } from './chart';

const MWDS_EXPLAINED =
	'The needs score is the mean weighted discrepancy score (MWDS, Borich 1980): for each competency, the mean gap between how important respondents rate it and how confident they feel (both on 1 to 5 scales), multiplied by its mean importance. Higher means a bigger training need; a negative score means respondents feel more confident than the competency is important.';

export function needsRanking(tables: PublishedTable[], region: string, id: string): Chart {
	// Suppressed competencies stay in, after the ranked ones, marked in the chart and the table.
	const data = forScope(tableOf(tables, 'needs_by_competency_region'), { region })
		.derive({
			competency_name: aq.escape((d: Row) => competencyName(String(d.competency))),
			order: aq.escape((d: Row) => (d.rank === null ? 1000 : d.rank)),
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
				{
					mark: { type: 'bar', color: '#005eb8' },
					encoding: { x: { field: 'mwds', type: 'quantitative', title: 'Needs score (MWDS) with 95% interval: higher is a bigger need' } }
				},
				{
					mark: { type: 'rule', color: 'black' },
					encoding: { x: { field: 'mwds_low', type: 'quantitative' }, x2: { field: 'mwds_high' } }
				},
				{
					mark: { type: 'text', align: 'left', dx: 4, color: TEXT },
					encoding: { x: { field: 'mark_at', type: 'quantitative' }, text: { field: 'mwds_label' } }
				}
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

export function needsHeatmap(tables: PublishedTable[], region: string, id: string): Chart {
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
						tooltip: [
							{ field: 'sector_name', title: 'Sector' },
							{ field: 'competency_name', title: 'Competency' },
							{ field: 'mwds', title: 'MWDS' }
						]
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
