// Issue 18, "one spelling of a wave everywhere": the text people read on every page of the service
// writes a wave as its label (2025/26), never as its id (2025-26); ids stay in addresses and files.
import { beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD } from '../helpers/accounts';
import { browserApp } from '../helpers/browser-app';
import { signIn } from '../../bench/kit/trpc';

// Two waves, so the change between them is drawn, and a published run for the runs pages.
const app = browserApp({
	responses: [
		{ n: 300, seed: 61, waveId: '2025-26' },
		{ n: 300, seed: 62, waveId: '2026-27', progress: 1 }
	],
	dirs: ['settings', 'reports']
});
let runId = '';

beforeAll(async () => {
	const admin = await signIn(app.server.url, 'admin@example.org', PASSWORD);
	await admin.client.runs.start.mutate();
	for (let i = 0; i < 240 && !runId; i++) {
		const progress = await admin.client.runs.progress.query();
		if (progress.status === 'failed') throw new Error(`the run failed: ${progress.error}`);
		if (progress.status === 'succeeded' && progress.runId) runId = progress.runId;
		else await new Promise((r) => setTimeout(r, 500));
	}
	if (!runId) throw new Error('the run did not finish');
}, 180_000);

/** The text a person reads on a page, signed in as `email` (or not at all). */
async function textOf(path: string, email?: string): Promise<string> {
	const page = email ? await app.signedInPage(email) : await app.sessionPage('none=1');
	await page.goto(`${app.server.url}${path}`);
	await page.waitForLoadState('networkidle');
	// The admin's field for a new wave's id says how an id is typed: the one place an id is the point.
	const text = await page.evaluate(() => {
		document.querySelector('#wave-id-hint')?.remove();
		return document.body.innerText;
	});
	await page.context().close();
	return text;
}

describe('one spelling of a wave', () => {
	it('writes waves as 2025/26 on every page people read, never 2025-26', async () => {
		const pages: Array<[string, string | undefined]> = [
			['/', undefined],
			['/reports', 'national@example.org'],
			['/reports?wave=2025-26', 'national@example.org'],
			['/reports', 'london@example.org'],
			['/runs', 'national@example.org'],
			[`/runs/${runId}`, 'national@example.org'],
			['/admin', 'admin@example.org'],
			['/admin/comments', 'admin@example.org'],
			['/admin/measures', 'admin@example.org'],
			['/admin/audit', 'admin@example.org']
		];
		let labels = 0;
		for (const [path, email] of pages) {
			const text = await textOf(path, email);
			const found = /.{0,80}\b20\d\d-\d\d\b.{0,40}/.exec(text)?.[0];
			expect(found, `${path} as ${email ?? 'a respondent'}`).toBeUndefined();
			if (/\b20\d\d\/\d\d\b/.test(text)) labels++;
		}
		// Most pages name a wave at all: the check is not passing on pages without one.
		expect(labels).toBeGreaterThanOrEqual(6);
	}, 180_000);
});
