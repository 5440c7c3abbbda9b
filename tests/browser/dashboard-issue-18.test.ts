// Issue 18's dashboard points in real Chromium against the built server: the no-JS page has contents
// and CSV links that download; changing a filter quickly never reaches the queue limit; a breakdown's
// result sits beside its question, and a half-chosen breakdown says what is missing.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserApp } from '../helpers/browser-app';

// The figure cache is off, so every choice is worked out and holds its place in the queue meanwhile.
const app = browserApp({
	responses: { n: 3000, seed: 41, waveId: '2026-27', progress: 1 },
	dirs: ['settings', 'reports'],
	env: { DASHBOARD_CACHE_ENTRIES: '0' }
});

const plannerPage = (javaScriptEnabled = true) => app.signedInPage('national@example.org', { javaScriptEnabled, acceptDownloads: true });

const FIGURES = { timeout: 20_000 };
const summary = (page: Page) => page.getByTestId('summary');

describe('the no-JS dashboard', () => {
	it('has a contents list with links to its sections, and CSV links that download the table as shown', async () => {
		const page = await plannerPage(false);
		await page.goto(`${app.server.url}/reports?region=E40000003&sector=hospital`);
		const contents = page.getByTestId('contents');
		const links = contents.getByRole('link');
		expect(await links.count()).toBe(1 + (await page.locator('[data-chart]').count()));
		// Every link leads to a section on the page, named as that section's heading.
		for (const link of (await links.all()).slice(1)) {
			const target = (await link.getAttribute('href'))!;
			expect(await page.locator(`${target} h2`).textContent()).toBe(await link.textContent());
		}
		const title = (await page.locator('#needs-ranking h2').textContent())!;
		await contents.getByRole('link', { name: title, exact: true }).click();
		expect(new URL(page.url()).hash).toBe('#needs-ranking');

		const ranking = page.locator('[data-chart="needs-ranking"]');
		const [download] = await Promise.all([page.waitForEvent('download'), ranking.getByRole('link', { name: /Download CSV/ }).click()]);
		expect(download.suggestedFilename()).toBe('E40000003-2026-27-hospital-needs-ranking.csv');
		const csv = readFileSync((await download.path())!, 'utf8')
			.split('\r\n')
			.filter(Boolean);
		expect(csv[0]).toBe((await ranking.locator('th').allTextContents()).join(','));
		expect(csv.length - 1).toBe(await ranking.locator('tbody tr').count());
		await page.context().close();
	}, 60_000);
});

describe('changing a filter quickly', () => {
	it('several times does not show the queue-limit message', async () => {
		const page = await plannerPage();
		await page.goto(`${app.server.url}/reports`);
		await expect.poll(() => summary(page).textContent(), FIGURES).toMatch(/^England/);
		// Arrowing down the staff groups: each key press is a new choice, replacing the one before.
		await page.locator('#filter-staffGroup').focus();
		for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowDown');
		const chosen = await page.locator('#filter-staffGroup').inputValue();
		await page.waitForURL(new RegExp(`staffGroup=${chosen}`), FIGURES);
		await expect.poll(() => summary(page).textContent(), FIGURES).not.toContain('Updating');
		expect(await page.getByRole('alert').count()).toBe(0);
		expect(await page.content()).not.toContain('sets of figures being worked out');
		await page.context().close();
	}, 60_000);
});

describe('breakdowns', () => {
	it('show their result right after the question, and say what is missing when only rows are chosen', async () => {
		const page = await plannerPage();
		await page.goto(`${app.server.url}/reports`);
		await expect.poll(() => summary(page).textContent(), FIGURES).toMatch(/^England/);
		await page.getByLabel('Rows').selectOption('region');
		await page.waitForURL(/breakdown1=region/, FIGURES);
		const missing = page.locator('#breakdown-2-error');
		await expect
			.poll(() => missing.textContent(), FIGURES)
			.toBe('Error: Choose what the columns show, or choose “No breakdown” for the rows too');
		expect(await page.getByLabel('Columns').getAttribute('aria-describedby')).toBe('breakdown-2-error');

		await page.getByLabel('Columns').selectOption('staff_group');
		await page.waitForURL(/breakdown2=staff_group/, FIGURES);
		const heatmap = page.locator('[data-chart="needs-two-way"]');
		await heatmap.waitFor(FIGURES);
		expect(await missing.count()).toBe(0);
		// The result is inside the breakdown's own part of the page, just below the picker.
		const [picker, result] = await Promise.all([page.locator('fieldset.breakdown').boundingBox(), heatmap.boundingBox()]);
		expect(await page.getByTestId('breakdown').locator('[data-chart="needs-two-way"]').count()).toBe(1);
		expect(result!.y - (picker!.y + picker!.height)).toBeLessThan(200);
		await page.context().close();
	}, 60_000);

	it('say what is missing without JavaScript too', async () => {
		const page = await plannerPage(false);
		await page.goto(`${app.server.url}/reports?breakdown2=sector`);
		expect(await page.locator('#breakdown-1-error').textContent()).toBe(
			'Error: Choose what the rows show, or choose “No breakdown” for the columns too'
		);
		await page.context().close();
	});
});
