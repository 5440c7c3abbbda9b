import { createHash, randomBytes } from 'node:crypto';

// Crockford base32: no I, L, O or U, so codes survive being read aloud or written down.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function randomCode(length: number): string {
	const bytes = randomBytes(length);
	let out = '';
	for (const b of bytes) out += ALPHABET[b & 31];
	return out;
}

/** A resume code: 16 characters, 80 random bits, shown as XXXX-XXXX-XXXX-XXXX. */
export const newResumeCode = () => randomCode(16).replace(/(.{4})(?!$)/g, '$1-');

/** Accepts the code however it was typed: lower case, spaces, dashes, O for 0, I or L for 1. */
export function normaliseResumeCode(input: string): string | null {
	const code = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
	return /^[0-9A-HJKMNP-TV-Z]{16}$/.test(code) ? code : null;
}

export const hashResumeCode = (normalised: string) => createHash('sha256').update(`resume:${normalised}`).digest('hex');

export const newReceipt = () => `PGW-${randomCode(4)}-${randomCode(4)}`;
