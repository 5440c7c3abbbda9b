// The survey's check-answers page in Chromium keeps a comment's line breaks as the respondent typed
// them (as text, never as HTML).
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { completeAnswers } from '../helpers/answers';
import { launchChromium } from '../helpers/browser';
import { startServer, tempDir, type RunningServer } from '../helpers/server';
import { clientFor } from '../helpers/trpc';

const dir = tempDir();
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
	server = await startServer({ databasePath: join(dir.path, 'survey.duckdb') });
	browser = await launchChromium();
});
afterAll(async () => {
	await browser?.close();
	await server?.stop();
	dir.remove();
});

const COMMENT = 'First point.\nSecond point, <b>not bold</b>.\n\nAfter a blank line.';

it('keeps line breaks in a comment on the check-answers page', async () => {
	const saved = await clientFor(server.url).survey.saveDraft.mutate({ answers: completeAnswers(1, { comments: COMMENT }) });
	const page = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
	await page.goto(`${server.url}/survey/resume`);
	await page.getByLabel('Continue with a resume code').fill(saved.resumeCode!);
	await page.getByRole('button', { name: 'Continue' }).click();
	await page.waitForURL('**/survey/**');
	await page.goto(`${server.url}/survey/check`);
	const row = page.locator('.nhsuk-summary-list__row', { hasText: 'Is there anything else you would like to tell us' });
	// innerText is what a person sees: line breaks only survive where the page keeps them.
	expect(await row.locator('.nhsuk-summary-list__value').innerText()).toBe(COMMENT);
	expect(await row.locator('b').count()).toBe(0);
	await page.context().close();
});
