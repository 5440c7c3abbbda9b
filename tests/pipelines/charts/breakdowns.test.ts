// Issue 11's charts: every spec, for the batch reports and the dashboard (every pair), validates
// against the Vega-Lite schema, compiles and renders to SVG; heatmaps print values in their cells and
// mark suppressed cells instead of leaving them blank.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import { compile } from 'vega-lite';
import { chartsFor, dashboardCharts, renderSvg } from '../../../pipelines/charts';
import { breakdownChartsFor, breakdownDashboardCharts } from '../../../pipelines/charts/breakdowns';
import { BREAKDOWN_PAIRS, breakdowns } from '../../../pipelines/stages/breakdowns';
import { respondents } from '../../../pipelines/stages/respondents';
import { distributions } from '../../../pipelines/stages/distributions';
import { needs } from '../../../pipelines/stages/needs';
import { shares } from '../../../pipelines/stages/shares';
import { coverage } from '../../../pipelines/stages/coverage';
import { successMeasures } from '../../../pipelines/stages/success-measures';
import { needsBySpecialty } from '../../../pipelines/stages/needs-specialty';
import { locusForFocusTable } from '../../../pipelines/stages/locus-for-focus';
import { loadPathways, pathwayReadinessTable } from '../../../pipelines/stages/pathways';
import { mentors } from '../../../pipelines/stages/mentors';
import type { PublishedTable } from '../../../pipelines/core/context';
import { syntheticStages, type SyntheticStages } from '../fixtures';

const schema = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('vega-lite/vega-lite-schema.json'), 'utf8'));
const validate = new Ajv({ strict: false, allErrors: false }).compile(schema);

let s: SyntheticStages;
let tables: PublishedTable[];
beforeAll(async () => {
	s = await syntheticStages();
	const ctx = s.ctx();
	tables = [];
	for (const stage of [respondents, distributions, needs, shares, coverage, successMeasures, needsBySpecialty, breakdowns, mentors])
		tables.push(...(await stage(s.c, ctx)));
	tables.push(locusForFocusTable(tables), pathwayReadinessTable(tables, loadPathways()));
}, 180_000);
afterAll(async () => s?.close());

const values = (spec: unknown) => (spec as { data?: { values: Array<Record<string, unknown>> } }).data?.values ?? [];

describe('issue 11 charts', () => {
	it('every batch chart validates, compiles and renders, nationally and for a region', async () => {
		for (const scope of ['E92000001', 'E40000003']) {
			const charts = chartsFor(tables, scope, '2026-27');
			expect(charts.map((c) => c.id)).toContain(`${scope === 'E92000001' ? 'national' : scope}-locus-for-focus`);
			for (const chart of [...charts.filter((c) => c.id.endsWith('locus-for-focus')), ...breakdownChartsFor(tables, scope)]) {
				expect(validate(chart.spec), `${chart.id}: ${JSON.stringify(validate.errors?.slice(0, 2))}`).toBe(true);
				expect(compile(chart.spec).spec.marks?.length ?? 0).toBeGreaterThan(0);
				expect(await renderSvg(chart.spec)).toMatch(/^<svg/);
			}
		}
	}, 120_000);

	it('every dashboard chart validates and compiles for every pair', () => {
		for (const pair of BREAKDOWN_PAIRS) {
			const charts = dashboardCharts(tables, 'E92000001', '2026-27', pair);
			expect(charts.map((c) => c.id)).toEqual(
				expect.arrayContaining([
					'locus-for-focus',
					'needs-heatmap-specialty',
					'needs-two-way',
					'success-measures-two-way',
					'pathway-readiness',
					'mentors'
				])
			);
			for (const chart of breakdownDashboardCharts(tables, 'E92000001', pair)) {
				expect(validate(chart.spec), `${chart.id} ${pair}: ${JSON.stringify(validate.errors?.slice(0, 2))}`).toBe(true);
				expect(compile(chart.spec).spec.marks?.length ?? 0).toBeGreaterThan(0);
			}
		}
		// No pair asked: no two-way charts.
		expect(dashboardCharts(tables, 'E92000001', '2026-27').some((c) => c.id.includes('two-way'))).toBe(false);
	});

	it('prints values in heatmap cells and marks suppressed cells with [c], never blank', () => {
		const charts = breakdownDashboardCharts(tables, 'E92000001', ['region', 'staff_group']);
		for (const id of ['needs-heatmap-specialty', 'needs-two-way', 'success-measures-two-way', 'pathway-readiness']) {
			const chart = charts.find((c) => c.id === id)!;
			const data = values(chart.spec);
			expect(data.length, id).toBeGreaterThan(0);
			for (const d of data) expect(d.label, id).toEqual(d.suppressed ? '[c]' : expect.stringMatching(/^(-?[0-9]|–$)/));
			expect(chart.description).toContain('[c] on grey');
			expect(JSON.stringify(chart.spec)).toContain('"mark":{"type":"text"');
		}
		const twoWay = values(charts.find((c) => c.id === 'needs-two-way')!.spec);
		expect(twoWay.some((d) => d.suppressed)).toBe(true);
	});

	it('says in the specialty charts that a respondent counts in each specialty they ticked', () => {
		const charts = breakdownDashboardCharts(tables, 'E92000001', ['sector', 'specialty']);
		for (const id of ['needs-heatmap-specialty', 'needs-two-way', 'success-measures-two-way'])
			expect(charts.find((c) => c.id === id)!.description).toContain('counts in each clinical specialty they ticked');
	});

	it('draws the Locus for Focus split lines at the published split points, with the quadrants named', () => {
		const chart = dashboardCharts(tables, 'E92000001', '2026-27').find((c) => c.id === 'locus-for-focus')!;
		const locus = tables
			.find((t) => t.name === 'locus_for_focus')!
			.rows.find((r) => r.dimension === 'region' && r.group_code === 'E92000001')!;
		const layers = (chart.spec as { layer: Array<{ mark: { type: string; text?: string }; encoding?: Record<string, { field: string }> }> })
			.layer;
		expect(layers.filter((l) => l.mark.type === 'rule').map((l) => Object.values(l.encoding!)[0].field)).toEqual([
			'discrepancy_split',
			'importance_split'
		]);
		for (const d of values(chart.spec))
			expect(d).toMatchObject({ discrepancy_split: locus.discrepancy_split, importance_split: locus.importance_split });
		expect(layers.map((l) => l.mark.text).filter(Boolean)).toEqual(['Training priority', 'Maintain', 'Low priority', 'Secondary priority']);
	});

	type Layer = {
		mark: { type: string; align?: string };
		transform?: Array<{ filter: string }>;
		encoding?: Record<string, Record<string, unknown>>;
	};
	const layersOf = (spec: unknown): Layer[] =>
		(spec as { layer?: Layer[]; spec?: { layer: Layer[] } }).layer ?? (spec as { spec: { layer: Layer[] } }).spec.layer;
	const textLayer = (spec: unknown) => layersOf(spec).find((l) => l.mark.type === 'text')!;

	it('specialty heatmap: cells wide enough that the numbers do not run into each other', async () => {
		const chart = breakdownDashboardCharts(tables, 'E92000001').find((c) => c.id === 'needs-heatmap-specialty')!;
		// A value such as 12.34 at 11 px is about 30 px wide; Vega-Lite's default cell is 20 px.
		expect((chart.spec as { width: { step: number } }).width.step).toBeGreaterThanOrEqual(46);
		const svg = await renderSvg(chart.spec);
		for (const size of svg.matchAll(/font-size="([\d.]+)px"/g)) expect(Number(size[1])).toBeGreaterThanOrEqual(11);
	});

	it('two-way success heatmap: white text on the green and red cells, dark on amber and grey', () => {
		const chart = breakdownDashboardCharts(tables, 'E92000001', ['region', 'staff_group']).find(
			(c) => c.id === 'success-measures-two-way'
		)!;
		const colour = textLayer(chart.spec).encoding!.color as { condition: { test: string; value: string }; value: string };
		expect(colour.condition.value).toBe('white');
		expect(colour.value).toBe('#212b32');
		const data = values(chart.spec);
		// The condition picks out exactly the green and red cells that show a value (evaluated as Vega would).
		const dark = new Function('datum', `return ${colour.condition.test}`) as (d: Record<string, unknown>) => boolean;
		for (const d of data)
			expect(dark(d), JSON.stringify(d)).toBe(['green', 'red'].includes(String(d.status)) && !d.suppressed && d.value !== null);
		expect(data.some((d) => dark(d))).toBe(true);
	});

	it('Locus for Focus: points numbered by rank, alternating sides, names in the table and tooltip', () => {
		const chart = dashboardCharts(tables, 'E92000001', '2026-27').find((c) => c.id === 'locus-for-focus')!;
		const labels = layersOf(chart.spec).filter((l) => l.mark.type === 'text' && l.encoding?.text?.field);
		expect(labels.map((l) => l.encoding!.text.field)).toEqual(['point_label', 'point_label']);
		expect(labels.map((l) => l.mark.align)).toEqual(['left', 'right']);
		const data = values(chart.spec);
		for (const d of data) expect(d.point_label).toBe(String(d.rank));
		expect(chart.table.columns[0].key).toBe('rank');
		expect(JSON.stringify(layersOf(chart.spec)[0].encoding!.tooltip)).toContain('competency_name');
	});

	it('pathway colour scale starts at zero, so close needs scores look close', () => {
		const chart = breakdownDashboardCharts(tables, 'E92000001').find((c) => c.id === 'pathway-readiness')!;
		const rect = layersOf(chart.spec).find((l) => l.encoding?.color?.field === 'needs_score')!;
		expect(rect.encoding!.color.scale).toMatchObject({ scheme: 'oranges', zero: true });
		expect(chart.description).toContain('from zero');
	});
});
