import type { Answers, Instrument } from '../../instrument/types';
import type { SqlTransaction, Store } from './store';
import { hashResumeCode, newResumeCode, normaliseResumeCode } from './codes';
import { SurveyError } from './errors';

export interface SavedDraft {
	/** Only present when the draft was created by this save: the code is shown once and never stored. */
	resumeCode?: string;
	expiresAt: string;
}

/** Checks run before a save makes a new draft; each may throw to refuse it (nothing is written then). */
export interface NewDraftGuard {
	/** A resume code was given but matched no live draft: as much a probe of codes as a resume is. */
	missed?(): void;
	/** A new draft is about to be stored. */
	creating?(): void;
}

export const DRAFTS_FULL =
	'We cannot store any more saved answers just now. Nothing you saved before is lost, and your answers on this page are still here: you can carry on and submit them, or try saving again later.';

interface Pending {
	job: (c: SqlTransaction) => Promise<unknown>;
	resolve: (value: unknown) => void;
	reject: (error: unknown) => void;
}

/** Saved drafts. Writes use group commit, as submissions do: the saves and deletes that arrive while a
 *  transaction commits share the next one, and each is answered only after that commit. (A survey
 *  without JavaScript saves its draft at every step, so drafts are written as often as responses.)
 *  A job refuses by returning a SurveyError, which fails that save alone, not the whole group. */
export class DraftStore {
	readonly #pending: Pending[] = [];
	#flushing = false;

	constructor(
		private readonly db: Store,
		private readonly instrument: Instrument,
		private readonly ttlSeconds: number,
		/** Live drafts kept at most: storage stays bounded whatever is sent (DRAFTS_MAX). */
		private readonly maxDrafts = Number.POSITIVE_INFINITY
	) {}

	#grouped<T>(job: (c: SqlTransaction) => Promise<T>): Promise<T> {
		return new Promise<T>((resolve, reject) => {
			this.#pending.push({ job, resolve: resolve as (value: unknown) => void, reject });
			if (!this.#flushing) {
				this.#flushing = true;
				setImmediate(() => void this.#flush());
			}
		});
	}

	async #flush(): Promise<void> {
		while (this.#pending.length > 0) {
			const batch = this.#pending.splice(0, 256);
			try {
				const results = await this.db.write(async (c) => {
					const out: unknown[] = [];
					for (const p of batch) out.push(await p.job(c));
					return out;
				});
				batch.forEach((p, i) => (results[i] instanceof SurveyError ? p.reject(results[i]) : p.resolve(results[i])));
			} catch (error) {
				for (const p of batch) p.reject(error);
			}
		}
		this.#flushing = false;
	}

	async save(answers: Answers, resumeCode?: string, guard: NewDraftGuard = {}): Promise<SavedDraft> {
		const expiresAt = new Date(Date.now() + this.ttlSeconds * 1000).toISOString();
		const json = JSON.stringify(answers);
		const normalised = resumeCode ? normaliseResumeCode(resumeCode) : null;
		if (normalised) {
			const updated = await this.#grouped(async (c) => {
				const r = await c.run(
					`UPDATE drafts SET answers = $2, instrument_version = $3, updated_at = now(), expires_at = $4::TIMESTAMPTZ
					 WHERE code_hash = $1 AND expires_at > now()`,
					[hashResumeCode(normalised), json, this.instrument.version, expiresAt]
				);
				return r.rowsChanged;
			});
			if (updated > 0) return { expiresAt };
		}
		if (resumeCode) guard.missed?.();
		guard.creating?.();
		// No code, or one that expired: start a new draft with a new code, if there is room. Saving to an
		// existing draft (above) never hits the bound, so nothing already saved is lost.
		const code = newResumeCode();
		await this.#grouped(async (c) => {
			const live = (await this.db.query('SELECT count(*)::INTEGER AS n FROM drafts WHERE expires_at > now()', [], c))[0].n as number;
			if (live >= this.maxDrafts) return new SurveyError('UNAVAILABLE', DRAFTS_FULL);
			await c.run(
				`INSERT INTO drafts (code_hash, instrument_version, answers, created_at, updated_at, expires_at)
				 VALUES ($1, $2, $3, now(), now(), $4::TIMESTAMPTZ)`,
				[hashResumeCode(normaliseResumeCode(code)!), this.instrument.version, json, expiresAt]
			);
		});
		return { resumeCode: code, expiresAt };
	}

	async resume(resumeCode: string): Promise<{ answers: Answers; expiresAt: string }> {
		const normalised = normaliseResumeCode(resumeCode);
		const rows = normalised
			? await this.db.query(`SELECT answers, expires_at FROM drafts WHERE code_hash = $1 AND expires_at > now()`, [
					hashResumeCode(normalised)
				])
			: [];
		if (rows.length === 0) {
			throw new SurveyError(
				'NOT_FOUND',
				'We could not find saved answers for that code. Check the code, or start again: saved answers are deleted when they expire.'
			);
		}
		return { answers: JSON.parse(String(rows[0].answers)) as Answers, expiresAt: new Date(String(rows[0].expires_at)).toISOString() };
	}

	async discard(resumeCode: string): Promise<void> {
		const normalised = normaliseResumeCode(resumeCode);
		if (!normalised) return;
		await this.#grouped((c) => c.run('DELETE FROM drafts WHERE code_hash = $1', [hashResumeCode(normalised)]));
	}

	async purgeExpired(): Promise<number> {
		return this.db.write(async (c) => (await c.run('DELETE FROM drafts WHERE expires_at <= now()')).rowsChanged);
	}
}
