// npm run bench:first-views [-- --responses 30000]
// Where a planner's first view of a filter goes, in-process (no HTTP, no engine process): the dashboard
// engine's database loaded with the live cube of N synthetic responses (40% in wave 2025-26, 60% in
// 2026-27, as bench:dashboard), then the benchmark's filter changes as a national and as a London
// planner. First on the engine's connections, as a planner waits for it; then again on one connection,
// so each stage's time and each statement's are its own, not shared with the stages beside it.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Database } from '../src/lib/server/db/database';
import { instrument } from '../src/lib/instrument/survey';
import { LiveCube } from '../src/lib/server/analytics/live-cube';
import { dashboard, figuresVersion, wavesOf, type DashboardFilter } from '../src/lib/server/analytics/dashboard';
import { engineDatabase } from '../src/lib/server/analytics/engine';
import { NHS_DIGITAL_RULE } from '../pipelines/disclosure/protect';
import { ENGLAND, loadSuccessMeasures, WORKFORCE_CSV } from '../pipelines/core/reference';
import { timeStatements } from '../pipelines/core/sql';
import { benchmarkResponses } from './kit/waves';
import { filterChanges } from './kit/dashboard-filters';
import { tempDir } from './kit/server';

const { values } = parseArgs({ options: { responses: { type: 'string', default: '30000' } } });
const n = Number(values.responses);
if (!Number.isInteger(n) || n < 1) {
	console.error('Usage: npm run bench:first-views -- [--responses 30000]');
	process.exit(2);
}

const LONDON = 'E40000003';
const views: DashboardFilter[] = [
	...filterChanges().map(({ region, ...f }) => ({ ...f, scope: region ?? ENGLAND.code })),
	...filterChanges().map(({ region: _region, ...f }) => ({ ...f, scope: LONDON }))
];
const settings = { rule: NHS_DIGITAL_RULE, measures: loadSuccessMeasures(), workforceCsv: WORKFORCE_CSV };

const summary = (ms: number[]) => {
	const sorted = [...ms].sort((a, b) => a - b);
	const at = (q: number) => sorted[Math.ceil(sorted.length * q) - 1];
	return { mean: ms.reduce((a, b) => a + b, 0) / ms.length, p50: at(0.5), p95: at(0.95) };
};
const figures = (s: { mean: number; p50: number; p95: number }) => [s.mean, s.p50, s.p95].map((v) => v.toFixed(1).padStart(7)).join(' ');

const dir = tempDir('pgw-bench-first-views-');
try {
	const db = await Database.open(join(dir.path, 'survey.duckdb'), instrument);
	await db.write((c) => benchmarkResponses(c, n));
	const cube = new LiveCube(db, { everySeconds: 3600, minNewResponses: 1 });
	await cube.publishNow();
	const engine = await engineDatabase();
	const waves = await cube.use(settings.measures, async (live) => {
		const statused = await wavesOf(live.c);
		await engine.load(await live.copy(), statused);
		return statused;
	});
	// As the server sends it with every request: the settings and waves the figures depend on.
	const version = figuresVersion(settings, waves);
	// The first view of the snapshot prepares the statements and keeps the snapshot's figures: not timed.
	await dashboard(engine.live, { scope: ENGLAND.code }, settings, version);

	const pooled: number[] = [];
	const cpuBefore = process.cpuUsage();
	for (const view of views) {
		const started = performance.now();
		await dashboard(engine.live, view, settings, version);
		pooled.push(performance.now() - started);
	}

	const cpu = process.cpuUsage(cpuBefore);
	const one = { ...engine.live, connections: [engine.live.c] };
	await dashboard(one, { scope: ENGLAND.code }, settings, version);
	const sequential: number[] = [];
	const stages = new Map<string, number[]>();
	const statements = new Map<string, number[]>();
	const add = (map: Map<string, number[]>, key: string, ms: number) => map.set(key, [...(map.get(key) ?? []), ms]);
	timeStatements((sql, ms) => add(statements, sql, ms));
	for (const view of views) {
		const started = performance.now();
		await dashboard(one, view, settings, version, async (name, job) => {
			const began = performance.now();
			try {
				return await job();
			} finally {
				add(stages, name, performance.now() - began);
			}
		});
		sequential.push(performance.now() - started);
	}
	timeStatements(undefined);
	await db.close();

	console.log(`First views of ${views.length} filter changes, ${n.toLocaleString('en-GB')} responses, in-process (ms)\n`);
	console.log(`${''.padEnd(40)} ${'mean'.padStart(7)} ${'p50'.padStart(7)} ${'p95'.padStart(7)}`);
	console.log(`${`a view, on the engine's ${engine.live.connections.length} connections`.padEnd(40)} ${figures(summary(pooled))}`);
	console.log(`${'a view, on one connection'.padEnd(40)} ${figures(summary(sequential))}`);
	console.log(
		`\nCPU per view on the engine's connections (every thread): ${((cpu.user + cpu.system) / 1000 / views.length).toFixed(1)} ms`
	);
	console.log('\nEach stage on one connection (ms per view; stages that run once per snapshot cost ~0 after)');
	for (const [name, ms] of [...stages].sort((a, b) => summary(b[1]).mean - summary(a[1]).mean))
		console.log(`  ${name.padEnd(38)} ${figures(summary(ms))}`);
	const perView = [...statements].map(([sql, ms]) => ({ sql, runs: ms.length, total: ms.reduce((a, b) => a + b, 0) }));
	const all = perView.reduce((t, s) => t + s.total, 0);
	console.log(
		`\nStatements on one connection: ${perView.length} kinds, ${(perView.reduce((t, s) => t + s.runs, 0) / views.length).toFixed(1)} runs and ${(all / views.length).toFixed(1)} ms per view; the costliest:`
	);
	for (const s of perView.sort((a, b) => b.total - a.total).slice(0, 8))
		console.log(
			`  ${(s.total / views.length).toFixed(1).padStart(5)} ms/view ${(s.total / s.runs).toFixed(1).padStart(5)} ms/run  ${s.sql.replace(/\s+/g, ' ').trim().slice(0, 90)}`
		);
} finally {
	dir.remove();
}
