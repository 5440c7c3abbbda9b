// The survey in a real Chromium against the built server: keyboard only, save and resume, the error
// summary, accessibility on every step, and a 320 px wide screen.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { instrument } from '../../src/lib/instrument/survey';
import { query } from '../helpers/db';
import { launchChromium, newPage, seriousViolations, tabTo } from '../helpers/browser';
import { startServer, tempDir, type RunningServer } from '../helpers/server';

const dir = tempDir();
const databasePath = join(dir.path, 'survey.duckdb');
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
	server = await startServer({ databasePath });
	browser = await launchChromium();
});
afterAll(async () => {
	await browser?.close();
	await server?.stop();
	dir.remove();
});

const stepHeading = (page: Page, n: number) => page.getByText(`Step ${n} of ${instrument.sections.length}`);

/** Answers every visible question on the current step with the keyboard alone. Radios: Space picks
 *  the first option, then ArrowDown moves the choice `down` places. Checkboxes: Space ticks the first. */
async function answerStep(page: Page, down: (questionId: string) => number = () => 0) {
	const section = instrument.sections.find((s) => page.url().endsWith(`/survey/${s.id}`))!;
	for (const q of section.questions) {
		if ((await page.locator(`[name="${q.id}"]`).count()) === 0) continue; // hidden by skip logic
		if (q.type === 'text') {
			await tabTo(page, `textarea[name="${q.id}"]`);
			await page.keyboard.type('<img src=x onerror=alert(1)> =HYPERLINK("http://example.org")');
			continue;
		}
		await tabTo(page, `[name="${q.id}"]`);
		await page.keyboard.press('Space');
		for (let i = 0; i < down(q.id); i++) await page.keyboard.press('ArrowDown');
	}
}

async function continueWithKeyboard(page: Page) {
	await tabTo(page, 'button[type="submit"]');
	await page.keyboard.press('Enter');
}

describe('the survey in Chromium', () => {
	it('can be completed with the keyboard alone, on a 320 px screen, with no serious accessibility problem on any step', async () => {
		const page = await newPage(browser, { viewport: { width: 320, height: 640 } });
		const errors: string[] = [];
		page.on('pageerror', (e) => errors.push(e.message));
		page.on('console', (m) => m.type() === 'error' && errors.push(`${m.text()} ${m.location().url}`));
		// This sandbox has no internet: only the NHS.UK web font, fetched from its CDN, may fail.
		page.on('requestfailed', (r) => new URL(r.url()).host !== 'assets.nhs.uk' && errors.push(`${r.url()} ${r.failure()?.errorText}`));
		await page.goto(server.url);
		expect(await seriousViolations(page)).toEqual([]);
		await expect.poll(() => page.getByRole('heading', { name: 'How we use your answers' }).isVisible()).toBe(true);
		await tabTo(page, 'a.nhsuk-button');
		await page.keyboard.press('Enter');

		for (const [index, section] of instrument.sections.entries()) {
			await page.waitForURL(`**/survey/${section.id}`);
			await stepHeading(page, index + 1).waitFor();
			expect(await page.evaluate(() => document.documentElement.scrollWidth), `${section.id} fits 320 px`).toBeLessThanOrEqual(320);
			expect(await seriousViolations(page), section.id).toEqual([]);
			// Importance 5 and confidence 1 everywhere, so every competency shows a gap of 4.
			await answerStep(page, (id) => (id.startsWith('imp_') ? 4 : 0));
			await continueWithKeyboard(page);
		}

		await page.waitForURL('**/survey/complete');
		const receipt = await page.getByTestId('receipt').textContent();
		expect(receipt).toMatch(/^PGW-/);
		expect(await page.getByTestId('learning-list').locator(':scope > li').count()).toBe(3);
		expect(await seriousViolations(page)).toEqual([]);
		expect(errors.filter((e) => !e.includes('https://assets.nhs.uk/fonts/'))).toEqual([]);
		await page.context().close();

		// The response is stored with the keyboard's answers, including the skip-logic ones.
		await server.stop();
		const rows = await query(databasePath, `SELECT receipt, prescriber, prescribing_genomic_change, network_member, networks, imp_fh, conf_fh, comments FROM responses`);
		expect(rows).toEqual([
			{ receipt, prescriber: 'yes', prescribing_genomic_change: 'yes', network_member: 'yes', networks: ['gmsa_pharmacy'], imp_fh: 5, conf_fh: 1, comments: '<img src=x onerror=alert(1)> =HYPERLINK("http://example.org")' }
		]);
		server = await startServer({ databasePath });
	});

	it('shows an error summary linking to each unanswered question on a bad step', async () => {
		const page = await newPage(browser);
		await page.goto(`${server.url}/survey/about_you`);
		await stepHeading(page, 1).waitFor();
		await page.getByRole('radio', { name: 'Pharmacist', exact: true }).check();
		await page.getByRole('button', { name: 'Continue' }).click();
		const summary = page.locator('.nhsuk-error-summary');
		await summary.waitFor();
		expect(await page.evaluate(() => document.activeElement?.classList.contains('nhsuk-error-summary'))).toBe(true);
		expect(await page.title()).toMatch(/^Error: /);
		const links = summary.getByRole('link');
		expect(await links.allTextContents()).toEqual([
			'Select an answer to: Which sector do you mainly work in?',
			'Select at least one answer to: Which clinical specialties do you work in?',
			'Select an answer to: Which NHS England region do you mainly work in?',
			'Select an answer to: Which NHS Genomic Medicine Service Alliance covers your workplace?',
			'Select an answer to: How many years have you worked in pharmacy?',
			'Select an answer to: Are you an independent prescriber?'
		]);
		expect(await page.locator('.nhsuk-error-message').count()).toBe(6);
		expect(await seriousViolations(page)).toEqual([]);
		await links.first().click();
		expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.id)).toBe('sector-1');
		expect(page.url()).toMatch(/\/survey\/about_you#sector-1$/);
		await page.context().close();
	});

	it('saves answers and resumes them on another device with the resume code', async () => {
		const phone = await browser.newContext({ viewport: { width: 360, height: 740 } });
		const page = await phone.newPage();
		await page.goto(`${server.url}/survey/about_you`);
		await stepHeading(page, 1).waitFor();
		await page.getByRole('radio', { name: 'Pharmacy technician', exact: true }).check();
		await page.getByRole('radio', { name: 'Community pharmacy' }).check();
		await page.getByRole('checkbox', { name: 'Mental health' }).check();
		await page.getByRole('button', { name: 'Save and come back later' }).click();
		await page.waitForURL('**/survey/saved');
		const code = (await page.getByTestId('resume-code').textContent())!;
		expect(code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
		expect(await seriousViolations(page)).toEqual([]);
		await phone.close();

		const laptop = await browser.newContext();
		const other = await laptop.newPage();
		await other.goto(`${server.url}/survey/resume`);
		// Survey pages render in the browser (ssr = false): check them once they have.
		await other.getByLabel('Continue with a resume code').waitFor();
		expect(await seriousViolations(other)).toEqual([]);
		await other.getByLabel('Continue with a resume code').fill('nope');
		await other.getByRole('button', { name: 'Continue' }).click();
		await other.locator('.nhsuk-error-summary').waitFor();
		expect(await other.locator('.nhsuk-error-summary').textContent()).toMatch(/could not find saved answers/);
		await other.getByLabel('Continue with a resume code').fill(code.toLowerCase());
		await other.getByRole('button', { name: 'Continue' }).click();
		await other.waitForURL('**/survey/about_you');
		expect(await other.getByRole('radio', { name: 'Pharmacy technician', exact: true }).isChecked()).toBe(true);
		expect(await other.getByRole('radio', { name: 'Community pharmacy' }).isChecked()).toBe(true);
		expect(await other.getByRole('checkbox', { name: 'Mental health' }).isChecked()).toBe(true);
		await laptop.close();
	});
});
