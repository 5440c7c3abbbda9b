// Where a CLI run reads from: PostgreSQL when DATABASE_URL is set (a local mirror of the responses, as
// the server's analytics); else the database file directly when nothing else holds it, otherwise the
// running server (DuckDB lets one process hold the file), through its loopback endpoints.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { Database } from '../../src/lib/server/db/database';
import { PostgresStore } from '../../src/lib/server/db/postgres';
import { pullSettings } from '../../src/lib/server/db/shared-settings';
import { settledInstant, type Store } from '../../src/lib/server/db/store';
import { instrument } from '../core/reference';
import { ServerClient } from './internal';
import { databaseRecorder, type RunRecorder } from './runs';
import { literal } from '../core/sql';

export type Source = { kind: 'file'; db: Store } | { kind: 'server'; server: ServerClient };

const isLocked = (error: unknown) => /Could not set lock/i.test((error as Error).message);

export async function openSource(databasePath: string, databaseUrl?: string): Promise<Source> {
	if (databaseUrl) return { kind: 'file', db: await PostgresStore.open(databaseUrl, instrument) };
	if (!existsSync(databasePath))
		throw new Error(`There is no survey database at ${databasePath}. Check --db (or start the server once to create it).`);
	try {
		return { kind: 'file', db: await Database.open(databasePath, instrument) };
	} catch (error) {
		if (!isLocked(error)) throw error;
		const server = ServerClient.forDatabase(databasePath);
		if (!server)
			throw new Error(
				`${databasePath} is held by another process, and no survey server token was found next to it (${databasePath}.internal.json). Stop that process or run the pipeline inside the server.`,
				{ cause: error }
			);
		return { kind: 'server', server };
	}
}

/** A connection holding `responses` and `waves` for a run, its run recorder, and how to let go. */
export interface RunInput {
	connection: DuckDBConnection;
	recorder: RunRecorder;
	close(): Promise<void>;
}

export async function runInput(source: Source): Promise<RunInput> {
	if (source.kind === 'file') {
		// On PostgreSQL: the admin's settings as the database holds them, and the settled responses.
		await pullSettings(source.db, { force: true });
		const analytics = await source.db.analytics();
		await analytics.catchUp(await settledInstant(source.db));
		const connection = await analytics.instance.connect();
		return {
			connection,
			recorder: databaseRecorder(source.db),
			close: async () => {
				connection.closeSync();
				await source.db.close();
			}
		};
	}
	// The server hands over a consistent Parquet snapshot; the run works on an in-memory copy.
	const { waves, parquet } = await source.server.snapshot();
	const dir = mkdtempSync(join(tmpdir(), 'pgw-run-'));
	const file = join(dir, 'responses.parquet');
	writeFileSync(file, parquet);
	const instance = await DuckDBInstance.create(':memory:');
	const connection = await instance.connect();
	await connection.run(`CREATE TABLE responses AS SELECT * FROM read_parquet(${literal(file)})`);
	await connection.run(`CREATE TABLE waves (id VARCHAR, label VARCHAR, status VARCHAR)`);
	for (const w of waves) await connection.run('INSERT INTO waves VALUES ($1, $2, $3)', [w.id, w.label, w.status]);
	rmSync(dir, { recursive: true, force: true });
	return {
		connection,
		recorder: source.server.recorder(),
		close: async () => {
			connection.closeSync();
			instance.closeSync();
		}
	};
}
