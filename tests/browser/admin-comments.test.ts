// Issue 18, "comments list oldest first with no dates": the admin's free-text answers read newest
// first, each with its wave and the day it was sent, in real Chromium against the built server.
import { describe, expect, it } from 'vitest';
import { browserApp } from '../helpers/browser-app';

/** The day the newest comment was sent, as the database has it. */
let newestDay: string;

const app = browserApp({
	// Two waves, each spread over three months, a few with comments.
	responses: [
		{ n: 800, seed: 31, waveId: '2025-26' },
		{ n: 800, seed: 32, waveId: '2026-27' }
	],
	async prepare(db) {
		const [newest] = await db.query(
			`SELECT strftime(timezone('Europe/London', max(submitted_at)), '%Y-%m-%d') AS day FROM responses WHERE comments IS NOT NULL`
		);
		newestDay = String(newest.day);
	},
	dirs: ['settings', 'reports']
});

describe('admin comments', () => {
	it('list newest first, with the wave and the date', async () => {
		const page = await app.signedInPage('admin@example.org');
		await page.goto(`${app.server.url}/admin/comments`);
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
