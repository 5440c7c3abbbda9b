// The signed-in side in Chromium: sign in, administration, the run browser, regional isolation, axe.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { completeAnswers } from '../../bench/kit/answers';
import { PASSWORD } from '../helpers/accounts';
import { newPage, seriousViolations, seriousViolationsWithoutScript } from '../helpers/browser';
import { browserApp } from '../helpers/browser-app';
import { clientFor, signIn } from '../../bench/kit/trpc';

const app = browserApp({ dirs: ['settings', 'reports'] });

// Responses sent through the running app (after browserApp's set-up: vitest runs beforeAll hooks in order).
beforeAll(async () => {
	const survey = clientFor(app.server.url);
	for (let i = 0; i < 12; i++) {
		const comments =
			i === 0
				? '<img src=x onerror="document.title=\'pwned\'"> =HYPERLINK("http://example.org")'
				: i === 1
					? ' \u0000\u200B=HYPERLINK("http://example.org/2")\u0007'
					: undefined;
		await survey.survey.submit.mutate({ submissionId: randomUUID(), answers: completeAnswers(i, comments ? { comments } : {}) });
	}
});

async function signInAs(email: string, next = '/runs'): Promise<Page> {
	const page = await newPage(app.browser);
	await page.goto(`${app.server.url}/login?next=${encodeURIComponent(next)}`, { waitUntil: 'networkidle' });
	expect(await seriousViolations(page)).toEqual([]);
	await page.getByLabel('Email address').fill(email);
	await page.getByLabel('Password').fill(PASSWORD);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.waitForURL(`**${next}`);
	return page;
}

describe('signed in, in Chromium', () => {
	it('shows an error summary for a wrong password', async () => {
		const page = await newPage(app.browser);
		await page.goto(`${app.server.url}/login`, { waitUntil: 'networkidle' });
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
		// Closing asks first; "No, go back" changes nothing.
		await page.getByRole('link', { name: /^Close wave/ }).click();
		await page.getByRole('heading', { name: /^Are you sure you want to close wave \d{4}\/\d{2}\?$/ }).waitFor();
		expect(await seriousViolations(page)).toEqual([]);
		await page.getByRole('link', { name: 'No, go back' }).click();
		await expect.poll(() => status.textContent()).toBe('open');
		await page.getByRole('link', { name: /^Close wave/ }).click();
		await page.getByRole('button', { name: /^Yes, close wave \d{4}\/\d{2}$/ }).click();
		await expect.poll(() => status.textContent()).toBe('closed');
		expect(await page.getByTestId('done').textContent()).toMatch(/Wave \d{4}\/\d{2} is closed\./);
		const visitor = await newPage(app.browser);
		await visitor.goto(app.server.url);
		expect(await visitor.getByText('The survey is closed at the moment').isVisible()).toBe(true);
		await page.getByRole('link', { name: /^Open wave/ }).click();
		await page.getByRole('button', { name: /^Yes, open wave/ }).click();
		await expect.poll(() => status.textContent()).toBe('open');
		await visitor.reload();
		expect(await visitor.getByRole('link', { name: 'Start now' }).isVisible()).toBe(true);
		await visitor.context().close();

		// Every admin page passes axe; free text is shown as text, never run.
		for (const path of ['/admin/measures', '/admin/workforce', '/admin/comments', '/admin/audit']) {
			await page.goto(`${app.server.url}${path}`);
			await page.locator('h1').waitFor();
			expect(await seriousViolations(page), path).toEqual([]);
		}
		await page.goto(`${app.server.url}/admin/comments`);
		await expect.poll(() => page.getByTestId('comments').textContent()).toContain('<img src=x onerror=');
		expect(await page.title()).not.toBe('pwned');
		expect(await page.locator('[data-testid="comments"] img').count()).toBe(0);
		// The free-text export: a formula behind a space, NUL or invisible character is neutralised, controls removed.
		const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /^Download as CSV/ }).click()]);
		const csv = readFileSync((await download.path())!, 'utf8');
		expect(csv).toContain(`"' \u200B=HYPERLINK(""http://example.org/2"")"`);
		// eslint-disable-next-line no-control-regex -- no control character may reach the file
		expect(csv).not.toMatch(/[\u0000-\u0008]/);
		await page.goto(`${app.server.url}/admin/audit`);
		await expect.poll(() => page.getByTestId('audit-log').textContent()).toMatch(/Closed wave \d{4}\/\d{2} to responses/);
		await page.context().close();
	});

	it('reports every bad row of a workforce upload and keeps the old figures', async () => {
		const page = await signInAs('admin@example.org', '/admin/workforce');
		await page.getByLabel('CSV file').setInputFiles({
			name: 'workforce.csv',
			mimeType: 'text/csv',
			buffer: Buffer.from('region_code,staff_group,workforce\nE40000003,pharmacist,many\nNarnia,pharmacist,10\n')
		});
		await page.getByRole('button', { name: 'Upload' }).click();
		const problem = page.getByTestId('upload-problem');
		await problem.waitFor();
		expect(await problem.textContent()).toMatch(
			/Line 2: The workforce "many" must be a whole number.*Line 3: "Narnia" is not an NHS England region code/
		);
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
		const files = await page
			.getByTestId('files')
			.locator('a[data-path]')
			.evaluateAll((links) => links.map((a) => a.getAttribute('data-path')!));
		expect(files).toContain('tables/needs_by_competency_region.csv');
		// Each report named by its area, ONS code beside the name; PDFs were not asked for in this server.
		expect(await page.getByTestId('reports').locator('tbody td:first-child').allTextContents()).toEqual([
			'England (E92000001)',
			'East of England (E40000007)',
			'London (E40000003)',
			'Midlands (E40000011)',
			'North East and Yorkshire (E40000012)',
			'North West (E40000010)',
			'South East (E40000005)',
			'South West (E40000006)'
		]);
		expect(await page.getByTestId('pdf-problem').textContent()).toMatch(/PDFs were not asked for in this run/);
		const csv = await page.request.get(`${page.url()}/tables/needs_by_competency_region.csv`);
		expect(csv.headers()['content-disposition']).toBe('attachment; filename="needs_by_competency_region.csv"');
		expect((await csv.text()).split('\r\n')[0]).toBe(
			'wave,region_code,region_name,competency,competency_name,respondents,mean_importance,mean_confidence,mean_discrepancy,mwds,mwds_low,mwds_high,rank,rank_best,rank_worst,suppressed'
		);
		await page.goBack();
		await page.getByTestId('runs').waitFor(); // the list again, not the run page it came from
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
		const files = await page
			.getByTestId('files')
			.locator('a[data-path]')
			.evaluateAll((links) => links.map((a) => a.getAttribute('data-path')!));
		expect(files.length).toBeGreaterThan(0);
		expect(
			files.every((f) => f.startsWith('regions/E40000003/') || f.startsWith('charts/E40000003-')),
			files.join(', ')
		).toBe(true);
		await page.goBack();
		await page.getByTestId('runs').waitFor(); // the list again, not the run page it came from
		await page.getByRole('link', { name: /^Open report/ }).click();
		await page.waitForURL('**/regions/E40000003/index.html');
		expect(await page.locator('h1').textContent()).toMatch(/London/);
		const national = await page.goto(page.url().replace('/regions/E40000003/index.html', '/national/index.html'));
		expect(national?.status()).toBe(403);
		const admin = await page.goto(`${app.server.url}/admin`);
		expect(admin?.status()).toBe(403);
		await page.context().close();
	});

	it('asks before closing or opening a wave without JavaScript, and plans a wave through the form', async () => {
		const context = await app.browser.newContext({ javaScriptEnabled: false });
		const page = await context.newPage();
		await page.goto(`${app.server.url}/login?next=%2Fadmin`, { waitUntil: 'networkidle' });
		await page.getByLabel('Email address').fill('admin@example.org');
		await page.getByLabel('Password').fill(PASSWORD);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.waitForURL(`${app.server.url}/admin`);
		const status = page.locator('[data-testid^="status-"]').first();
		expect(await status.textContent()).toBe('open');
		await page.getByRole('link', { name: /^Close wave/ }).click();
		await page.getByRole('button', { name: /^Yes, close wave \d{4}\/\d{2}$/ }).click();
		await page.waitForURL(/\/admin\?closed=/);
		expect(await status.textContent()).toBe('closed');
		await page
			.getByRole('link', { name: /^Open wave/ })
			.first()
			.click();
		await page.getByRole('button', { name: /^Yes, open wave/ }).click();
		await page.waitForURL(/\/admin\?opened=/);
		expect(await status.textContent()).toBe('open');

		// A bad wave id is refused in words and nothing is planned.
		await page.getByLabel('Wave id').fill('2027/28');
		await page.getByLabel('Label').fill('2027/28');
		await page.getByRole('button', { name: 'Plan wave' }).click();
		expect(await page.locator('.nhsuk-error-summary').textContent()).toMatch(/A wave id is a financial year such as 2027-28/);
		expect(await page.getByTestId('waves').locator('tbody tr').count()).toBe(1);
		await context.close();
	});

	it('shows the audit log in words, fitting 1280 px, and free-text answers 25 a page by wave, logging downloads but not reading', async () => {
		const admin = (await signIn(app.server.url, 'admin@example.org', PASSWORD)).client;
		const survey = clientFor(app.server.url);
		for (let i = 0; i < 30; i++)
			await survey.survey.submit.mutate({
				submissionId: randomUUID(),
				answers: completeAnswers(i, { comments: `First wave comment ${i}` })
			});
		const first = (await admin.admin.waves.list.query()).find((w) => w.status === 'open')!;
		await admin.admin.waves.create.mutate({ id: '2031-32', label: '2031/32' });
		await admin.admin.waves.open.mutate({ id: '2031-32' });
		for (let i = 0; i < 3; i++)
			await survey.survey.submit.mutate({
				submissionId: randomUUID(),
				answers: completeAnswers(i, { comments: `Later wave comment ${i}` })
			});
		await admin.admin.waves.open.mutate({ id: first.id });
		const exports = async () => (await admin.admin.auditLog.query({ limit: 1000 })).filter((e) => e.action === 'comments_exported').length;
		const exportsBefore = await exports();

		const page = await signInAs('admin@example.org', '/admin/comments');
		await page.setViewportSize({ width: 1280, height: 800 });
		const total = 30 + 3 + 2; // two of the first responses carry comments too
		expect(await page.getByTestId('comments-count').textContent()).toBe(`Showing 1 to 25 of ${total} answers.`);
		expect(await page.getByTestId('comments').locator('tbody tr').count()).toBe(25);
		await page.getByRole('link', { name: /^Next page/ }).click();
		await expect.poll(() => page.getByTestId('comments-count').textContent()).toBe(`Showing 26 to ${total} of ${total} answers.`);
		expect(await seriousViolations(page)).toEqual([]);
		await page.getByLabel('Wave').selectOption('2031-32');
		await page.getByRole('button', { name: 'Show answers' }).click();
		await expect.poll(() => page.getByTestId('comments-count').textContent()).toBe('Showing 1 to 3 of 3 answers in wave 2031/32.');
		expect(await page.getByTestId('comments').locator('tbody td:nth-child(2)').first().textContent()).toBe('2031/32');
		expect(await exports()).toBe(exportsBefore);

		const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /^Download as CSV/ }).click()]);
		expect(
			readFileSync((await download.path())!, 'utf8')
				.split('\r\n')
				.filter(Boolean)
		).toEqual(['wave,comments', '2031-32,Later wave comment 0', '2031-32,Later wave comment 1', '2031-32,Later wave comment 2']);
		expect(await exports()).toBe(exportsBefore + 1);

		await page.goto(`${app.server.url}/admin/audit`);
		const log = (await page.getByTestId('audit-log').textContent())!;
		expect(log).toMatch(/Downloaded 3 free-text answers from wave 2031\/32/);
		expect(log).toMatch(/Planned wave 2031\/32/);
		expect(log).toMatch(/Signed in/);
		expect(log).not.toMatch(/[{}"]|wave_|login_|comments_/);
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
		expect(await seriousViolations(page)).toEqual([]);
		await page.context().close();
	});

	it('shows the runs and a run page without JavaScript, and starts a run with a form post', async () => {
		const context = await app.browser.newContext({ javaScriptEnabled: false });
		const page = await context.newPage();
		await page.goto(`${app.server.url}/login?next=%2Fruns`, { waitUntil: 'networkidle' });
		await page.getByLabel('Email address').fill('admin@example.org');
		await page.getByLabel('Password').fill(PASSWORD);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.waitForURL(`${app.server.url}/runs`);
		expect(await page.getByText('Loading').count()).toBe(0);
		const before = await page.getByTestId('runs').locator('tbody tr').count();
		await page.getByRole('button', { name: 'Start a run' }).click();
		await page.waitForURL(`${app.server.url}/runs`);
		// Without JavaScript the page says how far the run is; reloading follows it to the end.
		await expect
			.poll(async () => (await page.reload(), await page.getByTestId('runs').locator('tbody tr').first().textContent()), {
				timeout: 60_000
			})
			.toMatch(/succeeded/);
		expect(await page.getByTestId('runs').locator('tbody tr').count()).toBe(before + 1);
		expect(await page.getByTestId('runs').locator('tbody tr').first().textContent()).toMatch(/\d{4}\/\d{2}/);
		await page
			.getByRole('link', { name: /^Files/ })
			.first()
			.click();
		await page.getByTestId('reports').waitFor();
		expect(await page.getByRole('link', { name: 'Open report for London (E40000003)' }).count()).toBe(1);
		expect(await seriousViolationsWithoutScript(page)).toEqual([]);
		await context.close();
	});
});
