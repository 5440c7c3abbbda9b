// Issue 18, "comments list oldest first with no dates": the admin's free-text answers read newest
// first, each with its wave and the day it was sent, in real Chromium against the built server.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { Database } from '../../src/lib/server/db/database';
import { instrument } from '../../src/lib/instrument/survey';
import { generateResponses } from '../../pipelines/synthetic';
import { createAccounts, PASSWORD } from '../helpers/accounts';
import { launchChromium, newPage } from '../helpers/browser';
import { startServer, tempDir, type RunningServer } from '../helpers/server';
import { signIn } from '../helpers/trpc';

const dir = tempDir();
const databasePath = join(dir.path, 'survey.duckdb');
let server: RunningServer;
let browser: Browser;
/** The day the newest comment was sent, as the database has it. */
let newestDay: string;

beforeAll(async () => {
	await createAccounts(databasePath);
	const db = await Database.open(databasePath, instrument);
	// Two waves, each spread over three months, a few with comments.
	await db.write(async (c) => {
		await generateResponses(c, { n: 800, seed: 31, waveId: '2025-26' });
		await generateResponses(c, { n: 800, seed: 32, waveId: '2026-27' });
	});
	const [newest] = await db.query(`SELECT strftime(timezone('Europe/London', max(submitted_at)), '%Y-%m-%d') AS day FROM responses WHERE comments IS NOT NULL`);
	newestDay = String(newest.day);
	await db.close();
	server = await startServer({ databasePath, env: { SETTINGS_DIR: join(dir.path, 'settings'), PIPELINE_OUT: join(dir.path, 'reports') } });
	browser = await launchChromium();
});
afterAll(async () => {
	await browser?.close();
	await server?.stop();
	dir.remove();
});

describe('admin comments', () => {
	it('list newest first, with the wave and the date', async () => {
		const page = await newPage(browser);
		const [name, value] = (await signIn(server.url, 'admin@example.org', PASSWORD)).cookie.split('=');
		await page.context().addCookies([{ name, value, url: server.url }]);
		await page.goto(`${server.url}/admin/comments`);
		const table = page.getByTestId('comments');
		expect(await table.locator('th').allTextContents()).toEqual(['Sent', 'Wave', 'Comment']);
		const days = await table.locator('tbody time').evaluateAll((times) => times.map((t) => t.getAttribute('datetime')!));
		expect(days.length).toBe(25);
		expect(days[0]).toBe(newestDay);
		expect(days).toEqual([...days].sort().reverse());
		// The date in words, and the wave as people write it.
		const [sent, wave] = await table.locator('tbody tr').first().locator('td').allTextContents();
		expect(sent).toBe(new Date(`${newestDay}T12:00:00Z`).toLocaleDateString('en-GB', { dateStyle: 'long', timeZone: 'UTC' }));
		expect(sent).toMatch(/^\d{1,2} [A-Z][a-z]+ 20\d\d$/);
		expect(wave).toBe('2026/27');
		await page.context().close();
	});
});
