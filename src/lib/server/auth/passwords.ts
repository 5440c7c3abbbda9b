import { hash, verify, type Options } from '@node-rs/argon2';

// OWASP's argon2id minimum: 19 MiB memory, 2 iterations, 1 lane.
// `Algorithm` is an ambient const enum the build cannot import: 2 is Algorithm.Argon2id.
const OPTIONS: Options = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 };

export const hashPassword = (password: string) => hash(password, OPTIONS);
export const verifyPassword = (stored: string, password: string) => verify(stored, password).catch(() => false);

/** Rules a new password must meet, in words: length matters more than character classes (NCSC). */
export function passwordProblem(password: string): string | null {
	if (password.length < 12) return 'Passwords must be at least 12 characters long';
	if (password.length > 200) return 'Passwords must be 200 characters or fewer';
	return null;
}
