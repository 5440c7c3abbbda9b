import { randomInt, randomUUID } from 'node:crypto';
import type { Store } from '../db/store';
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

/** Checks a role and region together and says what is wrong, or returns null. */
export function roleProblem(role: string, region: string | null | undefined): string | null {
	if (!(ROLES as readonly string[]).includes(role)) return `Role must be one of ${ROLES.join(', ')}`;
	if (role === 'regional' && !region) return 'A regional planner needs a region: give its ONS code, for example E40000003 for London';
	if (role !== 'regional' && region) return 'Only regional planners have a region';
	if (region && !regions.some((r) => r.code === region))
		return `"${region}" is not an NHS England region code (${regions.map((r) => r.code).join(', ')})`;
	return null;
}

/** Checks a new account's fields and says what is wrong, or returns null. */
export function accountProblem(email: string, role: string, region: string | undefined, password: string): string | null {
	if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(normaliseEmail(email))) return `"${email}" is not an email address`;
	return roleProblem(role, region) ?? passwordProblem(password);
}

export async function createUser(db: Store, email: string, role: Role, region: string | null, password: string): Promise<User> {
	const problem = accountProblem(email, role, region ?? undefined, password);
	if (problem) throw new Error(problem);
	const user: User = { id: randomUUID(), email: normaliseEmail(email), role, region };
	const passwordHash = await hashPassword(password);
	await db.write(async (c) => {
		const existing = await db.query('SELECT 1 FROM users WHERE email = $1', [user.email], c);
		if (existing.length > 0) throw new Error(`An account for ${user.email} already exists`);
		await c.run('INSERT INTO users (id, email, password_hash, role, region) VALUES ($1::UUID, $2, $3, $4, $5)', [
			user.id,
			user.email,
			passwordHash,
			role,
			region
		]);
	});
	return user;
}

export async function findUserByEmail(db: Store, email: string): Promise<(User & { passwordHash: string; disabled: boolean }) | null> {
	const rows = await db.query(
		'SELECT id::VARCHAR AS id, email, role, region, password_hash, disabled_at IS NOT NULL AS disabled FROM users WHERE email = $1',
		[normaliseEmail(email)]
	);
	if (rows.length === 0) return null;
	const r = rows[0];
	return {
		id: String(r.id),
		email: String(r.email),
		role: r.role as Role,
		region: (r.region as string | null) ?? null,
		passwordHash: String(r.password_hash),
		disabled: Boolean(r.disabled)
	};
}

/** An account as the admin's accounts page lists it. */
export interface Account extends User {
	disabled: boolean;
	lastSignInAt: string | null;
	createdAt: string;
}

/** Why a change to an account was refused, in words; `kind` says which HTTP error it is. */
export class AccountRefused extends Error {
	constructor(
		message: string,
		readonly kind: 'not_found' | 'conflict' | 'invalid'
	) {
		super(message);
	}
}

// Instants as milliseconds since the epoch: no connection's time zone can change them.
const ACCOUNT_COLUMNS = `id::VARCHAR AS id, email, role, region, disabled_at IS NOT NULL AS disabled,
	(extract(epoch FROM last_sign_in_at) * 1000)::DOUBLE PRECISION AS last_sign_in_at,
	(extract(epoch FROM created_at) * 1000)::DOUBLE PRECISION AS created_at`;
const isoOf = (ms: unknown) => (ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString());

const accountOf = (r: Record<string, unknown>): Account => ({
	id: String(r.id),
	email: String(r.email),
	role: r.role as Role,
	region: (r.region as string | null) ?? null,
	disabled: Boolean(r.disabled),
	lastSignInAt: isoOf(r.last_sign_in_at),
	createdAt: isoOf(r.created_at)!
});

export async function listAccounts(db: Store): Promise<Account[]> {
	return (await db.query(`SELECT ${ACCOUNT_COLUMNS} FROM users ORDER BY email`)).map(accountOf);
}

export async function findAccount(db: Store, id: string, connection?: Parameters<Store['query']>[2]): Promise<Account> {
	const rows = /^[0-9a-f-]{36}$/i.test(id)
		? await db.query(`SELECT ${ACCOUNT_COLUMNS} FROM users WHERE id = $1::UUID`, [id], connection)
		: [];
	if (rows.length === 0) throw new AccountRefused('There is no such account: it may have been removed', 'not_found');
	return accountOf(rows[0]);
}

// No 0/o, 1/l/i: a password read aloud or copied by hand comes out right. 4 groups of 5 from 31
// characters: about 99 bits, far past the 12-character rule.
const PASSWORD_CHARACTERS = 'abcdefghjkmnpqrstuvwxyz23456789';

/** A new random password, to be shown to the admin once and never stored in clear. */
export function generatePassword(): string {
	const group = () => Array.from({ length: 5 }, () => PASSWORD_CHARACTERS[randomInt(PASSWORD_CHARACTERS.length)]).join('');
	return [group(), group(), group(), group()].join('-');
}

/** Sets a generated password and ends the account's sessions; returns the password (shown once). */
export async function resetPassword(db: Store, id: string): Promise<{ account: Account; password: string }> {
	const account = await findAccount(db, id);
	const password = generatePassword();
	const passwordHash = await hashPassword(password);
	await db.write(async (c) => {
		await c.run('UPDATE users SET password_hash = $1 WHERE id = $2::UUID', [passwordHash, id]);
		await c.run('DELETE FROM sessions WHERE user_id = $1::UUID', [id]);
	});
	return { account, password };
}

/** Refuses a change that would leave no enabled admin: someone must be able to run the survey. */
async function keepAnAdmin(db: Store, c: Parameters<Store['query']>[2], account: Account, what: string) {
	if (account.role !== 'admin' || account.disabled) return;
	const others = await db.query(
		"SELECT count(*)::INTEGER AS n FROM users WHERE role = 'admin' AND disabled_at IS NULL AND id <> $1::UUID",
		[account.id],
		c
	);
	if (Number(others[0].n) === 0) {
		throw new AccountRefused(
			`${account.email} is the only enabled admin account, so it cannot be ${what}. Add or enable another admin first.`,
			'conflict'
		);
	}
}

/** Disables an account (it cannot sign in and its sessions end) or enables it again. */
export async function setDisabled(db: Store, id: string, disabled: boolean): Promise<Account> {
	await db.write(async (c) => {
		const account = await findAccount(db, id, c);
		if (account.disabled === disabled)
			throw new AccountRefused(`${account.email} is already ${disabled ? 'disabled' : 'enabled'}`, 'conflict');
		if (disabled) await keepAnAdmin(db, c, account, 'disabled');
		await c.run(`UPDATE users SET disabled_at = ${disabled ? 'now()' : 'NULL'} WHERE id = $1::UUID`, [id]);
		if (disabled) await c.run('DELETE FROM sessions WHERE user_id = $1::UUID', [id]);
	});
	return findAccount(db, id);
}

/** Changes an account's role and region (a regional planner needs a region, no one else has one). */
export async function changeRole(db: Store, id: string, role: Role, region: string | null): Promise<{ before: Account; after: Account }> {
	const problem = roleProblem(role, region);
	if (problem) throw new AccountRefused(problem, 'invalid');
	const before = await db.write(async (c) => {
		const account = await findAccount(db, id, c);
		if (account.role === role && account.region === region)
			throw new AccountRefused(`${account.email} already has that role and region`, 'conflict');
		if (role !== 'admin') await keepAnAdmin(db, c, account, 'given another role');
		await c.run('UPDATE users SET role = $1, region = $2 WHERE id = $3::UUID', [role, region, id]);
		return account;
	});
	return { before, after: await findAccount(db, id) };
}

export async function recordSignIn(db: Store, id: string): Promise<void> {
	await db.write((c) => c.run('UPDATE users SET last_sign_in_at = now() WHERE id = $1::UUID', [id]), { transaction: false });
}
