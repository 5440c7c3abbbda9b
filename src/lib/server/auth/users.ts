import { randomUUID } from 'node:crypto';
import type { Database } from '../db/database';
import { regions } from '../../instrument/reference';
import { hashPassword, passwordProblem } from './passwords';

export const ROLES = ['national', 'regional', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface User {
	id: string;
	email: string;
	role: Role;
	region: string | null;
}

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

/** Checks a new account's fields and says what is wrong, or returns null. */
export function accountProblem(email: string, role: string, region: string | undefined, password: string): string | null {
	if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(normaliseEmail(email))) return `"${email}" is not an email address`;
	if (!(ROLES as readonly string[]).includes(role)) return `Role must be one of ${ROLES.join(', ')}`;
	if (role === 'regional' && !region) return 'A regional planner needs a region: give its ONS code, for example E40000003 for London';
	if (role !== 'regional' && region) return 'Only regional planners have a region';
	if (region && !regions.some((r) => r.code === region)) return `"${region}" is not an NHS England region code (${regions.map((r) => r.code).join(', ')})`;
	return passwordProblem(password);
}

export async function createUser(db: Database, email: string, role: Role, region: string | null, password: string): Promise<User> {
	const problem = accountProblem(email, role, region ?? undefined, password);
	if (problem) throw new Error(problem);
	const user: User = { id: randomUUID(), email: normaliseEmail(email), role, region };
	const passwordHash = await hashPassword(password);
	await db.write(async (c) => {
		const existing = await db.query('SELECT 1 FROM users WHERE email = $1', [user.email], c);
		if (existing.length > 0) throw new Error(`An account for ${user.email} already exists`);
		await c.run('INSERT INTO users (id, email, password_hash, role, region) VALUES ($1::UUID, $2, $3, $4, $5)', [user.id, user.email, passwordHash, role, region]);
	});
	return user;
}

export async function findUserByEmail(db: Database, email: string): Promise<(User & { passwordHash: string }) | null> {
	const rows = await db.query('SELECT id::VARCHAR AS id, email, role, region, password_hash FROM users WHERE email = $1', [normaliseEmail(email)]);
	if (rows.length === 0) return null;
	const r = rows[0];
	return { id: String(r.id), email: String(r.email), role: r.role as Role, region: (r.region as string | null) ?? null, passwordHash: String(r.password_hash) };
}
