// The dashboard's two-way breakdown in real Chromium against the built server: the picker's choice
// goes into the URL with the filters, the two-way heatmaps draw with their values and suppressed cells
// marked, the issue 11 charts draw, and a breakdown by one characteristic twice is refused in words.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { seriousViolations } from '../helpers/browser';
import { browserApp } from '../helpers/browser-app';

const app = browserApp({ responses: { n: 3000, seed: 21, waveId: '2026-27', progress: 1 }, dirs: ['settings', 'reports'] });

// A choice waits for the server's figures: allow for a busy machine.
const FIGURES = { timeout: 20_000 };

const drawn = (page: Page, count: number) =>
	page.waitForFunction(
		(n) => {
			const charts = [...document.querySelectorAll('[data-chart]')];
			return charts.length === n && charts.every((c) => c.querySelector('.chart svg'));
		},
		count,
		FIGURES
	);

describe('the two-way breakdown on the dashboard', () => {
	it('puts the chosen pair in the URL with the filters and draws its heatmaps, values in cells, hidden cells marked', async () => {
		const page = await app.signedInPage('national@example.org');
		await page.goto(`${app.server.url}/reports?sector=hospital`);
		await drawn(page, 16);
		for (const id of ['locus-for-focus', 'needs-heatmap-specialty', 'pathway-readiness', 'mentors'])
			expect(await page.locator(`[data-chart="${id}"] .chart svg`).count(), id).toBe(1);

		await page.getByLabel('Rows').selectOption('region');
		await page.getByLabel('Columns').selectOption('staff_group');
		await page.waitForURL(/breakdown2=staff_group/);
		const url = new URL(page.url());
		expect([url.searchParams.get('breakdown1'), url.searchParams.get('breakdown2'), url.searchParams.get('sector')]).toEqual([
			'region',
			'staff_group',
			'hospital'
		]);
		await drawn(page, 18);
		const heatmap = page.locator('[data-chart="needs-two-way"]');
		const cellText = await heatmap.locator('.chart svg text').allTextContents();
		expect(cellText.some((t) => /^-?[0-9]+\.[0-9]$/.test(t))).toBe(true);
		expect(cellText).toContain('[c]');
		expect(await page.locator('[data-chart="success-measures-two-way"] .chart svg text').allTextContents()).toContain('[c]');

		// The URL holds the choice: reloading shows the same breakdown.
		await page.reload();
		await drawn(page, 18);
		expect(await page.getByLabel('Rows').inputValue()).toBe('region');
		expect(await seriousViolations(page)).toEqual([]);
		await page.context().close();
	}, 120_000);

	it('says so in words when both are the same characteristic', async () => {
		const page = await app.signedInPage('national@example.org');
		await page.goto(`${app.server.url}/reports?breakdown1=sector&breakdown2=sector`);
		await expect
			.poll(() => page.getByRole('alert').textContent(), FIGURES)
			.toMatch(/Choose two different characteristics to break the figures down by/);
		await page.context().close();
	}, 60_000);
});
