// The survey's HTML forms over plain HTTP, as any client without JavaScript would post them: the built
// server, a real DuckDB file, no browser.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instrument } from '../../src/lib/instrument/survey';
import { completeAnswers } from '../../bench/kit/answers';
import { query } from '../../bench/kit/db';
import { FormClient, stepBody } from '../../bench/kit/form-client';
import { clientFor, failureOf } from '../../bench/kit/trpc';
import { startServer, tempDir, type RunningServer } from '../../bench/kit/server';

const dir = tempDir();
const databasePath = join(dir.path, 'survey.duckdb');
let server: RunningServer;
const receipts: string[] = [];

beforeAll(async () => {
	server = await startServer({ databasePath });
});
afterAll(async () => {
	await server?.stop();
	dir.remove();
});

const fieldNames = (html: string) => [...new Set([...html.matchAll(/<(?:input|textarea)[^>]*\bname="([^"]+)"/g)].map((m) => m[1]))];

describe('survey forms without JavaScript', () => {
	it('names every field after its question id, so any client can post a step', async () => {
		const client = new FormClient(server.url);
		for (const section of instrument.sections) {
			const { status, html } = await client.get(`/survey/${section.id}`);
			expect(status).toBe(200);
			expect(html).toMatch(/<form[^>]*method="post"/);
			expect(fieldNames(html), section.id).toEqual(section.questions.map((q) => q.id));
		}
	});

	it('keeps a survey step inside its page-weight budget: HTML and CSS under 150 KB, no script needed', async () => {
		const client = new FormClient(server.url);
		for (const section of instrument.sections) {
			const { html } = await client.get(`/survey/${section.id}`);
			const sheets = [...html.matchAll(/<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g)].map((m) => m[1]);
			expect(sheets.length).toBeGreaterThan(0);
			let bytes = Buffer.byteLength(html);
			for (const href of sheets) bytes += (await (await fetch(new URL(href, server.url))).arrayBuffer()).byteLength;
			expect(bytes, `${section.id}: ${bytes} bytes`).toBeLessThan(150 * 1024);
		}
	});

	it('completes the survey with form posts, and a second "Send my answers" stores nothing more', async () => {
		const client = new FormClient(server.url);
		const journey = await client.complete(completeAnswers(1));
		expect(journey.receipt).toMatch(/^PGW-/);
		expect(journey.statuses.filter((s) => s >= 400)).toEqual([]);
		expect(client.cookies.has('pgwn_draft')).toBe(false);
		receipts.push(journey.receipt!);

		// The confirmation's Back: the check page now says the answers were sent.
		const back = await client.get('/survey/check');
		expect(back.html).toContain('You have already sent your answers');
		// A browser with no draft gets no form to send; a post with an id never sent is told so.
		expect((await new FormClient(server.url).get('/survey/check')).html).not.toContain('name="submissionId"');
		const again = await client.post('/survey/check', new URLSearchParams({ submissionId: '00000000-0000-4000-8000-000000000000' }));
		expect(again.status).toBe(400);
		expect(again.html).toContain('There are no answers to send yet');
	});

	it('stores one response however often the final form is sent, in parallel or after the first', async () => {
		const client = new FormClient(server.url);
		const answers = completeAnswers(2);
		for (const section of instrument.sections)
			expect((await client.post(`/survey/${section.id}?/next`, stepBody(section, answers))).status).toBe(303);
		const { html } = await client.get('/survey/check');
		const submissionId = /name="submissionId" value="([^"]+)"/.exec(html)![1];
		const sends = await Promise.all([1, 2, 3].map(() => client.post('/survey/check', new URLSearchParams({ submissionId }))));
		expect(sends.map((s) => s.status)).toEqual([303, 303, 303]);
		const later = await client.post('/survey/check', new URLSearchParams({ submissionId }));
		expect(later.location).toBe('/survey/complete?again=1');
		const done = await client.get(later.location!);
		expect(done.html).toContain('You have already sent these answers');
		receipts.push(/data-testid="receipt"[^>]*>([^<]+)</.exec(done.html)![1]);
	});

	it("drops a hidden question's answer instead of refusing it, and explains bad answers in words", async () => {
		const client = new FormClient(server.url);
		const about = instrument.sections[0];
		const body = stepBody(about, completeAnswers(3, { prescriber: 'no' }));
		body.append('prescribing_genomic_change', 'yes');
		expect((await client.post(`/survey/${about.id}?/next`, body)).status).toBe(303);
		const check = await client.get('/survey/check');
		expect(check.html).toContain('Are you an independent prescriber?');
		expect(check.html).not.toContain('have you changed or stopped a prescription');

		const bad = stepBody(about, completeAnswers(3));
		bad.set('staff_group', 'astronaut');
		const refused = await client.post(`/survey/${about.id}?/next`, bad);
		expect(refused.status).toBe(400);
		expect(refused.html).toMatch(/<title>Error: About you and your role/);
		expect(refused.html).toMatch(
			/<a href="#staff_group-1">(&quot;|")astronaut(&quot;|") is not one of the answers to: What is your staff group\?<\/a>/
		);
		const importance = instrument.sections.find((s) => s.id === 'importance')!;
		const rating = await client.post(`/survey/${importance.id}?/next`, new URLSearchParams({ imp_fh: '9' }));
		expect(rating.html).toContain('Select a rating from 1 to 5');
		expect(rating.html).toContain('Select how important pharmacogenomics principles is to your role');
	});

	it('sends the learning list as a file, and keeps the security headers on survey pages', async () => {
		const client = new FormClient(server.url);
		const { receipt } = await client.complete(completeAnswers(4));
		receipts.push(receipt!);
		const file = await fetch(`${server.url}/survey/complete/learning-list.txt`, {
			headers: { cookie: `pgwn_sent=${client.cookies.get('pgwn_sent')}` }
		});
		expect(file.headers.get('content-disposition')).toMatch(/^attachment; filename="genomics-learning-list-PGW-/);
		expect(await file.text()).toContain(`receipt ${receipt}`);
		expect((await fetch(`${server.url}/survey/complete/learning-list.txt`)).status).toBe(404);

		const page = await fetch(`${server.url}/survey/about_you`);
		expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
		expect(page.headers.get('cache-control')).toBe('no-store');
		expect(page.headers.get('x-content-type-options')).toBe('nosniff');
		// A form posted from another site is refused (SvelteKit's origin check).
		const forged = await fetch(`${server.url}/survey/about_you?/next`, {
			method: 'POST',
			headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
			body: 'staff_group=pharmacist'
		});
		expect(forged.status).toBe(403);
	});

	it('stored exactly one response for each completed survey', async () => {
		await server.stop();
		const rows = await query(databasePath, 'SELECT receipt FROM responses ORDER BY submitted_at');
		expect(rows.map((r) => r.receipt)).toEqual(receipts);
		const drafts = await query(databasePath, 'SELECT count(*)::INT AS n FROM drafts');
		expect(drafts[0].n).toBe(1); // the one left unsent above
		server = await startServer({ databasePath });
	});
	it('answers a refused form with the status the API gives the same refusal (one table, refusalStatus)', async () => {
		const client = new FormClient(server.url);
		const answers = completeAnswers(5);
		for (const section of instrument.sections) await client.post(`/survey/${section.id}?/next`, stepBody(section, answers));
		const submissionId = /name="submissionId" value="([^"]+)"/.exec((await client.get('/survey/check')).html)![1];
		// Other answers already stored under the form's submission id: the API refuses them as a conflict.
		await clientFor(server.url).survey.submit.mutate({ submissionId, answers: completeAnswers(6) });
		const api = await failureOf(clientFor(server.url).survey.submit.mutate({ submissionId, answers }));
		expect([api.code, api.status]).toEqual(['CONFLICT', 409]);
		const form = await client.post('/survey/check', new URLSearchParams({ submissionId }));
		expect(form.status).toBe(409);
		expect(form.html).toContain(api.message);
	});
});
