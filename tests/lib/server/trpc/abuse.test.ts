// What one client may make the server do, over real HTTP against the built server: no request
// batching, public queries rate-limited, drafts bounded per address and in all (with words, and
// nothing already saved lost), and saving to a resume code no easier a probe than resuming it.
// The server trusts loopback as its proxy by default, so X-Forwarded-For names each test client.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeAnswers } from '../../../../bench/kit/answers';
import { createAccounts, PASSWORD } from '../../../helpers/accounts';
import { startServer, tempDir, type RunningServer } from '../../../../bench/kit/server';
import { signIn } from '../../../../bench/kit/trpc';

const dir = tempDir();
let server: RunningServer;

beforeAll(async () => {
	const databasePath = join(dir.path, 'survey.duckdb');
	await createAccounts(databasePath);
	server = await startServer({
		databasePath,
		env: { RATE_QUERY_PER_MINUTE: '20', RATE_RESUME_PER_MINUTE: '2', RATE_NEW_DRAFTS_PER_HOUR: '3', DRAFTS_MAX: '5' }
	});
});
afterAll(async () => {
	await server?.stop();
	dir.remove();
});

const post = (path: string, body: unknown, from: string) =>
	fetch(`${server.url}/api/trpc/${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
		body: JSON.stringify(body)
	});
const errorOf = async (response: Response) => (await response.json()).error as { message: string; data: { code: string } };

describe('request batching', () => {
	it('refuses a batched GET, however long, in words', async () => {
		for (const n of [2, 700]) {
			const paths = Array.from({ length: n }, () => 'survey.wave').join(',');
			// As the review sent it: procedures without input need no input parameter.
			const response = await fetch(`${server.url}/api/trpc/${paths}?batch=1`, { headers: { 'x-forwarded-for': '192.0.2.1' } });
			expect(response.status, `${n} calls`).toBe(400);
			const body = await response.json();
			const error = Array.isArray(body) ? body[0].error : body.error;
			expect(error.message).toBe('Send one call per request: this server does not accept batched calls.');
		}
	});

	it('refuses a batched POST and stores nothing from it', async () => {
		const { client } = await signIn(server.url, 'admin@example.org', PASSWORD);
		// Wave counts are published through disclosure control: 0 stays exactly 0, and 2 would show as suppressed.
		const before = await client.admin.waves.list.query();
		expect(before.every((w) => w.responses === 0)).toBe(true);
		const body = {
			0: { submissionId: randomUUID(), answers: completeAnswers(1) },
			1: { submissionId: randomUUID(), answers: completeAnswers(2) }
		};
		const response = await fetch(`${server.url}/api/trpc/survey.submit,survey.submit?batch=1`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body)
		});
		expect(response.status).toBe(400);
		expect(await client.admin.waves.list.query()).toEqual(before);
	});
});

describe('public queries', () => {
	it('rate-limits survey.wave, survey.instrument and auth.me per address', async () => {
		for (let i = 0; i < 20; i++) {
			const path = ['survey.wave', 'survey.instrument', 'auth.me'][i % 3];
			expect((await fetch(`${server.url}/api/trpc/${path}`, { headers: { 'x-forwarded-for': '192.0.2.2' } })).status, `call ${i + 1}`).toBe(
				200
			);
		}
		const refused = await fetch(`${server.url}/api/trpc/survey.wave`, { headers: { 'x-forwarded-for': '192.0.2.2' } });
		expect(refused.status).toBe(429);
		expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
		// Another address is not affected.
		expect((await fetch(`${server.url}/api/trpc/survey.wave`, { headers: { 'x-forwarded-for': '192.0.2.3' } })).status).toBe(200);
	});
});

describe('drafts', () => {
	// The tests below run in order and share the draft store (DRAFTS_MAX=5).
	const saved: Array<{ code: string; sector: string }> = [];

	it('counts a save to a code that matches nothing against the resume limit, so saving probes codes no faster', async () => {
		const from = '198.51.100.20';
		for (let i = 0; i < 2; i++) {
			const response = await post('survey.saveDraft', { answers: { sector: 'hospital' }, resumeCode: `AAAA-BBBB-CCCC-DDD${i}` }, from);
			expect(response.status).toBe(200);
			// A new draft with a new code, as before: the answers are kept.
			saved.push({ code: (await response.json()).result.data.resumeCode, sector: 'hospital' });
		}
		const probe = await post('survey.saveDraft', { answers: { sector: 'hospital' }, resumeCode: 'AAAA-BBBB-CCCC-DDD9' }, from);
		expect(probe.status).toBe(429);
		expect((await errorOf(probe)).message).toMatch(/^Too many requests from your network just now\. Please wait \d+ seconds/);
		// The same allowance as resuming: that is used up too.
		expect((await post('survey.resume', { resumeCode: 'AAAA-BBBB-CCCC-DDD9' }, from)).status).toBe(429);
		// Saving again to a code that exists is no probe, and still works.
		expect((await post('survey.saveDraft', { answers: { sector: 'community' }, resumeCode: saved[0].code }, from)).status).toBe(200);
		saved[0].sector = 'community';
	});

	it('bounds the new drafts one address may start, in words, keeping what it saved', async () => {
		const from = '198.51.100.21';
		for (let i = 0; i < 3; i++) {
			const response = await post('survey.saveDraft', { answers: { sector: 'hospital' } }, from);
			expect(response.status).toBe(200);
			saved.push({ code: (await response.json()).result.data.resumeCode, sector: 'hospital' });
		}
		const refused = await post('survey.saveDraft', { answers: { sector: 'hospital' } }, from);
		expect(refused.status).toBe(429);
		expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
		expect((await errorOf(refused)).message).toMatch(
			/^Too many new sets of saved answers have been started from your network in the last hour, so these answers were not saved\. They are still here: you can carry on and submit them, or save again in \d+ minutes\. Nothing saved before is lost\.$/
		);
		expect((await post('survey.saveDraft', { answers: { sector: 'academia' }, resumeCode: saved[2].code }, from)).status).toBe(200);
		saved[2].sector = 'academia';
	});

	it('bounds the drafts kept in all: a new one is refused in words, saved ones can still be saved and resumed', async () => {
		expect(saved).toHaveLength(5);
		const refused = await post('survey.saveDraft', { answers: { sector: 'hospital' } }, '198.51.100.22');
		expect(refused.status).toBe(503);
		const error = await errorOf(refused);
		expect(error.data.code).toBe('SERVICE_UNAVAILABLE');
		expect(error.message).toBe(
			'We cannot store any more saved answers just now. Nothing you saved before is lost, and your answers on this page are still here: you can carry on and submit them, or try saving again later.'
		);
		expect((await post('survey.saveDraft', { answers: { sector: 'community' }, resumeCode: saved[4].code }, '198.51.100.22')).status).toBe(
			200
		);
		saved[4].sector = 'community';
		for (const [i, draft] of saved.entries()) {
			const resumed = await post('survey.resume', { resumeCode: draft.code }, `198.51.100.${30 + i}`);
			expect(resumed.status).toBe(200);
			expect((await resumed.json()).result.data.answers).toEqual({ sector: draft.sector });
		}
		// Submitting frees a draft's place.
		const code = saved.pop()!.code;
		expect(
			(await post('survey.submit', { submissionId: randomUUID(), answers: completeAnswers(3), resumeCode: code }, '198.51.100.23')).status
		).toBe(200);
		expect((await post('survey.saveDraft', { answers: { sector: 'hospital' } }, '198.51.100.24')).status).toBe(200);
	});
});
