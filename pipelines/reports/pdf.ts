// PDFs of the reports through Chromium's own print-to-PDF (playwright-core driving the installed
// browser): the same HTML and print stylesheet as the browser's Print, on A4. Chromium is optional:
// without it the run still succeeds, and says why there are no PDFs.
import { existsSync } from 'node:fs';

export interface PdfOutcome {
	made: boolean;
	/** Why no PDFs were made, in words for the run page. */
	reason?: string;
}

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/** Headless Chromium as this project starts it (the reports' PDFs, and the tests' and benchmarks' browser),
 *  with QUIC and the background networking this sandbox refuses turned off. */
export const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync'
];

/** Prints each report (path → HTML) to PDF (path → bytes, `index.html` → `report.pdf` beside it). */
export async function reportPdfs(
	reports: Record<string, string>,
	chromiumPath = process.env.CHROMIUM_PATH || DEFAULT_CHROMIUM
): Promise<{ pdfs: Record<string, Uint8Array>; outcome: PdfOutcome }> {
	if (!existsSync(chromiumPath))
		return {
			pdfs: {},
			outcome: {
				made: false,
				reason: `Chromium was not found at ${chromiumPath} (set CHROMIUM_PATH to the browser), so PDFs were not made. The HTML reports print the same way from a browser.`
			}
		};
	let browser;
	try {
		// Loaded here, not with the module: the server and the CLI start without it unless they print.
		const { chromium } = await import('playwright-core');
		browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
	} catch (error) {
		return {
			pdfs: {},
			outcome: {
				made: false,
				reason: `Chromium at ${chromiumPath} could not start (${(error as Error).message.split('\n')[0]}), so PDFs were not made.`
			}
		};
	}
	try {
		const context = await browser.newContext({ javaScriptEnabled: false });
		const page = await context.newPage();
		const pdfs: Record<string, Uint8Array> = {};
		for (const [path, html] of Object.entries(reports)) {
			// Self-contained HTML (inline SVG and styles): nothing to fetch.
			await page.setContent(html, { waitUntil: 'load' });
			pdfs[path.replace(/index\.html$/, 'report.pdf')] = await page.pdf({
				format: 'A4',
				preferCSSPageSize: true,
				printBackground: true,
				outline: true,
				tagged: true
			});
		}
		return { pdfs, outcome: { made: true } };
	} finally {
		await browser.close();
	}
}
