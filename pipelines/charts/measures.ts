// Success measures against their targets, and their trend from wave to wave.
import * as aq from 'arquero';
import { regionName, waveLabel } from '../core/reference';
import type { PublishedTable } from '../core/context';
import { formatNumber, measureDecimals, SUPPRESSED_MARK } from '../core/figures';
import { config, forScope, tableOf, TEXT, type Chart, type Row } from './chart';

const RAG_COLOURS = { domain: ['green', 'amber', 'red'], range: ['#007f3b', '#ffb81c', '#d5281b'] };

/** A measure's figure: 45% for percentages (a decimal from 1,000 people), 1.23 for scores (whose unit is
 *  in the measure's name); the mark when hidden. A target (no base) is written as it was set. */
function measureLabel(value: unknown, unit: unknown, suppressed: unknown, decimals?: number): string {
	if (value === null || value === undefined) return suppressed ? SUPPRESSED_MARK : 'not available';
	const text = formatNumber(Number(value), decimals);
	return unit === '%' ? `${text}%` : text;
}
/** The measure as labelled in charts: its unit unless a percentage, and which way is better when lower. */
const measureName = (d: Row) =>
	`${String(d.name)}${d.unit === '%' ? '' : ` (${String(d.unit)})`}${d.direction === 'lower' ? ', lower is better' : ''}`;
/** How far a measure has come towards its target, in percent (100 = met), whichever way is better; at most 150 drawn. */
function progress(d: Row): number | null {
	if (typeof d.value !== 'number' || typeof d.target !== 'number' || d.target === 0) return null;
	const ratio = d.direction === 'lower' ? (d.value <= 0 ? 2 : d.target / d.value) : d.value / d.target;
	return Math.round(Math.min(1.5, Math.max(0, ratio)) * 1000) / 10;
}

export function measuresVsTargets(tables: PublishedTable[], region: string, wave: string, id: string): Chart {
	const data = (
		forScope(tableOf(tables, 'success_measures'), { region })
			.filter(aq.escape((d: Row) => d.wave === wave))
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
						x: {
							field: 'progress',
							type: 'quantitative',
							title: 'Progress towards the target (%; 100 = target met)',
							scale: { domain: [0, 150], nice: false }
						},
						// Above the chart: the value labels run past the bars on the right.
						color: {
							field: 'rag',
							type: 'nominal',
							title: 'Status',
							scale: RAG_COLOURS,
							legend: { orient: 'top', direction: 'horizontal' }
						}
					}
				},
				// The target line, the full height of the chart.
				{ mark: { type: 'rule', color: TEXT, strokeDash: [4, 3] }, encoding: { x: { datum: 100 } } },
				{
					mark: { type: 'text', align: 'left', dx: 4, color: TEXT },
					encoding: {
						y: { field: 'measure_name', type: 'nominal', sort: null },
						x: { field: 'mark_at', type: 'quantitative' },
						text: { field: 'figure_label' }
					}
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

export function measuresTrend(tables: PublishedTable[], region: string, id: string): Chart {
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
					{
						mark: { type: 'point', shape: 'circle', filled: false, color: 'black' },
						encoding: { y: { field: 'target', type: 'quantitative' } }
					},
					{
						mark: { type: 'text', color: TEXT },
						encoding: { y: { value: 45 }, text: { condition: { test: 'datum.suppressed', value: SUPPRESSED_MARK }, value: '' } }
					}
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
