import { createHash } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Answers, Instrument } from '../../instrument/types';
import { answerColumns } from '../../instrument/storage';
import type { Database } from './database';
import { SurveyError } from './errors';
import { newReceipt } from './codes';

export interface Receipt {
	receipt: string;
	submissionId: string;
	submittedAt: string;
	wave: { id: string; label: string };
}

interface Pending {
	submissionId: string;
	answers: Answers;
	hash: string;
	resolve: (receipt: Receipt) => void;
	reject: (error: unknown) => void;
}

const quote = (name: string) => `"${name}"`;

/** Stable JSON (sorted keys) so the same answers always give the same hash. */
export function answersHash(answers: Answers): string {
	const sorted = Object.fromEntries(Object.entries(answers).sort(([a], [b]) => (a < b ? -1 : 1)));
	return createHash('sha256').update(JSON.stringify(sorted)).digest('hex');
}

/** The insert for a batch: one JSON parameter holding every row, unpacked in SQL into the raw
 *  answers and one typed column per question. */
function insertSql(instrument: Instrument): string {
	const columns = answerColumns(instrument);
	const typed = columns.map((c) =>
		c.type === 'VARCHAR'
			? `r->>'$.answers.${c.name}'`
			: c.type === 'VARCHAR[]'
				? `CAST(r->'$.answers.${c.name}' AS VARCHAR[])`
				: `CAST(r->>'$.answers.${c.name}' AS ${c.type})`
	);
	return `INSERT INTO responses (submission_id, receipt, wave_id, instrument_id, instrument_version, answers, answers_hash, submitted_at, ${columns.map((c) => quote(c.name)).join(', ')})
		SELECT (r->>'$.submission_id')::UUID, r->>'$.receipt', r->>'$.wave_id', r->>'$.instrument_id', r->>'$.instrument_version',
			r->'$.answers', r->>'$.answers_hash', (r->>'$.submitted_at')::TIMESTAMPTZ, ${typed.join(', ')}
		FROM (SELECT unnest(CAST($1 AS JSON[])) AS r)`;
}

/**
 * Stores submissions with group commit: submissions that arrive while a transaction is committing
 * wait and are written together in the next one, so each commit (and its WAL flush) is shared.
 * A receipt is only given after the commit that holds the response has returned.
 */
export class ResponseStore {
	readonly #pending: Pending[] = [];
	#flushing = false;
	readonly #insert: string;

	constructor(
		private readonly db: Database,
		private readonly instrument: Instrument,
		private readonly maxBatch = 512
	) {
		this.#insert = insertSql(instrument);
	}

	/** `answers` must already be validated and canonical. Same id and answers → the same receipt. */
	submit(submissionId: string, answers: Answers): Promise<Receipt> {
		return new Promise((resolve, reject) => {
			this.#pending.push({ submissionId: submissionId.toLowerCase(), answers, hash: answersHash(answers), resolve, reject });
			if (!this.#flushing) {
				this.#flushing = true;
				setImmediate(() => void this.#flush());
			}
		});
	}

	async #flush(): Promise<void> {
		while (this.#pending.length > 0) {
			const batch = this.#pending.splice(0, this.maxBatch);
			try {
				const outcomes = await this.db.write((c) => this.#writeBatch(c, batch));
				batch.forEach((p, i) => {
					const o = outcomes[i];
					if (o instanceof Error) p.reject(o);
					else p.resolve(o);
				});
			} catch (error) {
				for (const p of batch) p.reject(error);
			}
		}
		this.#flushing = false;
	}

	async #writeBatch(c: DuckDBConnection, batch: Pending[]): Promise<Array<Receipt | Error>> {
		const ids = [...new Set(batch.map((p) => p.submissionId))];
		const existing = new Map<string, { hash: string; receipt: Receipt }>();
		const rows = await this.db.query(
			`SELECT r.submission_id::VARCHAR AS id, r.answers_hash, r.receipt, r.submitted_at, r.wave_id, w.label
			 FROM responses r LEFT JOIN waves w ON w.id = r.wave_id
			 WHERE r.submission_id IN (SELECT unnest(CAST($1 AS VARCHAR[]))::UUID)`,
			[JSON.stringify(ids)],
			c
		);
		for (const r of rows) {
			existing.set(String(r.id), {
				hash: String(r.answers_hash),
				receipt: {
					receipt: String(r.receipt),
					submissionId: String(r.id),
					submittedAt: new Date(String(r.submitted_at)).toISOString(),
					wave: { id: String(r.wave_id), label: String(r.label ?? r.wave_id) }
				}
			});
		}
		const waveRows = await this.db.query(`SELECT id, label FROM waves WHERE status = 'open' ORDER BY opened_at DESC LIMIT 1`, [], c);
		const wave = waveRows[0] ? { id: String(waveRows[0].id), label: String(waveRows[0].label) } : null;
		const submittedAt = new Date().toISOString();
		const inserts: object[] = [];
		const outcomes = batch.map((p): Receipt | Error => {
			const known = existing.get(p.submissionId);
			if (known) {
				return known.hash === p.hash
					? known.receipt
					: new SurveyError('CONFLICT', 'This submission id was already used for different answers. Start a new submission to send these answers.');
			}
			if (!wave) return new SurveyError('NO_OPEN_WAVE', 'The survey is closed at the moment, so your answers could not be sent. Save them and come back when the next survey period opens.');
			const receipt: Receipt = { receipt: newReceipt(), submissionId: p.submissionId, submittedAt, wave };
			existing.set(p.submissionId, { hash: p.hash, receipt });
			inserts.push({
				submission_id: p.submissionId,
				receipt: receipt.receipt,
				wave_id: wave.id,
				instrument_id: this.instrument.id,
				instrument_version: this.instrument.version,
				answers: p.answers,
				answers_hash: p.hash,
				submitted_at: submittedAt
			});
			return receipt;
		});
		if (inserts.length > 0) await c.run(this.#insert, [JSON.stringify(inserts)]);
		return outcomes;
	}
}
