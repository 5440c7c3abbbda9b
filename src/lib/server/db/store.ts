// The store of record, as the rest of the server sees it. Two implementations with one SQL dialect
// between them (the statements are written to run on both): the embedded DuckDB file (database.ts, the
// default) and PostgreSQL (postgres.ts, DATABASE_URL=postgres://...) for several instances.
import type { DuckDBInstance } from '@duckdb/node-api';

export type Row = Record<string, unknown>;
export type SqlValue = string | number | boolean | bigint | null;

/** A statement runner inside a write: DuckDB's connection, or a PostgreSQL client in a transaction. */
export interface SqlTransaction {
	run(sql: string, params?: SqlValue[]): Promise<{ rowsChanged: number }>;
}

/** Where the analytics run: a DuckDB instance holding `responses` and `waves`. On the embedded store it
 *  is the store itself; on PostgreSQL it is a local mirror that `catchUp` extends. */
export interface Analytics {
	instance: DuckDBInstance;
	/** Brings in every response submitted at or before `watermark` (ISO instant), and the waves as they are now. */
	catchUp(watermark: string): Promise<void>;
}

export interface Store {
	readonly dialect: 'duckdb' | 'postgres';
	/** Where the data lives, for messages (a path, or a URL without its password). */
	readonly path: string;
	/** Runs `job` in one transaction (or without one: `transaction: false`), nothing else of this process writing. */
	write<T>(job: (c: SqlTransaction) => Promise<T>, options?: { transaction?: boolean }): Promise<T>;
	/** Reads, on the reader, or on `c` to see a write's own changes. On PostgreSQL also a single
	 *  statement that writes and commits on its own, without queueing behind submissions. */
	query(sql: string, params?: SqlValue[], c?: SqlTransaction): Promise<Row[]>;
	/** The store's clock (PostgreSQL's when several instances share it), as an ISO instant. */
	now(): Promise<string>;
	analytics(): Promise<Analytics>;
	/** Runs `job` while holding the cluster-wide lock `name`, or returns undefined at once if another holds it. */
	exclusively<T>(name: string, job: () => Promise<T>): Promise<T | undefined>;
	close(): Promise<void>;
}

/** Commits land milliseconds after their rows are timestamped: an instant this far back has every
 *  response up to it committed, so a copy or snapshot up to it is complete and repeatable. */
export const SETTLE_MS = 2_000;

/** The latest instant whose responses are all committed, on the store's clock. */
export const settledInstant = async (store: Store): Promise<string> => new Date(Date.parse(await store.now()) - SETTLE_MS).toISOString();
