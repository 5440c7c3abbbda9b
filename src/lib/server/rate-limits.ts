import { createHash } from 'node:crypto';
import { RateLimit } from './auth/rate-limit';
import type { Config } from './env';

export type Limited = 'submit' | 'saveDraft' | 'resume' | 'login' | 'query' | 'newDraft';

let limits: Record<Limited, RateLimit> | undefined;

function limitsFor(config: Config): Record<Limited, RateLimit> {
	return (limits ??= {
		submit: new RateLimit(config.RATE_SUBMIT_PER_MINUTE, 60),
		saveDraft: new RateLimit(config.RATE_SAVE_DRAFT_PER_MINUTE, 60),
		resume: new RateLimit(config.RATE_RESUME_PER_MINUTE, 60),
		login: new RateLimit(config.RATE_LOGIN_PER_MINUTE, 60),
		query: new RateLimit(config.RATE_QUERY_PER_MINUTE, 60),
		newDraft: new RateLimit(config.RATE_NEW_DRAFTS_PER_HOUR, 3600)
	});
}

/** Counts a call from `address`; returns the seconds to wait when over the limit, otherwise 0. The
 *  address is hashed and held in memory only for the window: it is never stored. */
export function overLimit(config: Config, what: Limited, address: string): number {
	const key = createHash('sha256').update(address).digest('base64url');
	return limitsFor(config)[what].hit(key);
}
