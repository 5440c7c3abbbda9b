// The survey procedures over real HTTP, against the built server and a real DuckDB file.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../../../../src/lib/server/db/database';
import { setWaveStatus } from '../../../../../src/lib/server/db/waves';
import { instrument } from '../../../../../src/lib/instrument/survey';
import { completeAnswers } from '../../../../../bench/kit/answers';
import { query } from '../../../../../bench/kit/db';
import { startServer, tempDir, type RunningServer } from '../../../../../bench/kit/server';
import { clientFor, failureOf } from '../../../../../bench/kit/trpc';

const dir = tempDir();
const databasePath = join(dir.path, 'survey.duckdb');
let server: RunningServer;
let client: ReturnType<typeof clientFor>;

beforeAll(async () => {
	server = await startServer({ databasePath });
	client = clientFor(server.url);
});
afterAll(async () => {
	await server?.stop();
	dir.remove();
});

const post = (path: string, body: string) =>
	fetch(`${server.url}/api/trpc/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

describe('survey.instrument', () => {
	it('serves the instrument as JSON in the agreed shape', async () => {
		const served = await client.survey.instrument.query();
		expect(served.id).toBe(instrument.id);
		expect(served.version).toBe(instrument.version);
		const region = served.sections.flatMap((s) => s.questions).find((q) => q.id === 'region')!;
		expect(region).toMatchObject({ type: 'single', required: true });
		expect(region.options![0]).toEqual({ code: 'E40000003', label: 'London' });
		const rating = served.sections.flatMap((s) => s.questions).find((q) => q.id === 'conf_fh')!;
		expect(rating).toMatchObject({ type: 'scale', min: 1, max: 5, competency: 'fh', rating: 'confidence' });
	});

	it('reports the open wave created on first start', async () => {
		expect(await client.survey.wave.query()).toMatchObject({ status: 'open' });
	});
});

describe('survey.submit', () => {
	it('stores a response and returns a receipt; the same id and answers return the same receipt', async () => {
		const submissionId = randomUUID();
		const answers = completeAnswers(1, { comments: '<script>alert("x")</script> =SUM(A1:A9) @cmd' });
		const first = await client.survey.submit.mutate({ submissionId, answers });
		expect(first.receipt).toMatch(/^PGW-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
		expect(first.submissionId).toBe(submissionId);
		const again = await client.survey.submit.mutate({
			submissionId,
			answers: { ...answers, specialties: [...(answers.specialties as string[])].reverse() }
		});
		expect(again).toEqual(first);
	});

	it('answers the same id with different answers with a conflict', async () => {
		const submissionId = randomUUID();
		await client.survey.submit.mutate({ submissionId, answers: completeAnswers(2) });
		const failure = await failureOf(client.survey.submit.mutate({ submissionId, answers: completeAnswers(3) }));
		expect(failure).toMatchObject({ code: 'CONFLICT', status: 409 });
		expect(failure.message).toMatch(/already used for different answers/);
	});

	it('stores 50 concurrent submissions once each, and their retries not at all', async () => {
		const ids = Array.from({ length: 50 }, () => randomUUID());
		const receipts = await Promise.all(
			ids.map((id, i) => client.survey.submit.mutate({ submissionId: id, answers: completeAnswers(100 + i) }))
		);
		const retries = await Promise.all(
			ids.map((id, i) => client.survey.submit.mutate({ submissionId: id, answers: completeAnswers(100 + i) }))
		);
		expect(retries).toEqual(receipts);
		expect(new Set(receipts.map((r) => r.receipt)).size).toBe(50);
	});
});

describe('bad input', () => {
	const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
		['a wrong type', { staff_group: 3 }, 'staff_group', /must be one of its options/],
		['an unknown option code', { sector: 'lunar' }, 'sector', /"lunar" is not one of the answers/],
		['a scale value out of range', { imp_fh: 0 }, 'imp_fh', /Select a rating from 1 to 5/],
		['a missing required answer', { region: undefined }, 'region', /^Select the NHS England region you mainly work in$/],
		[
			'an answer skip logic hides',
			{ prescriber: 'no', prescribing_genomic_change: 'yes' },
			'prescribing_genomic_change',
			/^Remove your answer/
		],
		['an unknown key', { favourite_colour: 'blue' }, 'favourite_colour', /is not a question in this survey/],
		['text over its limit', { comments: 'x'.repeat(2001) }, 'comments', /2000 characters or fewer/]
	];
	for (const [name, change, field, message] of cases) {
		it(`refuses ${name} with a message for the field`, async () => {
			const answers = { ...completeAnswers(7), ...change };
			const failure = await failureOf(client.survey.submit.mutate({ submissionId: randomUUID(), answers: answers as never }));
			expect(failure).toMatchObject({ code: 'BAD_REQUEST', status: 400 });
			expect(failure.message).toBe('Some answers need correcting before they can be saved.');
			expect(failure.fieldErrors[field]?.[0]).toMatch(message);
		});
	}

	it('refuses a submission id that is not a UUID', async () => {
		const failure = await failureOf(client.survey.submit.mutate({ submissionId: 'my-name-is-alice', answers: completeAnswers() }));
		expect(failure.fieldErrors.submissionId).toEqual(['submissionId must be a UUID made by the form']);
	});

	it('refuses a payload over the body limit with PAYLOAD_TOO_LARGE', async () => {
		const response = await post(
			'survey.submit',
			JSON.stringify({ submissionId: randomUUID(), answers: { ...completeAnswers(), comments: 'y'.repeat(200_000) } })
		);
		expect(response.status).toBe(413);
		const body = await response.json();
		expect(body.error.data.code).toBe('PAYLOAD_TOO_LARGE');
		expect(body.error.message).toMatch(/larger than the 64 KB the survey accepts/);
	});

	it('refuses a body that is not JSON without a server error', async () => {
		const response = await post('survey.submit', '{"submissionId": ');
		expect(response.status).toBe(400);
		expect((await response.json()).error.message).toBe('The request could not be read: it was not valid JSON.');
	});

	it('refuses bad drafts and malformed resume codes in words', async () => {
		const draft = await failureOf(client.survey.saveDraft.mutate({ answers: { region: 'Narnia' } as never }));
		expect(draft.fieldErrors.region[0]).toMatch(/"Narnia" is not one of the answers/);
		const resume = await failureOf(client.survey.resume.mutate({ resumeCode: '' }));
		expect(resume.fieldErrors.resumeCode).toEqual(['Enter your resume code']);
	});
});

describe('drafts', () => {
	it('saves a draft, shows its resume code once, updates it and restores it', async () => {
		const first = await client.survey.saveDraft.mutate({ answers: { staff_group: 'pharmacy_technician' } });
		expect(first.resumeCode).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
		const second = await client.survey.saveDraft.mutate({
			answers: { staff_group: 'pharmacy_technician', sector: 'community' },
			resumeCode: first.resumeCode
		});
		expect(second.resumeCode).toBeUndefined();
		const restored = await client.survey.resume.mutate({ resumeCode: first.resumeCode!.toLowerCase().replaceAll('-', ' ') });
		expect(restored.answers).toEqual({ staff_group: 'pharmacy_technician', sector: 'community' });
	});

	it('answers an unknown resume code with NOT_FOUND and a way forward', async () => {
		const failure = await failureOf(client.survey.resume.mutate({ resumeCode: 'ZZZZ-ZZZZ-ZZZZ-ZZZZ' }));
		expect(failure).toMatchObject({ code: 'NOT_FOUND', status: 404 });
		expect(failure.message).toMatch(/could not find saved answers for that code/);
	});

	it('deletes the draft once its answers are submitted', async () => {
		const { resumeCode } = await client.survey.saveDraft.mutate({ answers: { staff_group: 'pharmacist' } });
		await client.survey.submit.mutate({ submissionId: randomUUID(), answers: completeAnswers(9), resumeCode });
		expect((await failureOf(client.survey.resume.mutate({ resumeCode: resumeCode! }))).code).toBe('NOT_FOUND');
	});
});

describe('what is stored', () => {
	it('holds each acknowledged submission once, anonymously, with raw and typed answers; bad input stored nothing', async () => {
		await server.stop();
		const rows = await query(databasePath, `SELECT count(*)::INTEGER AS n, count(DISTINCT submission_id)::INTEGER AS ids FROM responses`);
		// 1 + 1 (the first of the conflicting pair) + 50 concurrent + 1 submitted from a draft.
		expect(rows[0]).toEqual({ n: 53, ids: 53 });
		const columns = (await query(databasePath, `SELECT column_name FROM information_schema.columns WHERE table_name = 'responses'`)).map(
			(r) => String(r.column_name)
		);
		for (const personal of ['name', 'email', 'ip', 'ip_address', 'user_agent']) expect(columns).not.toContain(personal);
		const hostile = await query(
			databasePath,
			`SELECT comments, answers->>'$.comments' AS raw, specialties, imp_fh FROM responses WHERE comments LIKE '<script>%'`
		);
		expect(hostile).toEqual([
			{
				comments: '<script>alert("x")</script> =SUM(A1:A9) @cmd',
				raw: '<script>alert("x")</script> =SUM(A1:A9) @cmd',
				specialties: ['oncology_haematology', 'cardiology_lipids'],
				imp_fh: expect.any(Number)
			}
		]);
		const drafts = await query(databasePath, `SELECT count(*)::INTEGER AS n FROM drafts`);
		expect(drafts[0].n).toBe(1);
		const codes = await query(databasePath, `SELECT code_hash FROM drafts`);
		expect(String(codes[0].code_hash)).toMatch(/^[0-9a-f]{64}$/);
	});
});

describe('waves and expiry', () => {
	it('refuses a submission when no wave is open, in words, and expires drafts after the configured time', async () => {
		const other = tempDir();
		const path = join(other.path, 'closed.duckdb');
		const db = await Database.open(path, instrument);
		await db.write((c) => c.run(`INSERT INTO waves (id, label, status) VALUES ('2025-26', '2025/26', 'closed')`));
		await db.close();
		const closed = await startServer({ databasePath: path, env: { DRAFT_TTL_SECONDS: '1' } });
		try {
			const c = clientFor(closed.url);
			const failure = await failureOf(c.survey.submit.mutate({ submissionId: randomUUID(), answers: completeAnswers() }));
			expect(failure).toMatchObject({ code: 'PRECONDITION_FAILED', status: 412 });
			expect(failure.message).toMatch(/survey is closed at the moment/);
			const { resumeCode } = await c.survey.saveDraft.mutate({ answers: { sector: 'hospital' } });
			await new Promise((r) => setTimeout(r, 1500));
			expect((await failureOf(c.survey.resume.mutate({ resumeCode: resumeCode! }))).code).toBe('NOT_FOUND');
		} finally {
			await closed.stop();
		}
		expect((await query(path, 'SELECT count(*)::INTEGER AS n FROM responses'))[0].n).toBe(0);
		// The expired draft stays unreadable and is purged on the next start.
		const db2 = await Database.open(path, instrument);
		await setWaveStatus(db2, '2025-26', 'open');
		await db2.close();
		other.remove();
	});
});
