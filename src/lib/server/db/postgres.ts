// PostgreSQL as the store of record (DATABASE_URL=postgres://...), for several instances behind a load
// balancer. Everything written while the service runs lives here; DuckDB stays the analytics engine,
// on a local mirror of the responses that each snapshot extends from its last watermark (COPY ... TO
// STDOUT, so a million responses are not copied again every hour).
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { Instrument } from '../../instrument/types';
import { applyMigrations, migrate as migrateDuckDB } from './migrations';
import { postgresInstrumentMigration, postgresMigrations } from './postgres-migrations';
import { Serial } from './serial';
import { ident, literal } from '$pipelines/core/sql';
import { storageProblem, SurveyError } from './errors';
import type { Analytics, Row, SqlTransaction, SqlValue, Store } from './store';

// Rows come back as the embedded store gives them: JSON as its text, instants as ISO strings, 64-bit
// integers as strings.
const TIMESTAMPTZ = 1184;
const TIMESTAMP = 1114;
const JSON_OID = 114;
const JSONB = 3802;
const defaultTimestamp = pg.types.getTypeParser(TIMESTAMPTZ);
const types = {
	getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
		if (oid === JSON_OID || oid === JSONB) return (text: string) => text;
		if (oid === TIMESTAMPTZ || oid === TIMESTAMP) return (text: string) => (defaultTimestamp(text) as Date).toISOString();
		return pg.types.getTypeParser(oid, format);
	}) as typeof pg.types.getTypeParser
};

class PostgresTransaction implements SqlTransaction {
	constructor(readonly client: pg.PoolClient) {}
	async run(sql: string, params: SqlValue[] = []): Promise<{ rowsChanged: number }> {
		const result = await this.client.query(sql, params as unknown[]);
		return { rowsChanged: result.rowCount ?? 0 };
	}
}

/** The lock key for the name in $1: PostgreSQL's advisory locks take a 64-bit number. */
const LOCK_KEY = `hashtextextended('pgwn:' || $1, 0)`;

/** The URL without its password, for messages and logs. */
export const redactedUrl = (url: string) => url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');

export class PostgresStore implements Store {
	readonly dialect = 'postgres';
	readonly #writeQueue = new Serial();
	#analytics: Promise<PostgresMirror> | undefined;

	private constructor(
		readonly url: string,
		readonly pool: pg.Pool,
		readonly instrument: Instrument
	) {}

	get path() {
		return redactedUrl(this.url);
	}

	static async open(url: string, instrument: Instrument, { max = 10 } = {}): Promise<PostgresStore> {
		const pool = new pg.Pool({ connectionString: url, max, types });
		// An idle client's error (the server restarted) must not crash the process; the next query reconnects.
		pool.on('error', (error) => console.error(`PostgreSQL connection lost: ${error.message}`));
		const store = new PostgresStore(url, pool, instrument);
		try {
			await store.#migrate();
		} catch (error) {
			await pool.end().catch(() => undefined);
			throw new Error(`Could not open the survey database at ${redactedUrl(url)}: ${(error as Error).message}`, { cause: error });
		}
		return store;
	}

	/** Migrations run once however many instances start together: the first takes the lock, the others
	 *  wait for it and then find nothing left to do. */
	async #migrate(): Promise<string[]> {
		const client = await this.pool.connect();
		try {
			await client.query(`SELECT pg_advisory_lock(${LOCK_KEY})`, ['migrations']);
			return await applyMigrations(
				async (sql, params) => (await client.query(sql, params)).rows,
				[...postgresMigrations, postgresInstrumentMigration(this.instrument)]
			);
		} finally {
			await client.query(`SELECT pg_advisory_unlock(${LOCK_KEY})`, ['migrations']).catch(() => undefined);
			client.release();
		}
	}

	write<T>(job: (c: SqlTransaction) => Promise<T>, { transaction = true }: { transaction?: boolean } = {}): Promise<T> {
		return this.#writeQueue.run(async () => {
			let client: pg.PoolClient;
			try {
				client = await this.pool.connect();
			} catch (error) {
				throw unavailable(error);
			}
			let broken = false;
			try {
				if (!transaction) return await job(new PostgresTransaction(client));
				await client.query('BEGIN');
				try {
					const result = await job(new PostgresTransaction(client));
					await client.query('COMMIT');
					return result;
				} catch (error) {
					await client.query('ROLLBACK').catch(() => (broken = true));
					throw error;
				}
			} catch (error) {
				throw connectionProblem(error) ?? storageProblem(error);
			} finally {
				client.release(broken);
			}
		});
	}

	async query(sql: string, params: SqlValue[] = [], c?: SqlTransaction): Promise<Row[]> {
		try {
			const result = c
				? await (c as PostgresTransaction).client.query(sql, params as unknown[])
				: await this.pool.query(sql, params as unknown[]);
			return result.rows as Row[];
		} catch (error) {
			throw connectionProblem(error) ?? error;
		}
	}

	async now(): Promise<string> {
		const [row] = await this.query('SELECT clock_timestamp() AS now');
		return String(row.now);
	}

	async exclusively<T>(name: string, job: () => Promise<T>): Promise<T | undefined> {
		const client = await this.pool.connect();
		try {
			const [{ locked }] = (await client.query(`SELECT pg_try_advisory_lock(${LOCK_KEY}) AS locked`, [name])).rows;
			if (!locked) return undefined;
			try {
				return await job();
			} finally {
				await client.query(`SELECT pg_advisory_unlock(${LOCK_KEY})`, [name]);
			}
		} finally {
			client.release();
		}
	}

	analytics(): Promise<Analytics> {
		return (this.#analytics ??= PostgresMirror.create(this));
	}

	async close(): Promise<void> {
		const mirror = await this.#analytics?.catch(() => undefined);
		mirror?.close();
		await this.#writeQueue.run(() => this.pool.end());
	}
}

/** PostgreSQL out of reach: the person is told to try again; nothing was stored. */
function connectionProblem(error: unknown): SurveyError | undefined {
	const code = (error as { code?: string }).code ?? '';
	if (
		['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P02', '57P03', '53300'].includes(code) ||
		/Connection terminated/i.test(String(error))
	)
		return unavailable(error);
	return undefined;
}

function unavailable(error: unknown): SurveyError {
	console.error(`Survey database unavailable: ${(error as Error).message}`);
	return new SurveyError(
		'UNAVAILABLE',
		'The survey server cannot reach its database just now, so nothing was saved. Please try again in a minute.'
	);
}

/** A local DuckDB holding the responses up to a watermark and the waves, for the analytics. */
class PostgresMirror implements Analytics {
	readonly #serial = new Serial();
	/** Responses submitted at or before this instant are here. */
	#mirrored = '1970-01-01T00:00:00.000Z';
	#columns: Array<{ name: string; type: string }> = [];

	private constructor(
		readonly store: PostgresStore,
		readonly instance: DuckDBInstance,
		readonly connection: DuckDBConnection
	) {}

	static async create(store: PostgresStore): Promise<PostgresMirror> {
		const instance = await DuckDBInstance.create(':memory:');
		const connection = await instance.connect();
		// The same schema as the embedded store, so the analytics cannot tell the two apart.
		await migrateDuckDB(connection, store.instrument);
		const mirror = new PostgresMirror(store, instance, connection);
		mirror.#columns = (
			await connection.runAndReadAll(
				`SELECT column_name AS name, data_type AS type FROM information_schema.columns WHERE table_name = 'responses' ORDER BY ordinal_position`
			)
		).getRowObjectsJson() as Array<{ name: string; type: string }>;
		return mirror;
	}

	catchUp(watermark: string): Promise<void> {
		return this.#serial.run(async () => {
			await this.#copyWaves();
			if (Date.parse(watermark) <= Date.parse(this.#mirrored)) return;
			await this.#copyResponses(this.#mirrored, watermark);
			this.#mirrored = watermark;
		});
	}

	async #copyWaves() {
		const waves = await this.store.query('SELECT id, label, status, opened_at, closed_at, created_at FROM waves');
		await this.connection.run('BEGIN TRANSACTION');
		await this.connection.run('DELETE FROM waves');
		for (const w of waves)
			await this.connection.run(
				'INSERT INTO waves (id, label, status, opened_at, closed_at, created_at) VALUES ($1, $2, $3, $4::TIMESTAMPTZ, $5::TIMESTAMPTZ, $6::TIMESTAMPTZ)',
				[w.id, w.label, w.status, w.opened_at, w.closed_at, w.created_at] as never
			);
		await this.connection.run('COMMIT');
	}

	/** Streams the responses in (after, until] out of PostgreSQL as CSV and into DuckDB. Lists go as JSON
	 *  text and instants as UTC ISO text, so nothing depends on either side's formats or time zone. */
	async #copyResponses(after: string, until: string) {
		const out = this.#columns.map(({ name, type }) =>
			type.endsWith('[]')
				? `array_to_json(${ident(name)})::text`
				: type.startsWith('TIMESTAMP')
					? `to_char(${ident(name)} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`
					: `${ident(name)}::text`
		);
		const dir = mkdtempSync(join(tmpdir(), 'pgw-mirror-'));
		const file = join(dir, 'responses.csv');
		const client = await this.store.pool.connect();
		try {
			const copy = client.query(
				copyTo(
					`COPY (SELECT ${out.join(', ')} FROM responses WHERE submitted_at > ${literal(after)}::timestamptz AND submitted_at <= ${literal(until)}::timestamptz) TO STDOUT (FORMAT csv)`
				)
			);
			await pipeline(copy, createWriteStream(file));
		} finally {
			client.release();
		}
		try {
			const columns = this.#columns.map(({ name }) => `${literal(name)}: 'VARCHAR'`).join(', ');
			const select = this.#columns.map(({ name, type }) =>
				type.endsWith('[]') ? `from_json(${ident(name)}, '["VARCHAR"]')` : `CAST(${ident(name)} AS ${type})`
			);
			await this.connection.run(
				`INSERT INTO responses SELECT ${select.join(', ')}
				 FROM read_csv(${literal(file)}, header = false, columns = {${columns}}, allow_quoted_nulls = false, auto_detect = false)`
			);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	}

	close() {
		this.connection.closeSync();
		this.instance.closeSync();
	}
}
