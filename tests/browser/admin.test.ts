// The signed-in side in Chromium: sign in, administration, the run browser, regional isolation, axe.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { completeAnswers } from '../helpers/answers';
import { createAccounts, PASSWORD } from '../helpers/accounts';
import { launchChromium, newPage, seriousViolations } from '../helpers/browser';
import { startServer, tempDir, type RunningServer } from '../helpers/server';
import { clientFor } from '../helpers/trpc';

const dir = tempDir();
const databasePath = join(dir.path, 'survey.duckdb');
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
	await createAccounts(databasePath);
	server = await startServer({ databasePath, env: { SETTINGS_DIR: join(dir.path, 'settings'), PIPELINE_OUT: join(dir.path, 'reports') } });
	browser = await launchChromium();
	const survey = clientFor(server.url);
	for (let i = 0; i < 12; i++) {
		const comments = i === 0 ? '<img src=x onerror="document.title=\'pwned\'"> =HYPERLINK("http://example.org")' : i === 1 ? ' \u0000\u200B=HYPERLINK("http://example.org/2")\u0007' : undefined;
		await survey.survey.submit.mutate({ submissionId: randomUUID(), answers: completeAnswers(i, comments ? { comments } : {}) });
	}
});
afterAll(async () => {
	await browser?.close();
	await server?.stop();
	dir.remove();
});

async function signInAs(email: string, next = '/runs'): Promise<Page> {
	const page = await newPage(browser);
	await page.goto(`${server.url}/login?next=${encodeURIComponent(next)}`);
	expect(await seriousViolations(page)).toEqual([]);
	await page.getByLabel('Email address').fill(email);
	await page.getByLabel('Password').fill(PASSWORD);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.waitForURL(`**${next}`);
	return page;
}

describe('signed in, in Chromium', () => {
	it('shows an error summary for a wrong password', async () => {
		const page = await newPage(browser);
		await page.goto(`${server.url}/login`);
		await page.getByLabel('Email address').fill('admin@example.org');
		await page.getByLabel('Password').fill('wrong password');
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.locator('.nhsuk-error-summary').waitFor();
		expect(await page.locator('.nhsuk-error-summary').textContent()).toMatch(/email address or password is not right/);
		expect(await seriousViolations(page)).toEqual([]);
		await page.context().close();
	});

	it('lets an admin close and open a wave, and the survey start page follows', async () => {
		const page = await signInAs('admin@example.org', '/admin');
		const status = page.locator('[data-testid^="status-"]').first();
		await expect.poll(() => status.textContent()).toBe('open');
		expect(await seriousViolations(page)).toEqual([]);
		await page.getByRole('button', { name: /^Close wave/ }).click();
		await expect.poll(() => status.textContent()).toBe('closed');
		const visitor = await newPage(browser);
		await visitor.goto(server.url);
		expect(await visitor.getByText('The survey is closed at the moment').isVisible()).toBe(true);
		await page.getByRole('button', { name: /^Open wave/ }).click();
		await expect.poll(() => status.textContent()).toBe('open');
		await visitor.reload();
		expect(await visitor.getByRole('link', { name: 'Start now' }).isVisible()).toBe(true);
		await visitor.context().close();

		// Every admin page passes axe; free text is shown as text, never run.
		for (const path of ['/admin/measures', '/admin/workforce', '/admin/comments', '/admin/audit']) {
			await page.goto(`${server.url}${path}`);
			await page.locator('h1').waitFor();
			expect(await seriousViolations(page), path).toEqual([]);
		}
		await page.goto(`${server.url}/admin/comments`);
		await expect.poll(() => page.getByTestId('comments').textContent()).toContain('<img src=x onerror=');
		expect(await page.title()).not.toBe('pwned');
		expect(await page.locator('[data-testid="comments"] img').count()).toBe(0);
		// The free-text export: a formula behind a space, NUL or invisible character is neutralised, controls removed.
		const href = (await page.getByRole('link', { name: 'Download as CSV' }).getAttribute('href'))!;
		const csv = decodeURIComponent(href.replace(/^data:text\/csv;charset=utf-8,/, ''));
		expect(csv).toContain(`"' \u200B=HYPERLINK(""http://example.org/2"")"`);
		expect(csv).not.toMatch(/[\u0000-\u0008]/);
		await page.goto(`${server.url}/admin/audit`);
		await expect.poll(() => page.getByTestId('audit-log').textContent()).toContain('wave closed');
		await page.context().close();
	});

	it('reports every bad row of a workforce upload and keeps the old figures', async () => {
		const page = await signInAs('admin@example.org', '/admin/workforce');
		await page.getByLabel('CSV file').setInputFiles({ name: 'workforce.csv', mimeType: 'text/csv', buffer: Buffer.from('region_code,staff_group,workforce\nE40000003,pharmacist,many\nNarnia,pharmacist,10\n') });
		await page.getByRole('button', { name: 'Upload' }).click();
		const problem = page.getByTestId('upload-problem');
		await problem.waitFor();
		expect(await problem.textContent()).toMatch(/Line 2: The workforce "many" must be a whole number.*Line 3: "Narnia" is not an NHS England region code/);
		expect(await seriousViolations(page)).toEqual([]);
		await page.context().close();
	});

	it('lets an admin start a pipeline run, follow its progress and open the report', async () => {
		const page = await signInAs('admin@example.org', '/runs');
		await page.getByRole('button', { name: 'Start a run' }).click();
		await expect.poll(() => page.getByTestId('run-progress').textContent(), { timeout: 60_000 }).toMatch(/Run .* finished\./);
		await expect.poll(() => page.getByTestId('runs').locator('tbody tr').count()).toBe(1);
		expect(await page.getByTestId('runs').textContent()).toMatch(/succeeded/);
		expect(await seriousViolations(page)).toEqual([]);
		await page.getByRole('link', { name: /^Files/ }).click();
		await page.waitForURL(/\/runs\/[0-9TZ]+-[0-9a-f]+$/);
		expect(await seriousViolations(page)).toEqual([]);
		const files = await page.getByTestId('files').locator('a').allTextContents();
		expect(files).toContain('national/index.html');
		expect(files).toContain('tables/needs_by_competency_region.csv');
		const csv = await page.request.get(`${page.url()}/tables/needs_by_competency_region.csv`);
		expect(csv.headers()['content-disposition']).toBe('attachment; filename="needs_by_competency_region.csv"');
		expect((await csv.text()).split('\r\n')[0]).toBe('wave,region_code,competency,respondents,mean_importance,mean_confidence,mean_discrepancy,mwds,rank,suppressed');
		await page.goBack();
		await page.getByRole('link', { name: /^Open report/ }).click();
		await page.waitForURL('**/national/index.html');
		expect(await page.locator('h1').textContent()).toMatch(/England/);
		await page.context().close();
	});

	it('keeps a regional planner to their own region and out of administration', async () => {
		const page = await signInAs('london@example.org', '/runs');
		await expect.poll(() => page.getByTestId('runs').locator('tbody tr').count()).toBe(1);
		expect(await page.getByRole('button', { name: 'Start a run' }).count()).toBe(0);
		expect(await page.getByRole('link', { name: 'Administration' }).count()).toBe(0);
		await page.getByRole('link', { name: /^Files/ }).click();
		await page.waitForURL(/\/runs\/[0-9TZ]+-[0-9a-f]+$/);
		const files = await page.getByTestId('files').locator('a').allTextContents();
		expect(files.length).toBeGreaterThan(0);
		expect(files.every((f) => f.startsWith('regions/E40000003/') || f.startsWith('charts/E40000003-')), files.join(', ')).toBe(true);
		await page.goBack();
		await page.getByRole('link', { name: /^Open report/ }).click();
		await page.waitForURL('**/regions/E40000003/index.html');
		expect(await page.locator('h1').textContent()).toMatch(/London/);
		const national = await page.goto(page.url().replace('/regions/E40000003/index.html', '/national/index.html'));
		expect(national?.status()).toBe(403);
		const admin = await page.goto(`${server.url}/admin`);
		expect(admin?.status()).toBe(403);
		await page.context().close();
	});
});
