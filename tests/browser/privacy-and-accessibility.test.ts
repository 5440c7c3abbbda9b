// The privacy notice and accessibility statement in Chromium: linked from every page's footer, true to
// the server's settings (draft expiry), no serious accessibility problem; and a resume code that never
// breaks across lines on a 320 px screen.
import { describe, expect, it } from 'vitest';
import { newPage, seriousViolations } from '../helpers/browser';
import { browserApp } from '../helpers/browser-app';

// A draft expiry other than the default, to show the notice reads the setting rather than repeating it.
const app = browserApp({ accounts: false, env: { DRAFT_TTL_SECONDS: String(10 * 86_400) } });

describe('the privacy notice and accessibility statement', () => {
	it('are linked from the footer and say who is responsible, on what basis, what is kept and for how long', async () => {
		const page = await newPage(app.browser, { viewport: { width: 320, height: 640 } });
		await page.goto(app.server.url);
		await page.locator('footer').getByRole('link', { name: 'Privacy notice' }).click();
		await page.waitForURL('**/privacy');
		const text = (await page.locator('main').textContent())!;
		expect(text).toMatch(/NHS England is the data controller/);
		expect(text).toMatch(/UK GDPR Article 6\(1\)\(e\)/);
		expect(text).toMatch(/We do not ask for your name, email address/);
		expect(text).toMatch(/We do not record your IP address/);
		expect(await page.getByTestId('draft-expiry').textContent()).toBe('10 days');
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
		expect(await seriousViolations(page)).toEqual([]);

		await page.locator('footer').getByRole('link', { name: 'Accessibility statement' }).click();
		await page.waitForURL('**/accessibility');
		const statement = (await page.locator('main').textContent())!;
		expect(statement).toMatch(/Web Content Accessibility Guidelines version 2\.2 AA/);
		expect(statement).toMatch(/Known issues/);
		expect(statement).toMatch(/Reporting accessibility problems/);
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
		expect(await seriousViolations(page)).toEqual([]);
		await page.context().close();
	});

	it('shows a resume code on one line, in a monospaced font, on a 320 px screen without JavaScript', async () => {
		const context = await app.browser.newContext({ javaScriptEnabled: false, viewport: { width: 320, height: 640 } });
		const page = await context.newPage();
		await page.goto(`${app.server.url}/survey/about_you`);
		await page.getByRole('button', { name: /Save and come back later/ }).click();
		await page.waitForURL('**/survey/saved');
		const code = page.getByTestId('resume-code');
		expect(await code.textContent()).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
		const style = await code.evaluate((e) => ({
			whiteSpace: getComputedStyle(e).whiteSpace,
			font: getComputedStyle(e).fontFamily,
			lines: e.getClientRects().length,
			height: e.getBoundingClientRect().height,
			lineHeight: parseFloat(getComputedStyle(e).lineHeight)
		}));
		expect(style.whiteSpace).toBe('nowrap');
		expect(style.font).toMatch(/monospace/);
		expect(style.height).toBeLessThan(style.lineHeight * 1.5);
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
		await context.close();
	});
});
