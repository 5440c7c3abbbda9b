// PDFs of the reports through Chromium's print-to-PDF: the national report prints on a reasonable
// number of A4 pages and opens with its one-page summary; without Chromium the run still succeeds and
// the manifest says why there are no PDFs.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { runPipeline, type RunResult } from '../../../pipelines/batch/run';
import { regions } from '../../../pipelines/core/reference';
import { pdfOutline, pdfPages } from '../../helpers/pdf';
import { syntheticFile } from '../fixtures';

let dir: string;
let c: DuckDBConnection;
let run: RunResult;

syntheticFile({ n: 2000, seed: 11, timeout: 180_000 }, async (file) => {
	({ dir, c } = file);
	run = await runPipeline(c, { out: join(dir, 'reports'), trigger: 'test', pdf: true });
});

describe('report PDFs', () => {
	it('prints every report to an A4 PDF listed in the manifest', () => {
		const manifest = JSON.parse(readFileSync(join(run.dir, 'manifest.json'), 'utf8'));
		expect(manifest.pdf).toEqual({ made: true });
		expect(manifest.files).toContain('national/report.pdf');
		for (const r of regions) expect(manifest.files).toContain(`regions/${r.code}/report.pdf`);
		const pdf = readFileSync(join(run.dir, 'national', 'report.pdf'));
		expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
		// A4 portrait in points (595 × 842).
		expect(pdf.toString('latin1')).toMatch(/\/MediaBox \[0 0 594\.9\d* 841\.9\d*\]/);
	});

	it('opens the national report with a one-page summary and prints it on a reasonable number of pages', () => {
		const pdf = readFileSync(join(run.dir, 'national', 'report.pdf'));
		const pages = pdfPages(pdf);
		expect(pages.length).toBeGreaterThanOrEqual(4);
		const outline = pdfOutline(pdf);
		const pageOf = (title: string | RegExp) =>
			outline.find((o) => (typeof title === 'string' ? o.title === title : title.test(o.title)))?.page;
		expect(pageOf('Summary')).toBe(1);
		expect(pageOf('Largest training needs')).toBe(1);
		expect(pageOf('Success measures against target')).toBe(1);
		// The charts start on the next page, not on the summary's, and no page is left out of the outline.
		expect(pageOf(/^Pharmacy genomics workforce needs: England,\s?2026\/27$/)).toBe(1);
		const charts = outline.filter(
			(o) =>
				!['Summary', 'Largest training needs', 'Success measures against target'].includes(o.title) &&
				!o.title.startsWith('Pharmacy genomics workforce needs:')
		);
		expect(charts.length).toBeGreaterThan(5);
		expect(Math.min(...charts.map((o) => o.page))).toBe(2);
		expect(Math.max(...charts.map((o) => o.page))).toBeLessThanOrEqual(pages.length);
		// No more than a page a chart after the summary: no forced breaks, and long tables are left to the CSV files.
		expect(pages.length).toBeLessThanOrEqual(1 + charts.length);
		console.log(`national report: ${pages.length} A4 pages for ${charts.length} charts`);
	});

	it('keeps a heading with what follows it: no chart heading is stranded at the foot of a page', () => {
		const pdf = readFileSync(join(run.dir, 'national', 'report.pdf'));
		const headings = pdfOutline(pdf).filter((o) => o.page > 1);
		expect(headings.length).toBeGreaterThan(5);
		expect(headings.every((h) => h.top !== undefined)).toBe(true);
		// A heading, its words and its drawing print as one block: every heading has at least the
		// smallest drawing's height (about 150 pt) below it, so none sits in the page's bottom strip.
		const stranded = headings.filter((h) => h.top! < 200).map((h) => `${h.title} (page ${h.page}, ${h.top} pt)`);
		expect(stranded).toEqual([]);
		console.log(`lowest chart heading: ${Math.min(...headings.map((h) => h.top!))} pt from the bottom`);
		expect(readFileSync(join(run.dir, 'national', 'index.html'), 'utf8')).toMatch(/\.chart-head\{break-inside:avoid/);
	});

	it('succeeds without Chromium and says why there are no PDFs', async () => {
		const without = await runPipeline(c, {
			out: join(dir, 'reports-no-chromium'),
			trigger: 'test',
			pdf: { chromiumPath: join(dir, 'no-chromium-here') }
		});
		const manifest = JSON.parse(readFileSync(join(without.dir, 'manifest.json'), 'utf8'));
		expect(manifest.pdf).toEqual({
			made: false,
			reason: expect.stringMatching(/^Chromium was not found at .*no-chromium-here .*so PDFs were not made\./)
		});
		expect(manifest.files.filter((f: string) => f.endsWith('.pdf'))).toEqual([]);
		expect(existsSync(join(without.dir, 'national', 'index.html'))).toBe(true);
	});
});
