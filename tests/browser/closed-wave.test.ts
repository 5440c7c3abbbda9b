// A closed wave in Chromium, with JavaScript off and on: the survey's first page (and every step, and
// the check page) says the survey is closed and offers nothing to fill in, before anyone starts.
import { beforeAll, describe, expect, it } from 'vitest';
import { instrument } from '../../src/lib/instrument/survey';
import { PASSWORD } from '../helpers/accounts';
import { seriousViolations } from '../helpers/browser';
import { browserApp } from '../helpers/browser-app';
import { signIn } from '../../bench/kit/trpc';

const app = browserApp();

beforeAll(async () => {
	// The administrator closes the open wave, as from the admin page.
	const admin = (await signIn(app.server.url, 'admin@example.org', PASSWORD)).client;
	const open = (await admin.admin.waves.list.query()).find((w) => w.status === 'open')!;
	await admin.admin.waves.close.mutate({ id: open.id });
});

describe.each([
	{ mode: 'without JavaScript', javaScriptEnabled: false },
	{ mode: 'with JavaScript', javaScriptEnabled: true }
])('a closed wave $mode', ({ javaScriptEnabled }) => {
	it('says so on the first page of the survey and offers nothing to fill in', async () => {
		const page = await (await app.browser.newContext({ javaScriptEnabled })).newPage();
		for (const path of [`/survey/${instrument.sections[0].id}`, `/survey/${instrument.sections[2].id}`, '/survey/check']) {
			await page.goto(`${app.server.url}${path}`);
			expect(await page.locator('h1').textContent(), path).toBe('The survey is closed');
			expect(await page.title(), path).toMatch(/^The survey is closed – /);
			expect(await page.getByTestId('survey-closed').textContent(), path).toMatch(/come back when the next survey period opens/);
			expect(await page.locator('main input, main textarea, main select, main button').count(), path).toBe(0);
			expect(await page.getByRole('link', { name: 'Go to the start page' }).count(), path).toBe(1);
		}
		if (javaScriptEnabled) expect(await seriousViolations(page)).toEqual([]);
		await page.context().close();
	});
});
