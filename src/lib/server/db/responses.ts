import { createHash } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Answers, Instrument } from '../../instrument/types';
import type { SqlTransaction, Store } from './store';
import { ResponseRows, type NewResponse } from './response-rows';
import { SurveyError } from './errors';
import { newReceipt } from './codes';
import { openWave } from './waves';

export interface Receipt {
	receipt: string;
	submissionId: string;
	submittedAt: string;
	wave: { id: string; label: string };
}

interface Pending {
	submissionId: string;
	answers: Answers;
	json: string;
	hash: string;
	resolve: (receipt: Receipt) => void;
	reject: (error: unknown) => void;
}

/** Stable JSON (sorted keys): stored as the raw answers, and hashed so the same answers always match. */
export function answersJson(answers: Answers): string {
	return JSON.stringify(Object.fromEntries(Object.entries(answers).sort(([a], [b]) => (a < b ? -1 : 1))));
}

export const answersHash = (json: string) => createHash('sha256').update(json).digest('hex');

/**
 * Stores submissions with group commit: submissions that arrive while a transaction is committing
 * wait and are written together in the next one, so each commit (and its WAL flush) is shared.
 * A receipt is only given after the commit that holds the response has returned.
 */
export class ResponseStore {
	readonly #pending: Pending[] = [];
	#flushing = false;
	readonly #rows: ResponseRows;

	constructor(
		private readonly db: Store,
		private readonly instrument: Instrument,
		private readonly maxBatch = 512
	) {
		this.#rows = new ResponseRows(db, instrument);
	}

	/** `answers` must already be validated and canonical. Same id and answers → the same receipt. */
	submit(submissionId: string, answers: Answers): Promise<Receipt> {
		return new Promise((resolve, reject) => {
			const json = answersJson(answers);
			this.#pending.push({ submissionId: submissionId.toLowerCase(), answers, json, hash: answersHash(json), resolve, reject });
			if (!this.#flushing) {
				this.#flushing = true;
				setImmediate(() => void this.#flush());
			}
		});
	}

	/** A stored response by its submission id (for the respondent's own completion page), or null. */
	async find(submissionId: string): Promise<(Receipt & { answers: Answers }) | null> {
		if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(submissionId)) return null;
		const rows = await this.db.query(
			`SELECT r.submission_id::VARCHAR AS id, r.receipt, r.submitted_at, r.wave_id, w.label, r.answers
			 FROM responses r LEFT JOIN waves w ON w.id = r.wave_id WHERE r.submission_id = $1::UUID`,
			[submissionId.toLowerCase()]
		);
		if (rows.length === 0) return null;
		const r = rows[0];
		return {
			receipt: String(r.receipt),
			submissionId: String(r.id),
			submittedAt: new Date(String(r.submitted_at)).toISOString(),
			wave: { id: String(r.wave_id), label: String(r.label ?? r.wave_id) },
			answers: JSON.parse(String(r.answers)) as Answers
		};
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

	async #existing(c: SqlTransaction, ids: string[]): Promise<Map<string, { hash: string; receipt: Receipt }>> {
		const existing = new Map<string, { hash: string; receipt: Receipt }>();
		if (ids.length === 0) return existing;
		const rows = await this.db.query(
			`SELECT r.submission_id::VARCHAR AS id, r.answers_hash, r.receipt, r.submitted_at, r.wave_id, w.label
			 FROM responses r LEFT JOIN waves w ON w.id = r.wave_id
			 WHERE r.submission_id IN (${ids.map((_, i) => `$${i + 1}::UUID`).join(', ')})`,
			ids,
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
		return existing;
	}

	async #writeBatch(c: SqlTransaction, batch: Pending[]): Promise<Array<Receipt | Error>> {
		const postgres = this.db.dialect === 'postgres';
		// On PostgreSQL a stored id is found by the insert itself (ON CONFLICT), which saves a round trip
		// for the usual batch of new submissions; the embedded appender needs to know beforehand.
		const existing = postgres
			? new Map<string, { hash: string; receipt: Receipt }>()
			: await this.#existing(c, [...new Set(batch.map((p) => p.submissionId))]);
		let wave: { id: string; label: string } | null;
		let now: Date;
		if (postgres) {
			// The open wave and the store's clock in one round trip: instances on several hosts then agree
			// with the snapshots' watermarks.
			const [row] = await this.db.query(
				`SELECT now() AS now, w.id, w.label FROM (SELECT 1) one
				 LEFT JOIN (SELECT id, label FROM waves WHERE status = 'open' ORDER BY opened_at DESC LIMIT 1) w ON true`,
				[],
				c
			);
			wave = row.id ? { id: String(row.id), label: String(row.label) } : null;
			now = new Date(String(row.now));
			// Closed: nothing new is stored, but a retry of a stored submission still gets its receipt.
			if (!wave) for (const [id, known] of await this.#existing(c, [...new Set(batch.map((p) => p.submissionId))])) existing.set(id, known);
		} else {
			const open = await openWave(this.db, c);
			wave = open ? { id: open.id, label: open.label } : null;
			now = new Date();
		}
		const submittedAt = now.toISOString();
		const inserts: NewResponse[] = [];
		const decide = (p: Pending): Receipt | Error => {
			const known = existing.get(p.submissionId);
			if (known) {
				return known.hash === p.hash
					? known.receipt
					: new SurveyError(
							'CONFLICT',
							'This submission id was already used for different answers. Start a new submission to send these answers.'
						);
			}
			if (!wave)
				return new SurveyError(
					'NO_OPEN_WAVE',
					'The survey is closed at the moment, so your answers could not be sent. Save them and come back when the next survey period opens.'
				);
			const receipt: Receipt = { receipt: newReceipt(), submissionId: p.submissionId, submittedAt, wave };
			existing.set(p.submissionId, { hash: p.hash, receipt });
			inserts.push({
				submission_id: p.submissionId,
				receipt: receipt.receipt,
				wave_id: wave.id,
				answers: p.answers,
				answers_json: p.json,
				answers_hash: p.hash,
				submitted_at: now
			});
			return receipt;
		};
		const outcomes = batch.map(decide);
		if (inserts.length === 0) return outcomes;
		if (this.db.dialect === 'duckdb') {
			await this.#rows.append(c as DuckDBConnection, inserts);
			return outcomes;
		}
		// Another instance may have stored the same submission id since we looked (a retry sent to two
		// instances): the unique id keeps one row, and this batch answers with what was stored.
		const lost = await this.#rows.insert(c, inserts);
		if (lost.size === 0) return outcomes;
		for (const id of lost) existing.delete(id);
		for (const [id, row] of await this.#existing(c, [...lost])) existing.set(id, row);
		return batch.map((p, i) => (lost.has(p.submissionId) ? decide(p) : outcomes[i]));
	}
}
