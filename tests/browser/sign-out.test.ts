// Sign out in Chromium with JavaScript off and on: a plain form post ends the session on the server
// (the old cookie opens nothing afterwards) and lands on the sign-in page.
import { describe, expect, it } from 'vitest';
import { PASSWORD } from '../helpers/accounts';
import { browserApp } from '../helpers/browser-app';
import { http } from '../helpers/http';

const app = browserApp();

describe.each([
	{ mode: 'without JavaScript', javaScriptEnabled: false },
	{ mode: 'with JavaScript', javaScriptEnabled: true }
])('signing out $mode', ({ javaScriptEnabled }) => {
	it('ends the session with a form post and shows the sign-in page', async () => {
		const context = await app.browser.newContext({ javaScriptEnabled });
		const page = await context.newPage();
		// From the dashboard: every signed-in page carries the form, not only the pages with forms of their own.
		await page.goto(`${app.server.url}/login?next=%2Freports`, { waitUntil: 'networkidle' });
		await page.getByLabel('Email address').fill('national@example.org');
		await page.getByLabel('Password').fill(PASSWORD);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.getByRole('heading', { name: 'Workforce needs dashboard' }).waitFor();
		const session = (await context.cookies()).find((c) => c.name === 'pgwn_session')!;
		expect(session).toBeDefined();

		const signOut = page.getByRole('button', { name: 'Sign out' });
		expect(await signOut.evaluate((b) => (b as HTMLButtonElement).form?.method)).toBe('post');
		const posted = page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/logout');
		await signOut.click();
		await posted;
		await page.waitForURL(`${app.server.url}/login`);
		await page.getByRole('heading', { name: 'Sign in' }).waitFor();
		expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);

		// The server forgot the session: its old cookie no longer opens a signed-in page.
		const replay = await http(`${app.server.url}/runs`, { headers: { cookie: `pgwn_session=${session.value}` } });
		expect(replay.status).toBe(303);
		expect(replay.headers.location).toBe('/login?next=%2Fruns');
		await page.goto(`${app.server.url}/reports`);
		await page.waitForURL('**/login?next=%2Freports');
		await context.close();
	});
});
