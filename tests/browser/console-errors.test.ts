// Issue 18, "the browser console shows Not found on a page load": every main page, loaded in real
// Chromium as the person who uses it, logs no console error, fails no request and gets no 4xx/5xx.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserApp } from '../helpers/browser-app';
import { newPage } from '../helpers/browser';

const app = browserApp({ responses: { n: 300, seed: 5, waveId: '2026-27', progress: 1 }, dirs: ['settings', 'reports'] });

/** A page that writes down every console error, failed request and error response it meets. */
async function watchedPage(email?: string): Promise<{ page: Page; problems: string[] }> {
	const page = email ? await app.signedInPage(email) : await newPage(app.browser);
	const problems: string[] = [];
	page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()} (${m.location().url})`));
	page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
	page.on('requestfailed', (r) => problems.push(`failed: ${r.method()} ${r.url()} ${r.failure()?.errorText}`));
	page.on('response', (r) => r.status() >= 400 && problems.push(`${r.status()}: ${r.request().method()} ${r.url()}`));
	// Nothing is fetched from elsewhere: NHS.UK's web fonts, asked for off nhs.uk, were the failures.
	page.on('request', (r) => !r.url().startsWith(app.server.url) && !r.url().startsWith('data:') && problems.push(`elsewhere: ${r.url()}`));
	return { page, problems };
}

/** Loads `path` and waits until the page has gone quiet (its script loaded and run). */
async function load(page: Page, path: string) {
	await page.goto(`${app.server.url}${path}`, { waitUntil: 'networkidle' });
}

describe('page loads log no console error', () => {
	it('the start page, the survey, sign-in and the privacy notice, for a respondent', async () => {
		const { page, problems } = await watchedPage();
		for (const path of ['/', '/survey/about_you', '/survey/resume', '/login', '/privacy', '/accessibility']) await load(page, path);
		// A page that names no icon (a published report) makes the browser ask for /favicon.ico.
		await load(page, '/favicon.ico');
		expect(await page.evaluate(() => location.pathname)).toBe('/assets/images/favicon.svg');
		expect(problems).toEqual([]);
		await page.context().close();
	});

	it('the dashboard and published reports, for a planner', async () => {
		const { page, problems } = await watchedPage('national@example.org');
		await load(page, '/reports');
		await page.waitForFunction(() => document.querySelectorAll('[data-chart] .chart svg').length > 0, null, { timeout: 20_000 });
		await load(page, '/runs');
		expect(problems).toEqual([]);
		await page.context().close();
	});

	it('the administration pages, for an admin', async () => {
		const { page, problems } = await watchedPage('admin@example.org');
		for (const path of [
			'/admin',
			'/admin/comments',
			'/admin/accounts',
			'/admin/audit',
			'/admin/measures',
			'/admin/workforce',
			'/runs',
			'/reports'
		])
			await load(page, path);
		expect(problems).toEqual([]);
		await page.context().close();
	});
});
