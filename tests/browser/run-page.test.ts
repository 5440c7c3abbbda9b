// Issue 18's points on published runs, in real Chromium against the built server: a run's page is
// titled with its wave (2025/26, never 2025-26) and date, and lists its files by report and kind with
// names people read.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { PASSWORD } from '../helpers/accounts';
import { browserApp } from '../helpers/browser-app';
import { signIn } from '../../bench/kit/trpc';

const app = browserApp({ responses: { n: 600, seed: 51, waveId: '2025-26', progress: 1 }, dirs: ['settings', 'reports'] });
let cookie: string;
let runId: string;

// A run published as the admin starts one, once the server is up.
beforeAll(async () => {
	const admin = await signIn(app.server.url, 'admin@example.org', PASSWORD);
	cookie = admin.cookie;
	await admin.client.runs.start.mutate();
	for (let i = 0; i < 240; i++) {
		const progress = await admin.client.runs.progress.query();
		if (progress.status === 'succeeded' && progress.runId) {
			runId = progress.runId;
			break;
		}
		if (progress.status === 'failed') throw new Error(`the run failed: ${progress.error}`);
		await new Promise((r) => setTimeout(r, 500));
	}
	if (!runId) throw new Error('the run did not finish');
}, 180_000);

const adminPage = (width = 1280): Promise<Page> => app.sessionPage(cookie, { viewport: { width, height: 800 } });

describe("a run's page", () => {
	it('is titled with the wave label and the date, never the run id or 2025-26', async () => {
		const page = await adminPage();
		await page.goto(`${app.server.url}/runs/${runId}`);
		const heading = (await page.locator('h1').textContent())!;
		expect(heading).toMatch(/^Reports for wave 2025\/26, published \d{1,2} [A-Z][a-z]+ 20\d\d$/);
		expect(await page.title()).toContain(heading);
		expect(await page.locator('main').textContent()).not.toContain(runId);
		expect(await page.locator('main').textContent()).not.toMatch(/20\d\d-\d\d\b(?!-)/);
		await page.context().close();
	});

	it('groups the files by report (England, then each region by name) and kind, with names people read', async () => {
		const page = await adminPage();
		await page.goto(`${app.server.url}/runs/${runId}`);
		const groups = page.getByTestId('files');
		expect(await groups.locator('h3').allTextContents()).toEqual([
			'England',
			'East of England',
			'London',
			'Midlands',
			'North East and Yorkshire',
			'North West',
			'South East',
			'South West'
		]);
		const london = page.locator('[data-testid="files"][data-place="E40000003"]');
		expect(await london.locator('summary').allTextContents()).toEqual([expect.stringMatching(/^Charts \(\d+\)\s*for London$/)]);
		expect(await london.getByRole('link', { name: /^Report \(web page\)/ }).count()).toBe(1);
		await london.locator('summary').click();
		const names = await london.locator('details a').allTextContents();
		expect(names.length).toBeGreaterThan(5);
		// Names, not paths: no folders, no ONS codes, no file extensions.
		expect(
			names.every((n) => /^[A-Z][^/_]*\((SVG|Vega-Lite)\)$/.test(n) && !/E\d{8}|\.svg|\.json/.test(n)),
			names.join(', ')
		).toBe(true);
		const england = page.locator('[data-testid="files"][data-place="E92000001"]');
		expect(await england.locator('summary').allTextContents()).toEqual([
			expect.stringMatching(/^Tables \(\d+\)\s*for England$/),
			expect.stringMatching(/^Charts \(\d+\)\s*for England$/)
		]);
		await england.locator('summary').first().click();
		expect(await england.locator('details a').allTextContents()).toContain('Needs by competency region (CSV)');
		await page.context().close();
	});
});

/** How far the page overflows sideways, and the widest elements past the edge (to say what sizes it). */
async function sidewaysOverflow(page: Page) {
	return page.evaluate(() => {
		const edge = document.documentElement.clientWidth;
		const past = [...document.querySelectorAll('body *')]
			.filter((e) => e.getBoundingClientRect().right > edge + 1)
			.map((e) => `${e.tagName.toLowerCase()}.${e.className}: ${Math.round(e.getBoundingClientRect().right)}`);
		return { scrollWidth: document.documentElement.scrollWidth, clientWidth: edge, past: past.slice(0, 12) };
	});
}

describe('at 375 and 320 px wide, /runs and a run page', () => {
	it('do not scroll sideways: wide tables scroll in their own box', async () => {
		for (const width of [375, 320]) {
			const page = await adminPage(width);
			for (const path of ['/runs', `/runs/${runId}`]) {
				await page.goto(`${app.server.url}${path}`);
				const { scrollWidth, clientWidth, past } = await sidewaysOverflow(page);
				expect(scrollWidth, `${path} at ${width} px: ${past.join('; ')}`).toBeLessThanOrEqual(clientWidth);
			}
			await page.context().close();
		}
	});
});
