// Sign-in over real HTTP against the built server: sessions, cookie flags, logout, rate limit, audit.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNTS, createAccounts, PASSWORD } from '../../../../helpers/accounts';
import { query } from '../../../../../bench/kit/db';
import { startServer, tempDir, type RunningServer } from '../../../../../bench/kit/server';
import { clientFor, failureOf, signIn } from '../../../../../bench/kit/trpc';

const dir = tempDir();
const databasePath = join(dir.path, 'survey.duckdb');
let server: RunningServer;

beforeAll(async () => {
	await createAccounts(databasePath);
	server = await startServer({ databasePath, env: { LOGIN_ATTEMPTS: '3' } });
});
afterAll(async () => {
	await server?.stop();
	dir.remove();
});

describe('auth', () => {
	it('signs in with a session cookie that is httpOnly and SameSite=Lax, and knows who is signed in', async () => {
		const { setCookie, client } = await signIn(server.url, 'LONDON@example.org ', PASSWORD);
		expect(setCookie).toMatch(/^pgwn_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=28800$/);
		expect(await client.auth.me.query()).toEqual({ email: 'london@example.org', role: 'regional', region: 'E40000003' });
		expect(await clientFor(server.url).auth.me.query()).toBeNull();
	});

	it('refuses a wrong password or unknown account with the same words', async () => {
		const anon = clientFor(server.url);
		const wrong = await failureOf(anon.auth.login.mutate({ email: 'national@example.org', password: 'not the password' }));
		const unknown = await failureOf(anon.auth.login.mutate({ email: 'nobody@example.org', password: 'not the password' }));
		expect(wrong).toMatchObject({ code: 'UNAUTHORIZED', status: 401, message: 'The email address or password is not right.' });
		expect(unknown).toMatchObject({ code: 'UNAUTHORIZED', status: 401, message: 'The email address or password is not right.' });
	});

	// The server sees every test request from loopback, which it trusts as a proxy by default, so
	// X-Forwarded-For says which client each request stands for (README, Deployment).
	const attempt = (from: string, password = 'guess', email = 'admin@example.org') =>
		fetch(`${server.url}/api/trpc/auth.login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
			body: JSON.stringify({ email, password })
		});

	it("slows an attacker's failed sign-ins from one address with 429 and Retry-After, while the real user signs in from another", async () => {
		for (let i = 0; i < 3; i++) expect((await attempt('198.51.100.7')).status).toBe(401);
		for (let i = 0; i < 3; i++) {
			const limited = await attempt('198.51.100.7');
			expect(limited.status).toBe(429);
			expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
			expect((await limited.json()).error.message).toMatch(
				/^Too many failed sign-in attempts for this account from your network\. Try again in \d+ minutes, or ask an administrator to reset your password\.$/
			);
		}
		// Even the right password waits, from the attacker's address: the throttle gives nothing away.
		expect((await attempt('198.51.100.7', PASSWORD)).status).toBe(429);
		// The real user, elsewhere, is not locked out; nor is another account from the attacker's address.
		const real = await attempt('203.0.113.5', PASSWORD);
		expect(real.status).toBe(200);
		expect(real.headers.get('set-cookie')).toMatch(/^pgwn_session=/);
		expect((await attempt('198.51.100.7', PASSWORD, 'midlands@example.org')).status).toBe(200);
	});

	it('keeps slowing, never locking, when the account is attacked from many addresses', async () => {
		for (let a = 1; a <= 5; a++)
			for (let i = 0; i < 3; i++) expect((await attempt(`192.0.2.${a}`, 'guess', 'london@example.org')).status).toBe(401);
		expect((await attempt('203.0.113.9', PASSWORD, 'london@example.org')).status).toBe(200);
	});

	it('refuses malformed sign-in input in words', async () => {
		const failure = await failureOf(clientFor(server.url).auth.login.mutate({ email: '', password: '' }));
		expect(failure.fieldErrors).toEqual({ email: ['Enter your email address'], password: ['Enter your password'] });
	});

	it('ends the session on logout: the old cookie no longer works', async () => {
		const { client, cookie } = await signIn(server.url, 'national@example.org', PASSWORD);
		await client.auth.logout.mutate();
		const stale = clientFor(server.url);
		const response = await fetch(`${server.url}/api/trpc/auth.me`, { headers: { cookie } });
		expect((await response.json()).result.data).toBeNull();
		expect(await stale.auth.me.query()).toBeNull();
	});

	it('records logins and failed logins in the audit log', async () => {
		await server.stop();
		const rows = await query(databasePath, `SELECT actor, action FROM audit_log ORDER BY id`);
		const actions = rows.map((r) => `${r.action} ${r.actor}`);
		expect(actions).toContain('login london@example.org');
		expect(actions).toContain('login_failed national@example.org');
		expect(actions).toContain('login_failed nobody@example.org');
		expect(actions).toContain('login_throttled admin@example.org');
		// One row for the first failure and one when throttling starts, per account, address and window:
		// the attacker's ten tries on admin wrote two rows, not ten.
		expect(actions.filter((a) => a.endsWith(' admin@example.org') && a.startsWith('login'))).toEqual([
			'login_failed admin@example.org',
			'login_throttled admin@example.org',
			'login admin@example.org'
		]);
		expect(actions).toContain('logout national@example.org');
		expect(ACCOUNTS.length).toBe(4);
		server = await startServer({ databasePath });
	});
});
