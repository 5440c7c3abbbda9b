// The accessibility check every browser test relies on (tests/helpers/browser.ts) finds serious
// problems: in a page as axe runs it in the page itself, in a page with a frame (checked frame by
// frame), and in a copy of a page without its scripts. A check that found nothing would pass every test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { workerChromium, newPage, seriousViolations, seriousViolationsWithoutScript } from '../helpers/browser';

const PROBLEMS = `<!doctype html><html lang="en"><head><title>Problems</title></head><body><main><h1>Problems</h1>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<button></button>
<p style="color:#bbb;background:#fff">Grey on white, too faint to read</p>
</main></body></html>`;

let browser: Browser;
beforeAll(async () => {
	browser = await workerChromium();
});
afterAll(async () => {
	await browser?.close();
});

const ids = (violations: string[]) => violations.map((v) => v.split(':')[0]).sort();

describe('the accessibility check', () => {
	it('finds an image without a text alternative, a button without a name and faint text', async () => {
		const page = await newPage(browser);
		await page.setContent(PROBLEMS);
		expect(ids(await seriousViolations(page))).toEqual(['button-name', 'color-contrast', 'image-alt']);
		await page.context().close();
	});

	it('finds them inside a frame too', async () => {
		const page = await newPage(browser);
		await page.setContent(`<!doctype html><html lang="en"><head><title>Framed</title></head><body><main><h1>Framed</h1>
<iframe title="Problems" srcdoc="${PROBLEMS.replaceAll('"', '&quot;')}"></iframe></main></body></html>`);
		await page.frames()[1].waitForLoadState();
		expect(page.frames()).toHaveLength(2);
		expect(ids(await seriousViolations(page))).toEqual(['button-name', 'color-contrast', 'image-alt']);
		await page.context().close();
	});

	it('finds them in a page without JavaScript, through its copy', async () => {
		const page = await newPage(browser, { javaScriptEnabled: false });
		await page.route('http://127.0.0.1:9/problems', (route) => route.fulfill({ body: PROBLEMS, contentType: 'text/html' }));
		await page.goto('http://127.0.0.1:9/problems');
		expect(ids(await seriousViolationsWithoutScript(page))).toEqual(['button-name', 'color-contrast', 'image-alt']);
		await page.context().close();
	});
});
