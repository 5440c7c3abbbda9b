// Stage: charts — typed Vega-Lite specs built from the published (already protected) tables, shaped
// with arquero, and rendered to SVG on the server with vega. Each chart keeps the rows it shows so
// the report can put a data table beside it for screen readers.
import type { PublishedTable } from '../core/context';
import { ENGLAND } from '../core/reference';
import { SHARE_QUESTIONS } from '../core/cube';
import type { BreakdownPair } from '../stages/breakdowns';
import type { Chart } from './chart';
import { needsHeatmap, needsRanking } from './needs';
import { likert } from './ratings';
import { measuresTrend, measuresVsTargets } from './measures';
import { coverageByRegion } from './coverage';
import { optionShares } from './training';
import { breakdownChartsFor, breakdownDashboardCharts, locusForFocusChart } from './breakdowns';
import { comparisonCharts } from './comparisons';

export type { Chart } from './chart';
export { renderSvg } from './chart';

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
