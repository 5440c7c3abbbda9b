// Admin procedures for every role over real HTTP: allowed for admins, 401 without a session, 403 for planners.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeAnswers } from '../../../../helpers/answers';
import { ACCOUNTS, createAccounts, PASSWORD } from '../../../../helpers/accounts';
import { startServer, tempDir, type RunningServer } from '../../../../helpers/server';
import { clientFor, failureOf, signIn } from '../../../../helpers/trpc';

const dir = tempDir();
const databasePath = join(dir.path, 'survey.duckdb');
let server: RunningServer;
let admin: Awaited<ReturnType<typeof signIn>>['client'];

beforeAll(async () => {
	await createAccounts(databasePath);
	server = await startServer({ databasePath });
	admin = (await signIn(server.url, 'admin@example.org', PASSWORD)).client;
});
afterAll(async () => {
	await server?.stop();
	dir.remove();
});

type Client = ReturnType<typeof clientFor>;
const calls: Record<string, (c: Client) => Promise<unknown>> = {
	'admin.waves.list': (c) => c.admin.waves.list.query(),
	'admin.waves.create': (c) => c.admin.waves.create.mutate({ id: '2030-31', label: '2030/31' }),
	'admin.waves.open': (c) => c.admin.waves.open.mutate({ id: '2030-31' }),
	'admin.waves.close': (c) => c.admin.waves.close.mutate({ id: '2030-31' }),
	'admin.auditLog': (c) => c.admin.auditLog.query(),
	'admin.comments': (c) => c.admin.comments.query({})
};

describe('admin procedures', () => {
	for (const [name, call] of Object.entries(calls)) {
		it(`${name}: 401 without a session, 403 for national and regional planners`, async () => {
			expect(await failureOf(call(clientFor(server.url)))).toMatchObject({ code: 'UNAUTHORIZED', status: 401 });
			for (const account of ACCOUNTS.filter((a) => a.role !== 'admin')) {
				const { client } = await signIn(server.url, account.email, PASSWORD);
				expect(await failureOf(call(client)), account.email).toMatchObject({ code: 'FORBIDDEN', status: 403 });
			}
		});
	}

	it('creates, opens and closes waves, keeping exactly one open, and the survey follows', async () => {
		const [first] = await admin.admin.waves.list.query();
		expect(first.status).toBe('open');
		expect(await admin.admin.waves.create.mutate({ id: '2027-28', label: '2027/28' })).toMatchObject({ id: '2027-28', status: 'planned' });
		await admin.admin.waves.open.mutate({ id: '2027-28' });
		const waves = await admin.admin.waves.list.query();
		expect(waves.filter((w) => w.status === 'open').map((w) => w.id)).toEqual(['2027-28']);
		expect(waves.find((w) => w.id === first.id)!.status).toBe('closed');
		const survey = clientFor(server.url);
		expect((await survey.survey.submit.mutate({ submissionId: randomUUID(), answers: completeAnswers() })).wave.id).toBe('2027-28');

		await admin.admin.waves.close.mutate({ id: '2027-28' });
		expect(await survey.survey.wave.query()).toBeNull();
		expect((await failureOf(survey.survey.submit.mutate({ submissionId: randomUUID(), answers: completeAnswers() }))).code).toBe('PRECONDITION_FAILED');
		await admin.admin.waves.open.mutate({ id: '2027-28' });
	});

	it('refuses bad wave input in words and changes nothing', async () => {
		const before = await admin.admin.waves.list.query();
		expect((await failureOf(admin.admin.waves.create.mutate({ id: 'next year', label: 'x' }))).fieldErrors.id).toEqual(['A wave id is a financial year such as 2027-28']);
		expect(await failureOf(admin.admin.waves.create.mutate({ id: '2027-28', label: 'again' }))).toMatchObject({ code: 'CONFLICT', message: 'A wave called 2027-28 already exists' });
		expect(await failureOf(admin.admin.waves.open.mutate({ id: '2099-00' }))).toMatchObject({ code: 'NOT_FOUND', message: 'There is no wave called 2099-00' });
		expect(await admin.admin.waves.list.query()).toEqual(before);
	});

	it('lets admins read free-text answers verbatim, and audits every read and change', async () => {
		const hostile = '<script>alert(1)</script> =cmd|" /C calc"!A0';
		await clientFor(server.url).survey.submit.mutate({ submissionId: randomUUID(), answers: completeAnswers(3, { comments: hostile }) });
		expect((await admin.admin.comments.query({})).map((r) => r.comments)).toContain(hostile);
		const log = await admin.admin.auditLog.query();
		const actions = log.map((e) => e.action);
		for (const action of ['login', 'wave_created', 'wave_opened', 'wave_closed', 'comments_exported']) expect(actions).toContain(action);
	});
});
