// The survey in a real Chromium against the built server, with JavaScript switched off and on: the
// whole survey with the keyboard, the error summary, changing an answer from the check page, save and
// resume on another device, sending twice, and accessibility on every page, on a 320 px screen.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { instrument } from '../../src/lib/instrument/survey';
import type { Answers } from '../../src/lib/instrument/types';
import { completeAnswers } from '../../bench/kit/answers';
import { query } from '../../bench/kit/db';
import { seriousViolations, seriousViolationsWithoutScript, tabTo } from '../helpers/browser';
import { browserApp } from '../helpers/browser-app';

const TEXT = '<img src=x onerror=alert(1)> =HYPERLINK("http://example.org")';
// The caption, not SvelteKit's route announcer (which reads out the title, which also names the step).
const stepHeading = (page: Page, n: number) => page.locator('.nhsuk-caption-l', { hasText: `Step ${n} of ${instrument.sections.length}` });
const sectionOf = (page: Page) => instrument.sections.find((s) => new URL(page.url()).pathname === `/survey/${s.id}`)!;

/** Answers every question on the current step with the keyboard alone. Radios: Space picks the first
 *  option, then ArrowDown moves the choice `down` places. Checkboxes: Space ticks the first. */
async function answerStep(page: Page, down: (questionId: string) => number = () => 0) {
	for (const q of sectionOf(page).questions) {
		if ((await page.locator(`[name="${q.id}"]`).count()) === 0) continue; // hidden by skip logic
		if (q.type === 'text') {
			await tabTo(page, `textarea[name="${q.id}"]`);
			await page.keyboard.type(TEXT);
			continue;
		}
		await tabTo(page, `[name="${q.id}"]`);
		await page.keyboard.press('Space');
		for (let i = 0; i < down(q.id); i++) await page.keyboard.press('ArrowDown');
	}
}

/** Fills the current step with `answers` by clicking, in question order (so skip logic can reveal). */
async function fillStep(page: Page, answers: Answers) {
	for (const q of sectionOf(page).questions) {
		const value = answers[q.id];
		if (value === undefined) continue;
		if (q.type === 'text') await page.locator(`textarea[name="${q.id}"]`).fill(String(value));
		else for (const v of Array.isArray(value) ? value : [value]) await page.locator(`input[name="${q.id}"][value="${v}"]`).check();
	}
}

async function pressSubmit(page: Page) {
	await tabTo(page, 'button[type="submit"]');
	await page.keyboard.press('Enter');
}

const fits320 = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

describe.each([
	{ mode: 'without JavaScript', javaScriptEnabled: false },
	{ mode: 'with JavaScript', javaScriptEnabled: true }
])('the survey in Chromium $mode', ({ javaScriptEnabled }) => {
	// A server, a DuckDB file and Chromium for each mode, so one mode's response is not the other's.
	const app = browserApp({ accounts: false });
	const context = (options: BrowserContextOptions = {}) => app.browser.newContext({ javaScriptEnabled, ...options });
	const axe = (page: Page) => (javaScriptEnabled ? seriousViolations(page) : seriousViolationsWithoutScript(page));

	it('can be completed with the keyboard alone, on a 320 px screen, sent once however often "Send my answers" is pressed, with no serious accessibility problem on any page', async () => {
		const ctx = await context({ viewport: { width: 320, height: 640 } });
		const page = await ctx.newPage();
		const errors: string[] = [];
		page.on('pageerror', (e) => errors.push(e.message));
		page.on('console', (m) => m.type() === 'error' && errors.push(`${m.text()} ${m.location().url}`));
		// This sandbox has no internet: only the NHS.UK web font, fetched from its CDN, may fail. Not
		// failures either: requests the browser cancelled itself (a data load superseded by the next
		// navigation) and, with JavaScript off, the app's script preloads, which the browser refuses.
		page.on('requestfailed', (r) => {
			const failure = r.failure()?.errorText ?? '';
			if (new URL(r.url()).host === 'assets.nhs.uk' || failure === 'net::ERR_ABORTED') return;
			if (!javaScriptEnabled && new URL(r.url()).pathname.startsWith('/_app/immutable/') && r.url().endsWith('.js')) return;
			errors.push(`${r.url()} ${failure}`);
		});
		await page.goto(app.server.url, { waitUntil: 'networkidle' });
		expect(await axe(page)).toEqual([]);
		expect(await page.getByText('pgwn_draft').count()).toBe(1); // the privacy notice names the cookie
		await tabTo(page, 'a.nhsuk-button');
		await page.keyboard.press('Enter');

		for (const [index, section] of instrument.sections.entries()) {
			await page.waitForURL(`**/survey/${section.id}`);
			await stepHeading(page, index + 1).waitFor();
			expect(await page.title()).toContain(section.title);
			expect(await fits320(page), `${section.id} fits 320 px`).toBeLessThanOrEqual(320);
			expect(await axe(page), section.id).toEqual([]);
			// Importance 5 and confidence 1 everywhere, so every competency shows a gap of 4.
			await answerStep(page, (id) => (id.startsWith('imp_') ? 4 : 0));
			await pressSubmit(page);
		}

		await page.waitForURL('**/survey/check');
		await page.getByRole('heading', { name: 'Check your answers before sending them' }).waitFor();
		expect(await fits320(page), 'check page fits 320 px').toBeLessThanOrEqual(320);
		expect(await axe(page), 'check page').toEqual([]);
		// A second tab on the same page: its form will be sent after the first has gone.
		const tab = await ctx.newPage();
		await tab.goto(`${app.server.url}/survey/check`, { waitUntil: 'networkidle' });
		await pressSubmit(page);

		await page.waitForURL('**/survey/complete');
		const receipt = await page.getByTestId('receipt').textContent();
		expect(receipt).toMatch(/^PGW-/);
		expect(await page.getByTestId('learning-list').locator(':scope > li').count()).toBe(3);
		expect(await axe(page)).toEqual([]);
		// The learning list as a file, without a script.
		const [download] = await Promise.all([
			page.waitForEvent('download'),
			page.getByRole('link', { name: /Download your learning list/ }).click()
		]);
		const file = readFileSync((await download.path())!, 'utf8');
		expect(file).toContain(`receipt ${receipt}`);
		expect(file.split('\n').filter((l) => /^\d\. /.test(l))).toHaveLength(3);

		// Back from the confirmation: the survey says it is finished.
		await page.goBack();
		await page.getByRole('heading', { name: 'You have already sent your answers' }).waitFor();
		expect(await axe(page)).toEqual([]);
		// The older tab's "Send my answers": told it was sent already, with the same receipt.
		await pressSubmit(tab);
		await tab.waitForURL('**/survey/complete?again=1');
		expect(await tab.getByTestId('already-sent').textContent()).toContain('You have already sent these answers');
		expect(await tab.getByTestId('receipt').textContent()).toBe(receipt);
		expect(errors.filter((e) => !e.includes('https://assets.nhs.uk/fonts/'))).toEqual([]);
		await ctx.close();

		// One response, with the keyboard's answers, including the skip-logic ones.
		const rows = await app.whileStopped(() =>
			query(
				app.databasePath,
				`SELECT receipt, prescriber, prescribing_genomic_change, network_member, networks, imp_fh, conf_fh, comments FROM responses`
			)
		);
		expect(rows).toEqual([
			{
				receipt,
				prescriber: 'yes',
				prescribing_genomic_change: 'yes',
				network_member: 'yes',
				networks: ['gmsa_pharmacy'],
				imp_fh: 5,
				conf_fh: 1,
				comments: TEXT
			}
		]);
		// Nine pages checked with axe and every question answered by keyboard: on two shared cores under
		// load this takes longer than the default limit (a limit on waiting, not a timing assertion).
	}, 240_000);

	it('shows an error summary linking to each question to answer, on the step and from the check page', async () => {
		const ctx = await context();
		const page = await ctx.newPage();
		await page.goto(`${app.server.url}/survey/about_you`, { waitUntil: 'networkidle' });
		await stepHeading(page, 1).waitFor();
		await page.getByRole('radio', { name: 'Pharmacist', exact: true }).check();
		await page.getByRole('button', { name: 'Continue' }).click();
		const summary = page.locator('.nhsuk-error-summary');
		await summary.waitFor();
		expect(await page.evaluate(() => document.activeElement?.classList.contains('nhsuk-error-summary'))).toBe(true);
		expect(await page.title()).toMatch(/^Error: About you and your role/);
		const links = summary.getByRole('link');
		expect(await links.allTextContents()).toEqual([
			'Select the sector you mainly work in',
			'Select the clinical specialties you work in',
			'Select the NHS England region you mainly work in',
			'Select the Genomic Medicine Service Alliance that covers your workplace, or "I do not know"',
			'Select how many years you have worked in pharmacy',
			'Select yes if you are an independent prescriber'
		]);
		expect(await page.locator('.nhsuk-error-message').count()).toBe(6);
		expect(await page.getByRole('radio', { name: 'Pharmacist', exact: true }).isChecked()).toBe(true);
		expect(await axe(page)).toEqual([]);
		await links.first().click();
		expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.id)).toBe('sector-1');
		// Without JavaScript the page shown is the answer to the post, at the form's action address.
		expect(page.url()).toMatch(javaScriptEnabled ? /\/survey\/about_you#sector-1$/ : /\/survey\/about_you\?\/next#sector-1$/);

		// Sent from the check page with steps still to do: each error links to the step that holds it.
		await fillStep(page, completeAnswers(0));
		await page.getByRole('button', { name: 'Continue' }).click();
		await page.waitForURL('**/survey/awareness');
		await page.goto(`${app.server.url}/survey/check`, { waitUntil: 'networkidle' });
		await page.getByRole('button', { name: 'Send my answers' }).click();
		await summary.waitFor();
		expect(await page.title()).toMatch(/^Error: Check your answers/);
		expect(await axe(page)).toEqual([]);
		const first = summary.getByRole('link').first();
		expect(await first.textContent()).toBe('Select whether you are aware of the strategic framework');
		expect(await first.getAttribute('href')).toBe('/survey/awareness?return=check#aware_framework-1');
		expect(await summary.getByRole('link').count()).toBe(
			instrument.sections.slice(1).flatMap((s) => s.questions.filter((q) => q.required && !q.showIf)).length
		);
		await first.click();
		await page.waitForURL('**/survey/awareness?return=check#aware_framework-1');
		await stepHeading(page, 2).waitFor();
		await ctx.close();
	});

	it('changes an answer from the check page and comes back to it, dropping the answer that no longer applies', async () => {
		const ctx = await context();
		const page = await ctx.newPage();
		const answers = completeAnswers(5, { prescriber: 'yes', prescribing_genomic_change: 'no' });
		await page.goto(`${app.server.url}/survey/about_you`, { waitUntil: 'networkidle' });
		for (const [index] of instrument.sections.entries()) {
			await stepHeading(page, index + 1).waitFor();
			await fillStep(page, answers);
			await page.getByRole('button', { name: /^Continue/ }).click();
		}
		await page.waitForURL('**/survey/check');
		const row = (label: string) => page.locator('.nhsuk-summary-list__row').filter({ has: page.locator('dt', { hasText: label }) });
		expect(await row('Are you an independent prescriber?').locator('.nhsuk-summary-list__value').textContent()).toContain('Yes');
		expect(await row('changed or stopped a prescription').count()).toBe(1);

		await page.getByRole('link', { name: 'Change your answer to: Are you an independent prescriber?' }).click();
		await page.waitForURL('**/survey/about_you?return=check#prescriber-1');
		expect(await page.getByRole('link', { name: 'Back' }).getAttribute('href')).toBe('/survey/check');
		await page.getByRole('radio', { name: 'No', exact: true }).first().check();
		await page.getByRole('button', { name: 'Continue to check your answers' }).click();
		await page.waitForURL('**/survey/check');
		expect((await row('Are you an independent prescriber?').locator('.nhsuk-summary-list__value').textContent())?.trim()).toBe('No');
		expect(await row('changed or stopped a prescription').count()).toBe(0);
		// Reload and a second tab show the same answers: they are kept on the server.
		await page.reload();
		expect((await row('Are you an independent prescriber?').locator('.nhsuk-summary-list__value').textContent())?.trim()).toBe('No');
		const tab = await ctx.newPage();
		await tab.goto(`${app.server.url}/survey/about_you`, { waitUntil: 'networkidle' });
		expect(await tab.getByRole('radio', { name: 'No', exact: true }).first().isChecked()).toBe(true);
		await page.getByRole('button', { name: 'Send my answers' }).click();
		await page.waitForURL('**/survey/complete');
		await ctx.close();
	});

	it('saves answers and resumes them on another device with the resume code', async () => {
		const phone = await context({ viewport: { width: 320, height: 640 } });
		const page = await phone.newPage();
		await page.goto(`${app.server.url}/survey/about_you`, { waitUntil: 'networkidle' });
		await stepHeading(page, 1).waitFor();
		await page.getByRole('radio', { name: 'Pharmacy technician', exact: true }).check();
		await page.getByRole('radio', { name: 'Community pharmacy' }).check();
		await page.getByRole('checkbox', { name: 'Mental health' }).check();
		await page.getByRole('button', { name: 'Save and come back later' }).click();
		await page.waitForURL('**/survey/saved');
		const codeElement = page.getByTestId('resume-code');
		const code = (await codeElement.textContent())!;
		expect(code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
		// The code is on one line, even on a 320 px screen.
		expect(await codeElement.evaluate((el) => new Set([...el.getClientRects()].map((r) => Math.round(r.top))).size)).toBe(1);
		expect(await codeElement.evaluate((el) => el.getBoundingClientRect().height < 2 * parseFloat(getComputedStyle(el).lineHeight))).toBe(
			true
		);
		expect(await fits320(page)).toBeLessThanOrEqual(320);
		expect(await axe(page)).toEqual([]);
		await phone.close();

		const laptop = await context();
		const other = await laptop.newPage();
		await other.goto(`${app.server.url}/survey/resume`, { waitUntil: 'networkidle' });
		expect(await axe(other)).toEqual([]);
		await other.getByLabel('Continue with a resume code').fill('nope');
		await other.getByRole('button', { name: 'Continue' }).click();
		await other.locator('.nhsuk-error-summary').waitFor();
		expect(await other.title()).toMatch(/^Error: /);
		expect(await other.locator('.nhsuk-error-summary').textContent()).toMatch(/could not find saved answers/);
		expect(await axe(other)).toEqual([]);
		await other.getByLabel('Continue with a resume code').fill(code.toLowerCase());
		await other.getByRole('button', { name: 'Continue' }).click();
		// The first step still has questions to answer: it carries on there, with the saved answers.
		await other.waitForURL('**/survey/about_you');
		expect(await other.getByRole('radio', { name: 'Pharmacy technician', exact: true }).isChecked()).toBe(true);
		expect(await other.getByRole('radio', { name: 'Community pharmacy' }).isChecked()).toBe(true);
		expect(await other.getByRole('checkbox', { name: 'Mental health' }).isChecked()).toBe(true);
		await laptop.close();
	});
});
