// Issue 18: the dashboard against the batch report over the same responses, and its charts on a
// narrow screen. Regions against England downloads with one column per heading and each region's
// figure and verdict as published; every figure the report hides is hidden on the dashboard; a
// chart's text is never drawn below 11 px, even at 320 px, where charts scroll in their own box.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runPipeline, type RunResult } from '../../pipelines/batch/run';
import { parseCsv } from '../../pipelines/core/csv';
import { regions } from '../../pipelines/core/reference';
import { PASSWORD } from '../helpers/accounts';
import { browserApp } from '../helpers/browser-app';
import { signIn } from '../../bench/kit/trpc';

const ENGLAND = 'E92000001';
const LONDON = 'E40000003';
let run: RunResult;
let national: Awaited<ReturnType<typeof signIn>>;

type Row = Record<string, unknown>;

const app = browserApp({
	responses: [
		{ n: 600, seed: 61, waveId: '2025-26' },
		{ n: 600, seed: 62, waveId: '2026-27', progress: 1 }
	],
	// The batch run over the same file, before the server opens it.
	async prepare(db, dir) {
		const c = await db.instance.connect();
		run = await runPipeline(c, { out: join(dir, 'batch'), trigger: 'test' });
		c.closeSync();
	},
	dirs: ['settings', 'reports'],
	timeout: 300_000
});

beforeAll(async () => {
	national = await signIn(app.server.url, 'national@example.org', PASSWORD);
});

/** A published table of the batch run, as its CSV file holds it. */
const csvRecords = (text: string) => parseCsv(text).map((r) => r.fields);

function publishedCsv(name: string): Row[] {
	const [header, ...body] = csvRecords(readFileSync(join(run.dir, 'tables', `${name}.csv`), 'utf8'));
	return body.map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i]])));
}

describe('Regions against England on the dashboard', () => {
	it('downloads with one column per heading, and each region’s figure and verdict as published', async () => {
		const response = await fetch(`${app.server.url}/reports/csv?chart=region-against-england`, { headers: { cookie: national.cookie } });
		expect(response.status).toBe(200);
		const [header, ...body] = csvRecords(await response.text());
		expect(new Set(header).size, header.join(',')).toBe(header.length);
		const downloaded = body.map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i]])));
		const published = publishedCsv('region_against_england');
		const names = new Map(regions.map((r) => [r.code, r.name]));
		const number = (v: string) => (v === '' || v === '[c]' ? null : Number(v.replace(/^'/, '')));
		for (const region of regions) {
			const rows = published.filter((r) => r.region_code === region.code);
			expect(rows.length, region.name).toBeGreaterThan(0);
			for (const p of rows) {
				const d = downloaded.find((r) => r.Region === names.get(region.code) && r.Figure === p.name);
				expect(d, `${region.name}: ${String(p.name)}`).toBeDefined();
				expect(number(d!['Figure for the region']), `${region.name}: ${String(p.name)}`).toBe(number(String(p.value)));
				expect(d!['Against England'] || null, `${region.name}: ${String(p.name)}`).toBe(p.against_england || null);
				// A national planner sees England's figure beside every region's figure that is shown.
				if (p.suppressed !== 'true') expect(number(d!.England), `${region.name}: ${String(p.name)}`).toBe(number(String(p.england_value)));
			}
		}
	}, 60_000);
});

describe('a figure the report hides', () => {
	/** The batch run's chart files of one report: id (without the report's stem) → rows drawn. */
	const chartFiles = (stem: string) =>
		new Map(
			readdirSync(join(run.dir, 'charts'))
				.filter((f) => f.startsWith(`${stem}-`) && f.endsWith('.vl.json'))
				.map((f) => [
					f.slice(stem.length + 1, -'.vl.json'.length),
					JSON.parse(readFileSync(join(run.dir, 'charts', f), 'utf8')).data?.values as Row[] | undefined
				])
		);

	/** The fields that say what a row is a figure of (not the figure itself). */
	const IDENTITY = [
		'wave',
		'region_code',
		'dimension',
		'group_code',
		'dimension_1',
		'group_1',
		'dimension_2',
		'group_2',
		'competency',
		'rating',
		'level',
		'sector',
		'specialty',
		'question',
		'option',
		'measure',
		'measure_id',
		'item_id',
		'pathway',
		'figures',
		'name'
	];
	const FIGURES = ['value', 'percent', 'mwds', 'needs_score'];
	const identity = (r: Row) => JSON.stringify(IDENTITY.filter((k) => k in r).map((k) => r[k]));

	it('is hidden on the dashboard too, for England and for a region, chart by chart and row by row', async () => {
		let hiddenCompared = 0;
		for (const [scope, stem] of [
			[ENGLAND, 'national'],
			[LONDON, LONDON]
		]) {
			// England with the two-way breakdown the national report draws (region × staff group), where
			// 600 responses a wave leave small cells to hide.
			const board = await national.client.reports.dashboard.query(
				scope === ENGLAND ? { breakdown: ['region', 'staff_group'] } : { region: scope }
			);
			let compared = 0;
			for (const [id, rows] of chartFiles(stem)) {
				const live = board.charts.find((c) => c.id === id);
				if (!live || !rows) continue;
				compared++;
				const liveRows = (live.spec as { data?: { values?: Row[] } }).data?.values ?? [];
				// Rows by what they are a figure of: the dashboard of England leaves out some regions' rows.
				const batch = new Map(rows.map((r) => [identity(r), r]));
				let matched = 0;
				for (const [i, r] of liveRows.entries()) {
					const published = batch.get(identity(r));
					if (!published) continue;
					matched++;
					if (published.suppressed) hiddenCompared++;
					expect(Boolean(r.suppressed), `${stem} ${id} ${identity(r)}`).toBe(Boolean(published.suppressed));
					// Hidden means no figure: a hidden row on the dashboard carries no value.
					if (r.suppressed) for (const k of FIGURES) if (k in r) expect(r[k], `${stem} ${id} row ${i} ${k}`).toBeNull();
				}
				expect(matched, `${stem} ${id}`).toBeGreaterThan(0);
			}
			expect(compared, stem).toBeGreaterThanOrEqual(10);
		}
		expect(hiddenCompared).toBeGreaterThan(0);
	}, 120_000);
});

describe('dashboard charts at 320 px', () => {
	it('draw no text below 11 px, and scroll in their own box rather than the page', async () => {
		const page = await app.sessionPage(national.cookie, { viewport: { width: 320, height: 800 } });
		await page.goto(`${app.server.url}/reports`);
		const charts = page.locator('.chart svg');
		await charts.first().waitFor({ timeout: 30_000 });
		await page.waitForFunction(() => document.querySelectorAll('.chart svg').length === document.querySelectorAll('.chart').length, null, {
			timeout: 30_000
		});
		const smallest = await page.evaluate(() =>
			[...document.querySelectorAll<SVGSVGElement>('.chart svg')].flatMap((svg) => {
				// Drawn size against the SVG's own units: below 1 when the drawing is shrunk to fit.
				const box = svg.viewBox.baseVal;
				const scale = box && box.width ? svg.getBoundingClientRect().width / box.width : 1;
				return [...svg.querySelectorAll('text')]
					.filter((t) => t.textContent?.trim())
					.map((t) => ({ text: t.textContent!.trim().slice(0, 30), px: parseFloat(getComputedStyle(t).fontSize) * scale }));
			})
		);
		expect(smallest.length).toBeGreaterThan(100);
		const tooSmall = smallest.filter((t) => t.px < 10.99);
		expect(tooSmall.slice(0, 5), `${tooSmall.length} texts below 11 px`).toEqual([]);
		const { scrollWidth, clientWidth } = await page.evaluate(() => ({
			scrollWidth: document.documentElement.scrollWidth,
			clientWidth: document.documentElement.clientWidth
		}));
		expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
		await page.context().close();
	}, 90_000);
});
