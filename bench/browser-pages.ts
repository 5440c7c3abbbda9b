// What a page costs Chromium: the start page loaded (until the network is idle) in a new context each
// time, as most browser tests open one, against the same page loaded again and again in one kept page.
// The figure is the whole machine's busy CPU (/proc/stat), so run it with nothing else running.
// Usage: npm run bench:browser-pages [-- --pages 10]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { launchChromium } from './kit/browser';
import { startServer, tempDir } from './kit/server';

const { values } = parseArgs({ options: { pages: { type: 'string', default: '10' } } });
const pages = Number(values.pages);
if (!Number.isInteger(pages) || pages < 1) {
	console.error(`--pages must be a whole number of at least 1, not "${values.pages}"`);
	process.exit(1);
}

/** Busy CPU seconds of the whole machine so far (every core, all but idle and I/O wait). */
function busySeconds(): number {
	const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
	const ticks = fields.slice(0, 8).map(Number);
	return (ticks.reduce((a, b) => a + b, 0) - ticks[3] - ticks[4]) / 100;
}

async function measure(name: string, load: () => Promise<void>) {
	await load(); // warm: the server's first render and Chromium's first renderer
	const cpu = busySeconds();
	const start = performance.now();
	for (let i = 0; i < pages; i++) await load();
	const perPage = (busySeconds() - cpu) / pages;
	console.log(`${name}: ${perPage.toFixed(2)} CPU s and ${((performance.now() - start) / pages / 1000).toFixed(2)} s wall per page`);
	return perPage;
}

const dir = tempDir();
const server = await startServer({ databasePath: join(dir.path, 'survey.duckdb') });
const browser = await launchChromium();
try {
	const fresh = await measure('a new context for each page', async () => {
		const context = await browser.newContext();
		await (await context.newPage()).goto(server.url, { waitUntil: 'networkidle' });
		await context.close();
	});
	const kept = await (await browser.newContext()).newPage();
	const again = await measure('one kept page', async () => {
		await kept.goto(server.url, { waitUntil: 'networkidle' });
	});
	console.log(`a new context costs ${(fresh - again).toFixed(2)} CPU s more per page (${pages} pages each)`);
} finally {
	await browser.close();
	await server.stop();
	dir.remove();
}
