// Property-based hostile input over real HTTP: at least 10,000 generated malformed inputs across
// every procedure the public can reach. Each gets a 4xx with a message (never a 5xx), nothing is
// stored, and the server stays up.
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instrument } from '../../../../../src/lib/instrument/survey';
import { saveDraftInput, submitInput } from '../../../../../src/lib/server/trpc/routers/survey';
import { questionsOf } from '../../../../../src/lib/instrument/questions';
import { completeAnswers } from '../../../../../bench/kit/answers';
import { query } from '../../../../../bench/kit/db';
import { startServer, tempDir, type RunningServer } from '../../../../../bench/kit/server';
import { createAccounts, PASSWORD } from '../../../../helpers/accounts';
import { signIn } from '../../../../../bench/kit/trpc';

const signInAs = (url: string) => signIn(url, 'national@example.org', PASSWORD);

const dir = tempDir();
const databasePath = join(dir.path, 'survey.duckdb');
let server: RunningServer;
const UNLIMITED = '100000000';

beforeAll(async () => {
	await createAccounts(databasePath);
	// One loopback address sends everything: lift the per-address limits so validation is what answers.
	server = await startServer({
		databasePath,
		env: {
			RATE_SUBMIT_PER_MINUTE: UNLIMITED,
			RATE_SAVE_DRAFT_PER_MINUTE: UNLIMITED,
			RATE_RESUME_PER_MINUTE: UNLIMITED,
			RATE_LOGIN_PER_MINUTE: UNLIMITED,
			RATE_QUERY_PER_MINUTE: UNLIMITED,
			LOGIN_ATTEMPTS: UNLIMITED
		}
	});
});
afterAll(async () => {
	await server?.stop();
	dir.remove();
});

const ids = questionsOf(instrument).map((q) => q.id);
const hostileKeys = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'];
const anyKey = fc.oneof(fc.constantFrom(...ids, ...hostileKeys), fc.string({ maxLength: 30 }));
const anyValue = fc.oneof(
	fc.jsonValue({ maxDepth: 3 }),
	fc.string({ maxLength: 200 }),
	fc.integer(),
	fc.double(),
	fc.constant(null),
	fc.array(fc.string({ maxLength: 20 }), { maxLength: 12 })
);

/** A complete, valid response with one to three answers broken or added. */
const brokenAnswers = fc
	.tuple(fc.nat(1000), fc.array(fc.tuple(anyKey, anyValue), { minLength: 1, maxLength: 3 }), fc.boolean())
	.map(([seed, changes, dropOne]) => {
		const answers: Record<string, unknown> = completeAnswers(seed);
		if (dropOne) delete answers[ids[seed % ids.length]];
		for (const [key, value] of changes)
			Object.defineProperty(answers, key, { value, enumerable: true, writable: true, configurable: true });
		return answers;
	});

/** Bodies per procedure; only those the procedure's own schema rejects are sent. */
const bodies: Record<string, { arbitrary: fc.Arbitrary<unknown>; valid: (body: unknown) => boolean }> = {
	'survey.submit': {
		arbitrary: fc.oneof(
			fc.record({ submissionId: fc.oneof(fc.uuid(), fc.string({ maxLength: 40 }), fc.integer()), answers: brokenAnswers }),
			fc.record({ submissionId: fc.uuid(), answers: fc.dictionary(anyKey, anyValue, { maxKeys: 8 }) }),
			fc.jsonValue({ maxDepth: 4 })
		),
		valid: (b) => submitInput.safeParse(b).success
	},
	'survey.saveDraft': {
		arbitrary: fc.oneof(
			fc.record({ answers: brokenAnswers }),
			fc.record({ answers: fc.dictionary(anyKey, anyValue, { minKeys: 1, maxKeys: 6 }), resumeCode: anyValue }),
			fc.jsonValue({ maxDepth: 4 })
		),
		valid: (b) => saveDraftInput.safeParse(b).success
	},
	'survey.resume': {
		arbitrary: fc.oneof(fc.record({ resumeCode: anyValue }), fc.dictionary(anyKey, anyValue), fc.jsonValue({ maxDepth: 3 })),
		// A well-formed code that matches no draft is refused too (NOT_FOUND), so every body is fair.
		valid: () => false
	},
	'auth.login': {
		arbitrary: fc.oneof(fc.record({ email: anyValue, password: anyValue }), fc.dictionary(anyKey, anyValue), fc.jsonValue({ maxDepth: 3 })),
		valid: () => false
	},
	'admin.waves.open': { arbitrary: fc.jsonValue({ maxDepth: 3 }), valid: () => false },
	'admin.setThreshold': { arbitrary: fc.jsonValue({ maxDepth: 3 }), valid: () => false },
	'runs.start': { arbitrary: fc.jsonValue({ maxDepth: 2 }), valid: () => false }
};

async function send(path: string, body: string) {
	const response = await fetch(`${server.url}/api/trpc/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
	const text = await response.text();
	return { status: response.status, text };
}

describe('hostile input to every public procedure', () => {
	const runs = 1500;
	for (const [path, { arbitrary, valid }] of Object.entries(bodies)) {
		it(`${path}: ${runs} malformed inputs each get a 4xx with a message`, async () => {
			await fc.assert(
				fc.asyncProperty(arbitrary, async (body) => {
					fc.pre(!valid(body));
					const { status, text } = await send(path, JSON.stringify(body) ?? 'null');
					expect(status, text).toBeGreaterThanOrEqual(400);
					expect(status, text).toBeLessThan(500);
					const message = JSON.parse(text).error?.message;
					expect(typeof message === 'string' && message.length > 0, text).toBe(true);
				}),
				{ numRuns: runs, seed: 20261124 }
			);
		});
	}

	it('every query, signed in as a planner or not: malformed input gets a 4xx with a message, never a 5xx', async () => {
		const { cookie } = await signInAs(server.url);
		const queries = [
			'survey.instrument',
			'survey.wave',
			'auth.me',
			'reports.summary',
			'reports.dashboard',
			'reports.options',
			'runs.list',
			'runs.progress',
			'admin.waves.list',
			'admin.auditLog',
			'admin.comments',
			'admin.commentsPage',
			'admin.settings'
		];
		await fc.assert(
			fc.asyncProperty(
				fc.constantFrom(...queries),
				fc.boolean(),
				fc.oneof(
					fc.jsonValue({ maxDepth: 3 }),
					fc.record({ wave: anyValue, region: anyValue, sector: anyValue, staffGroup: anyValue, specialty: anyValue }, { requiredKeys: [] })
				),
				async (path, signedIn, input) => {
					const response = await fetch(`${server.url}/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input) ?? 'null')}`, {
						headers: signedIn ? { cookie } : {}
					});
					const text = await response.text();
					expect(response.status, `${path} ${text}`).toBeLessThan(500);
					if (response.status >= 400) expect(JSON.parse(text).error.message.length, text).toBeGreaterThan(0);
				}
			),
			{ numRuns: 1500, seed: 11 }
		);
	});

	it('refuses bodies that are not JSON, and query inputs that are malformed, with a 4xx', async () => {
		await fc.assert(
			fc.asyncProperty(fc.string({ maxLength: 300 }), async (raw) => {
				fc.pre(
					(() => {
						try {
							JSON.parse(raw);
							return false;
						} catch {
							return true;
						}
					})()
				);
				const { status } = await send('survey.submit', raw);
				expect(status).toBeGreaterThanOrEqual(400);
				expect(status).toBeLessThan(500);
				const get = await fetch(`${server.url}/api/trpc/survey.wave?input=${encodeURIComponent(raw)}`);
				expect(get.status).toBeLessThan(500);
			}),
			{ numRuns: 500, seed: 7 }
		);
	});

	it('stored nothing and stayed up', async () => {
		expect((await fetch(`${server.url}/api/trpc/survey.wave`)).status).toBe(200);
		expect(server.process.exitCode).toBeNull();
		await server.stop();
		const [counts] = await query(
			databasePath,
			`SELECT (SELECT count(*) FROM responses)::INTEGER AS responses, (SELECT count(*) FROM drafts)::INTEGER AS drafts, (SELECT count(*) FROM sessions)::INTEGER AS sessions, (SELECT count(*) FROM waves)::INTEGER AS waves`
		);
		// The one session is the planner's, signed in above to fuzz signed-in queries.
		expect(counts).toEqual({ responses: 0, drafts: 0, sessions: 1, waves: 1 });
		server = await startServer({ databasePath });
	});
});
