// The batch CLI over PostgreSQL (DATABASE_URL) publishes the same tables as over the embedded DuckDB
// file for the same responses, file by file; and a restore drill: pg_dump, drop the database, restore
// it, then the same run output and the same dashboard figures.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instrument } from '../../../src/lib/instrument/survey';
import { PostgresStore } from '../../../src/lib/server/db/postgres';
import { PIPELINE_ARGS, startServer, tempDir } from '../../../bench/kit/server';
import { signIn } from '../../../bench/kit/trpc';
import { createAccounts, PASSWORD } from '../../helpers/accounts';
import { bulkCopyResponses, postgresTool, startPostgres, type PostgresCluster } from '../../../bench/kit/postgres';
import { relativeFiles, syntheticDatabase } from '../fixtures';

const run = promisify(execFile);
const folder = tempDir();
const duckdbPath = join(folder.path, 'survey.duckdb');
let cluster: PostgresCluster;
let url: string;

beforeAll(async () => {
	cluster = await startPostgres();
	url = await cluster.createDatabase('survey');
	await (await syntheticDatabase(folder.path, 600, 7)).close();
	await (await PostgresStore.open(url, instrument)).close();
	expect(await bulkCopyResponses(duckdbPath, url)).toBe(1200);
	await createAccounts(url);
}, 120_000);
afterAll(async () => {
	await cluster?.stop();
	folder.remove();
});

/** One CLI run, on the file (`--db`) or on PostgreSQL (DATABASE_URL); returns the published run's folder. */
async function pipeline(out: string, on: { db: string } | { url: string }): Promise<string> {
	const args = [...PIPELINE_ARGS, '--out', out, ...('db' in on ? ['--db', on.db] : [])];
	const { DATABASE_URL: _, ...inherited } = process.env;
	const env = {
		...inherited,
		PIPELINE_PDF: 'off',
		SETTINGS_DIR: join(folder.path, 'settings'),
		...('url' in on && { DATABASE_URL: on.url })
	};
	const { stdout } = await run(process.execPath, args, { env });
	expect(stdout).toMatch(/Published run/);
	const [runId] = readdirSync(out).filter((name) => name !== 'latest');
	return join(out, runId);
}

/** The published tables and specs, by path: everything but what names the run or when it ran. */
function published(dir: string): Map<string, string> {
	const stamped = /(^|\/)(manifest\.json|run\.json)$|\.html$|\.pdf$/;
	return new Map(
		relativeFiles(dir)
			.filter((f) => !stamped.test(f))
			.map((f) => [f, readFileSync(join(dir, f), f.endsWith('.parquet') ? 'base64' : 'utf8')])
	);
}

describe('the batch run over PostgreSQL', () => {
	let overPostgres: Map<string, string>;

	it('publishes the same tables as over the embedded file, file by file', async () => {
		const fromFile = published(await pipeline(join(folder.path, 'out-file'), { db: duckdbPath }));
		overPostgres = published(await pipeline(join(folder.path, 'out-postgres'), { url }));
		expect(fromFile.size).toBeGreaterThan(50);
		expect([...overPostgres.keys()]).toEqual([...fromFile.keys()]);
		for (const [file, content] of fromFile) expect(overPostgres.get(file), file).toBe(content);
	}, 180_000);

	it('gives the same run output and dashboard figures after pg_dump, dropping the database and pg_restore', async () => {
		const server = await startServer({
			databasePath: join(folder.path, 'unused.duckdb'),
			env: { DATABASE_URL: url, SETTINGS_DIR: join(folder.path, 'settings'), PIPELINE_OUT: join(folder.path, 'served') }
		});
		const dashboard = async (serverUrl: string) =>
			(await signIn(serverUrl, 'national@example.org', PASSWORD)).client.reports.dashboard.query({ region: 'E40000003' });
		const before = await dashboard(server.url);
		await server.stop();
		expect(before.respondents).not.toBeNull();

		const dump = join(folder.path, 'survey.dump');
		const admin = ['-h', '127.0.0.1', '-p', new URL(url).port, '-U', 'postgres'];
		postgresTool(cluster, 'pg_dump', [...admin, '--format=custom', '--file', dump, 'survey']);
		postgresTool(cluster, 'dropdb', [...admin, 'survey']);
		await expect(PostgresStore.open(url, instrument)).rejects.toThrow(/database "survey" does not exist/);
		postgresTool(cluster, 'createdb', [...admin, 'survey']);
		postgresTool(cluster, 'pg_restore', [...admin, '--dbname', 'survey', '--exit-on-error', dump]);

		const restored = published(await pipeline(join(folder.path, 'out-restored'), { url }));
		expect([...restored.keys()]).toEqual([...overPostgres.keys()]);
		for (const [file, content] of overPostgres) expect(restored.get(file), file).toBe(content);
		const again = await startServer({
			databasePath: join(folder.path, 'unused.duckdb'),
			env: { DATABASE_URL: url, SETTINGS_DIR: join(folder.path, 'settings'), PIPELINE_OUT: join(folder.path, 'served') }
		});
		try {
			// The snapshot was restored with the rest, so the dashboard shows exactly what it showed.
			expect(await dashboard(again.url)).toEqual(before);
		} finally {
			await again.stop();
		}
	}, 180_000);
});
