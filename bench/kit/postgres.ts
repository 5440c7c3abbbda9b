// A throwaway PostgreSQL cluster for tests and benchmarks: Debian's server, initdb in a temporary folder (as the
// postgres user when the tests run as root, since the server refuses to run as root), listening on a
// free port on 127.0.0.1 only. No Docker, no imitation: the same server the service runs on.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface PostgresCluster {
	/** A new, empty database on the cluster, as a DATABASE_URL. */
	createDatabase(name?: string): Promise<string>;
	/** The cluster's admin URL (database `postgres`). */
	url: string;
	bin: string;
	stop(): Promise<void>;
}

/** Debian installs the server's programs under /usr/lib/postgresql/<version>/bin, not on PATH. */
export function postgresBin(): string {
	const root = '/usr/lib/postgresql';
	const versions = existsSync(root)
		? readdirSync(root)
				.filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
				.sort((a, b) => Number(b) - Number(a))
		: [];
	if (versions.length === 0)
		throw new Error('PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb). Install it: apt-get install postgresql');
	return join(root, versions[0], 'bin');
}

const freePort = () =>
	new Promise<number>((resolve, reject) => {
		const server = createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolve(port));
		});
	});

const asRoot = process.getuid?.() === 0;

/** Runs a server program as the postgres user when we are root. */
function runAsPostgres(command: string, args: string[]) {
	const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
	const result = spawnSync(file, argv, { encoding: 'utf8' });
	if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr || result.stdout}`);
}

let counter = 0;

/** `durable`: fsync on, as a real deployment runs (for benchmarks); tests skip it. */
export async function startPostgres({ durable = false } = {}): Promise<PostgresCluster> {
	const bin = postgresBin();
	const dir = mkdtempSync(join(tmpdir(), 'pgw-postgres-'));
	const data = join(dir, 'data');
	if (asRoot) {
		const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
		const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
		chownSync(dir, uid, gid);
	}
	chmodSync(dir, 0o700);
	runAsPostgres(join(bin, 'initdb'), [
		'-D',
		data,
		'-A',
		'trust',
		'-U',
		'postgres',
		'-E',
		'UTF8',
		'--no-locale',
		...(durable ? [] : ['--no-sync'])
	]);
	const port = await freePort();
	// fsync off for tests: a throwaway cluster has nothing to keep after a crash, and the tests run faster.
	const settings = durable ? '-c shared_buffers=1GB' : '-c fsync=off';
	runAsPostgres(join(bin, 'pg_ctl'), [
		'-D',
		data,
		'-l',
		join(dir, 'server.log'),
		'-w',
		'-o',
		`-p ${port} -h 127.0.0.1 -k ${dir} ${settings} -c max_connections=300`,
		'start'
	]);
	const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
	return {
		url,
		bin,
		async createDatabase(name = `test_${process.pid}_${++counter}`) {
			const client = new pg.Client({ connectionString: url });
			await client.connect();
			try {
				await client.query(`CREATE DATABASE ${name}`);
			} finally {
				await client.end();
			}
			return `postgres://postgres@127.0.0.1:${port}/${name}`;
		},
		async stop() {
			try {
				runAsPostgres(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
			} finally {
				rmSync(dir, { recursive: true, force: true });
			}
		}
	};
}

/** Runs a PostgreSQL client program (pg_dump, pg_restore, dropdb, createdb) from the cluster's bin. */
export function postgresTool(cluster: PostgresCluster, tool: string, args: string[]): string {
	return execFileSync(join(cluster.bin, tool), args, { encoding: 'utf8' });
}

/** Loads every response of an embedded database file into a migrated PostgreSQL database with COPY
 *  (for benchmarks at a million responses, where row-by-row INSERTs would take minutes). */
export async function bulkCopyResponses(duckdbPath: string, url: string): Promise<number> {
	const { DuckDBInstance } = await import('@duckdb/node-api');
	const { from: copyFrom } = await import('pg-copy-streams');
	const { pipeline } = await import('node:stream/promises');
	const { createReadStream, mkdtempSync, rmSync } = await import('node:fs');
	const { tmpdir } = await import('node:os');
	const dir = mkdtempSync(join(tmpdir(), 'pgw-bulk-'));
	const instance = await DuckDBInstance.create(duckdbPath, { access_mode: 'READ_ONLY' });
	const c = await instance.connect();
	const client = new pg.Client({ connectionString: url });
	await client.connect();
	try {
		for (const table of ['waves', 'responses']) {
			const columns = (
				await c.runAndReadAll(
					`SELECT column_name AS n, data_type AS t FROM information_schema.columns WHERE table_name = '${table}' ORDER BY ordinal_position`
				)
			).getRowObjectsJson() as Array<{ n: string; t: string }>;
			// PostgreSQL's CSV reads lists as {a,b} and instants with their offset.
			const select = columns.map(({ n, t }) =>
				t.endsWith('[]')
					? `'{' || array_to_string("${n}", ',') || '}' AS "${n}"`
					: t.startsWith('TIMESTAMP')
						? `strftime("${n}" AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%fZ') AS "${n}"`
						: `"${n}"`
			);
			const file = join(dir, `${table}.csv`);
			await c.run(`COPY (SELECT ${select.join(', ')} FROM ${table}) TO '${file}' (FORMAT csv, HEADER false)`);
			await pipeline(
				createReadStream(file),
				client.query(copyFrom(`COPY ${table} (${columns.map(({ n }) => `"${n}"`).join(', ')}) FROM STDIN (FORMAT csv)`))
			);
		}
		await client.query('ANALYZE responses');
		return Number((await client.query('SELECT count(*) AS n FROM responses')).rows[0].n);
	} finally {
		await client.end();
		c.closeSync();
		instance.closeSync();
		rmSync(dir, { recursive: true, force: true });
	}
}
