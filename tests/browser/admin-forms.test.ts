// The admin's threshold, success measures and workforce upload as plain form posts: they work
// without JavaScript, and the threshold asks before going below the default with JavaScript too.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { PASSWORD } from '../helpers/accounts';
import { seriousViolations, seriousViolationsWithoutScript } from '../helpers/browser';
import { browserApp } from '../helpers/browser-app';
import { signIn } from '../../bench/kit/trpc';

const app = browserApp({ dirs: ['settings'], env: { RATE_LOGIN_PER_MINUTE: '10000' } });

async function admin(javaScriptEnabled: boolean, next: string): Promise<Page> {
	const page = await (await app.browser.newContext({ javaScriptEnabled })).newPage();
	await page.goto(`${app.server.url}/login?next=${encodeURIComponent(next)}`, { waitUntil: 'networkidle' });
	await page.getByLabel('Email address').fill('admin@example.org');
	await page.getByLabel('Password').fill(PASSWORD);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.waitForURL(`${app.server.url}${next}`);
	return page;
}

const threshold = async () => (await (await signIn(app.server.url, 'admin@example.org', PASSWORD)).client.admin.settings.query()).threshold;
const RISK = /groups of 3 to 7 people become visible in the dashboard and the reports, which makes it harder to keep individuals anonymous/;

describe('the disclosure threshold below the default of 8', () => {
	it('says what it risks and asks before saving, without JavaScript', async () => {
		const page = await admin(false, '/admin');
		await page.getByLabel('Smallest count published').fill('3');
		await page.getByRole('button', { name: 'Save threshold' }).click();
		expect(await page.getByTestId('threshold-risk').textContent()).toMatch(RISK);
		expect(await threshold()).toBe(8);
		expect(await seriousViolationsWithoutScript(page)).toEqual([]);
		await page.getByRole('link', { name: 'No, keep 8' }).click();
		expect(await page.getByLabel('Smallest count published').inputValue()).toBe('8');
		await page.getByLabel('Smallest count published').fill('3');
		await page.getByRole('button', { name: 'Save threshold' }).click();
		await page.getByRole('button', { name: 'Yes, set the threshold to 3' }).click();
		await page.waitForURL(/\/admin\?threshold=saved/);
		expect(await page.getByTestId('done').textContent()).toBe('The smallest published count is now 3.');
		expect(await threshold()).toBe(3);
		// At or above the default nothing is asked; outside 3 to 100 is refused in words.
		await page.getByLabel('Smallest count published').fill('10');
		await page.getByRole('button', { name: 'Save threshold' }).click();
		await page.waitForURL(/\/admin\?threshold=saved/);
		expect(await threshold()).toBe(10);
		await page.getByLabel('Smallest count published').fill('101');
		await page.getByRole('button', { name: 'Save threshold' }).click();
		expect(await page.locator('.nhsuk-error-summary').textContent()).toMatch(/The threshold must be 100 or less/);
		await page.context().close();
	});

	it('asks the same with JavaScript', async () => {
		const page = await admin(true, '/admin');
		await page.getByLabel('Smallest count published').fill('5');
		await page.getByRole('button', { name: 'Save threshold' }).click();
		await expect.poll(() => page.getByTestId('threshold-risk').textContent()).toMatch(/A threshold of 5 is below NHS Digital's 8/);
		expect(await seriousViolations(page)).toEqual([]);
		expect(await threshold()).toBe(10);
		await page.getByRole('button', { name: 'Yes, set the threshold to 5' }).click();
		await expect.poll(() => page.getByTestId('done').textContent()).toBe('The smallest published count is now 5.');
		expect(await threshold()).toBe(5);
		await page.context().close();
	});
});

describe('success measures without JavaScript', () => {
	it('saves a measure’s targets, refusing a bad number in words', async () => {
		const page = await admin(false, '/admin/measures');
		const card = page.locator('form.nhsuk-card').filter({ hasText: 'Aware of the strategic framework' });
		await card.getByLabel('Amber band').fill('lots');
		await card.getByRole('button', { name: /^Save/ }).click();
		expect(await page.locator('.nhsuk-error-summary').textContent()).toMatch(/Enter the amber band as a number/);
		expect(await card.getByLabel('Amber band').inputValue()).toBe('lots');
		await card.getByLabel('Amber band').fill('4');
		await card.getByLabel('2025/26').fill('55');
		await card.getByRole('button', { name: /^Save/ }).click();
		await page.waitForURL(/\/admin\/measures\?saved=aim1_framework_awareness/);
		expect(await page.getByTestId('done').textContent()).toBe('Saved targets for “Aware of the strategic framework”.');
		expect(await card.getByLabel('Amber band').inputValue()).toBe('4');
		expect(await card.getByLabel('2025/26').inputValue()).toBe('55');
		expect(await seriousViolationsWithoutScript(page)).toEqual([]);
		await page.context().close();
	});

	it('adds a share measure, listing the chosen question’s answers with a form post', async () => {
		const page = await admin(false, '/admin/measures');
		await page.getByLabel('Id (lower case letters, numbers and _)').fill('mentor_access_share');
		await page.getByLabel('Name', { exact: true }).fill('Staff with access to a genomics mentor');
		await page.getByLabel('How it is worked out').fill('Share of respondents who have access to a genomics mentor');
		await page.getByLabel('Question (for a share)').selectOption({ label: 'Do you have access to a genomics mentor?' });
		await page.getByRole('button', { name: "Show this question's answers" }).click();
		expect(await page.getByLabel('Id (lower case letters, numbers and _)').inputValue()).toBe('mentor_access_share');
		await page.getByRole('button', { name: 'Add measure' }).click();
		expect(await page.locator('.nhsuk-error-summary').textContent()).toMatch(/\S/);
		await page.getByRole('checkbox', { name: 'Yes' }).check();
		await page.getByRole('button', { name: 'Add measure' }).click();
		await page.waitForURL(/\/admin\/measures\?added=mentor_access_share/);
		expect(await page.getByTestId('done').textContent()).toBe('Added “Staff with access to a genomics mentor”.');
		expect(await page.getByRole('heading', { name: 'Staff with access to a genomics mentor' }).count()).toBe(1);
		await page.context().close();
	});
});

describe('the workforce upload without JavaScript', () => {
	it('uploads a CSV as a multipart form post, and lists every bad row of a bad one', async () => {
		const page = await admin(false, '/admin/workforce');
		await page.getByRole('button', { name: 'Upload' }).click();
		expect(await page.getByTestId('upload-problem').textContent()).toMatch(/Choose a CSV file/);
		await page.getByLabel('CSV file').setInputFiles({
			name: 'workforce.csv',
			mimeType: 'text/csv',
			buffer: Buffer.from('region_code,staff_group,workforce\nE40000003,pharmacist,many\nNarnia,pharmacist,10\n')
		});
		await page.getByRole('button', { name: 'Upload' }).click();
		expect(await page.getByTestId('upload-problem').textContent()).toMatch(
			/Line 2: The workforce "many" must be a whole number.*Line 3: "Narnia" is not an NHS England region code/
		);
		expect(await seriousViolationsWithoutScript(page)).toEqual([]);
		await page.getByLabel('CSV file').setInputFiles({
			name: 'workforce.csv',
			mimeType: 'text/csv',
			buffer: Buffer.from('region_code,staff_group,workforce\nE40000003,pharmacist,120\nE40000003,pharmacy_technician,80\n')
		});
		await page.getByRole('button', { name: 'Upload' }).click();
		await page.waitForURL(/\/admin\/workforce\?saved=2/);
		expect(await page.getByTestId('done').textContent()).toBe('Saved 2 rows of workforce denominators. The next pipeline run uses them.');
		await page.context().close();
	});
});
