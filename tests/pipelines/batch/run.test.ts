// A whole run on a real DuckDB file of synthetic responses: golden tables, every file scanned for
// disclosure, specs validated against the Vega-Lite schema, reports rendered, atomic publishing.
import { existsSync, mkdirSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import { compile } from 'vega-lite';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Database } from '../../../src/lib/server/db/database';
import { runPipeline, type RunResult } from '../../../pipelines/batch/run';
import { databaseRecorder } from '../../../pipelines/batch/runs';
import { ruleWithThreshold } from '../../../pipelines/disclosure/protect';
import { csvField } from '../../../pipelines/batch/publish';
import { escapeHtml, reportHtml } from '../../../pipelines/reports/html';
import { parseCsv } from '../../../pipelines/core/csv';
import { literal, rows } from '../../../pipelines/core/sql';
import { regions } from '../../../pipelines/core/reference';
import { GOLDEN_DIR, listFiles, syntheticFile } from '../fixtures';

const COUNT_COLUMNS = new Set(['respondents', 'base', 'numerator']);

let dir: string;
let db: Database;
let c: DuckDBConnection;
let first: RunResult;
let strict: RunResult;

syntheticFile({ n: 600, seed: 7 }, async (file) => {
	({ dir, db, c } = file);
	first = await runPipeline(c, { out: join(dir, 'reports'), trigger: 'test', recorder: databaseRecorder(db) });
	strict = await runPipeline(c, { out: join(dir, 'reports-10'), trigger: 'test', rule: ruleWithThreshold(10) });
});

/** A published count is 0, missing (suppressed), or at least the threshold and a multiple of 5. */
function checkCount(value: unknown, threshold: number, where: string) {
	if (value === null || value === undefined || value === '') return;
	const n = Number(value);
	expect(Number.isFinite(n), `${where}: ${String(value)} is not a number`).toBe(true);
	if (n !== 0) {
		expect(n, `${where}: count ${n} below the threshold`).toBeGreaterThanOrEqual(threshold);
		expect(n % 5, `${where}: count ${n} not rounded to 5`).toBe(0);
	}
}

async function scanRun(run: RunResult, threshold: number) {
	const files = listFiles(run.dir);
	expect(files.length).toBeGreaterThan(100);
	for (const file of files) {
		const text = readFileSync(file, file.endsWith('.parquet') ? 'latin1' : 'utf8');
		// Free-text comments are never published (the synthetic ones all say this).
		expect(text.includes('synthetic comment'), `${file} holds free text`).toBe(false);
		if (file.endsWith('.csv')) {
			const [header, ...body] = parseCsv(text);
			header.fields.forEach((name, i) => {
				if (COUNT_COLUMNS.has(name)) for (const r of body) checkCount(r.fields[i], threshold, `${file}:${r.line} ${name}`);
			});
		} else if (file.endsWith('.parquet')) {
			const data = await rows(c, `SELECT * FROM read_parquet(${literal(file)})`);
			for (const r of data) for (const k of Object.keys(r)) if (COUNT_COLUMNS.has(k)) checkCount(r[k], threshold, `${file} ${k}`);
		} else if (file.endsWith('.vl.json')) {
			const spec = JSON.parse(text) as { data: { values: Record<string, unknown>[] } };
			for (const r of spec.data.values)
				for (const k of Object.keys(r)) if (COUNT_COLUMNS.has(k)) checkCount(r[k], threshold, `${file} ${k}`);
		} else if (file.endsWith('.html')) {
			for (const m of text.matchAll(/<(?:td|dd) data-count[^>]*>([^<]*)</g)) {
				const cell = m[1].replaceAll(',', '');
				if (cell === '[c]' || cell === '–' || cell.startsWith('fewer than')) continue;
				checkCount(cell, threshold, `${file} cell`);
			}
		} else if (file.endsWith('manifest.json')) {
			checkCount(JSON.parse(text).respondents, threshold, `${file} respondents`);
		}
	}
}

describe('a pipeline run', () => {
	it('publishes the required layout, tables and manifest, and points latest at it', () => {
		const out = join(dir, 'reports');
		expect(readlinkSync(join(out, 'latest'))).toBe(first.runId);
		const manifest = JSON.parse(readFileSync(join(first.dir, 'manifest.json'), 'utf8'));
		expect(manifest).toMatchObject({ runId: first.runId, wave: { id: '2026-27' }, threshold: 8 });
		expect(manifest.inputHash).toMatch(/^2025-26\+2026-27:1200:[0-9a-f]+$/);
		expect(manifest.codeVersion).toMatch(/^0\.1\.0\+[0-9a-f]{12}$/);
		expect(manifest.files).toContain('national/index.html');
		for (const r of regions) expect(existsSync(join(first.dir, 'regions', r.code, 'index.html'))).toBe(true);
		for (const t of ['respondents_by_region_staff_group', 'needs_by_competency_region']) {
			expect(existsSync(join(first.dir, 'tables', `${t}.csv`))).toBe(true);
			expect(existsSync(join(first.dir, 'tables', `${t}.parquet`))).toBe(true);
		}
		expect(readFileSync(join(first.dir, 'tables', 'respondents_by_region_staff_group.csv'), 'utf8').split('\r\n')[0]).toBe(
			'wave,region_code,region_name,staff_group,staff_group_name,respondents,suppressed'
		);
		expect(readFileSync(join(first.dir, 'tables', 'needs_by_competency_region.csv'), 'utf8')).toMatch(
			/^wave,region_code,region_name,competency,competency_name,respondents,mean_importance,mean_confidence,mean_discrepancy,mwds,mwds_low,mwds_high,rank,rank_best,rank_worst,suppressed\r\n/
		);
		expect(readFileSync(join(first.dir, 'tables', 'needs_by_competency_region.csv'), 'utf8')).toContain('2026-27,E92000001,England,');
		expect(readdirSync(join(first.dir, 'charts')).filter((f) => f.endsWith('.svg')).length).toBe(
			manifest.files.filter((f: string) => f.endsWith('.vl.json')).length
		);
	});

	it('suppressed cells are null with suppressed = true in CSV and Parquet, never 0', async () => {
		const csv = parseCsv(readFileSync(join(first.dir, 'tables', 'respondents_by_region_staff_group.csv'), 'utf8'));
		const suppressed = csv.slice(1).filter((r) => r.fields[6] === 'true');
		expect(suppressed.length).toBeGreaterThan(0);
		for (const r of suppressed) expect(r.fields[5]).toBe('');
		const parquet = await rows(
			c,
			`SELECT * FROM read_parquet(${literal(join(first.dir, 'tables', 'respondents_by_region_staff_group.parquet'))}) WHERE suppressed`
		);
		expect(parquet.length).toBe(suppressed.length);
		for (const r of parquet) expect(r.respondents).toBeNull();
	});

	it('publishes no figure below the threshold in any file (default rule)', async () => {
		await scanRun(first, 8);
	});

	it('publishes no figure below the threshold in any file (--threshold 10)', async () => {
		await scanRun(strict, 10);
		expect(JSON.parse(readFileSync(join(strict.dir, 'manifest.json'), 'utf8')).threshold).toBe(10);
	});

	it('matches the golden tables for seed 7', () => {
		const update = process.env.UPDATE_GOLDEN === '1';
		mkdirSync(GOLDEN_DIR, { recursive: true });
		for (const name of [
			'respondents_by_region_staff_group',
			'needs_by_competency_region',
			'needs_by_competency_sector',
			'training_shares',
			'coverage_by_region_staff_group',
			'success_measures',
			'ratings_distribution'
		]) {
			const actual = readFileSync(join(first.dir, 'tables', `${name}.csv`), 'utf8');
			const golden = join(GOLDEN_DIR, `${name}.csv`);
			if (update || !existsSync(golden)) writeFileSync(golden, actual);
			expect(actual, `${name} differs from ${golden} (UPDATE_GOLDEN=1 to accept a deliberate change)`).toBe(readFileSync(golden, 'utf8'));
		}
	});

	it('every chart spec validates against the Vega-Lite schema and compiles', () => {
		const schema = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('vega-lite/vega-lite-schema.json'), 'utf8'));
		const validate = new Ajv({ strict: false, allErrors: false }).compile(schema);
		const specs = listFiles(join(first.dir, 'charts')).filter((f) => f.endsWith('.vl.json'));
		expect(specs.length).toBeGreaterThanOrEqual(8 * 7);
		for (const file of specs) {
			const spec = JSON.parse(readFileSync(file, 'utf8'));
			expect(validate(spec), `${file}: ${JSON.stringify(validate.errors?.slice(0, 2))}`).toBe(true);
			expect(compile(spec).spec.marks?.length ?? 0).toBeGreaterThan(0);
			expect(readFileSync(file.replace(/\.vl\.json$/, '.svg'), 'utf8')).toMatch(/^<svg/);
		}
	});

	it('every report renders: wave, run date, respondents, suppression note, charts with data tables', () => {
		const reports = listFiles(first.dir).filter((f) => f.endsWith('index.html'));
		expect(reports.length).toBe(1 + regions.length);
		for (const file of reports) {
			const html = readFileSync(file, 'utf8');
			expect(html).toContain('2026/27');
			expect(html).toContain(first.runId);
			expect(html).toMatch(/<dt>Respondents<\/dt><dd data-count>[0-9,]+<\/dd>/);
			expect(html).toContain('Disclosure control');
			const charts = html.match(/<figure /g)?.length ?? 0;
			expect(charts).toBeGreaterThanOrEqual(7);
			expect(html.match(/<table>/g)?.length).toBe(charts);
			expect(html).not.toMatch(/<script/i);
		}
	});

	it('records runs in pipeline_runs', async () => {
		const recorded = await rows(
			c,
			`SELECT run_id, wave_id, status, respondents, counts::VARCHAR AS counts FROM pipeline_runs WHERE run_id = $1`,
			[first.runId]
		);
		expect(recorded).toHaveLength(1);
		expect(recorded[0]).toMatchObject({ wave_id: '2026-27', status: 'succeeded', respondents: 600 });
		expect(JSON.parse(String(recorded[0].counts)).reports).toBe(8);
	});

	it('a run that fails part way leaves the previous run and latest in place', async () => {
		const out = join(dir, 'reports');
		const before = readdirSync(out).sort();
		await expect(
			runPipeline(c, { out, trigger: 'test', workforceCsv: join(dir, 'missing-workforce.csv'), recorder: databaseRecorder(db) })
		).rejects.toThrow();
		expect(readdirSync(out).sort()).toEqual(before);
		expect(readlinkSync(join(out, 'latest'))).toBe(first.runId);
		expect(existsSync(join(first.dir, 'manifest.json'))).toBe(true);
		const failed = await rows(c, `SELECT status, error FROM pipeline_runs WHERE status = 'failed'`);
		expect(failed).toHaveLength(1);
		expect(String(failed[0].error)).toMatch(/missing-workforce/);
	});

	it('refuses an unknown wave', async () => {
		await expect(runPipeline(c, { out: join(dir, 'reports-x'), waveId: '1999-00' })).rejects.toThrow(/no wave "1999-00"/);
	});
});

describe('publishing safety', () => {
	it('neutralises CSV text that a spreadsheet would run, but keeps negative numbers as numbers', () => {
		expect(csvField('=HYPERLINK("x")', 'VARCHAR')).toBe(`"'=HYPERLINK(""x"")"`);
		for (const start of ['+', '-', '@', '\t', '\r']) expect(csvField(`${start}1`, 'VARCHAR').replace(/^"/, '')).toMatch(/^'/);
		expect(csvField(-0.54, 'DOUBLE')).toBe('-0.54');
		expect(csvField(-3, 'INTEGER')).toBe('-3');
		expect(csvField('pharmacist', 'VARCHAR')).toBe('pharmacist');
	});

	it('escapes every text put into a report', () => {
		expect(escapeHtml(`<img src=x onerror="alert('x')">&`)).toBe('&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;');
		const html = reportHtml({
			scope: 'E92000001',
			wave: { id: '2026-27', label: '<b>wave</b>' },
			runId: 'r',
			runDate: new Date(0),
			respondents: 10,
			rule: ruleWithThreshold(),
			charts: [
				{
					id: 'x',
					title: '<script>alert(1)</script>',
					description: 'd',
					svg: '<svg></svg>',
					spec: {} as never,
					table: { columns: [{ key: 'a', heading: '<h>' }], rows: [{ a: '<i>' }] }
				}
			],
			links: []
		});
		expect(html).not.toContain('<script>');
		expect(html).not.toContain('<b>wave</b>');
		expect(html).toContain('&lt;i&gt;');
	});
});
