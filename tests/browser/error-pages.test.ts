// Forbidden and not-found pages in Chromium: the site's header and footer, words that say what
// happened, and a way back; for pages (+error.svelte) and for files and downloads (src/error.html).
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { PASSWORD } from '../helpers/accounts';
import { seriousViolations } from '../helpers/browser';
import { browserApp } from '../helpers/browser-app';

const app = browserApp();

async function signedInAs(email: string): Promise<Page> {
	const page = await (await app.browser.newContext()).newPage();
	// Once the page's scripts have loaded and hydrated: a click in the middle of hydration can be lost.
	await page.goto(`${app.server.url}/login`, { waitUntil: 'networkidle' });
	await page.getByLabel('Email address').fill(email);
	await page.getByLabel('Password').fill(PASSWORD);
	await page.getByRole('button', { name: 'Sign in' }).click();
	// Signed in once the dashboard's address is reached (it may gain the filters' query on loading).
	await page.waitForURL(/\/reports(\?.*)?$/, { waitUntil: 'commit' });
	return page;
}

/** The site's own header and footer around the error, not a bare line of text. */
async function expectSiteLayout(page: Page) {
	expect(await page.getByRole('link', { name: 'Pharmacy genomics workforce needs' }).count()).toBe(1);
	expect(await page.getByRole('link', { name: 'Privacy notice' }).count()).toBe(1);
	expect(await page.locator('main h1').count()).toBe(1);
	expect(await seriousViolations(page)).toEqual([]);
}

describe('error pages', () => {
	it('not found: says the page is not found, how to check the address, and leads back to the survey', async () => {
		const page = await (await app.browser.newContext()).newPage();
		const answer = await page.goto(`${app.server.url}/no-such-page`);
		expect(answer?.status()).toBe(404);
		await expectSiteLayout(page);
		expect(await page.locator('h1').textContent()).toBe('Page not found');
		expect(await page.title()).toMatch(/^Page not found – /);
		expect(await page.locator('main').textContent()).toMatch(/check it is correct/);
		await page.getByRole('link', { name: 'Go to the start of the survey' }).click();
		await page.waitForURL(`${app.server.url}/`);
		await page.context().close();
	});

	it('not found inside a signed-in area: names what is missing and leads back to the dashboard', async () => {
		const page = await signedInAs('national@example.org');
		expect((await page.goto(`${app.server.url}/runs/20250101T000000Z-abcd`))?.status()).toBe(404);
		await expectSiteLayout(page);
		expect(await page.getByTestId('error-detail').textContent()).toBe('No such run, or it did not finish.');
		expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(1);
		await page.getByRole('link', { name: 'Go to the dashboard' }).click();
		await page.waitForURL(/\/reports(\?.*)?$/, { waitUntil: 'commit' });
		await page.context().close();
	});

	it('forbidden: says the account cannot open it, whom to ask, and leads back to the dashboard', async () => {
		const page = await signedInAs('london@example.org');
		expect((await page.goto(`${app.server.url}/admin`))?.status()).toBe(403);
		await expectSiteLayout(page);
		expect(await page.locator('h1').textContent()).toBe('You cannot open this page');
		expect(await page.getByTestId('error-detail').textContent()).toBe('Administration is for survey administrators only.');
		expect(await page.locator('main').textContent()).toMatch(/ask a survey administrator/);
		await page.getByRole('link', { name: 'Go to the dashboard' }).click();
		await page.waitForURL(/\/reports(\?.*)?$/, { waitUntil: 'commit' });
		await page.context().close();
	});

	it('a file that is not there: the same look, the reason and a way back', async () => {
		const page = await (await app.browser.newContext()).newPage();
		expect((await page.goto(`${app.server.url}/survey/complete/learning-list.txt`))?.status()).toBe(404);
		await expectSiteLayout(page);
		expect(await page.getByTestId('error-detail').textContent()).toMatch(/^There is no learning list in this browser/);
		expect(await page.getByTestId('ways-back').getByRole('link').count()).toBeGreaterThan(0);
		await page.context().close();
	});
});
