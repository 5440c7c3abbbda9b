import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { Instrument } from '../../instrument/types';
import { migrate } from './migrations';
import { Serial } from './serial';
import { storageProblem, SurveyError } from './errors';
import type { Analytics, Row, SqlTransaction, SqlValue, Store } from './store';

export type { Row } from './store';

const chmodSyncQuietly = (path: string) => {
	try {
		chmodSync(path, 0o600);
	} catch {
		// not ours to change, or a read-only disk
	}
};

/** The server's single DuckDB instance (DuckDB allows one writing process per file). Writes go
 *  through one connection, one transaction at a time; reads use their own connection (MVCC). */
/** DuckDB checkpoints inside the commit that takes its WAL past this size, and a checkpoint of a file
 *  of a million responses holds that commit (a batch of submissions) for about 0.35 s whatever the WAL
 *  holds. DuckDB's 16 MB meant a stall every 15 s under load (submit p99 0.4 s at 16 clients); 256 MB
 *  means one every few minutes. Every commit is in the WAL, so nothing acknowledged waits on a
 *  checkpoint to be safe; a restart after a crash replays at most this much. */
export const DEFAULT_CHECKPOINT_MB = 256;

export class Database implements Store {
	readonly dialect = 'duckdb';
	readonly #writeQueue = new Serial();
	readonly #held = new Set<string>();

	private constructor(
		readonly path: string,
		readonly instance: DuckDBInstance,
		readonly writer: DuckDBConnection,
		readonly reader: DuckDBConnection
	) {}

	/** `checkpointMb`: how much WAL DuckDB gathers before it checkpoints (see DEFAULT_CHECKPOINT_MB). */
	static async open(path: string, instrument: Instrument, { checkpointMb = DEFAULT_CHECKPOINT_MB } = {}): Promise<Database> {
		try {
			if (path !== ':memory:') {
				// Responses and drafts are for this service alone: DuckDB creates the file, its WAL (again
				// at every checkpoint) and temporary files with the process's umask, so narrow it to the
				// owner; an existing file from an older install is narrowed too.
				process.umask(process.umask() | 0o077);
				mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
				// Best effort: a read-only disk is reported by the open below, in its own words.
				if (existsSync(path)) chmodSyncQuietly(path);
			}
		} catch (error) {
			throw new Error(`Could not create the folder for the survey database at ${path}: ${(error as Error).message}`, { cause: error });
		}
		let instance: DuckDBInstance;
		try {
			instance = await DuckDBInstance.create(path);
		} catch (error) {
			throw new Error(`Could not open the survey database at ${path}: ${(error as Error).message}`, { cause: error });
		}
		const writer = await instance.connect();
		const reader = await instance.connect();
		// Schema changes go to the data file at once: a crash never leaves them to be replayed from the WAL.
		if ((await migrate(writer, instrument)).length > 0) await writer.run('CHECKPOINT');
		await writer.run(`SET checkpoint_threshold = '${Math.round(checkpointMb)}MiB'`);
		return new Database(path, instance, writer, reader);
	}

	/** Runs `job` on the write connection with nothing else writing; `transaction` wraps it in BEGIN/COMMIT. */
	write<T>(job: (c: DuckDBConnection) => Promise<T>, { transaction = true }: { transaction?: boolean } = {}): Promise<T> {
		return this.#writeQueue.run(async () => {
			try {
				if (!transaction) return await job(this.writer);
				await this.writer.run('BEGIN TRANSACTION');
				try {
					const result = await job(this.writer);
					await this.writer.run('COMMIT');
					return result;
				} catch (error) {
					await this.writer.run('ROLLBACK').catch(() => undefined);
					throw error;
				}
			} catch (error) {
				// Every write, in a transaction or not, reports a full or read-only disk the same way.
				const problem = storageProblem(error);
				if (problem instanceof SurveyError) console.error(`Storage problem writing to ${this.path}: ${(error as Error).message}`);
				throw problem;
			}
		});
	}

	async query(sql: string, params: SqlValue[] = [], connection: SqlTransaction = this.reader): Promise<Row[]> {
		const reader = await (connection as DuckDBConnection).runAndReadAll(sql, params);
		return reader.getRowObjectsJson() as Row[];
	}

	async now(): Promise<string> {
		return new Date().toISOString();
	}

	/** The analytics run on the file itself: every committed response is already there. */
	async analytics(): Promise<Analytics> {
		return { instance: this.instance, catchUp: async () => undefined };
	}

	/** One process holds the file, so a lock of this process is the only lock there is. */
	async exclusively<T>(name: string, job: () => Promise<T>): Promise<T | undefined> {
		if (this.#held.has(name)) return undefined;
		this.#held.add(name);
		try {
			return await job();
		} finally {
			this.#held.delete(name);
		}
	}

	async close(): Promise<void> {
		await this.#writeQueue.run(async () => {
			await this.writer.run('CHECKPOINT').catch(() => undefined);
			this.reader.closeSync();
			this.writer.closeSync();
			this.instance.closeSync();
		});
	}
}
