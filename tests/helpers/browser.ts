import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { launchChromium } from '../../bench/kit/browser';

/** The worker's Chromium, shared by every file it runs (the browser project does not isolate its files),
 *  with its contexts and their first page kept and handed out again. A page in a new context costs
 *  Chromium 2.7 CPU s here, a new page in a kept context about 0.9, and loading a page again 0.35 (`npm
 *  run bench:browser-pages`, BENCHMARKS.md, fourteenth sitting): most of the difference starts a renderer
 *  process, and a page keeps its renderer while it goes from one page of a site to another. So closing a
 *  context only empties it (keepFirstPage), and the next `newContext` with the same options gets it back:
 *  to a test, a browser with no cookies and a blank page, which is what the tests ask of a new context
 *  (the app keeps nothing else in the browser, and signed-in and survey pages are never cached). Closing
 *  the browser empties every context still out and leaves Chromium running for the worker's next file;
 *  Playwright stops it when the worker exits. */
export async function workerChromium(): Promise<Browser> {
	const running = await chromium?.catch(() => undefined);
	if (running?.isConnected()) return running;
	chromium = launchChromium().then(keepContexts);
	return chromium;
}

let chromium: Promise<Browser> | undefined;

function keepContexts(browser: Browser): Browser {
	const open = browser.newContext.bind(browser);
	const idle = new Map<string, BrowserContext[]>();
	const out = new Set<BrowserContext>();
	/** A new context whose `close` empties it and keeps it for the next `newContext` with these options. */
	const opened = async (key: string, options: BrowserContextOptions) => {
		const context = await open(options);
		const empty = keepFirstPage(context);
		context.close = async () => {
			if (!out.delete(context)) return; // closed already
			await empty();
			if (!idle.has(key)) idle.set(key, []);
			idle.get(key)!.push(context);
		};
		return context;
	};
	browser.newContext = async (options: BrowserContextOptions = {}) => {
		const key = JSON.stringify(options);
		const context = idle.get(key)?.pop() ?? (await opened(key, options));
		out.add(context);
		return context;
	};
	browser.close = async () => {
		for (const context of [...out]) await context.close();
	};
	return browser;
}

/** Makes the context's next `newPage` after emptying it hand back its first page; returns what empties
 *  it: its other pages closed, its first page blanked, its cookies cleared, its routes and listeners
 *  removed. */
function keepFirstPage(context: BrowserContext): () => Promise<void> {
	const newPage = context.newPage.bind(context);
	let spare: Page | undefined;
	/** The context's viewport, as its first page opened with it (null: none). */
	let viewport: ReturnType<Page['viewportSize']> | undefined;
	context.newPage = async () => {
		const page = spare ?? (await newPage());
		spare = undefined;
		if (viewport === undefined) viewport = page.viewportSize();
		return page;
	};
	return async () => {
		const [first, ...others] = context.pages();
		for (const page of others) await page.close();
		if (first) spare = await blank(first, viewport ?? null);
		await context.clearCookies();
		await context.unrouteAll({ behavior: 'ignoreErrors' });
		context.removeAllListeners();
	};
}

/** The page as a new one: no listeners or routes, its site's session storage cleared, about:blank, at
 *  the context's viewport. */
async function blank(page: Page, viewport: ReturnType<Page['viewportSize']>): Promise<Page> {
	await page.removeAllListeners();
	await page.unrouteAll({ behavior: 'ignoreErrors' });
	// A page of an http origin; about:blank and a JavaScript-less page have none to clear (or cannot).
	await page.evaluate(() => sessionStorage.clear()).catch(() => undefined);
	await page.goto('about:blank');
	const size = page.viewportSize();
	if (viewport && (size?.width !== viewport.width || size?.height !== viewport.height)) await page.setViewportSize(viewport);
	return page;
}

/** Serious and critical accessibility violations on the page as it is now.
 *
 *  Our pages have no frames, so axe runs in the page itself ("legacy mode"), not
 *  frame by frame with its results gathered in a blank page opened for it: that page and the copying of
 *  every node's results into it were most of a check's time (the dashboard: 4.4 s against 1.8 s). A
 *  page with frames is still checked frame by frame. Only violations are asked for in full; the other
 *  kinds of result (passes, incomplete), which these checks never read, keep one node each, as axe's
 *  `resultTypes` option offers for this. */
export async function seriousViolations(page: Page) {
	const results = await new AxeBuilder({ page })
		.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
		.options({ resultTypes: ['violations'] })
		.setLegacyMode(page.frames().length === 1)
		.analyze();
	return results.violations
		.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/** Presses Tab until the focused element matches `selector`: keyboard only, as a person would. */
export async function tabTo(page: Page, selector: string, limit = 200): Promise<void> {
	for (let i = 0; i < limit; i++) {
		if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
		await page.keyboard.press('Tab');
	}
	throw new Error(`Tab never reached ${selector}`);
}

/** A page in its own context (axe needs one to run its frames). */
export async function newPage(browser: Browser, options: BrowserContextOptions = {}): Promise<Page> {
	const context = await browser.newContext(options);
	return context.newPage();
}

/** axe runs inside the page, so a page in a context with JavaScript switched off cannot run it: check a
 *  copy of its DOM instead, served at the same address (same stylesheets, same viewport) to a context
 *  with JavaScript on, with the page's own scripts taken out so the copy stays as the page is. */
export async function seriousViolationsWithoutScript(page: Page): Promise<string[]> {
	const html = (await page.content()).replace(/<script\b[\s\S]*?<\/script>/gi, '');
	const address = page.url().split('#')[0];
	const browser = page.context().browser()!;
	const context = await browser.newContext({ viewport: page.viewportSize() ?? undefined });
	try {
		const copy = await context.newPage();
		await copy.route(
			(url) => url.href.split('#')[0] === address,
			(route) => route.fulfill({ body: html, contentType: 'text/html; charset=utf-8' })
		);
		await copy.goto(address);
		return await seriousViolations(copy);
	} finally {
		await context.close();
	}
}
