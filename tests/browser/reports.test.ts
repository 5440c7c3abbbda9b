// The planner dashboard in real Chromium against the built server: sign-in redirect, filters kept in
// the URL, charts drawn by vega-embed under the app's CSP, table alternative, CSV download, regional
// isolation and accessibility.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { newPage, seriousViolations, seriousViolationsWithoutScript } from '../helpers/browser';
import { browserApp } from '../helpers/browser-app';

const app = browserApp({
	responses: [
		{ n: 3000, seed: 11, waveId: '2025-26' },
		{ n: 3000, seed: 12, waveId: '2026-27', progress: 1 }
	],
	dirs: ['settings', 'reports']
});

/** A page signed in as `email` (auth.login over HTTP, its session cookie put in the browser), collecting CSP reports. */
async function signedInPage(email: string): Promise<{ page: Page; cspViolations: string[] }> {
	const page = await app.signedInPage(email, { acceptDownloads: true });
	const cspViolations: string[] = [];
	page.on('console', (m) => m.type() === 'error' && /Content.Security.Policy|unsafe-eval/i.test(m.text()) && cspViolations.push(m.text()));
	page.on('pageerror', (e) => cspViolations.push(`page error: ${e.message}`));
	return { page, cspViolations };
}

const summary = (page: Page) => page.getByTestId('summary');

/** Waits until every chart has drawn its SVG: seventeen, or sixteen when a sector or specialty leaves out coverage. */
async function chartsDrawn(page: Page, count = 17) {
	await page.waitForFunction((n) => {
		const charts = [...document.querySelectorAll('[data-chart]')];
		return charts.length === n && charts.every((c) => c.querySelector('.chart svg'));
	}, count);
}

const COVERAGE_NOTE =
	'Coverage is not available when a sector or specialty is chosen: there are no workforce figures by sector or specialty.';

// A filter change waits for the server's figures: allow for a busy machine (expect.poll's default is 1 s).
const FIGURES = { timeout: 15_000 };

describe('the dashboard', () => {
	it('sends someone not signed in to the sign-in page, coming back afterwards', async () => {
		const page = await newPage(app.browser);
		await page.goto(`${app.server.url}/reports?sector=hospital`);
		expect(new URL(page.url()).pathname).toBe('/login');
		expect(new URL(page.url()).searchParams.get('next')).toBe('/reports?sector=hospital');
		await page.context().close();
	});

	it('draws every chart for a national planner, keeps filters in the URL, and offers tables and CSV', async () => {
		const { page, cspViolations } = await signedInPage('national@example.org');
		await page.goto(`${app.server.url}/reports`);
		// 3,000 respondents, perturbed by at most 2 and rounded to 5 (docs/disclosure.md).
		await expect.poll(() => summary(page).textContent(), FIGURES).toMatch(/England, wave 2026\/27: about (2,995|3,000|3,005) respondents/);
		// The page says how fresh its figures are.
		expect(await page.getByTestId('freshness').textContent()).toMatch(
			/Figures as at .+updated at most every 1 hour, and only\s+once at least 10 new responses/
		);
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
		// A sector has no workforce figures: coverage says so instead of dividing by the wrong workforce.
		await chartsDrawn(page, 16);
		expect(await page.getByTestId('coverage-note').textContent()).toBe(COVERAGE_NOTE);
		// Reloading the URL gives the same view: the URL holds the filters.
		await page.reload();
		await expect.poll(() => summary(page).textContent(), FIGURES).toMatch(/^London/);
		expect(await page.locator('#filter-sector').inputValue()).toBe('hospital');
		await chartsDrawn(page, 16);

		const ranking = page.locator('[data-chart="needs-ranking"]');
		await ranking.getByText('Show the data as a table').click();
		const table = ranking.locator('table');
		await expect.poll(() => table.isVisible()).toBe(true);
		expect(await table.locator('th').allTextContents()).toEqual([
			'Rank',
			'Competency',
			'Mean importance',
			'Mean confidence',
			'MWDS',
			'95% interval low',
			'95% interval high',
			'Rank (range)',
			'Respondents'
		]);
		expect(await table.locator('tbody tr').count()).toBe(11);

		const [download] = await Promise.all([page.waitForEvent('download'), ranking.getByRole('link', { name: /Download CSV/ }).click()]);
		expect(download.suggestedFilename()).toBe('E40000003-2026-27-hospital-needs-ranking.csv');
		const csv = readFileSync((await download.path())!, 'utf8').split('\r\n');
		expect(csv[0]).toBe('Rank,Competency,Mean importance,Mean confidence,MWDS,95% interval low,95% interval high,Rank (range),Respondents');
		expect(csv.filter((l) => l).length).toBe(12);
		// No cell a spreadsheet would run as a formula.
		expect(csv.every((l) => l.split(',').every((cell) => !/^[=+\-@]/.test(cell) || /^-?\d/.test(cell)))).toBe(true);

		expect(await seriousViolations(page)).toEqual([]);
		expect(cspViolations).toEqual([]);
		await page.context().close();
	});

	it('shows a regional planner only their region, and refuses another region in words', async () => {
		const { page, cspViolations } = await signedInPage('london@example.org');
		await page.goto(`${app.server.url}/reports`);
		await expect.poll(() => summary(page).textContent(), FIGURES).toMatch(/^London, wave 2026\/27/);
		await chartsDrawn(page);
		expect(await page.locator('#filter-region').count()).toBe(0);
		const coverage = await page.locator('[data-chart="coverage-by-region"] table tbody tr').allTextContents();
		expect(coverage).toHaveLength(1);
		expect(coverage[0]).toMatch(/^London/);
		expect(await page.content()).not.toMatch(/Midlands|North West|South East|England, wave/);
		expect(await seriousViolations(page)).toEqual([]);

		await page.goto(`${app.server.url}/reports?region=E40000011`);
		await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/figures for London only, not Midlands/);
		expect(await page.locator('[data-chart]').count()).toBe(0);
		expect(cspViolations).toEqual([]);
		await page.context().close();
	});

	it('works without JavaScript: filters are a plain form, figures and tables come from the server', async () => {
		const page = await app.signedInPage('national@example.org', { javaScriptEnabled: false });
		await page.goto(`${app.server.url}/reports`);
		expect(await summary(page).textContent()).toMatch(/England, wave 2026\/27: about (2,995|3,000|3,005) respondents/);
		expect(await page.content()).not.toContain('Loading');

		await page.locator('#filter-region').selectOption('E40000003');
		await page.locator('#filter-staffGroup').selectOption('pharmacist');
		await page.getByRole('button', { name: 'Apply filters' }).click();
		await page.waitForURL(/staffGroup=pharmacist/);
		expect(new URL(page.url()).searchParams.get('region')).toBe('E40000003');
		expect(await summary(page).textContent()).toMatch(/^London, wave 2026\/27: about [\d,]+ respondents match these filters/);
		expect(await page.locator('#filter-staffGroup').inputValue()).toBe('pharmacist');
		// Each chart's figures are in its table, open because the chart cannot be drawn.
		const ranking = page.locator('[data-chart="needs-ranking"]');
		await expect.poll(() => ranking.locator('table').isVisible()).toBe(true);
		expect(await ranking.locator('tbody tr').count()).toBe(11);
		expect(await ranking.locator('tbody tr').first().locator('td').nth(4).textContent()).toMatch(/^-?\d+\.\d\d$|^\[c\]$/);
		// London pharmacists' coverage over London's 8,840 pharmacists.
		const coverage = await page.locator('[data-chart="coverage-by-region"] tbody tr').first().locator('td').allTextContents();
		expect(coverage[0]).toBe('London');
		expect(coverage[2]).toBe('8,840');
		expect(Number(coverage[3])).toBeCloseTo((Number(coverage[1].replace(',', '')) / 8840) * 100, 1);
		expect(await page.locator('[data-chart]').count()).toBe(17);
		expect(await seriousViolationsWithoutScript(page)).toEqual([]);
		await page.context().close();
	});

	it('marks every hidden figure [c], in the tables and the charts, with one legend', async () => {
		const { page, cspViolations } = await signedInPage('national@example.org');
		// A small group: some sectors and answers rest on fewer than 8 people.
		await page.goto(`${app.server.url}/reports?region=E40000003&staffGroup=pharmacy_technician`);
		await expect.poll(() => summary(page).textContent(), FIGURES).toMatch(/^London/);
		await chartsDrawn(page);
		const heatmap = page.locator('[data-chart="needs-heatmap-sector"]');
		await heatmap.getByText('Show the data as a table').click();
		const hidden = heatmap.locator('td.suppressed');
		expect(await hidden.count()).toBeGreaterThan(0);
		expect(new Set(await hidden.allTextContents())).toEqual(new Set(['[c]']));
		// The same mark drawn in the chart, and the legend beside it.
		expect(await heatmap.locator('.chart svg text').allTextContents()).toContain('[c]');
		expect(await heatmap.locator('[data-legend]').textContent()).toBe('[c] fewer than 8 people: hidden to protect anonymity');
		// No other mark for a hidden figure anywhere on the page.
		expect(await page.locator('td').allTextContents()).not.toContain('suppressed');
		expect(await page.locator('td').allTextContents()).not.toContain('*');
		// The CSV download marks it the same way.
		const [download] = await Promise.all([page.waitForEvent('download'), heatmap.getByRole('link', { name: /Download CSV/ }).click()]);
		expect(readFileSync((await download.path())!, 'utf8')).toContain(',[c],');
		expect(cspViolations).toEqual([]);
		await page.context().close();
	});

	it('shows one clear message, and no charts or downloads, for a selection with no respondents or too few', async () => {
		const { page } = await signedInPage('national@example.org');
		const cases = [
			// Nobody in the synthetic data matches all four filters.
			[
				'region=E40000003&sector=health_justice&staffGroup=assistant_technical_officer&specialty=rare_inherited_disease',
				'No responses match these filters.',
				'no respondents match'
			],
			// Four people: fewer than the threshold of 8.
			[
				'region=E40000003&sector=hospital&staffGroup=other',
				'Too few responses to show figures for these filters.',
				'fewer than 8 respondents match'
			]
		] as const;
		for (const [query, message, summaryText] of cases) {
			await page.goto(`${app.server.url}/reports?${query}`);
			await expect.poll(() => page.getByTestId('empty').locator('h2').textContent(), FIGURES).toBe(message);
			expect(await summary(page).textContent()).toContain(summaryText);
			expect(await page.locator('[data-chart]').count()).toBe(0);
			expect(await page.getByRole('link', { name: /Download CSV/ }).count()).toBe(0);
			expect(await page.content()).not.toMatch(/NaN|0\.000000/);
			expect(await seriousViolations(page)).toEqual([]);
		}
		await page.context().close();
	});

	it('answers a filter it does not know with a clear message, and no figures', async () => {
		const { page } = await signedInPage('national@example.org');
		await page.goto(`${app.server.url}/reports?sector=surgery`);
		expect(await page.getByRole('alert').textContent()).toMatch(
			/Some of the filters need correcting: "surgery" is not a sector\. Use one of: community/
		);
		expect(await page.locator('[data-chart]').count()).toBe(0);
		// The filters are still there to choose again.
		expect(await page.locator('#filter-sector').count()).toBe(1);
		await page.context().close();
	});

	it('fits a 320 px wide screen without scrolling sideways', async () => {
		const page = await app.signedInPage('national@example.org', { viewport: { width: 320, height: 800 } });
		await page.goto(`${app.server.url}/reports`);
		await expect.poll(() => summary(page).textContent(), FIGURES).toMatch(/^England/);
		await chartsDrawn(page);
		// Open every table too: wide tables scroll inside their own box.
		for (const summaryText of await page.getByText('Show the data as a table').all()) await summaryText.click();
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
		await page.context().close();
	});
});
