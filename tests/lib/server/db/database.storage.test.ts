// A full disk or a read-only data folder gives a clear error and a log line, never a crash;
// acknowledged submissions stay, and writing resumes once there is space. Uses real tmpfs mounts
// (CI runs as root, as this test needs). Linux refuses to remount a folder read-only while the
// database holds files open for writing, so read-only is tested at start.
import { spawn, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { completeAnswers } from '../../../../bench/kit/answers';
import { query } from '../../../../bench/kit/db';
import { freePort, ROOT, startServer, tempDir } from '../../../../bench/kit/server';

const dir = tempDir();
const mounts: string[] = [];
const mount = (path: string, options: string) => {
	mkdirSync(path, { recursive: true });
	execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', path]);
	mounts.push(path);
};
const remount = (path: string, options: string) => execFileSync('mount', ['-o', `remount,${options}`, path]);
afterEach(() => {
	while (mounts.length) execFileSync('umount', ['-l', mounts.pop()!]);
});
afterAll(() => dir.remove());

const submit = (url: string, seed: number, id = randomUUID()) =>
	fetch(`${url}/api/trpc/survey.submit`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ submissionId: id, answers: completeAnswers(seed) })
	}).then(async (r) => ({ id, status: r.status, body: await r.json() }));

describe('storage failures', () => {
	it('a full disk: 503 with a clear message, a log line, the server stays up, and writing resumes', async () => {
		const data = join(dir.path, 'full');
		mount(data, 'size=3m');
		const databasePath = join(data, 'survey.duckdb');
		const server = await startServer({ databasePath, env: { RATE_SUBMIT_PER_MINUTE: '100000000' } });
		const acknowledged = new Set<string>();
		let refused: Awaited<ReturnType<typeof submit>> | undefined;
		for (let seed = 0; seed < 20_000 && !refused; seed++) {
			const outcome = await submit(server.url, seed);
			if (outcome.status === 200) acknowledged.add(outcome.id);
			else refused = outcome;
		}
		expect(refused?.status).toBe(503);
		expect(refused?.body.error.message).toBe(
			'The survey server has run out of storage, so nothing was saved. Your answers are still here: please try again later.'
		);
		expect(server.output()).toMatch(/Storage problem writing to .*survey\.duckdb: .*No space left on device/);
		expect((await fetch(`${server.url}/api/trpc/survey.wave`)).status).toBe(200);

		remount(data, 'size=64m');
		const after = await submit(server.url, 99_999);
		expect(after.status).toBe(200);
		acknowledged.add(after.id);
		await server.stop();
		expect(server.process.exitCode).toBe(0);
		const ids = new Set((await query(databasePath, 'SELECT submission_id::VARCHAR AS id FROM responses')).map((r) => String(r.id)));
		for (const id of acknowledged) expect(ids.has(id), id).toBe(true);
		expect(ids.size).toBe(acknowledged.size);
	});

	it('a read-only data folder at start: one clear line and exit code 1, no stack trace', async () => {
		const data = join(dir.path, 'readonly');
		mount(data, 'size=1m,ro');
		const child = spawn(process.execPath, ['build'], {
			cwd: ROOT,
			env: { ...process.env, HOST: '127.0.0.1', PORT: String(await freePort()), DATABASE_PATH: join(data, 'survey.duckdb') },
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let output = '';
		child.stdout.on('data', (d) => (output += d));
		child.stderr.on('data', (d) => (output += d));
		const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
		expect(code).toBe(1);
		expect(output).toMatch(
			/^Cannot start the survey server: Could not open the survey database at .*survey\.duckdb: .*Read-only file system/m
		);
		expect(output).not.toMatch(/^\s+at /m);
	});
});
