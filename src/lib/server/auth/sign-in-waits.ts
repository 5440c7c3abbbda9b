import { createHash } from 'node:crypto';
import type { Config } from '../env';
import { RateLimit, SharedCounter } from './rate-limit';
import type { Store } from '../db/store';
import { normaliseEmail } from './users';

// Failed sign-ins (OWASP's authentication cheat sheet): counted per account *and* address, so an
// attacker's failures slow only their own tries; the real user signing in from elsewhere is not
// locked out. Across all addresses an account's failures only slow each try a little, never lock it.
// In memory on the embedded store (one process sees every attempt); in PostgreSQL when several
// instances share it, so failures on one count on all. An admin can lift an account's wait from the
// accounts page, which is why both counters live here and not in the router.
let memory: { pairs: RateLimit; accounts: RateLimit } | undefined;
const shared = new WeakMap<Store, { pairs: SharedCounter; accounts: SharedCounter }>();

const addressKey = (address: string) => createHash('sha256').update(`login:${address}`).digest('base64url');
const pairKey = (email: string, address: string) => `${normaliseEmail(email)}\n${addressKey(address)}`;

interface Counters {
	hit(key: string): unknown;
	count(key: string): number | Promise<number>;
	secondsLeft(key: string): number | Promise<number>;
	reset(key: string): unknown;
	resetPrefix(prefix: string): unknown;
	longestWait(prefix: string): number | Promise<number>;
}

function countersFor(config: Pick<Config, 'LOGIN_ATTEMPTS' | 'LOGIN_WINDOW_SECONDS'>, db?: Store): { pairs: Counters; accounts: Counters } {
	if (db?.dialect === 'postgres') {
		if (!shared.has(db))
			shared.set(db, {
				pairs: new SharedCounter(db, 'sign-in-pair', config.LOGIN_ATTEMPTS, config.LOGIN_WINDOW_SECONDS),
				accounts: new SharedCounter(db, 'sign-in-account', config.LOGIN_ATTEMPTS, config.LOGIN_WINDOW_SECONDS)
			});
		return shared.get(db)!;
	}
	return (memory ??= {
		pairs: new RateLimit(config.LOGIN_ATTEMPTS, config.LOGIN_WINDOW_SECONDS),
		accounts: new RateLimit(config.LOGIN_ATTEMPTS, config.LOGIN_WINDOW_SECONDS)
	});
}

export function signInWaits(config: Pick<Config, 'LOGIN_ATTEMPTS' | 'LOGIN_WINDOW_SECONDS'>, db?: Store) {
	const { pairs: byPair, accounts: byAccount } = countersFor(config, db);
	return {
		/** Failures for this account from this address in the current window. */
		failures: async (email: string, address: string) => byPair.count(pairKey(email, address)),
		secondsLeft: async (email: string, address: string) => byPair.secondsLeft(pairKey(email, address)),
		/** Failures for this account from every address. */
		accountFailures: async (email: string) => byAccount.count(normaliseEmail(email)),
		async fail(email: string, address: string) {
			await byPair.hit(pairKey(email, address));
			await byAccount.hit(normaliseEmail(email));
		},
		succeed: async (email: string, address: string) => {
			await byPair.reset(pairKey(email, address));
		},
		/** Seconds until this account may sign in again from the address that waits longest (0: none waits). */
		longestWait: async (email: string) => byPair.longestWait(`${normaliseEmail(email)}\n`),
		/** An admin lifts the wait: every address may try again at once, and tries are not slowed. */
		async lift(email: string) {
			await byPair.resetPrefix(`${normaliseEmail(email)}\n`);
			await byAccount.reset(normaliseEmail(email));
		}
	};
}
