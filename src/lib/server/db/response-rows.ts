// How a batch of new responses is written, per store: DuckDB's appender inside the caller's
// transaction (far cheaper than INSERT for a batch), or PostgreSQL's multi-row INSERT that leaves an id
// another instance stored first to the row already there. Each question also gets its typed column.
import { randomInt } from 'node:crypto';
import { DuckDBUUIDValue, LIST, listValue, timestampTZValue, VARCHAR, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import type { Answers, Instrument } from '../../instrument/types';
import { columnType } from '../../instrument/storage';
import { questionsOf } from '../../instrument/questions';
import type { SqlTransaction, SqlValue, Store } from './store';

/** A response about to be stored, its receipt decided. */
export interface NewResponse {
	submission_id: string;
	receipt: string;
	wave_id: string;
	answers: Answers;
	answers_json: string;
	answers_hash: string;
	submitted_at: Date;
}

type ColumnWriter = (appender: DuckDBAppender, row: NewResponse) => void;

const uuid = (id: string) => DuckDBUUIDValue.fromUint128(BigInt(`0x${id.replaceAll('-', '')}`));
const VARCHAR_LIST = LIST(VARCHAR);

/** How to append each column of `responses`, in the table's column order: the raw answers as JSON
 *  and each question's answer in its typed column. */
function columnWriters(instrument: Instrument, columns: string[]): ColumnWriter[] {
	const questions = new Map(questionsOf(instrument).map((q) => [q.id, q]));
	return columns.map((name): ColumnWriter => {
		switch (name) {
			case 'submission_id':
				return (a, r) => a.appendUUID(uuid(r.submission_id));
			case 'receipt':
			case 'wave_id':
			case 'answers_hash':
				return (a, r) => a.appendVarchar(r[name]);
			case 'instrument_id':
				return (a) => a.appendVarchar(instrument.id);
			case 'instrument_version':
				return (a) => a.appendVarchar(instrument.version);
			case 'answers':
				return (a, r) => a.appendVarchar(r.answers_json);
			case 'submitted_at':
				return (a, r) => a.appendTimestampTZ(timestampTZValue(BigInt(r.submitted_at.getTime()) * 1000n));
			case 'record_key':
				// Disclosure control's record key (pipelines/disclosure/perturbation.ts): secret, uniform on 0–255.
				return (a) => a.appendUTinyInt(randomInt(256));
		}
		const question = questions.get(name);
		// A column from another instrument version: this one never answers it.
		if (!question) return (a) => a.appendNull();
		const type = columnType(question);
		return (a, r) => {
			const value = r.answers[name];
			if (value === undefined) a.appendNull();
			else if (type === 'VARCHAR[]') a.appendList(listValue(value as string[]), VARCHAR_LIST);
			else if (type === 'UTINYINT') a.appendUTinyInt(value as number);
			else a.appendVarchar(String(value));
		};
	});
}

export class ResponseRows {
	#writers: ColumnWriter[] | undefined;
	#columnNames: string[] | undefined;
	readonly #questions: Set<string>;

	constructor(
		private readonly db: Store,
		private readonly instrument: Instrument
	) {
		this.#questions = new Set(questionsOf(instrument).map((q) => q.id));
	}

	/** Appends rows inside the caller's transaction: the appender is far cheaper than INSERT for a batch. */
	async append(c: DuckDBConnection, rows: NewResponse[]): Promise<void> {
		const columns = await this.#columns(c);
		this.#writers ??= columnWriters(this.instrument, columns);
		const appender = await c.createAppender('responses');
		try {
			for (const row of rows) {
				for (const write of this.#writers) write(appender, row);
				appender.endRow();
			}
			appender.flushSync();
		} finally {
			appender.closeSync();
		}
	}

	async #columns(c: SqlTransaction): Promise<string[]> {
		return (this.#columnNames ??= (
			await this.db.query(
				`SELECT column_name FROM information_schema.columns WHERE table_name = 'responses' AND table_schema = current_schema() ORDER BY ordinal_position`,
				[],
				c
			)
		).map((r) => String(r.column_name)));
	}

	/** PostgreSQL: one multi-row INSERT per chunk; returns the ids another instance stored first. */
	async insert(c: SqlTransaction, rows: NewResponse[]): Promise<Set<string>> {
		const columns = await this.#columns(c);
		const valueOf = (name: string, r: NewResponse): unknown => {
			switch (name) {
				case 'submission_id':
				case 'receipt':
				case 'wave_id':
				case 'answers_hash':
					return r[name];
				case 'instrument_id':
					return this.instrument.id;
				case 'instrument_version':
					return this.instrument.version;
				case 'answers':
					return r.answers_json;
				case 'submitted_at':
					return r.submitted_at.toISOString();
				case 'record_key':
					return randomInt(256);
			}
			return this.#questions.has(name) ? (r.answers[name] ?? null) : null;
		};
		const lost = new Set(rows.map((r) => r.submission_id));
		const quoted = columns.map((name) => `"${name.replaceAll('"', '""')}"`).join(', ');
		// PostgreSQL takes at most 65,535 parameters in one statement.
		const perChunk = Math.max(1, Math.floor(60_000 / columns.length));
		for (let start = 0; start < rows.length; start += perChunk) {
			const chunk = rows.slice(start, start + perChunk);
			const params: unknown[] = [];
			const tuples = chunk.map((r) => `(${columns.map((name) => `$${params.push(valueOf(name, r))}`).join(', ')})`);
			const stored = await this.db.query(
				`INSERT INTO responses (${quoted}) VALUES ${tuples.join(', ')} ON CONFLICT (submission_id) DO NOTHING RETURNING submission_id::VARCHAR AS id`,
				params as SqlValue[],
				c
			);
			for (const r of stored) lost.delete(String(r.id));
		}
		return lost;
	}
}
