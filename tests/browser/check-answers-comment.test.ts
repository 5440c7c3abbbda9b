// The survey's check-answers page in Chromium keeps a comment's line breaks as the respondent typed
// them (as text, never as HTML).
import { expect, it } from 'vitest';
import { completeAnswers } from '../../bench/kit/answers';
import { browserApp } from '../helpers/browser-app';
import { clientFor } from '../../bench/kit/trpc';

const app = browserApp({ accounts: false });

const COMMENT = 'First point.\nSecond point, <b>not bold</b>.\n\nAfter a blank line.';

it('keeps line breaks in a comment on the check-answers page', async () => {
	const saved = await clientFor(app.server.url).survey.saveDraft.mutate({ answers: completeAnswers(1, { comments: COMMENT }) });
	const page = await (await app.browser.newContext({ javaScriptEnabled: false })).newPage();
	await page.goto(`${app.server.url}/survey/resume`);
	await page.getByLabel('Continue with a resume code').fill(saved.resumeCode!);
	await page.getByRole('button', { name: 'Continue' }).click();
	await page.waitForURL('**/survey/**');
	await page.goto(`${app.server.url}/survey/check`);
	const row = page.locator('.nhsuk-summary-list__row', { hasText: 'Is there anything else you would like to tell us' });
	// innerText is what a person sees: line breaks only survive where the page keeps them.
	expect(await row.locator('.nhsuk-summary-list__value').innerText()).toBe(COMMENT);
	expect(await row.locator('b').count()).toBe(0);
	await page.context().close();
});
