// One batch run: snapshot → aggregate and protect (one stage per published table family) → charts →
// reports → publish, timed stage by stage and recorded in pipeline_runs.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { NHS_DIGITAL_RULE, type DisclosureRule } from '../disclosure/protect';
import { tablesForPlanner } from '../disclosure/planner-view';
import { ENGLAND, loadSuccessMeasures, regionName, regions, WORKFORCE_CSV, type SuccessMeasure } from '../core/reference';
import type { PipelineContext, PublishedTable, Wave } from '../core/context';
import { snapshot, wavesUpTo } from '../stages/snapshot';
import { runStages } from '../stages';
import { RUN_STEPS } from './steps';
import { chartsFor, renderSvg, type Chart } from '../charts';
import type { TopLevelSpec } from 'vega-lite';
import { renderSvgs } from '../charts/render-pool';
import { reportHtml } from '../reports/html';
import { summaryHtml } from '../reports/summary';
import { reportPdfs } from '../reports/pdf';
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
	/** Worker threads to draw the charts on. A run inside the server draws on one, so its event loop
	 *  keeps answering the survey; a CLI run has nothing else to answer, and draws in its own thread
	 *  (0, the default), where Vega is already compiled and warm. */
	chartThreads?: number;
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

const newRunId = (now: Date) =>
	`${now
		.toISOString()
		.replace(/[-:]/g, '')
		.replace(/\.\d+Z$/, 'Z')}-${randomBytes(2).toString('hex')}`;

/** Package version plus a hash of the pipeline's own source, so a manifest says which code made it. */
function codeVersion(): string {
	const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
	const dir = 'pipelines';
	if (!existsSync(dir)) return pkg.version;
	const hash = createHash('sha256');
	const sources = readdirSync(dir, { recursive: true, encoding: 'utf8' })
		.filter((f) => f.endsWith('.ts'))
		.sort();
	for (const f of sources) hash.update(f).update(readFileSync(join(dir, f)));
	return `${pkg.version}+${hash.digest('hex').slice(0, 12)}`;
}

/** Every report a run writes: England's and each region's. */
const SCOPES = [ENGLAND.code, ...regions.map((r) => r.code)];

/** A region's report shows what its regional planner may see, as the dashboard does (planner-view.ts). */
const viewOf = (tables: PublishedTable[], scope: string) =>
	scope === ENGLAND.code ? tables : tablesForPlanner(tables, { scope, filtered: false });

/** Each scope's charts, drawn to SVG. */
/** Every scope's charts with their SVG, drawn on `threads` worker threads (render-pool.ts), or in this
 *  thread when 0. */
async function renderedCharts(
	views: Map<string, PublishedTable[]>,
	waveId: string,
	threads: number
): Promise<Map<string, Array<Chart & { svg: string }>>> {
	const charts = [...views].map(([scope, tables]) => [scope, chartsFor(tables, scope, waveId)] as const);
	const specs = charts.flatMap(([, list]) => list.map((chart) => chart.spec));
	const svgs = threads > 0 ? await renderSvgs(specs, threads) : await drawHere(specs);
	let i = 0;
	return new Map(charts.map(([scope, list]) => [scope, list.map((chart) => ({ ...chart, svg: svgs[i++] }))]));
}

async function drawHere(specs: TopLevelSpec[]): Promise<string[]> {
	const svgs: string[] = [];
	for (const spec of specs) svgs.push(await renderSvg(spec));
	return svgs;
}

/** Respondents of a scope as published (rounded; null when too few). */
const respondentsIn = (tables: PublishedTable[]) => {
	const published = tables.find((t) => t.name === 'respondents_by_region')!.rows;
	return (scope: string) => (published.find((r) => r.region_code === scope)?.respondents as number | null) ?? null;
};

const reportPath = (scope: string) => (scope === ENGLAND.code ? 'national/index.html' : `regions/${scope}/index.html`);

/** Each scope's report page, by its path in the run, linking to the others. */
function reportPages(
	views: Map<string, PublishedTable[]>,
	charts: Map<string, Array<Chart & { svg: string }>>,
	run: { wave: Wave; runId: string; runDate: Date; rule: DisclosureRule; respondentsOf: (scope: string) => number | null }
): Record<string, string> {
	return Object.fromEntries(
		[...views].map(([scope, tables]) => [
			reportPath(scope),
			reportHtml({
				scope,
				wave: run.wave,
				runId: run.runId,
				runDate: run.runDate,
				respondents: run.respondentsOf(scope),
				rule: run.rule,
				charts: charts.get(scope)!,
				summary: summaryHtml(tables, scope, run.wave.id),
				links: SCOPES.filter((s) => s !== scope).map((s) => ({
					href: `../${scope === ENGLAND.code ? '' : '../'}${reportPath(s)}`,
					label: regionName(s)
				}))
			})
		])
	);
}

/** The run's manifest: what it reports on, from which responses and code, under which rule. */
function manifestOf(run: {
	runId: string;
	ctx: PipelineContext;
	started: Date;
	inputHash: string;
	respondents: number | null;
	tables: PublishedTable[];
	pdf: unknown;
}) {
	return {
		runId: run.runId,
		wave: run.ctx.wave,
		waves: run.ctx.waves.map((w) => w.id),
		// The published (rounded) national count: the manifest is a published file too.
		respondents: run.respondents,
		inputHash: run.inputHash,
		codeVersion: codeVersion(),
		threshold: run.ctx.rule.threshold,
		rounding: run.ctx.rule.rounding,
		startedAt: run.started.toISOString(),
		tables: run.tables.map((t) => ({ name: t.name, title: t.title, rows: t.rows.length, columns: t.columns })),
		pdf: run.pdf
	};
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
	const finished = (fields: Pick<Parameters<RunRecorder['record']>[0], 'status' | 'respondents' | 'counts' | 'output' | 'error'>) =>
		record({ runId, waveId, trigger, startedAt: started.toISOString(), finishedAt: new Date().toISOString(), ...fields });

	let index = 0;
	const stage = async <T>(name: string, job: () => Promise<T>): Promise<T> => {
		options.progress?.stage(name, index++, RUN_STEPS.length);
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
		const tables = await runStages(c, ctx, stage);

		const views = new Map(SCOPES.map((scope) => [scope, viewOf(tables, scope)]));
		const charts = await stage('charts', () => renderedCharts(views, wave.id, options.chartThreads ?? 0));
		const respondentsOf = respondentsIn(tables);
		const reports = await stage('reports', async () =>
			reportPages(views, charts, { wave, runId, runDate: started, rule: ctx.rule, respondentsOf })
		);
		// PDFs of the reports when asked for; a run without Chromium still succeeds and says why.
		const printed = await stage('pdfs', async () =>
			options.pdf
				? reportPdfs(reports, options.pdf === true ? undefined : options.pdf.chromiumPath)
				: { pdfs: {}, outcome: { made: false, reason: 'PDFs were not asked for in this run.' } }
		);
		const allCharts = [...charts.values()].flat();
		const manifest = manifestOf({
			runId,
			ctx,
			started,
			inputHash: snap.inputHash,
			respondents: respondentsOf(ENGLAND.code),
			tables,
			pdf: printed.outcome
		});
		const written = await stage('publish', () =>
			publish(c, options.out, runId, { tables, charts: allCharts, reports, pdfs: printed.pdfs, manifest })
		);
		const counts = { tables: tables.length, charts: allCharts.length, reports: Object.keys(reports).length, files: written.files.length };
		// The run listing is shown to planners: it carries the published count, never the exact one.
		await finished({ status: 'succeeded', respondents: manifest.respondents, counts, output: written.dir });
		return {
			runId,
			wave,
			respondents: manifest.respondents,
			dir: written.dir,
			files: written.files,
			timings,
			peakRssMb: Math.round(peak / 2 ** 20)
		};
	} catch (error) {
		await finished({ status: 'failed', respondents: null, error: (error as Error).message });
		throw error;
	} finally {
		clearInterval(sampler);
		await c.run('DROP TABLE IF EXISTS cube').catch(() => undefined);
		release();
	}
}
