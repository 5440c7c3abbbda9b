// A safe copy of the embedded database file while the server runs, and its restore. DuckDB copies the
// whole database inside one read transaction (COPY FROM DATABASE), so the copy is one consistent
// moment and submissions carry on meanwhile. On PostgreSQL, pg_dump and pg_restore do this (README).
import { chmodSync, copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Database } from './database';
import { literal } from '$pipelines/core/sql';

// The database's name is its file's stem, which may hold any character: quoted, not checked.
const quoted = (s: string) => `"${s.replaceAll('"', '""')}"`;

export interface BackupOutcome {
	file: string;
	responses: number;
}

/** What a backup file holds, or an error in words if it is not a survey database. */
export async function inspectBackup(file: string): Promise<{ responses: number; migrations: number }> {
	if (!existsSync(file)) throw new Error(`There is no backup file ${file}`);
	let instance: DuckDBInstance;
	try {
		instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
	} catch (error) {
		throw new Error(`${file} is not a DuckDB database: ${(error as Error).message}`, { cause: error });
	}
	const c = await instance.connect();
	try {
		const read = async (sql: string) => Number((await c.runAndReadAll(sql)).getRowObjectsJson()[0].n);
		return {
			responses: await read('SELECT count(*) AS n FROM responses'),
			migrations: await read('SELECT count(*) AS n FROM schema_migrations')
		};
	} catch (error) {
		throw new Error(`${file} is not a survey database backup: ${(error as Error).message}`, { cause: error });
	} finally {
		c.closeSync();
		instance.closeSync();
	}
}

/** Copies the open database to `to` (a new file: an existing one is never overwritten). */
export async function backUp(db: Database, to: string): Promise<BackupOutcome> {
	const target = resolve(to);
	if (existsSync(target)) throw new Error(`${target} already exists: give a new file name, so no earlier backup is overwritten`);
	mkdirSync(dirname(target), { recursive: true });
	const partial = `${target}.partial-${process.pid}`;
	rmSync(partial, { force: true });
	const c = await db.instance.connect();
	try {
		const [{ name }] = (await c.runAndReadAll('SELECT current_database() AS name')).getRowObjectsJson();
		await c.run(`ATTACH ${literal(partial)} AS pgwn_backup`);
		try {
			await c.run(`COPY FROM DATABASE ${quoted(String(name))} TO pgwn_backup`);
		} finally {
			await c.run('DETACH pgwn_backup');
		}
		const { responses } = await inspectBackup(partial);
		chmodSync(partial, 0o600);
		renameSync(partial, target);
		return { file: target, responses };
	} catch (error) {
		rmSync(partial, { force: true });
		rmSync(`${partial}.wal`, { force: true });
		throw error;
	} finally {
		c.closeSync();
	}
}

/** Puts a backup in place of the database file (the server must be stopped); the file it replaces is
 *  kept beside it, so a restore can itself be undone. */
export async function restore(from: string, databasePath: string): Promise<BackupOutcome & { previous: string | null }> {
	const source = resolve(from);
	const { responses } = await inspectBackup(source);
	const target = resolve(databasePath);
	let previous: string | null = null;
	mkdirSync(dirname(target), { recursive: true });
	if (existsSync(target)) {
		// A running server holds the file: replacing it under the server would lose what it writes next.
		try {
			(await DuckDBInstance.create(target, { access_mode: 'READ_ONLY' })).closeSync();
		} catch (error) {
			if (/lock/i.test((error as Error).message))
				throw new Error(`The survey server is using ${target}. Stop it, restore, then start it again.`, { cause: error });
		}
		previous = `${target}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
		renameSync(target, previous);
		if (existsSync(`${target}.wal`)) renameSync(`${target}.wal`, `${previous}.wal`);
	}
	const partial = `${target}.restoring-${process.pid}`;
	copyFileSync(source, partial);
	chmodSync(partial, 0o600);
	renameSync(partial, target);
	return { file: target, responses, previous };
}
