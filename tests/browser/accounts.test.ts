// The admin's accounts page in Chromium, without JavaScript (plain form posts) and with it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { PASSWORD } from '../helpers/accounts';
import { seriousViolations, seriousViolationsWithoutScript } from '../helpers/browser';
import { browserApp } from '../helpers/browser-app';

const app = browserApp({ dirs: ['settings'], env: { RATE_LOGIN_PER_MINUTE: '10000' } });

/** Tries to sign in in a page of its own; returns the page (signed in or showing why not). */
async function trySignIn(email: string, password: string, javaScriptEnabled = false): Promise<Page> {
	const context = await app.browser.newContext({ javaScriptEnabled });
	const page = await context.newPage();
	// With JavaScript, once the page has hydrated: a click in the middle of hydration can be lost.
	await page.goto(`${app.server.url}/login?next=%2Freports`, { waitUntil: javaScriptEnabled ? 'networkidle' : 'load' });
	await page.getByLabel('Email address').fill(email);
	await page.getByLabel('Password').fill(password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.waitForLoadState();
	return page;
}

async function signedIn(email: string, password: string, javaScriptEnabled = false) {
	const page = await trySignIn(email, password, javaScriptEnabled);
	await page.waitForURL(`${app.server.url}/reports`);
	return page;
}

const problem = (page: Page) => page.locator('.nhsuk-error-summary').textContent();
const row = (page: Page, email: string) => page.getByTestId(`account-${email}`);

async function openAccount(page: Page, email: string) {
	await page.goto(`${app.server.url}/admin/accounts`);
	await page.getByRole('link', { name: email, exact: true }).click();
	await page.getByRole('heading', { level: 1, name: email }).waitFor();
}

describe('accounts without JavaScript', () => {
	let admin: Page;
	let context: BrowserContext;
	beforeAll(async () => {
		admin = await signedIn('admin@example.org', PASSWORD);
		context = admin.context();
	});
	afterAll(() => context.close());

	it('lists accounts with role, region and last sign-in, linked from administration', async () => {
		await admin.goto(`${app.server.url}/admin`);
		await admin.getByRole('link', { name: 'Accounts' }).click();
		await admin.waitForURL(`${app.server.url}/admin/accounts`);
		expect(await row(admin, 'london@example.org').textContent()).toMatch(/Regional planner for London.*Never.*Enabled/);
		expect(await row(admin, 'admin@example.org').textContent()).toMatch(/Administrator\d{1,2} \w{3} \d{4}, \d{2}:\d{2}Enabled/);
		expect(await seriousViolationsWithoutScript(admin)).toEqual([]);
	});

	it('adds an account after a confirmation, and its password is shown once and signs in', async () => {
		await admin.goto(`${app.server.url}/admin/accounts`);
		await admin.getByRole('link', { name: 'Add an account' }).click();
		await admin.getByLabel('Email address').fill('new.planner@example.org');
		await admin.getByLabel('Regional planner').check();
		await admin.getByRole('button', { name: 'Continue' }).click();
		expect(await problem(admin)).toMatch(/A regional planner needs a region/);
		await admin.getByLabel('Region', { exact: true }).selectOption({ label: 'South West' });
		await admin.getByRole('button', { name: 'Continue' }).click();
		await admin
			.getByRole('heading', { name: 'Are you sure you want to add new.planner@example.org as a regional planner for South West?' })
			.waitFor();
		expect(await seriousViolationsWithoutScript(admin)).toEqual([]);
		await admin.getByRole('button', { name: 'Yes, add the account' }).click();
		const password = (await admin.getByTestId('new-password').locator('code').textContent())!;
		expect(password).toMatch(/^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);
		expect(await seriousViolationsWithoutScript(admin)).toEqual([]);
		await (await signedIn('new.planner@example.org', password)).context().close();
		await admin.goto(`${app.server.url}/admin/accounts`);
		expect(await row(admin, 'new.planner@example.org').textContent()).toMatch(/Regional planner for South West/);
		expect(await admin.content()).not.toContain(password);
	});

	it('resets a password after a confirmation: shown once, it signs in and the old one does not', async () => {
		await openAccount(admin, 'national@example.org');
		await admin.getByRole('link', { name: 'Reset the password' }).click();
		await admin.getByRole('heading', { name: 'Are you sure you want to reset the password for national@example.org?' }).waitFor();
		await admin.getByRole('button', { name: 'Yes, reset the password' }).click();
		const password = (await admin.getByTestId('new-password').locator('code').textContent())!;
		// Going back to the page asks again; it never shows the password a second time.
		await admin.goto(admin.url());
		expect(await admin.getByTestId('new-password').count()).toBe(0);
		expect(await admin.content()).not.toContain(password);
		expect(await problem(await trySignIn('national@example.org', PASSWORD))).toMatch(/email address or password is not right/);
		await (await signedIn('national@example.org', password)).context().close();
	});

	it('disables an account after a confirmation: it cannot sign in and its session ends; enabled, it can', async () => {
		const london = await signedIn('london@example.org', PASSWORD);
		await openAccount(admin, 'london@example.org');
		await admin.getByRole('link', { name: 'Disable this account' }).click();
		await admin.getByRole('link', { name: 'No, go back' }).click();
		await admin.getByRole('link', { name: 'Disable this account' }).click();
		await admin.getByRole('button', { name: 'Yes, disable the account' }).click();
		await admin.waitForURL(/\/admin\/accounts\?done=disabled/);
		expect(await admin.getByTestId('done').textContent()).toBe(
			'london@example.org is disabled: it cannot sign in, and its sessions have ended.'
		);
		expect(await row(admin, 'london@example.org').textContent()).toMatch(/Disabled/);
		await london.reload();
		expect(london.url()).toMatch(/\/login\?next=/);
		expect(await problem(await trySignIn('london@example.org', PASSWORD))).toMatch(/This account is disabled/);

		await openAccount(admin, 'london@example.org');
		await admin.getByRole('link', { name: 'Enable this account' }).click();
		await admin.getByRole('button', { name: 'Yes, enable the account' }).click();
		await admin.waitForURL(/\/admin\/accounts\?done=enabled/);
		await (await signedIn('london@example.org', PASSWORD)).context().close();
		await london.context().close();
	});

	it('lifts a sign-in wait after a confirmation', async () => {
		for (let i = 0; i < 5; i++) await (await trySignIn('midlands@example.org', 'not the password')).context().close();
		const waiting = await trySignIn('midlands@example.org', PASSWORD);
		expect(await problem(waiting)).toMatch(/ask an administrator to reset/);
		await admin.goto(`${app.server.url}/admin/accounts`);
		expect(await row(admin, 'midlands@example.org').textContent()).toMatch(/sign-in paused for up to 15 minutes/);
		await openAccount(admin, 'midlands@example.org');
		await admin.getByRole('link', { name: 'Lift the sign-in wait' }).click();
		await admin.getByRole('button', { name: 'Yes, lift the wait' }).click();
		await admin.waitForURL(/\/admin\/accounts\?done=wait-lifted/);
		expect(await admin.getByTestId('done').textContent()).toBe('midlands@example.org can try to sign in again at once.');
		await (await signedIn('midlands@example.org', PASSWORD)).context().close();
		await waiting.context().close();
	});

	it('changes a role after a confirmation, and never disables or demotes the last admin', async () => {
		await openAccount(admin, 'midlands@example.org');
		await admin.getByRole('link', { name: 'Change role or region' }).click();
		await admin.getByLabel('Region', { exact: true }).selectOption({ label: 'North West' });
		await admin.getByRole('button', { name: 'Continue' }).click();
		await admin
			.getByRole('heading', { name: 'Are you sure you want to make midlands@example.org a regional planner for North West?' })
			.waitFor();
		await admin.getByRole('button', { name: 'Yes, change the role' }).click();
		await admin.waitForURL(/\/admin\/accounts\?done=role/);
		expect(await row(admin, 'midlands@example.org').textContent()).toMatch(/Regional planner for North West/);

		await openAccount(admin, 'admin@example.org');
		await admin.getByRole('link', { name: 'Change role or region' }).click();
		await admin.getByLabel('National planner').check();
		await admin.getByRole('button', { name: 'Continue' }).click();
		await admin.getByRole('button', { name: 'Yes, change the role' }).click();
		expect(await problem(admin)).toMatch(/admin@example.org is the only enabled admin account, so it cannot be given another role/);
		await openAccount(admin, 'admin@example.org');
		await admin.getByRole('link', { name: 'Disable this account' }).click();
		await admin.getByRole('button', { name: 'Yes, disable the account' }).click();
		expect(await problem(admin)).toMatch(/admin@example.org is the only enabled admin account, so it cannot be disabled/);
		await admin.goto(`${app.server.url}/admin/accounts`);
		expect(await row(admin, 'admin@example.org').textContent()).toMatch(/Administrator.*Enabled/);
	});

	it('records every change in the audit log, in words', async () => {
		await admin.goto(`${app.server.url}/admin/audit`);
		const log = (await admin.getByTestId('audit-log').textContent())!;
		for (const entry of [
			'Created the regional account new.planner@example.org for region E40000006',
			'Set a new password for national@example.org',
			'Disabled the account london@example.org and ended its sessions',
			'Enabled the account london@example.org again',
			'Lifted the sign-in wait for midlands@example.org',
			'Changed midlands@example.org from regional for Midlands (E40000011) to regional for North West (E40000010)'
		])
			expect(log).toContain(entry);
	});
});

describe('accounts with JavaScript', () => {
	it('disables and enables an account through the enhanced forms, passing axe', async () => {
		const admin = await signedIn('admin@example.org', PASSWORD, true);
		await admin.goto(`${app.server.url}/admin/accounts`);
		expect(await seriousViolations(admin)).toEqual([]);
		await admin.getByRole('link', { name: 'national@example.org', exact: true }).click();
		await admin.getByRole('link', { name: 'Disable this account' }).click();
		expect(await seriousViolations(admin)).toEqual([]);
		await admin.getByRole('button', { name: 'Yes, disable the account' }).click();
		await expect.poll(() => admin.getByTestId('done').textContent()).toMatch(/national@example.org is disabled/);
		await admin.getByRole('link', { name: 'national@example.org', exact: true }).click();
		await admin.getByRole('link', { name: 'Enable this account' }).click();
		await admin.getByRole('button', { name: 'Yes, enable the account' }).click();
		await expect.poll(() => row(admin, 'national@example.org').textContent()).toMatch(/Enabled/);
		await admin.getByRole('link', { name: 'Add an account' }).click();
		await admin.getByRole('button', { name: 'Continue' }).click();
		await expect.poll(() => problem(admin)).toMatch(/Enter an email address/);
		expect(await seriousViolations(admin)).toEqual([]);
		await admin.context().close();
	});
});
