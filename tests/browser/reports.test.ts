// The planner dashboard in real Chromium against the built server: sign-in redirect, filters kept in
// the URL, charts drawn by vega-embed under the app's CSP, table alternative, CSV download, regional
// isolation and accessibility.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { Database } from '../../src/lib/server/db/database';
import { instrument } from '../../src/lib/instrument/survey';
import { generateResponses } from '../../pipelines/synthetic';
import { createAccounts, PASSWORD } from '../helpers/accounts';
import { launchChromium, newPage, seriousViolations } from '../helpers/browser';
import { startServer, tempDir, type RunningServer } from '../helpers/server';
import { signIn } from '../helpers/trpc';

const dir = tempDir();
const databasePath = join(dir.path, 'survey.duckdb');
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
	await createAccounts(databasePath);
	const db = await Database.open(databasePath, instrument);
	await db.write(async (c) => {
		await generateResponses(c, { n: 3000, seed: 11, waveId: '2025-26' });
		await generateResponses(c, { n: 3000, seed: 12, waveId: '2026-27', progress: 1 });
	});
	await db.close();
	server = await startServer({ databasePath, env: { SETTINGS_DIR: join(dir.path, 'settings'), PIPELINE_OUT: join(dir.path, 'reports') } });
	browser = await launchChromium();
});
afterAll(async () => {
	await browser?.close();
	await server?.stop();
	dir.remove();
});

/** A page signed in as `email` (auth.login over HTTP, its session cookie put in the browser), collecting CSP reports. */
async function signedInPage(email: string): Promise<{ page: Page; cspViolations: string[] }> {
	const { cookie } = await signIn(server.url, email, PASSWORD);
	const [name, value] = cookie.split('=');
	const page = await newPage(browser, { acceptDownloads: true });
	await page.context().addCookies([{ name, value, url: server.url }]);
	const cspViolations: string[] = [];
	page.on('console', (m) => m.type() === 'error' && /Content.Security.Policy|unsafe-eval/i.test(m.text()) && cspViolations.push(m.text()));
	page.on('pageerror', (e) => cspViolations.push(`page error: ${e.message}`));
	return { page, cspViolations };
}

const summary = (page: Page) => page.getByTestId('summary');

/** Waits until every chart has drawn its SVG. */
async function chartsDrawn(page: Page) {
	await page.waitForFunction(() => {
		const charts = [...document.querySelectorAll('[data-chart]')];
		return charts.length === 13 && charts.every((c) => c.querySelector('.chart svg'));
	});
}

// A filter change waits for the server's figures: allow for a busy machine (expect.poll's default is 1 s).
const FIGURES = { timeout: 15_000 };

describe('the dashboard', () => {
	it('sends someone not signed in to the sign-in page, coming back afterwards', async () => {
		const page = await newPage(browser);
		await page.goto(`${server.url}/reports?sector=hospital`);
		expect(new URL(page.url()).pathname).toBe('/login');
		expect(new URL(page.url()).searchParams.get('next')).toBe('/reports?sector=hospital');
		await page.context().close();
	});

	it('draws every chart for a national planner, keeps filters in the URL, and offers tables and CSV', async () => {
		const { page, cspViolations } = await signedInPage('national@example.org');
		await page.goto(`${server.url}/reports`);
		// 3,000 respondents, perturbed by at most 2 and rounded to 5 (docs/disclosure.md).
		await expect.poll(() => summary(page).textContent(), FIGURES).toMatch(/England, wave 2026\/27: about (2,995|3,000|3,005) respondents/);
		// The page says how fresh its figures are.
		expect(await page.getByTestId('freshness').textContent()).toMatch(/Figures as at .+updated at most every 1 hour, and only\s+once at least 10 new responses/);
		await chartsDrawn(page);
		// With nothing chosen, the wave and region controls show what is on screen, never a blank.
		expect(await page.locator('#filter-wave option:checked').textContent()).toBe('2026/27');
		expect(await page.locator('#filter-region option:checked').textContent()).toBe('England');

		await page.locator('#filter-sector').selectOption('hospital');
		await page.waitForURL(/sector=hospital/);
		await expect.poll(() => summary(page).textContent(), FIGURES).not.toMatch(/(2,995|3,000|3,005) respondents/);
		await page.locator('#filter-region').selectOption('E40000003');
		await page.waitForURL(/region=E40000003/);
		expect(new URL(page.url()).searchParams.get('sector')).toBe('hospital');
		await expect.poll(() => summary(page).textContent(), FIGURES).toMatch(/^London, wave 2026\/27/);
		await chartsDrawn(page);
		// Reloading the URL gives the same view: the URL holds the filters.
		await page.reload();
		await expect.poll(() => summary(page).textContent(), FIGURES).toMatch(/^London/);
		expect(await page.locator('#filter-sector').inputValue()).toBe('hospital');
		await chartsDrawn(page);

		const ranking = page.locator('[data-chart="needs-ranking"]');
		await ranking.getByText('Show the data as a table').click();
		const table = ranking.locator('table');
		await expect.poll(() => table.isVisible()).toBe(true);
		expect(await table.locator('th').allTextContents()).toEqual(['Rank', 'Competency', 'Mean importance', 'Mean confidence', 'MWDS', 'Respondents']);
		expect(await table.locator('tbody tr').count()).toBe(11);

		const [download] = await Promise.all([page.waitForEvent('download'), ranking.getByRole('button', { name: /Download CSV/ }).click()]);
		expect(download.suggestedFilename()).toBe('E40000003-2026-27-hospital-needs-ranking.csv');
		const csv = readFileSync((await download.path())!, 'utf8').split('\r\n');
		expect(csv[0]).toBe('Rank,Competency,Mean importance,Mean confidence,MWDS,Respondents');
		expect(csv.filter((l) => l).length).toBe(12);
		// No cell a spreadsheet would run as a formula.
		expect(csv.every((l) => l.split(',').every((cell) => !/^[=+\-@]/.test(cell) || /^-?\d/.test(cell)))).toBe(true);

		expect(await seriousViolations(page)).toEqual([]);
		expect(cspViolations).toEqual([]);
		await page.context().close();
	});

	it('shows a regional planner only their region, and refuses another region in words', async () => {
		const { page, cspViolations } = await signedInPage('london@example.org');
		await page.goto(`${server.url}/reports`);
		await expect.poll(() => summary(page).textContent(), FIGURES).toMatch(/^London, wave 2026\/27/);
		await chartsDrawn(page);
		expect(await page.locator('#filter-region').count()).toBe(0);
		const coverage = await page.locator('[data-chart="coverage-by-region"] table tbody tr').allTextContents();
		expect(coverage).toHaveLength(1);
		expect(coverage[0]).toMatch(/^London/);
		expect(await page.content()).not.toMatch(/Midlands|North West|South East|England, wave/);
		expect(await seriousViolations(page)).toEqual([]);

		await page.goto(`${server.url}/reports?region=E40000011`);
		await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/figures for London only, not Midlands/);
		expect(await page.locator('[data-chart]').count()).toBe(0);
		expect(cspViolations).toEqual([]);
		await page.context().close();
	});
});
