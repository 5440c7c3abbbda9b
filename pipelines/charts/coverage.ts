// Coverage: respondents against the workforce, by region, on a tile map of England.
import * as aq from 'arquero';
import { regionName } from '../core/reference';
import type { PublishedTable } from '../core/context';
import { SUPPRESSED_MARK } from '../core/figures';
import { config, labelOf, tableOf, type Chart, type Row } from './chart';

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

export function coverageByRegion(tables: PublishedTable[], id: string): Chart {
	const data = tableOf(tables, 'coverage_by_region_staff_group')
		.filter(aq.escape((d: Row) => d.staff_group === 'all'))
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
					encoding: {
						color: {
							field: 'coverage_percent',
							type: 'quantitative',
							title: 'Coverage (%)',
							scale: { range: ['#eef4fb', '#7fb0e6'], domainMin: 0 }
						}
					}
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
