// Three instances of the built server on one real PostgreSQL (a throwaway cluster), as behind a load
// balancer: submissions spread over them with one killed half-way, a planner's session and an
// attacker's failed sign-ins across them, and the same dashboard figures on each.
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeAnswers } from '../../../../bench/kit/answers';
import { startServer, tempDir, type RunningServer } from '../../../../bench/kit/server';
import { clientFor, failureOf, signIn } from '../../../../bench/kit/trpc';
import { createAccounts, PASSWORD } from '../../../helpers/accounts';
import { startPostgres, type PostgresCluster } from '../../../../bench/kit/postgres';

const dir = tempDir();
let cluster: PostgresCluster;
let url: string;
let servers: RunningServer[] = [];

const start = (i: number, env: Record<string, string> = {}) =>
	startServer({
		databasePath: join(dir.path, `unused-${i}.duckdb`),
		env: {
			DATABASE_URL: url,
			SETTINGS_DIR: join(dir.path, `settings-${i}`),
			PIPELINE_OUT: join(dir.path, 'reports'),
			RATE_SUBMIT_PER_MINUTE: '100000',
			LOGIN_ATTEMPTS: '3',
			DASHBOARD_SNAPSHOT_SECONDS: '3600',
			...env
		}
	});

beforeAll(async () => {
	cluster = await startPostgres();
	url = await cluster.createDatabase();
	await createAccounts(url);
	// Started together: the migrations run once under an advisory lock.
	servers = await Promise.all([0, 1, 2].map((i) => start(i)));
}, 120_000);
afterAll(async () => {
	await Promise.all(servers.map((s) => s.stop()));
	await cluster?.stop();
	dir.remove();
});

async function countsById(): Promise<Map<string, number>> {
	const client = new pg.Client({ connectionString: url });
	await client.connect();
	try {
		const { rows } = await client.query('SELECT submission_id::text AS id, count(*)::int AS n FROM responses GROUP BY 1');
		return new Map(rows.map((r) => [r.id as string, r.n as number]));
	} finally {
		await client.end();
	}
}

/** Keeps a killed instance's port taken by a listener that drops every connection, as a dead host's
 *  port would: the suite runs other files' servers meanwhile, and one of them could otherwise be given
 *  the freed port and answer in the dead instance's place. */
async function holdPort(server: RunningServer): Promise<Server> {
	if (server.process.exitCode === null && server.process.signalCode === null) await once(server.process, 'exit');
	const holder = createServer((socket) => socket.destroy());
	await new Promise<void>((ok, fail) => holder.once('error', fail).listen(server.port, '127.0.0.1', ok));
	return holder;
}

const post = (server: RunningServer, id: string, seed: number) =>
	fetch(`${server.url}/api/trpc/survey.submit`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ submissionId: id, answers: completeAnswers(seed) })
	});

describe('three instances on one PostgreSQL', () => {
	it('stores every acknowledged submission exactly once, with one instance killed half-way and its requests retried on the others', async () => {
		const TOTAL = 1_000;
		const acknowledged = new Map<string, string>();
		let retried = 0;
		let killed = false;
		let holding: Promise<Server> | undefined;
		const jobs = Array.from({ length: TOTAL }, (_, i) => ({ id: randomUUID(), seed: i }));
		let next = 0;
		// 24 clients, each sending its submissions round the instances; an unanswered request is sent
		// again, with the same submission id, to the next instance that is still up.
		const client = async (c: number) => {
			while (next < jobs.length) {
				const job = jobs[next++];
				for (let attempt = 0; ; attempt++) {
					const server = servers[(job.seed + c + attempt) % 3];
					try {
						const response = await post(server, job.id, job.seed);
						expect(response.status).toBe(200);
						const body = (await response.json()) as { result: { data: { receipt: string } } };
						acknowledged.set(job.id, body.result.data.receipt);
						break;
					} catch (error) {
						if (attempt > 5) throw error;
						retried++;
					}
				}
				if (!killed && acknowledged.size >= TOTAL / 2) {
					killed = true;
					servers[0].process.kill('SIGKILL');
					holding = holdPort(servers[0]);
					holding.catch(() => undefined); // awaited, and so said, at the end
				}
			}
		};
		await Promise.all(Array.from({ length: 24 }, (_, c) => client(c)));
		expect(killed).toBe(true);
		expect(servers[0].process.signalCode).toBe('SIGKILL');
		expect(retried).toBeGreaterThan(0);
		expect(acknowledged.size).toBe(TOTAL);
		const stored = await countsById();
		for (const id of acknowledged.keys()) expect(stored.get(id), id).toBe(1);
		expect(stored.size).toBe(TOTAL);
		(await holding)?.close();
		servers[0] = await start(0);
	}, 300_000);

	it('stores the same submission sent to two instances at once only once, with one receipt', async () => {
		const id = randomUUID();
		const [a, b] = await Promise.all([post(servers[1], id, 7), post(servers[2], id, 7)]);
		const [ra, rb] = await Promise.all([a.json(), b.json()]);
		expect(ra.result.data.receipt).toBe(rb.result.data.receipt);
		expect((await countsById()).get(id)).toBe(1);
	});

	it('keeps a planner signed in on every instance, and signing out on one ends it on all', async () => {
		const { client, cookie } = await signIn(servers[0].url, 'national@example.org', PASSWORD);
		const on = (server: RunningServer) =>
			fetch(`${server.url}/api/trpc/auth.me`, { headers: { cookie } }).then(async (r) => (await r.json()).result.data);
		expect((await on(servers[1]))?.email).toBe('national@example.org');
		expect((await on(servers[2]))?.email).toBe('national@example.org');
		await client.auth.logout.mutate();
		expect(await on(servers[1])).toBeNull();
		expect(await on(servers[2])).toBeNull();
	});

	it('counts an attacker’s failed sign-ins on every instance', async () => {
		const attempt = (server: RunningServer) =>
			failureOf(clientFor(server.url).auth.login.mutate({ email: 'london@example.org', password: 'wrong guess' }));
		expect((await attempt(servers[0])).code).toBe('UNAUTHORIZED');
		expect((await attempt(servers[1])).code).toBe('UNAUTHORIZED');
		expect((await attempt(servers[2])).code).toBe('UNAUTHORIZED');
		// Three failures in all (LOGIN_ATTEMPTS=3), one on each instance: every instance now refuses.
		for (const server of servers) expect((await attempt(server)).code).toBe('TOO_MANY_REQUESTS');
	});

	it('counts one address’s requests on every instance against one limit', async () => {
		// RATE_RESUME_PER_MINUTE is 30 per address: 12 tries on each instance stay under it on any one
		// instance alone, but not across the three.
		const statuses: number[] = [];
		for (const server of servers) {
			for (let i = 0; i < 12; i++) {
				const response = await fetch(`${server.url}/api/trpc/survey.resume`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ resumeCode: 'ABCD-EFGH-JKLM-NPQR' })
				});
				statuses.push(response.status);
			}
			// Instances share their counts a few times a second.
			await new Promise((ok) => setTimeout(ok, 600));
		}
		expect(statuses.slice(0, 30).every((s) => s === 404)).toBe(true);
		expect(statuses.slice(30)).toContain(429);
	});

	it('runs a batch started on one instance once, its progress and result seen on the others', async () => {
		const admins = await Promise.all(servers.map(async (server) => (await signIn(server.url, 'admin@example.org', PASSWORD)).client));
		const started = await admins[1].runs.start.mutate();
		expect(started.status).toBe('running');
		// A second start on another instance while it runs starts nothing: it shows the one run.
		const before = (await admins[2].runs.list.query()).length;
		const second = await admins[2].runs.start.mutate();
		expect(second.startedAt).toBe(started.startedAt);
		let progress = await admins[0].runs.progress.query();
		for (let i = 0; i < 600 && progress.status === 'running'; i++) {
			await new Promise((ok) => setTimeout(ok, 100));
			progress = await admins[0].runs.progress.query();
		}
		expect(progress.status).toBe('succeeded');
		const runs = await admins[2].runs.list.query();
		expect(runs.map((r) => r.runId)).toContain(progress.runId);
		expect(runs).toHaveLength(before + 1);
	}, 120_000);

	it('answers every admin and planner page from PostgreSQL, an admin’s setting reaching every instance', async () => {
		const [a, b] = await Promise.all(
			servers.slice(0, 2).map(async (server) => (await signIn(server.url, 'admin@example.org', PASSWORD)).client)
		);
		await a.admin.waves.create.mutate({ id: '2027-28', label: '2027/28' });
		expect((await b.admin.waves.list.query()).map((w) => w.id)).toContain('2027-28');
		await a.admin.setThreshold.mutate({ threshold: 10 });
		// Settings reach the other instances within a second.
		await new Promise((ok) => setTimeout(ok, 1_100));
		expect((await b.admin.settings.query()).threshold).toBe(10);
		await a.admin.setThreshold.mutate({ threshold: 8 });
		const accounts = await b.admin.accounts.list.query();
		const london = accounts.find((x) => x.email === 'london@example.org')!;
		expect(london.signInWaitSeconds).toBeGreaterThan(0);
		await a.admin.accounts.liftSignInWait.mutate({ id: london.id });
		expect((await b.admin.accounts.get.query({ id: london.id })).signInWaitSeconds).toBe(0);
		expect((await b.admin.auditLog.query({ limit: 50 })).map((e) => e.action)).toContain('threshold_changed');
		expect((await b.admin.commentsPage.query({})).total).toBeGreaterThanOrEqual(0);
		expect(Array.isArray(await b.admin.comments.query({}))).toBe(true);
		const planner = (await signIn(servers[2].url, 'national@example.org', PASSWORD)).client;
		expect((await planner.reports.options.query()).waves.length).toBeGreaterThan(0);
		expect(await planner.reports.summary.query({})).toBeTruthy();
		expect(Array.isArray(await planner.runs.list.query())).toBe(true);
	}, 60_000);

	it('refuses to start an instance whose PIPELINE_OUT is not the folder the others publish to', async () => {
		const failure = await start(3, { PIPELINE_OUT: join(dir.path, 'reports-of-its-own') }).then(
			() => 'started',
			(error: Error) => error.message
		);
		expect(failure).toMatch(
			/Cannot start the survey server: PIPELINE_OUT \(.*reports-of-its-own\) is not the folder the other instances publish to/
		);
	});

	it('shows the same dashboard figures on every instance for the same snapshot', async () => {
		// Responses become part of a snapshot once settled (two seconds after they were stored).
		await new Promise((ok) => setTimeout(ok, 2_500));
		const figures = await Promise.all(
			servers.map(async (server) => {
				const { client } = await signIn(server.url, 'national@example.org', PASSWORD);
				return client.reports.dashboard.query({});
			})
		);
		expect(figures[0].respondents).not.toBeNull();
		expect(figures[1]).toEqual(figures[0]);
		expect(figures[2]).toEqual(figures[0]);
	});
});
