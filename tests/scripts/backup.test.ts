// npm run db:backup and db:restore on the embedded database: a backup taken while the server runs and
// takes submissions is one consistent moment; restore refuses while the server holds the file, and
// with it stopped puts the backup in place, keeping the file it replaced.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { completeAnswers } from '../../bench/kit/answers';
import { query } from '../../bench/kit/db';
import { ROOT, startServer, tempDir } from '../../bench/kit/server';

const dir = tempDir();
afterAll(() => dir.remove());
const databasePath = join(dir.path, 'survey.duckdb');

const { DATABASE_URL: _, ...withoutDatabaseUrl } = process.env;
const cli = (...args: string[]) =>
	new Promise<{ code: number | null; out: string; err: string }>((ok) => {
		const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/backup.ts', ...args, '--db', databasePath], {
			cwd: ROOT,
			env: withoutDatabaseUrl,
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let out = '';
		let err = '';
		child.stdout.on('data', (d) => (out += d));
		child.stderr.on('data', (d) => (err += d));
		child.on('exit', (code) => ok({ code, out, err }));
	});

const submit = (url: string, seed: number) =>
	fetch(`${url}/api/trpc/survey.submit`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ submissionId: randomUUID(), answers: completeAnswers(seed) })
	}).then((r) => r.status);

describe('npm run db:backup and db:restore', () => {
	const backup = join(dir.path, 'backups', 'survey-1.duckdb');

	it('backs up while the server runs and takes submissions, never overwriting a backup', async () => {
		const server = await startServer({ databasePath, env: { RATE_SUBMIT_PER_MINUTE: '100000', PIPELINE_OUT: join(dir.path, 'reports') } });
		try {
			for (let i = 0; i < 50; i++) expect(await submit(server.url, i)).toBe(200);
			// Submissions keep arriving while the copy is made.
			let sending = true;
			let during = 0;
			const load = (async () => {
				while (sending) during += (await submit(server.url, 1000 + during)) === 200 ? 1 : 0;
			})();
			const result = await cli('backup', '--to', backup);
			sending = false;
			await load;
			expect(result.err).toBe('');
			expect(result.code).toBe(0);
			const copied = Number(/Backed up (\d+) responses/.exec(result.out)?.[1]);
			expect(result.out).toContain('(the running server made the copy)');
			expect(copied).toBeGreaterThanOrEqual(50);
			expect(copied).toBeLessThanOrEqual(50 + during);

			const again = await cli('backup', '--to', backup);
			expect(again.code).toBe(1);
			expect(again.err).toContain('already exists: give a new file name, so no earlier backup is overwritten');

			const refused = await cli('restore', '--from', backup);
			expect(refused.code).toBe(1);
			expect(refused.err).toContain('The survey server is using');
		} finally {
			await server.stop();
		}
		// What the backup holds is every response up to one moment, whole.
		const held = await query(backup, 'SELECT count(*)::INTEGER AS n, count(DISTINCT submission_id)::INTEGER AS d FROM responses');
		expect(held[0].n).toBe(held[0].d);
	}, 120_000);

	it('restores with the server stopped, keeping the file it replaced; a file that is not a backup changes nothing', async () => {
		const [{ n: before }] = await query(databasePath, 'SELECT count(*)::INTEGER AS n FROM responses');
		const [{ n: inBackup }] = await query(backup, 'SELECT count(*)::INTEGER AS n FROM responses');
		expect(before).toBeGreaterThan(inBackup as number);

		const notABackup = join(dir.path, 'notes.txt');
		writeFileSync(notABackup, 'not a database');
		const bad = await cli('restore', '--from', notABackup);
		expect(bad.code).toBe(1);
		expect(bad.err).toMatch(/is not a DuckDB database/);
		expect((await query(databasePath, 'SELECT count(*)::INTEGER AS n FROM responses'))[0].n).toBe(before);

		const restored = await cli('restore', '--from', backup);
		expect(restored.err).toBe('');
		const previous = /kept as (.*)\.$/.exec(restored.out.trim())?.[1];
		expect(previous && existsSync(previous)).toBe(true);
		expect((await query(databasePath, 'SELECT count(*)::INTEGER AS n FROM responses'))[0].n).toBe(inBackup);
		expect((await query(previous!, 'SELECT count(*)::INTEGER AS n FROM responses'))[0].n).toBe(before);

		// The restored file serves again.
		const server = await startServer({ databasePath, env: { PIPELINE_OUT: join(dir.path, 'reports') } });
		try {
			expect(await submit(server.url, 5000)).toBe(200);
		} finally {
			await server.stop();
		}
	}, 120_000);

	it('explains a missing flag', async () => {
		const r = await cli('backup');
		expect(r.code).toBe(2);
		expect(r.err).toContain('backup needs --to FILE');
	});
});
