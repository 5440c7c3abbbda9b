// Account storage against a real DuckDB file: the rules hold below the router too.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../../../src/lib/server/db/database';
import { instrument } from '../../../../src/lib/instrument/survey';
import { verifyPassword } from '../../../../src/lib/server/auth/passwords';
import { createSession, userForSession } from '../../../../src/lib/server/auth/sessions';
import { signInWaits } from '../../../../src/lib/server/auth/sign-in-waits';
import {
	changeRole,
	createUser,
	findUserByEmail,
	listAccounts,
	recordSignIn,
	resetPassword,
	setDisabled
} from '../../../../src/lib/server/auth/users';
import { tempDir } from '../../../../bench/kit/server';

const dir = tempDir();
let db: Database;
const PASSWORD = 'a long enough test password';

beforeAll(async () => {
	db = await Database.open(join(dir.path, 'survey.duckdb'), instrument);
});
afterAll(async () => {
	await db?.close();
	dir.remove();
});

describe('account storage', () => {
	it('keeps one enabled admin, ends sessions on disable and reset, and records sign-ins', async () => {
		const admin = await createUser(db, 'admin@example.org', 'admin', null, PASSWORD);
		const planner = await createUser(db, 'planner@example.org', 'regional', 'E40000003', PASSWORD);
		await expect(setDisabled(db, admin.id, true)).rejects.toThrow(
			'admin@example.org is the only enabled admin account, so it cannot be disabled'
		);
		await expect(changeRole(db, admin.id, 'national', null)).rejects.toThrow('cannot be given another role');
		await expect(changeRole(db, planner.id, 'regional', null)).rejects.toThrow('A regional planner needs a region');

		const { token } = await createSession(db, planner.id, 60);
		await setDisabled(db, planner.id, true);
		expect(await userForSession(db, token)).toBeNull();
		expect((await findUserByEmail(db, 'planner@example.org'))!.disabled).toBe(true);
		await setDisabled(db, planner.id, false);

		const again = await createSession(db, planner.id, 60);
		const { password } = await resetPassword(db, planner.id);
		expect(await userForSession(db, again.token)).toBeNull();
		expect(await verifyPassword((await findUserByEmail(db, 'planner@example.org'))!.passwordHash, password)).toBe(true);

		await recordSignIn(db, planner.id);
		const listed = await listAccounts(db);
		expect(listed.map((a) => [a.email, a.disabled, a.lastSignInAt === null])).toEqual([
			['admin@example.org', false, true],
			['planner@example.org', false, false]
		]);
	});
});

describe('sign-in waits', () => {
	it('lifting an account’s wait clears every address, and no other account’s', async () => {
		const waits = signInWaits({ LOGIN_ATTEMPTS: 2, LOGIN_WINDOW_SECONDS: 900 });
		for (const address of ['10.0.0.1', '10.0.0.2', '10.0.0.1', '10.0.0.2']) await waits.fail('A@example.org', address);
		await waits.fail('b@example.org', '10.0.0.1');
		await waits.fail('b@example.org', '10.0.0.1');
		expect(await waits.longestWait('a@example.org')).toBeGreaterThan(0);
		await waits.lift('a@example.org');
		expect([
			await waits.longestWait('a@example.org'),
			await waits.failures('a@example.org', '10.0.0.2'),
			await waits.accountFailures('a@example.org')
		]).toEqual([0, 0, 0]);
		expect(await waits.longestWait('b@example.org')).toBeGreaterThan(0);
	});
});
