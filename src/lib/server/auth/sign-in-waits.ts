import { createHash } from 'node:crypto';
import type { Config } from '../env';
import { RateLimit } from './rate-limit';
import { normaliseEmail } from './users';

// Failed sign-ins (OWASP's authentication cheat sheet): counted per account *and* address, so an
// attacker's failures slow only their own tries; the real user signing in from elsewhere is not
// locked out. Across all addresses an account's failures only slow each try a little, never lock it.
// In memory: one server process owns the database, so it sees every attempt. An admin can lift an
// account's wait from the accounts page, which is why both counters live here and not in the router.
let pairs: RateLimit | undefined;
let accounts: RateLimit | undefined;

const addressKey = (address: string) => createHash('sha256').update(`login:${address}`).digest('base64url');
const pairKey = (email: string, address: string) => `${normaliseEmail(email)}\n${addressKey(address)}`;

export function signInWaits(config: Pick<Config, 'LOGIN_ATTEMPTS' | 'LOGIN_WINDOW_SECONDS'>) {
	pairs ??= new RateLimit(config.LOGIN_ATTEMPTS, config.LOGIN_WINDOW_SECONDS);
	accounts ??= new RateLimit(config.LOGIN_ATTEMPTS, config.LOGIN_WINDOW_SECONDS);
	const byPair = pairs;
	const byAccount = accounts;
	return {
		/** Failures for this account from this address in the current window. */
		failures: (email: string, address: string) => byPair.count(pairKey(email, address)),
		secondsLeft: (email: string, address: string) => byPair.secondsLeft(pairKey(email, address)),
		/** Failures for this account from every address. */
		accountFailures: (email: string) => byAccount.count(normaliseEmail(email)),
		fail(email: string, address: string) {
			byPair.hit(pairKey(email, address));
			byAccount.hit(normaliseEmail(email));
		},
		succeed: (email: string, address: string) => byPair.reset(pairKey(email, address)),
		/** Seconds until this account may sign in again from the address that waits longest (0: none waits). */
		longestWait: (email: string) => byPair.longestWait(`${normaliseEmail(email)}\n`),
		/** An admin lifts the wait: every address may try again at once, and tries are not slowed. */
		lift(email: string) {
			byPair.resetPrefix(`${normaliseEmail(email)}\n`);
			byAccount.reset(normaliseEmail(email));
		}
	};
}
