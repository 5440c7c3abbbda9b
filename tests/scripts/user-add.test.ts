import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { query } from '../../bench/kit/db';
import { ROOT, tempDir } from '../../bench/kit/server';

const dir = tempDir();
afterAll(() => dir.remove());
const db = join(dir.path, 'survey.duckdb');
const userAdd = (...args: string[]) => {
	const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/user-add.ts', '--db', db, ...args], {
		cwd: ROOT,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'pipe']
	});
	return { code: r.status, out: r.stdout, err: r.stderr };
};

describe('npm run user:add', () => {
	it('creates an account with an argon2id hash, never the password', async () => {
		const r = userAdd(
			'--email',
			'Planner@NHS.net',
			'--role',
			'regional',
			'--region',
			'E40000012',
			'--password',
			'a sufficiently long passphrase'
		);
		expect(r).toMatchObject({ code: 0, out: 'Created regional account planner@nhs.net for region E40000012.\n' });
		const rows = await query(db, `SELECT email, role, region, password_hash FROM users`);
		expect(rows).toHaveLength(1);
		expect(rows[0]).toMatchObject({ email: 'planner@nhs.net', role: 'regional', region: 'E40000012' });
		expect(String(rows[0].password_hash)).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
		const audit = await query(db, `SELECT action FROM audit_log`);
		expect(audit.map((a) => a.action)).toEqual(['user_created']);
	});

	it('explains bad input and changes nothing', async () => {
		expect(
			userAdd('--email', 'planner@nhs.net', '--role', 'regional', '--region', 'E40000012', '--password', 'a sufficiently long passphrase')
		).toMatchObject({ code: 1, err: 'An account for planner@nhs.net already exists\n' });
		expect(userAdd('--email', 'x@nhs.net', '--role', 'chief', '--password', 'a sufficiently long passphrase').err).toMatch(
			/^Role must be one of national, regional, admin/
		);
		expect(userAdd('--email', 'x@nhs.net', '--role', 'regional', '--password', 'a sufficiently long passphrase').err).toMatch(
			/^A regional planner needs a region/
		);
		expect(userAdd('--email', 'x@nhs.net', '--role', 'national', '--password', 'short').err).toMatch(
			/^Passwords must be at least 12 characters long/
		);
		expect(userAdd('--email', 'x@nhs.net', '--role', 'national').err).toMatch(/^No --password given and no terminal to ask for one\./);
		expect(userAdd('--email', 'x@nhs.net', '--role', 'national', '--bogus', '1').code).toBe(2);
		expect((await query(db, `SELECT count(*)::INTEGER AS n FROM users`))[0].n).toBe(1);
	});
});
