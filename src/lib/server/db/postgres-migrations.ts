// The PostgreSQL schema: the same tables and columns as the embedded store (migrations.ts), in
// PostgreSQL's types, plus what several instances must share (settings, rate limits). Versioned the
// same way; never edit one that has shipped.
import type { Instrument } from '../../instrument/types';
import { instrumentMigration, type Migration } from './migrations';

export const postgresMigrations: Migration[] = [
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
			-- Snapshots copy the responses after a watermark (db/postgres.ts).
			CREATE INDEX responses_submitted_at ON responses (submitted_at);
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
			CREATE TABLE users (
				id UUID PRIMARY KEY,
				email VARCHAR NOT NULL UNIQUE,
				password_hash VARCHAR NOT NULL,
				role VARCHAR NOT NULL CHECK (role IN ('national', 'regional', 'admin')),
				region VARCHAR,
				created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
				CHECK ((role = 'regional') = (region IS NOT NULL))
			);
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
			ALTER TABLE responses ADD COLUMN record_key SMALLINT CHECK (record_key BETWEEN 0 AND 255);
			CREATE TABLE dashboard_snapshots (
				taken_at TIMESTAMPTZ PRIMARY KEY,
				watermark TIMESTAMPTZ,
				responses INTEGER NOT NULL
			);
		`
	},
	{
		id: '005_account_status',
		sql: `
			ALTER TABLE users ADD COLUMN disabled_at TIMESTAMPTZ;
			ALTER TABLE users ADD COLUMN last_sign_in_at TIMESTAMPTZ;
		`
	},
	{
		id: '006_shared_settings_and_limits',
		sql: `
			-- Admin settings (the threshold, success measures, workforce denominators): files under
			-- SETTINGS_DIR on the embedded store, rows here so every instance reads the same.
			CREATE TABLE settings (
				name VARCHAR PRIMARY KEY,
				content TEXT NOT NULL,
				updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
			);
			-- Rate limits and failed sign-ins, counted across instances: one row per key and window.
			CREATE TABLE rate_limits (
				key VARCHAR PRIMARY KEY,
				count INTEGER NOT NULL,
				reset_at TIMESTAMPTZ NOT NULL
			);
		`
	}
];

const POSTGRES_TYPES: Record<string, string> = { UTINYINT: 'SMALLINT', 'VARCHAR[]': 'TEXT[]', VARCHAR: 'TEXT' };

/** The instrument's typed columns in PostgreSQL's types. */
export const postgresInstrumentMigration = (instrument: Instrument): Migration =>
	instrumentMigration(instrument, (type) => POSTGRES_TYPES[type] ?? type);
