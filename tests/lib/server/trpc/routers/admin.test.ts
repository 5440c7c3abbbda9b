// Admin procedures for every role over real HTTP: allowed for admins, 401 without a session, 403 for planners.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeAnswers } from '../../../../../bench/kit/answers';
import { ACCOUNTS, createAccounts, PASSWORD } from '../../../../helpers/accounts';
import { startServer, tempDir, type RunningServer } from '../../../../../bench/kit/server';
import { clientFor, failureOf, signIn } from '../../../../../bench/kit/trpc';

const dir = tempDir();
const databasePath = join(dir.path, 'survey.duckdb');
let server: RunningServer;
let admin: Awaited<ReturnType<typeof signIn>>['client'];

beforeAll(async () => {
	await createAccounts(databasePath);
	// Every role signs in for every procedure from one loopback address: lift the per-address sign-in limit.
	server = await startServer({
		databasePath,
		env: { SETTINGS_DIR: join(dir.path, 'settings'), PIPELINE_OUT: join(dir.path, 'reports'), RATE_LOGIN_PER_MINUTE: '10000' }
	});
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
	'admin.comments': (c) => c.admin.comments.query({}),
	'admin.commentsPage': (c) => c.admin.commentsPage.query({ page: 1 }),
	'admin.settings': (c) => c.admin.settings.query(),
	'admin.setThreshold': (c) => c.admin.setThreshold.mutate({ threshold: 10 }),
	'admin.updateMeasure': (c) => c.admin.updateMeasure.mutate({ id: 'x', targets: {}, amberWithin: 1 }),
	'admin.addMeasure': (c) => c.admin.addMeasure.mutate({ ...newMeasure, id: 'never_added' }),
	'admin.uploadWorkforce': (c) => c.admin.uploadWorkforce.mutate({ csv: 'region_code,staff_group,workforce\nE40000003,pharmacist,10' }),
	'runs.start': (c) => c.runs.start.mutate(),
	'runs.progress': (c) => c.runs.progress.query()
};

const newMeasure = {
	id: 'mentor_access_share',
	aim: 2 as const,
	alignment: 'Project definition aligned to aim 2',
	name: 'Staff with access to a genomics mentor',
	definition: 'Share of respondents who have access to a genomics mentor',
	unit: '%',
	direction: 'higher' as const,
	targets: { '2026-27': 30 },
	amberWithin: 5,
	kind: 'share' as const,
	question: 'mentor_access',
	codes: ['yes']
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
		expect((await failureOf(survey.survey.submit.mutate({ submissionId: randomUUID(), answers: completeAnswers() }))).code).toBe(
			'PRECONDITION_FAILED'
		);
		await admin.admin.waves.open.mutate({ id: '2027-28' });
	});

	it('refuses bad wave input in words and changes nothing', async () => {
		const before = await admin.admin.waves.list.query();
		expect((await failureOf(admin.admin.waves.create.mutate({ id: 'next year', label: 'x' }))).fieldErrors.id).toEqual([
			'A wave id is a financial year such as 2027-28'
		]);
		expect(await failureOf(admin.admin.waves.create.mutate({ id: '2027-28', label: 'again' }))).toMatchObject({
			code: 'CONFLICT',
			message: 'A wave called 2027-28 already exists'
		});
		expect(await failureOf(admin.admin.waves.open.mutate({ id: '2099-00' }))).toMatchObject({
			code: 'NOT_FOUND',
			message: 'There is no wave called 2099-00'
		});
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

describe('settings', () => {
	it('sets the disclosure threshold, refusing values outside 3 to 100 in words', async () => {
		expect((await admin.admin.settings.query()).threshold).toBe(8);
		expect(await admin.admin.setThreshold.mutate({ threshold: 10 })).toEqual({ threshold: 10 });
		expect((await failureOf(admin.admin.setThreshold.mutate({ threshold: 2 }))).fieldErrors.threshold).toEqual([
			'The threshold must be at least 3'
		]);
		expect((await admin.admin.settings.query()).threshold).toBe(10);
		expect((await failureOf(admin.admin.setThreshold.mutate({ threshold: 101 }))).fieldErrors.threshold).toEqual([
			'The threshold must be 100 or less'
		]);
	});

	it('sets a threshold below the default of 8 only when the risk was shown and confirmed', async () => {
		const refusal = await failureOf(admin.admin.setThreshold.mutate({ threshold: 3 }));
		expect(refusal).toMatchObject({ code: 'PRECONDITION_FAILED', status: 412 });
		expect(refusal.message).toBe(
			"A threshold of 3 is below NHS Digital's 8: groups of 3 to 7 people become visible in the dashboard and the reports, which makes it harder to keep individuals anonymous (a small group's answers can point to one person). Confirm to set it anyway."
		);
		expect((await admin.admin.settings.query()).threshold).toBe(10);
		expect(await admin.admin.setThreshold.mutate({ threshold: 3, belowDefaultConfirmed: true })).toEqual({ threshold: 3 });
		expect(await admin.admin.setThreshold.mutate({ threshold: 10 })).toEqual({ threshold: 10 });
	});

	it('edits the targets and amber band, and adds a measure of a supported kind', async () => {
		const [first] = (await admin.admin.settings.query()).measures;
		const updated = await admin.admin.updateMeasure.mutate({ id: first.id, targets: { '2026-27': 42, '2027-28': 50 }, amberWithin: 3 });
		expect(updated).toMatchObject({ id: first.id, targets: { '2026-27': 42, '2027-28': 50 }, amberWithin: 3 });
		expect(await admin.admin.addMeasure.mutate(newMeasure)).toMatchObject({ id: newMeasure.id });
		const ids = (await admin.admin.settings.query()).measures.map((m) => m.id);
		expect(ids).toContain(newMeasure.id);
		expect(ids).toContain(first.id);
	});

	it('refuses bad measures in words and changes nothing', async () => {
		const before = await admin.admin.settings.query();
		expect(await failureOf(admin.admin.addMeasure.mutate(newMeasure))).toMatchObject({ code: 'CONFLICT' });
		const unknownCode = await failureOf(admin.admin.addMeasure.mutate({ ...newMeasure, id: 'bad_codes', codes: ['perhaps'] }));
		expect(unknownCode).toMatchObject({ code: 'BAD_REQUEST' });
		expect(unknownCode.message).toMatch(/perhaps not options of mentor_access/);
		expect(await failureOf(admin.admin.updateMeasure.mutate({ id: 'no_such_measure', targets: {}, amberWithin: 1 }))).toMatchObject({
			code: 'NOT_FOUND'
		});
		expect(
			(await failureOf(admin.admin.updateMeasure.mutate({ id: before.measures[0].id, targets: { '2026-27': -1 }, amberWithin: 1 }))).code
		).toBe('BAD_REQUEST');
		expect(await admin.admin.settings.query()).toEqual(before);
	});

	it('replaces workforce denominators from a good CSV and lists every bad row of a bad one, changing nothing', async () => {
		const good = 'region_code,staff_group,workforce\r\nE40000003,pharmacist,4200\r\nE40000003,pharmacy_technician,2100\r\n';
		expect(await admin.admin.uploadWorkforce.mutate({ csv: good })).toEqual({ rows: 2 });
		const bad = await failureOf(
			admin.admin.uploadWorkforce.mutate({
				csv: 'region_code,staff_group,workforce\nE40000099,pharmacist,10\nE40000003,wizard,-3\nE40000003,pharmacist\n'
			})
		);
		expect(bad.code).toBe('BAD_REQUEST');
		expect(bad.message).toMatch(
			/^The file was not used: 3 rows have problems\. Line 2: "E40000099" is not an NHS England region code\. Line 3: "wizard" is not a staff group code\. Line 3: The workforce "-3" must be a whole number of people, at least 1\. Line 4: Expected 3 values, found 2\.$/
		);
		expect((await failureOf(admin.admin.uploadWorkforce.mutate({ csv: 'a,b\n1,2' }))).message).toMatch(
			/Line 1: The first line must be the header/
		);
		const log = await admin.admin.auditLog.query();
		expect(log.filter((e) => e.action === 'workforce_uploaded')).toHaveLength(1);
	});
});

describe('runs', () => {
	it('lets an admin start a run in the server and follow it; planners list runs; nobody signed out sees them', async () => {
		expect(await failureOf(clientFor(server.url).runs.list.query())).toMatchObject({ code: 'UNAUTHORIZED' });
		await admin.runs.start.mutate();
		let progress = await admin.runs.progress.query();
		for (let i = 0; i < 600 && progress.status === 'running'; i++) {
			await new Promise((r) => setTimeout(r, 100));
			progress = await admin.runs.progress.query();
		}
		expect(progress).toMatchObject({ status: 'succeeded', trigger: 'admin' });
		const london = (await signIn(server.url, 'london@example.org', PASSWORD)).client;
		const runs = await london.runs.list.query();
		expect(runs[0]).toMatchObject({ runId: progress.runId, status: 'succeeded', trigger: 'admin', error: null });
	});

	it('serves the files of a run by role: regional planners get their own region only', async () => {
		const { runId } = await admin.runs.progress.query();
		const as = async (email: string, path: string) => {
			const { cookie } = await signIn(server.url, email, PASSWORD);
			return fetch(`${server.url}/runs/${runId}/${path}`, { headers: { cookie }, redirect: 'manual' });
		};
		const national = await as('national@example.org', 'national/index.html');
		expect(national.status).toBe(200);
		expect(national.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
		expect(national.headers.get('cache-control')).toBe('no-store');
		expect((await as('london@example.org', 'regions/E40000003/index.html')).status).toBe(200);
		expect((await as('london@example.org', 'national/index.html')).status).toBe(403);
		expect((await as('london@example.org', 'regions/E40000011/index.html')).status).toBe(403);
		expect((await as('london@example.org', 'tables/needs_by_competency_region.csv')).status).toBe(403);
		expect((await as('admin@example.org', '..%2F..%2Fsurvey.duckdb')).status).toBe(404);
		expect((await as('national@example.org', 'tables/needs_by_competency_region.parquet')).status).toBe(200);
		const exports = (await admin.admin.auditLog.query()).filter((e) => e.action === 'table_exported');
		expect(exports.map((e) => [e.actor, JSON.parse(String(e.detail)).file])).toContainEqual([
			'national@example.org',
			'tables/needs_by_competency_region.parquet'
		]);
		const anonymous = await fetch(`${server.url}/runs/${runId}/national/index.html`, { redirect: 'manual' });
		expect(anonymous.status).toBe(303);
		expect(anonymous.headers.get('location')).toMatch(/^\/login\?next=/);
	});
});
