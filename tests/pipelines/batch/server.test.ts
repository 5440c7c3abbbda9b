// The pipeline and import while the built server (`node build`) holds the database and takes
// submissions over real HTTP: the CLI falls back to the server's snapshot and import endpoints (on a
// Unix socket of their own), and submissions keep being acknowledged throughout.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Database } from '../../../src/lib/server/db/database';
import { instrument } from '../../../src/lib/instrument/survey';
import { competencies } from '../../../pipelines/core/reference';
import { PIPELINE_ARGS, tempDir } from '../../../bench/kit/server';
import { http } from '../../helpers/http';

const run = promisify(execFile);
const batchCli = (args: string[], options: { env?: NodeJS.ProcessEnv } = {}) => run(process.execPath, [...PIPELINE_ARGS, ...args], options);

const freePort = () =>
	new Promise<number>((resolve) => {
		const s = createServer().listen(0, '127.0.0.1', () => {
			const { port } = s.address() as { port: number };
			s.close(() => resolve(port));
		});
	});

const answers = (i: number) => ({
	staff_group: i % 3 === 0 ? 'pharmacy_technician' : 'pharmacist',
	sector: i % 2 === 0 ? 'hospital' : 'community',
	specialties: ['general'],
	region: ['E40000003', 'E40000011', 'E40000012'][i % 3],
	alliance: 'not_sure',
	experience: '2to5',
	prescriber: 'no',
	aware_framework: 'aware',
	aware_resources: 'no',
	genomic_results_frequency: 'yearly',
	...Object.fromEntries(
		competencies.flatMap((c, k) => [
			[`imp_${c.code}`, ((i + k) % 5) + 1],
			[`conf_${c.code}`, ((i + 2 * k) % 5) + 1]
		])
	),
	training_done: ['none'],
	learning_formats: ['elearning'],
	barriers: ['time'],
	network_member: 'no',
	mentor_access: 'no',
	champion_willing: 'no'
});

let folder: ReturnType<typeof tempDir>;
let dir: string;
let dbPath: string;
let server: ChildProcess;
let base: string;

beforeAll(async () => {
	folder = tempDir();
	dir = folder.path;
	dbPath = join(dir, 'survey.duckdb');
	const port = await freePort();
	base = `http://127.0.0.1:${port}`;
	server = spawn('node', ['build'], {
		env: {
			...process.env,
			HOST: '127.0.0.1',
			PORT: String(port),
			DATABASE_PATH: dbPath,
			DEFAULT_WAVE_ID: '2026-27',
			DEFAULT_WAVE_LABEL: '2026/27'
		},
		stdio: 'ignore'
	});
	for (let i = 0; i < 200; i++) {
		const up = await fetch(`${base}/api/trpc/survey.wave`).then(
			(r) => r.ok,
			() => false
		);
		if (up && existsSync(`${dbPath}.internal.json`)) break;
		await new Promise((r) => setTimeout(r, 100));
	}
});

afterAll(async () => {
	if (server.exitCode === null) {
		const exited = new Promise((r) => server.once('exit', r));
		server.kill('SIGTERM');
		await exited;
	}
	folder?.remove();
});

const submit = (i: number) =>
	fetch(`${base}/api/trpc/survey.submit`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ submissionId: randomUUID(), answers: answers(i) })
	});

it('runs the pipeline and an import through the server while it takes submissions', async () => {
	expect(statSync(`${dbPath}.internal.json`).mode & 0o777).toBe(0o600);
	for (let i = 0; i < 30; i++) expect((await submit(i)).status).toBe(200);

	// Submissions keep arriving, one after another, for as long as the pipeline runs.
	let stop = false;
	let sent = 0;
	const statuses: number[] = [];
	const submitting = (async () => {
		while (!stop && sent < 400) statuses.push((await submit(100 + sent++)).status);
	})();
	const out = join(dir, 'reports');
	const cli = await batchCli(['--db', dbPath, '--out', out], {
		env: { ...process.env, PIPELINE_PDF: 'off' }
	}).finally(() => (stop = true));
	await submitting;
	expect(cli.stdout).toMatch(/running on a snapshot it provided/);
	expect(cli.stdout).toMatch(/Published run/);
	expect(statuses.length).toBeGreaterThan(0);
	expect(statuses.every((s) => s === 200)).toBe(true);
	const manifest = JSON.parse(readFileSync(join(out, 'latest', 'manifest.json'), 'utf8'));
	expect(manifest.wave.id).toBe('2026-27');
	expect(manifest.respondents).toBeGreaterThanOrEqual(30);

	// Import goes through the server too (the single writer), and stays idempotent.
	const header = Object.keys(answers(0));
	const line = (a: Record<string, unknown>) =>
		header.map((h) => (Array.isArray(a[h]) ? (a[h] as string[]).join(';') : String(a[h]))).join(',');
	const file = join(dir, 'import.csv');
	writeFileSync(file, `${header.join(',')}\n${line(answers(1))}\n${line({ ...answers(2), region: 'Atlantis' })}\n`);
	const imported = await batchCli(['import', '--file', file, '--db', dbPath]).catch((e) => e as { stdout: string; code: number });
	expect(imported.stdout).toMatch(/Line 3: not imported: "Atlantis"/);
	expect(imported.stdout).toMatch(/1 valid \(1 stored, 0 already stored\), 1 rejected/);
	const again = await batchCli(['import', '--file', file, '--db', dbPath]).catch((e) => e as { stdout: string });
	expect(again.stdout).toMatch(/1 valid \(0 stored, 1 already stored\)/);

	// The internal endpoints are on their own socket, not the public listener, even with the token and
	// from loopback; on the socket, nothing without the token.
	const { socket, token } = JSON.parse(readFileSync(`${dbPath}.internal.json`, 'utf8')) as { socket: string; token: string };
	expect(statSync(socket).mode & 0o777).toBe(0o600);
	expect((await fetch(`${base}/api/internal/snapshot`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
	expect((await http('http://internal/api/internal/snapshot', { socketPath: socket })).status).toBe(403);
	expect(
		(await http('http://internal/api/internal/snapshot', { socketPath: socket, headers: { authorization: 'Bearer nope' } })).status
	).toBe(403);

	// Once the server has stopped, the database shows the run it recorded and every response.
	const exited = new Promise((r) => server.once('exit', r));
	server.kill('SIGTERM');
	await exited;
	const db = await Database.open(dbPath, instrument);
	try {
		const runs = await db.query(`SELECT run_id, status, trigger FROM pipeline_runs`);
		expect(runs).toEqual([{ run_id: readlinkSync(join(out, 'latest')), status: 'succeeded', trigger: 'cli' }]);
		const n = Number((await db.query('SELECT count(*)::INTEGER AS n FROM responses'))[0].n);
		expect(n).toBe(30 + statuses.length + 1);
	} finally {
		await db.close();
	}
});
