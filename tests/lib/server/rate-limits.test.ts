// Rate limits over real HTTP: 429 with Retry-After and a message, configurable, per procedure.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeAnswers } from '../../../bench/kit/answers';
import { startServer, tempDir, type RunningServer } from '../../../bench/kit/server';

const dir = tempDir();
let server: RunningServer;

beforeAll(async () => {
	server = await startServer({
		databasePath: join(dir.path, 'survey.duckdb'),
		env: { RATE_SUBMIT_PER_MINUTE: '3', RATE_SAVE_DRAFT_PER_MINUTE: '4', RATE_RESUME_PER_MINUTE: '2', RATE_LOGIN_PER_MINUTE: '2' }
	});
});
afterAll(async () => {
	await server?.stop();
	dir.remove();
});

const call = (path: string, body: unknown) =>
	fetch(`${server.url}/api/trpc/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('rate limits', () => {
	const cases: Array<[string, number, () => unknown]> = [
		['survey.submit', 3, () => ({ submissionId: randomUUID(), answers: completeAnswers() })],
		['survey.saveDraft', 4, () => ({ answers: { sector: 'hospital' } })],
		['survey.resume', 2, () => ({ resumeCode: 'AAAA-BBBB-CCCC-DDDD' })],
		['auth.login', 2, () => ({ email: 'someone@example.org', password: 'not it' })]
	];
	for (const [path, limit, body] of cases) {
		it(`${path}: ${limit} a minute from one address, then 429 with Retry-After`, async () => {
			for (let i = 0; i < limit; i++) expect((await call(path, body())).status, `call ${i + 1}`).not.toBe(429);
			const refused = await call(path, body());
			expect(refused.status).toBe(429);
			const wait = Number(refused.headers.get('retry-after'));
			expect(wait).toBeGreaterThan(0);
			expect(wait).toBeLessThanOrEqual(60);
			const error = (await refused.json()).error;
			expect(error.data.code).toBe('TOO_MANY_REQUESTS');
			expect(error.message).toBe(
				`Too many requests from your network just now. Please wait ${wait} seconds and try again: nothing has been lost.`
			);
		});
	}

	it('leaves unlimited procedures alone', async () => {
		for (let i = 0; i < 10; i++) expect((await fetch(`${server.url}/api/trpc/survey.wave`)).status).toBe(200);
	});
});
