// Sign-in in Chromium with JavaScript off and on: a form post (never the password in an address), the
// page asked for afterwards (a same-site path only), and an NHS-style error summary for a wrong password.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { PASSWORD } from '../helpers/accounts';
import { seriousViolations, seriousViolationsWithoutScript } from '../helpers/browser';
import { browserApp } from '../helpers/browser-app';
import { signIn } from '../../bench/kit/trpc';

const app = browserApp();

/** Every address the page asked for, so a test can show that no request carried the password. */
function addressesOf(page: Page): string[] {
	const seen: string[] = [];
	page.on('request', (r) => seen.push(r.url()));
	return seen;
}

describe.each([
	{ mode: 'without JavaScript', javaScriptEnabled: false },
	{ mode: 'with JavaScript', javaScriptEnabled: true }
])('signing in $mode', ({ javaScriptEnabled }) => {
	const open = async (path: string) => {
		const context = await app.browser.newContext({ javaScriptEnabled });
		const page = await context.newPage();
		const addresses = addressesOf(page);
		// With JavaScript, once the page has hydrated: a click in the middle of hydration can be lost.
		await page.goto(`${app.server.url}${path}`, { waitUntil: javaScriptEnabled ? 'networkidle' : 'load' });
		return { page, addresses };
	};
	const axe = (page: Page) => (javaScriptEnabled ? seriousViolations(page) : seriousViolationsWithoutScript(page));

	it('signs in with a form post and lands on the page asked for, the password in no address', async () => {
		const { page, addresses } = await open('/runs');
		await page.waitForURL('**/login?next=%2Fruns');
		await page.getByLabel('Email address').fill('national@example.org');
		await page.getByLabel('Password').fill(PASSWORD);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.waitForURL(`${app.server.url}/runs`);
		await page.getByRole('heading', { name: 'Published reports' }).waitFor();
		expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(1);
		expect(
			addresses.filter(
				(a) => a.includes('password') || a.includes(encodeURIComponent(PASSWORD)) || a.includes(PASSWORD.replaceAll(' ', '+'))
			)
		).toEqual([]);
		await page.context().close();
	});

	it('follows only a same-site path after signing in', async () => {
		for (const next of ['//evil.example.org/x', 'https://evil.example.org/', '/\\evil.example.org']) {
			const { page } = await open(`/login?next=${encodeURIComponent(next)}`);
			await page.getByLabel('Email address').fill('national@example.org');
			await page.getByLabel('Password').fill(PASSWORD);
			await page.getByRole('button', { name: 'Sign in' }).click();
			await page.waitForURL(`${app.server.url}/reports**`);
			expect(new URL(page.url()).origin).toBe(app.server.url);
			await page.context().close();
		}
	});

	it('shows an error summary for a wrong password and for empty fields, and records the failure', async () => {
		const { page, addresses } = await open('/login?next=%2Fadmin');
		await page.getByRole('button', { name: 'Sign in' }).click();
		const summary = page.locator('.nhsuk-error-summary');
		await summary.waitFor();
		expect(await summary.locator('a').allTextContents()).toEqual(['Enter your email address', 'Enter your password']);
		expect(await summary.getByRole('link', { name: 'Enter your password' }).getAttribute('href')).toBe('#password');
		expect(await page.title()).toMatch(/^Error: /);

		const email = javaScriptEnabled ? 'admin@example.org' : 'national@example.org';
		await page.getByLabel('Email address').fill(email);
		await page.getByLabel('Password').fill('not the password');
		await page.getByRole('button', { name: 'Sign in' }).click();
		await expect.poll(() => summary.textContent()).toMatch(/The email address or password is not right/);
		expect(await page.getByLabel('Email address').inputValue()).toBe(email);
		expect(await page.getByLabel('Password').inputValue()).toBe('');
		expect(await axe(page)).toEqual([]);
		expect(addresses.some((a) => a.includes('not+the+password') || a.includes('not%20the%20password'))).toBe(false);
		// The same audit as the API's sign-in.
		const admin = (await signIn(app.server.url, 'admin@example.org', PASSWORD)).client;
		expect((await admin.admin.auditLog.query({ limit: 100 })).some((e) => e.action === 'login_failed' && e.actor === email)).toBe(true);
		await page.context().close();
	});
});
