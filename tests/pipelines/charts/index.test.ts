// Every chart the reports and the dashboard draw, built from real published tables (the dashboard's
// stages over a live cube of synthetic responses): valid Vega-Lite that compiles, labels shown whole in
// the static SVG, hidden figures marked "[c]" in the drawing and the report's tables, one number format.
import { shareDecimals } from '../../../pipelines/core/figures';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import * as vegaLite from 'vega-lite';
import * as vega from 'vega';
import { chartsFor, dashboardCharts, renderSvg, type Chart } from '../../../pipelines/charts';
import { drawSvg, type KeptDataflow } from '../../../pipelines/charts/chart';
import { UNWEIGHTED_BASE } from '../../../pipelines/charts/comparisons';
import { waveLabel } from '../../../pipelines/core/reference';
import { reportHtml } from '../../../pipelines/reports/html';
import { NHS_DIGITAL_RULE } from '../../../pipelines/disclosure/protect';
import { loadSuccessMeasures, WORKFORCE_CSV } from '../../../pipelines/core/reference';
import type { PublishedTable } from '../../../pipelines/core/context';
import type { Database } from '../../../src/lib/server/db/database';
import { LiveCube } from '../../../src/lib/server/analytics/live-cube';
import { dashboard } from '../../../src/lib/server/analytics/dashboard';
import { syntheticFile } from '../fixtures';

const ENGLAND = 'E92000001';
const LONDON = 'E40000003';
const settings = { rule: NHS_DIGITAL_RULE, measures: loadSuccessMeasures(), workforceCsv: WORKFORCE_CSV };
const schema = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('vega-lite/vega-lite-schema.json'), 'utf8'));
const validate = new Ajv({ strict: false, allErrors: false }).compile(schema);

let db: Database;
let national: PublishedTable[];
let london: PublishedTable[];
let charts: Array<Chart & { svg: string }>;

syntheticFile({ n: 600, timeout: 300_000 }, async (file) => {
	({ db } = file);
	const cube = new LiveCube(db, { everySeconds: 3600, minNewResponses: 1 });
	await cube.publishNow();
	// The national report draws a region × staff group breakdown: ask for it, as the batch publishes it.
	national = (await cube.use(settings.measures, (c) => dashboard(c, { scope: ENGLAND, breakdown: ['region', 'staff_group'] }, settings)))
		.tables;
	// A small selection: many suppressed cells.
	london = (await cube.use(settings.measures, (c) => dashboard(c, { scope: LONDON, staffGroup: 'pharmacy_technician' }, settings))).tables;
	const all = [
		...chartsFor(national, ENGLAND, '2026-27'),
		...chartsFor(london, LONDON, '2026-27'),
		...dashboardCharts(london, LONDON, '2026-27')
	];
	charts = await Promise.all(all.map(async (c) => ({ ...c, svg: await renderSvg(c.spec) })));
});

describe('charts', () => {
	it('are valid Vega-Lite that compiles, for every chart of both scopes and the dashboard', () => {
		expect(charts.length).toBe(19 + 14 + 17);
		for (const c of charts) {
			expect(validate(c.spec), `${c.id}: ${JSON.stringify(validate.errors?.slice(0, 2))}`).toBe(true);
			expect(vegaLite.compile(c.spec).spec.marks?.length ?? 0, c.id).toBeGreaterThan(0);
			expect(c.svg, c.id).toMatch(/^<svg/);
		}
	});

	it('draw the same from a dataflow kept by shape as from their own spec compiled and parsed afresh', async () => {
		// Vega numbers gradients from one counter per process: the only difference between two drawings.
		const same = (svg: string) => svg.replace(/gradient_\d+/g, 'gradient');
		const runtimes = new Map<string, KeptDataflow | null>();
		for (const c of charts) {
			const afresh = await drawSvg(vegaLite, vega, c.spec);
			expect(same(await drawSvg(vegaLite, vega, c.spec, runtimes)), c.id).toBe(same(afresh));
		}
		// Charts of a family share a shape, with rows of their own: the kept dataflows were reused.
		expect(runtimes.size).toBeGreaterThan(5);
		expect(runtimes.size).toBeLessThan(charts.length);
		// Rows that are not inline (a named dataset) are drawn without the cache, and drawn right.
		const named = {
			datasets: { bars: [{ label: 'Pharmacist', value: 3 }] },
			data: { name: 'bars' },
			mark: 'bar',
			encoding: { x: { field: 'value', type: 'quantitative' }, y: { field: 'label', type: 'nominal' } }
		} as vegaLite.TopLevelSpec;
		const before = runtimes.size;
		expect(await drawSvg(vegaLite, vega, named, runtimes)).toContain('Pharmacist');
		expect(runtimes.size).toBe(before);
	});

	it('show every label whole in the static SVG: nothing cut short with "…"', () => {
		for (const c of charts) expect(c.svg.includes('…'), `${c.id} has a truncated label`).toBe(false);
		expect(charts.find((c) => c.id === 'national-needs-ranking')!.svg).toContain('Identifying patients for testing');
	});

	it('mark a hidden figure "[c]" in the drawing itself, not a missing bar', () => {
		const withHidden = charts.filter((c) => c.table.rows.some((r) => r.suppressed));
		expect(withHidden.length).toBeGreaterThan(0);
		for (const c of withHidden) expect(c.svg, c.id).toContain('[c]');
		// Suppressed rows stay in the chart's table.
		const ranking = charts.find((c) => c.id === 'needs-ranking')!;
		expect(ranking.table.rows.length).toBe(
			national.find((t) => t.name === 'needs_by_competency_region')!.rows.filter((r) => r.region_code === ENGLAND).length
		);
	});

	it('write wave labels as people do, and values on the success measures in their units', () => {
		expect(waveLabel('2026-27')).toBe('2026/27');
		const trend = charts.find((c) => c.id === 'national-success-measures-trend')!;
		expect(trend.svg).toContain('2025/26');
		expect(trend.svg).not.toMatch(/>2025-26</);
		const measures = charts.find((c) => c.id === 'national-success-measures')!;
		expect(measures.title).toMatch(/2026\/27$/);
		// Whole percentages under 1,000 people; a target as it was set.
		expect(measures.svg).toMatch(/>\d+% \(target \d+%\)</);
		expect(measures.svg).toContain('Mean needs score across competencies (MWDS), lower is better');
		expect(measures.svg).toContain('Mean confidence across competencies (score 1–5)');
		expect(measures.svg).toContain('Progress towards the target (%; 100 = target met)');
	});

	it('explain MWDS and let a negative needs score show left of zero', async () => {
		const ranking = chartsFor(national, ENGLAND, '2026-27').find((c) => c.id === 'national-needs-ranking')!;
		expect(ranking.description).toMatch(/mean weighted discrepancy score.*negative score means/);
		const values = (ranking.spec as { data: { values: Array<Record<string, unknown>> } }).data.values;
		const negative = {
			...ranking,
			spec: { ...ranking.spec, data: { values: [{ ...values[0], mwds: -1.5, mwds_label: '-1.50' }, ...values.slice(1)] } }
		} as Chart;
		expect(await renderSvg(negative.spec)).toMatch(/>−?-?1(\.0)?</);
	});

	it('draw each needs score with its 95% interval, and give its rank as the range the intervals allow', () => {
		const ranking = charts.find((c) => c.id === 'national-needs-ranking')!;
		const layers = (ranking.spec as { layer: Array<{ mark: { type: string }; encoding: Record<string, { field?: string }> }> }).layer;
		expect(layers.find((l) => l.mark.type === 'rule')?.encoding).toMatchObject({ x: { field: 'mwds_low' }, x2: { field: 'mwds_high' } });
		expect(ranking.description).toContain('95% interval');
		expect(ranking.table.columns.map((c) => c.heading)).toEqual(
			expect.arrayContaining(['95% interval low', '95% interval high', 'Rank (range)'])
		);
		for (const r of ranking.table.rows.filter((r) => r.mwds !== null)) {
			expect(Number(r.mwds_low)).toBeLessThanOrEqual(Number(r.mwds));
			expect(r.rank_range).toBe(r.rank_best === r.rank_worst ? String(r.rank_best) : `${r.rank_best}–${r.rank_worst}`);
		}
		for (const id of [
			'national-needs-heatmap-sector',
			'national-needs-heatmap-specialty',
			'national-needs-two-way',
			'national-locus-for-focus'
		])
			expect(
				charts.find((c) => c.id === id)!.table.columns.map((c) => c.key),
				id
			).toEqual(expect.arrayContaining(['mwds_low', 'mwds_high', 'rank_range']));
	});

	it('put values in the heatmap cells and order the ratings by need, axis in percent', () => {
		const heatmap = charts.find((c) => c.id === 'national-needs-heatmap-sector')!;
		expect(heatmap.svg).toMatch(/>\d+\.\d\d</);
		const likert = charts.find((c) => c.id === 'national-ratings-likert')!;
		expect(likert.svg).toContain('100%');
		const rankOrder = (charts.find((c) => c.id === 'national-needs-ranking')!.table.rows as Array<Record<string, unknown>>).map(
			(r) => r.competency_name
		);
		const likertOrder = [...new Set((likert.table.rows as Array<Record<string, unknown>>).map((r) => r.competency_name))];
		expect(likertOrder).toEqual(rankOrder);
	});

	it('marks hidden figures "[c]" in the static report, with the legend, and writes numbers one way', () => {
		// London's small selection, or else the national report's two-way breakdown: a report with a hidden figure.
		const stem = [LONDON, 'national'].find((s) => charts.some((c) => c.id.startsWith(`${s}-`) && c.table.rows.some((r) => r.suppressed)))!;
		const scope = stem === 'national' ? ENGLAND : LONDON;
		const london = charts.filter((c) => c.id.startsWith(`${stem}-`));
		const html = reportHtml({
			scope,
			wave: { id: '2026-27', label: '2026/27' },
			runId: 'r1',
			runDate: new Date(0),
			respondents: 120,
			rule: NHS_DIGITAL_RULE,
			charts: london,
			links: []
		});
		expect(html).toMatch(/<td( data-count)? class="suppressed">\[c\]<\/td>/);
		expect(html).toContain('[c] fewer than 8 people: hidden to protect anonymity');
		expect(html).not.toMatch(/>\*</);
		// Percentages to the decimals their base allows in every table: whole under 1,000 people.
		const shares = london.find((c) => c.id.endsWith('-training-done'))!;
		const shown = shares.table.rows.find((r) => typeof r.percent === 'number')!;
		const places = shareDecimals(shown.base);
		expect(html).toContain(
			`<td>${Number(shown.percent).toLocaleString('en-GB', { minimumFractionDigits: places, maximumFractionDigits: places })}</td>`
		);
		// Success measures mix units: percentages as their base allows, scores to 2, row by row.
		const measures = london.find((c) => c.id.endsWith('-success-measures'))!;
		const fixed = (v: unknown, d: number) =>
			`<td>${Number(v).toLocaleString('en-GB', { minimumFractionDigits: d, maximumFractionDigits: d })}</td>`;
		const share = measures.table.rows.find((r) => r.unit === '%' && typeof r.value === 'number')!;
		const score = measures.table.rows.find((r) => r.unit !== '%' && typeof r.value === 'number')!;
		expect(html).toContain(`<td>${String(share.name)}</td><td>${String(share.aim)}</td>${fixed(share.value, shareDecimals(share.base))}`);
		expect(html).toContain(`<td>${String(score.name)}</td><td>${String(score.aim)}</td>${fixed(score.value, 2)}`);
	});

	it('draw no text below 11 px: chart text stays readable (charts scroll rather than shrink on screen)', () => {
		for (const c of charts)
			for (const size of c.svg.matchAll(/font-size="([\d.]+)px"/g)) expect(Number(size[1]), c.id).toBeGreaterThanOrEqual(11);
	});

	it("put the ratings chart's [c] marks at their own bar, not at zero", () => {
		const likert = charts.find((c) => c.id === 'ratings-likert')!;
		const layers = (
			likert.spec as unknown as {
				spec: { layer: Array<{ mark: string | { type: string }; encoding: Record<string, { field?: string }> }> };
			}
		).spec.layer;
		const type = (l: (typeof layers)[number]) => (typeof l.mark === 'string' ? l.mark : l.mark.type);
		const bar = layers.find((l) => type(l) === 'bar')!;
		const marks = layers.find((l) => type(l) === 'text')!;
		expect(marks.encoding.x.field).toBe(bar.encoding.x.field);
		// Hide London's top confidence level of one competency: its mark sits where that bar would start,
		// at the end of level 4's bar, right of zero, not at zero.
		const ratings = london.find((t) => t.name === 'ratings_distribution')!;
		const top = ratings.rows.find((r) => r.region_code === LONDON && r.rating === 'confidence' && r.level === 5)!;
		const hiding = london.map((t) =>
			t === ratings ? { ...t, rows: t.rows.map((r) => (r === top ? { ...r, percent: null, suppressed: true } : r)) } : t
		);
		const rows = dashboardCharts(hiding, LONDON, '2026-27').find((c) => c.id === 'ratings-likert')!.table.rows;
		const same = (r: Record<string, unknown>) => r.competency === top.competency && r.rating === 'confidence';
		const hidden = rows.find((r) => same(r) && r.level === 5)!;
		expect(hidden.suppressed).toBe(true);
		expect(hidden.x0).toBe(rows.find((r) => same(r) && r.level === 4)!.x1);
		expect(hidden.x0).toBeGreaterThan(0);
	});

	it("say on the weighting panel why its unweighted needs scores are not the ranking's", () => {
		const weighted = charts.find((c) => c.id === 'national-weighted-needs')!;
		expect(weighted.description).toContain(UNWEIGHTED_BASE);
		// What the words say: the panel's unweighted score is made from its own means of importance and
		// confidence, each over everyone who gave that rating.
		const rows = national
			.find((t) => t.name === 'weighted_figures')!
			.rows.filter((r) => r.region_code === ENGLAND && r.figure_kind === 'competency');
		const of = (id: unknown, statistic: string) => rows.find((r) => r.figure_id === id && r.statistic === statistic)!.unweighted as number;
		const scores = rows.filter((r) => r.statistic === 'mwds' && r.unweighted !== null);
		expect(scores.length).toBeGreaterThan(0);
		for (const r of scores) {
			const [i, c] = [of(r.figure_id, 'mean_importance'), of(r.figure_id, 'mean_confidence')];
			expect(Math.abs((r.unweighted as number) - (i - c) * i), String(r.figure_id)).toBeLessThan(0.03);
		}
	});
});
