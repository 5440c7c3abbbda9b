// One batch run: snapshot → aggregate and protect (one stage per published table family) → charts →
// reports → publish, timed stage by stage and recorded in pipeline_runs.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { NHS_DIGITAL_RULE, type DisclosureRule } from './disclosure';
import { tablesForPlanner } from './planner-view';
import { ENGLAND, loadSuccessMeasures, regionName, regions, WORKFORCE_CSV, type SuccessMeasure } from './reference';
import type { PipelineContext, PublishedTable } from './context';
import { snapshot, wavesUpTo } from './snapshot';
import { respondents } from './respondents';
import { distributions } from './distributions';
import { needs } from './needs';
import { shares } from './shares';
import { coverage } from './coverage';
import { successMeasures } from './success-measures';
import { change } from './change';
import { regionComparison } from './region-comparison';
import { weighting } from './weighting';
import { needsBySpecialty } from './needs-specialty';
import { breakdowns } from './breakdowns';
import { locusForFocusTable } from './locus-for-focus';
import { loadPathways, pathwayReadinessTable } from './pathways';
import { mentors } from './mentors';
import { chartsFor, renderSvg, type Chart } from './charts';
import { reportHtml } from './reports';
import { summaryHtml } from './report-summary';
import { reportPdfs } from './pdf';
import { lockOutput, publish } from './publish';
import type { RunRecorder } from './runs';

export interface Progress {
	stage(name: string, index: number, total: number): void;
	done(name: string, ms: number): void;
}

export interface RunOptions {
	out: string;
	waveId?: string;
	rule?: DisclosureRule;
	trigger?: 'cli' | 'schedule' | 'server' | 'admin' | 'bench' | 'test';
	workforceCsv?: string;
	measures?: SuccessMeasure[];
	recorder?: RunRecorder;
	progress?: Progress;
	/** PDFs of the reports through Chromium (off unless asked for: most tests skip it). */
	pdf?: boolean | { chromiumPath?: string };
}

export interface StageTiming {
	stage: string;
	ms: number;
	rssMb: number;
}

export interface RunResult {
	runId: string;
	wave: { id: string; label: string };
	/** England's respondents as published (perturbed and rounded; null when too few). */
	respondents: number | null;
	dir: string;
	files: string[];
	timings: StageTiming[];
	peakRssMb: number;
}

export const STAGES = ['snapshot', 'respondents', 'distributions', 'needs', 'shares', 'coverage', 'success measures', 'change', 'region comparison', 'weighting', 'needs by specialty', 'breakdowns', 'locus for focus', 'pathways', 'mentors', 'charts', 'reports', 'pdfs', 'publish'] as const;

const newRunId = (now: Date) => `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(2).toString('hex')}`;

/** Package version plus a hash of the pipeline's own source, so a manifest says which code made it. */
function codeVersion(): string {
	const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
	const dir = 'pipelines';
	if (!existsSync(dir)) return pkg.version;
	const hash = createHash('sha256');
	for (const f of readdirSync(dir).filter((f) => f.endsWith('.ts')).sort()) hash.update(f).update(readFileSync(join(dir, f)));
	return `${pkg.version}+${hash.digest('hex').slice(0, 12)}`;
}

export async function runPipeline(c: DuckDBConnection, options: RunOptions): Promise<RunResult> {
	const release = lockOutput(options.out);
	const started = new Date();
	const runId = newRunId(started);
	const trigger = options.trigger ?? 'cli';
	const timings: StageTiming[] = [];
	let peak = process.memoryUsage().rss;
	const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
	sampler.unref();
	let waveId: string | null = options.waveId ?? null;
	const record = (fields: Parameters<RunRecorder['record']>[0]) => options.recorder?.record(fields).catch(() => undefined);
	await record({ runId, waveId, trigger, startedAt: started.toISOString(), status: 'running' });

	let index = 0;
	const stage = async <T>(name: (typeof STAGES)[number], job: () => Promise<T>): Promise<T> => {
		options.progress?.stage(name, index++, STAGES.length);
		const t0 = performance.now();
		const result = await job();
		const ms = performance.now() - t0;
		peak = Math.max(peak, process.memoryUsage().rss);
		timings.push({ stage: name, ms, rssMb: Math.round(process.memoryUsage().rss / 2 ** 20) });
		options.progress?.done(name, ms);
		return result;
	};

	try {
		const { wave, waves } = await wavesUpTo(c, options.waveId);
		waveId = wave.id;
		const ctx: PipelineContext = {
			wave,
			waves,
			rule: options.rule ?? NHS_DIGITAL_RULE,
			measures: options.measures ?? loadSuccessMeasures(),
			workforceCsv: options.workforceCsv ?? WORKFORCE_CSV,
			cube: 'cube'
		};
		const snap = await stage('snapshot', () => snapshot(c, wave, waves, ctx.measures));
		const tables: PublishedTable[] = [];
		tables.push(...(await stage('respondents', () => respondents(c, ctx))));
		tables.push(...(await stage('distributions', () => distributions(c, ctx))));
		tables.push(...(await stage('needs', () => needs(c, ctx))));
		tables.push(...(await stage('shares', () => shares(c, ctx))));
		tables.push(...(await stage('coverage', () => coverage(c, ctx))));
		tables.push(...(await stage('success measures', () => successMeasures(c, ctx))));
		tables.push(...(await stage('change', () => change(c, ctx))));
		tables.push(...(await stage('region comparison', () => regionComparison(c, ctx))));
		tables.push(...(await stage('weighting', () => weighting(c, ctx))));
		tables.push(...(await stage('needs by specialty', () => needsBySpecialty(c, ctx))));
		tables.push(...(await stage('breakdowns', () => breakdowns(c, ctx))));
		// Both made from the protected needs tables above, not from the cube.
		tables.push(await stage('locus for focus', async () => locusForFocusTable(tables)));
		tables.push(await stage('pathways', async () => pathwayReadinessTable(tables, loadPathways())));
		tables.push(...(await stage('mentors', () => mentors(c, ctx))));

		const scopes = [ENGLAND.code, ...regions.map((r) => r.code)];
		const viewOf = (scope: string) => (scope === ENGLAND.code ? tables : tablesForPlanner(tables, { scope, filtered: false }));
		const charts = await stage('charts', async () => {
			const out = new Map<string, Array<Chart & { svg: string }>>();
			for (const scope of scopes) {
				const list = [];
				// A region's report shows what its regional planner may see, as the dashboard does (planner-view.ts).
				for (const chart of chartsFor(viewOf(scope), scope, wave.id)) {
					list.push({ ...chart, svg: await renderSvg(chart.spec) });
					// Rendering is CPU work in this thread: let a server running this batch answer requests between charts.
					await new Promise((resolve) => setImmediate(resolve));
				}
				out.set(scope, list);
			}
			return out;
		});

		const published = tables.find((t) => t.name === 'respondents_by_region')!.rows;
		const respondentsOf = (scope: string) => (published.find((r) => r.region_code === scope)?.respondents as number | null) ?? null;
		const reportPath = (scope: string) => (scope === ENGLAND.code ? 'national/index.html' : `regions/${scope}/index.html`);
		const reports = await stage('reports', async () =>
			Object.fromEntries(
				scopes.map((scope) => [
					reportPath(scope),
					reportHtml({
						scope,
						wave,
						runId,
						runDate: started,
						respondents: respondentsOf(scope),
						rule: ctx.rule,
						charts: charts.get(scope)!,
						summary: summaryHtml(viewOf(scope), scope, wave.id),
						links: scopes.filter((s) => s !== scope).map((s) => ({ href: `../${scope === ENGLAND.code ? '' : '../'}${reportPath(s)}`, label: regionName(s) }))
					})
				])
			)
		);

		// PDFs of the reports when asked for; a run without Chromium still succeeds and says why.
		const printed = await stage('pdfs', async () =>
			options.pdf
				? reportPdfs(reports, options.pdf === true ? undefined : options.pdf.chromiumPath)
				: { pdfs: {}, outcome: { made: false, reason: 'PDFs were not asked for in this run.' } }
		);
		const allCharts = [...charts.values()].flat();
		const manifest = {
			runId,
			wave,
			waves: waves.map((w) => w.id),
			// The published (rounded) national count: the manifest is a published file too.
			respondents: respondentsOf(ENGLAND.code),
			inputHash: snap.inputHash,
			codeVersion: codeVersion(),
			threshold: ctx.rule.threshold,
			rounding: ctx.rule.rounding,
			startedAt: started.toISOString(),
			tables: tables.map((t) => ({ name: t.name, title: t.title, rows: t.rows.length, columns: t.columns })),
			pdf: printed.outcome
		};
		const written = await stage('publish', () => publish(c, options.out, runId, { tables, charts: allCharts, reports, pdfs: printed.pdfs, manifest }));
		const counts = { tables: tables.length, charts: allCharts.length, reports: Object.keys(reports).length, files: written.files.length };
		// The run listing is shown to planners: it carries the published count, never the exact one.
		await record({ runId, waveId, trigger, startedAt: started.toISOString(), finishedAt: new Date().toISOString(), status: 'succeeded', respondents: manifest.respondents, counts, output: written.dir });
		return { runId, wave, respondents: manifest.respondents, dir: written.dir, files: written.files, timings, peakRssMb: Math.round(peak / 2 ** 20) };
	} catch (error) {
		await record({ runId, waveId, trigger, startedAt: started.toISOString(), finishedAt: new Date().toISOString(), status: 'failed', respondents: null, error: (error as Error).message });
		throw error;
	} finally {
		clearInterval(sampler);
		await c.run('DROP TABLE IF EXISTS cube').catch(() => undefined);
		release();
	}
}
