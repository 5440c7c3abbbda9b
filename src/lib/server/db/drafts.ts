import type { Answers, Instrument } from '../../instrument/types';
import type { Database } from './database';
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

export class DraftStore {
	constructor(
		private readonly db: Database,
		private readonly instrument: Instrument,
		private readonly ttlSeconds: number,
		/** Live drafts kept at most: storage stays bounded whatever is sent (DRAFTS_MAX). */
		private readonly maxDrafts = Number.POSITIVE_INFINITY
	) {}

	async save(answers: Answers, resumeCode?: string, guard: NewDraftGuard = {}): Promise<SavedDraft> {
		const expiresAt = new Date(Date.now() + this.ttlSeconds * 1000).toISOString();
		const json = JSON.stringify(answers);
		const normalised = resumeCode ? normaliseResumeCode(resumeCode) : null;
		if (normalised) {
			const updated = await this.db.write(async (c) => {
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
		await this.db.write(async (c) => {
			const live = (await this.db.query('SELECT count(*)::INTEGER AS n FROM drafts WHERE expires_at > now()', [], c))[0].n as number;
			if (live >= this.maxDrafts) throw new SurveyError('UNAVAILABLE', DRAFTS_FULL);
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
			? await this.db.query(`SELECT answers, expires_at FROM drafts WHERE code_hash = $1 AND expires_at > now()`, [hashResumeCode(normalised)])
			: [];
		if (rows.length === 0) {
			throw new SurveyError('NOT_FOUND', 'We could not find saved answers for that code. Check the code, or start again: saved answers are deleted when they expire.');
		}
		return { answers: JSON.parse(String(rows[0].answers)) as Answers, expiresAt: new Date(String(rows[0].expires_at)).toISOString() };
	}

	async discard(resumeCode: string): Promise<void> {
		const normalised = normaliseResumeCode(resumeCode);
		if (!normalised) return;
		await this.db.write((c) => c.run('DELETE FROM drafts WHERE code_hash = $1', [hashResumeCode(normalised)]));
	}

	async purgeExpired(): Promise<number> {
		return this.db.write(async (c) => (await c.run('DELETE FROM drafts WHERE expires_at <= now()')).rowsChanged);
	}
}
