import { createHash } from 'node:crypto';
import { RateLimit, SyncedRateLimit } from './auth/rate-limit';
import type { Config } from './env';
import type { Store } from './db/store';

export type Limited = 'submit' | 'saveDraft' | 'resume' | 'login' | 'query' | 'newDraft';

let limits: Record<Limited, RateLimit> | undefined;

export function limitsFor(config: Config, db?: Store): Record<Limited, RateLimit> {
	// Several instances on one PostgreSQL count together (SyncedRateLimit); one embedded process alone.
	const limit = (name: Limited, perWindow: number, windowSeconds: number) =>
		db?.dialect === 'postgres'
			? new SyncedRateLimit(db, `rate-${name}`, perWindow, windowSeconds)
			: new RateLimit(perWindow, windowSeconds);
	return (limits ??= {
		submit: limit('submit', config.RATE_SUBMIT_PER_MINUTE, 60),
		saveDraft: limit('saveDraft', config.RATE_SAVE_DRAFT_PER_MINUTE, 60),
		resume: limit('resume', config.RATE_RESUME_PER_MINUTE, 60),
		login: limit('login', config.RATE_LOGIN_PER_MINUTE, 60),
		query: limit('query', config.RATE_QUERY_PER_MINUTE, 60),
		newDraft: limit('newDraft', config.RATE_NEW_DRAFTS_PER_HOUR, 3600)
	});
}

/** Counts a call from `address`; returns the seconds to wait when over the limit, otherwise 0. The
 *  address is hashed and held in memory only for the window: it is never stored. */
export function overLimit(config: Config, what: Limited, address: string, db?: Store): number {
	const key = createHash('sha256').update(address).digest('base64url');
	return limitsFor(config, db)[what].hit(key);
}
