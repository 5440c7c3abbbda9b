import type { DuckDBConnection } from '@duckdb/node-api';
import type { Instrument } from '../../instrument/types';
import { answerColumns, RESPONSE_COLUMNS } from '../../instrument/storage';

export interface Migration {
	id: string;
	sql: string;
}

/** Versioned schema migrations, applied in order, each once. Never edit one that has shipped: add another. */
export const migrations: Migration[] = [
	{
		id: '001_waves_responses_drafts',
		sql: `
			CREATE TABLE waves (
				id VARCHAR PRIMARY KEY,
				label VARCHAR NOT NULL,
				status VARCHAR NOT NULL CHECK (status IN ('planned', 'open', 'closed')),
				opened_at TIMESTAMPTZ,
				closed_at TIMESTAMPTZ,
				created_at TIMESTAMPTZ NOT NULL DEFAULT now()
			);
			-- One row per acknowledged submission. Anonymous by design: no name, email or IP address.
			-- The raw answers are kept as JSON; each question also gets a typed column (instrument migrations).
			CREATE TABLE responses (
				submission_id UUID PRIMARY KEY,
				receipt VARCHAR NOT NULL,
				wave_id VARCHAR NOT NULL,
				instrument_id VARCHAR NOT NULL,
				instrument_version VARCHAR NOT NULL,
				answers JSON NOT NULL,
				answers_hash VARCHAR NOT NULL,
				submitted_at TIMESTAMPTZ NOT NULL
			);
			-- Saved drafts: only a hash of the resume code is stored.
			CREATE TABLE drafts (
				code_hash VARCHAR PRIMARY KEY,
				instrument_version VARCHAR NOT NULL,
				answers JSON NOT NULL,
				created_at TIMESTAMPTZ NOT NULL,
				updated_at TIMESTAMPTZ NOT NULL,
				expires_at TIMESTAMPTZ NOT NULL
			);
		`
	},
	{
		id: '002_pipeline_runs',
		sql: `
			-- One row per batch pipeline run (pipelines/), whatever started it: the CLI, the schedule or the server.
			CREATE TABLE pipeline_runs (
				run_id VARCHAR PRIMARY KEY,
				wave_id VARCHAR,
				trigger VARCHAR NOT NULL,
				started_at TIMESTAMPTZ NOT NULL,
				finished_at TIMESTAMPTZ,
				status VARCHAR NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
				respondents INTEGER,
				counts JSON,
				output VARCHAR,
				error VARCHAR
			);
		`
	},
	{
		id: '003_users_sessions_audit',
		sql: `
			-- Planner and admin accounts (never survey respondents, who stay anonymous).
			CREATE TABLE users (
				id UUID PRIMARY KEY,
				email VARCHAR NOT NULL UNIQUE,
				password_hash VARCHAR NOT NULL,
				role VARCHAR NOT NULL CHECK (role IN ('national', 'regional', 'admin')),
				region VARCHAR,
				created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
				CHECK ((role = 'regional') = (region IS NOT NULL))
			);
			-- Sessions: only a hash of the cookie's token is stored.
			CREATE TABLE sessions (
				token_hash VARCHAR PRIMARY KEY,
				user_id UUID NOT NULL,
				created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
				expires_at TIMESTAMPTZ NOT NULL
			);
			CREATE SEQUENCE audit_log_id;
			CREATE TABLE audit_log (
				id BIGINT PRIMARY KEY DEFAULT nextval('audit_log_id'),
				occurred_at TIMESTAMPTZ NOT NULL DEFAULT now(),
				actor VARCHAR,
				action VARCHAR NOT NULL,
				detail JSON
			);
		`
	},
	{
		id: '004_record_keys',
		sql: `
			-- The cell key method of disclosure control (pipelines/disclosure/perturbation.ts): each response gets a
			-- random record key 0-255 when stored (the server's writer draws it from node:crypto). Never
			-- published; existing responses get theirs now. No DEFAULT expression: DuckDB cannot replay a
			-- function default from its write-ahead log after a crash.
			ALTER TABLE responses ADD COLUMN record_key UTINYINT;
			UPDATE responses SET record_key = (floor(random() * 256))::UTINYINT;
			-- The snapshots the planner dashboard shows: its figures move only from one to the next.
			CREATE TABLE dashboard_snapshots (
				taken_at TIMESTAMPTZ PRIMARY KEY,
				-- Responses submitted at or before this instant are in the snapshot.
				watermark TIMESTAMPTZ,
				responses INTEGER NOT NULL
			);
		`
	},
	{
		id: '005_account_status',
		sql: `
			-- An admin can disable an account (it cannot sign in, and its sessions end) and sees when each
			-- account last signed in. NULL: never disabled, never signed in.
			ALTER TABLE users ADD COLUMN disabled_at TIMESTAMPTZ;
			ALTER TABLE users ADD COLUMN last_sign_in_at TIMESTAMPTZ;
		`
	}
];

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** The migration an instrument version needs: a typed column per question it adds, in the store's
 *  types (`typeOf` maps the embedded store's column types to another dialect's). */
export function instrumentMigration(instrument: Instrument, typeOf: (type: string) => string = (type) => type): Migration {
	const columns = answerColumns(instrument);
	for (const c of columns) {
		if ((RESPONSE_COLUMNS as readonly string[]).includes(c.name)) throw new Error(`Question id "${c.name}" clashes with a response column`);
	}
	return {
		id: `instrument:${instrument.id}@${instrument.version}`,
		sql: columns.map((c) => `ALTER TABLE responses ADD COLUMN IF NOT EXISTS ${quote(c.name)} ${typeOf(c.type)};`).join('\n')
	};
}

/** Runs a statement on a migration's connection and returns its rows. */
export type Execute = (sql: string, params?: string[]) => Promise<Array<Record<string, unknown>>>;

/** Applies the migrations not yet recorded, in order, each in its own transaction: the one loop for
 *  both stores (PostgreSQL wraps it in an advisory lock, postgres.ts). */
export async function applyMigrations(execute: Execute, list: Migration[]): Promise<string[]> {
	await execute(`CREATE TABLE IF NOT EXISTS schema_migrations (id VARCHAR PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
	const done = new Set((await execute('SELECT id FROM schema_migrations')).map((r) => String(r.id)));
	const applied: string[] = [];
	for (const m of list) {
		if (done.has(m.id)) continue;
		await execute('BEGIN TRANSACTION');
		try {
			await execute(m.sql);
			await execute('INSERT INTO schema_migrations (id) VALUES ($1)', [m.id]);
			await execute('COMMIT');
		} catch (error) {
			await execute('ROLLBACK');
			throw new Error(`Migration ${m.id} failed: ${(error as Error).message}`, { cause: error });
		}
		applied.push(m.id);
	}
	return applied;
}

export const migrate = (connection: DuckDBConnection, instrument: Instrument): Promise<string[]> =>
	applyMigrations(
		async (sql, params) => (await connection.runAndReadAll(sql, params)).getRowObjectsJson() as Array<Record<string, unknown>>,
		[...migrations, instrumentMigration(instrument)]
	);
