import { createHash, randomBytes } from 'node:crypto';
import type { Store } from '../db/store';
import type { Role, User } from './users';

export const SESSION_COOKIE = 'pgwn_session';
const hashToken = (token: string) => createHash('sha256').update(`session:${token}`).digest('hex');

export async function createSession(db: Store, userId: string, ttlSeconds: number): Promise<{ token: string; expiresAt: Date }> {
	const token = randomBytes(32).toString('base64url');
	const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
	await db.write((c) =>
		c.run('INSERT INTO sessions (token_hash, user_id, expires_at) VALUES ($1, $2::UUID, $3::TIMESTAMPTZ)', [
			hashToken(token),
			userId,
			expiresAt.toISOString()
		])
	);
	return { token, expiresAt };
}

export async function userForSession(db: Store, token: string | undefined): Promise<User | null> {
	if (!token || token.length > 100) return null;
	const rows = await db.query(
		`SELECT u.id::VARCHAR AS id, u.email, u.role, u.region FROM sessions s JOIN users u ON u.id = s.user_id
		 WHERE s.token_hash = $1 AND s.expires_at > now() AND u.disabled_at IS NULL`,
		[hashToken(token)]
	);
	if (rows.length === 0) return null;
	const r = rows[0];
	return { id: String(r.id), email: String(r.email), role: r.role as Role, region: (r.region as string | null) ?? null };
}

export async function endSession(db: Store, token: string | undefined): Promise<void> {
	if (!token) return;
	await db.write((c) => c.run('DELETE FROM sessions WHERE token_hash = $1 OR expires_at <= now()', [hashToken(token)]));
}

/** The Set-Cookie header for a session: httpOnly, SameSite=Lax, and Secure when served over https. */
export function sessionCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
	return [
		`${SESSION_COOKIE}=${token}`,
		'Path=/',
		'HttpOnly',
		'SameSite=Lax',
		`Max-Age=${maxAgeSeconds}`,
		...(secure ? ['Secure'] : [])
	].join('; ');
}

export function readCookie(header: string | null, name: string): string | undefined {
	for (const part of (header ?? '').split(';')) {
		const [key, ...value] = part.trim().split('=');
		if (key === name) return value.join('=');
	}
	return undefined;
}
