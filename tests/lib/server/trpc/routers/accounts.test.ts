// The admin's accounts over real HTTP against a real DuckDB file: every change works, is refused in
// words when it must be, and leaves an audit entry.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNTS, createAccounts, PASSWORD } from '../../../../helpers/accounts';
import { startServer, tempDir, type RunningServer } from '../../../../../bench/kit/server';
import { clientFor, failureOf, signIn } from '../../../../../bench/kit/trpc';

const dir = tempDir();
const databasePath = join(dir.path, 'survey.duckdb');
let server: RunningServer;
let admin: Awaited<ReturnType<typeof signIn>>['client'];

beforeAll(async () => {
	await createAccounts(databasePath);
	server = await startServer({ databasePath, env: { SETTINGS_DIR: join(dir.path, 'settings'), RATE_LOGIN_PER_MINUTE: '10000' } });
	admin = (await signIn(server.url, 'admin@example.org', PASSWORD)).client;
});
afterAll(async () => {
	await server?.stop();
	dir.remove();
});

const idOf = async (email: string) => (await admin.admin.accounts.list.query()).find((a) => a.email === email)!.id;
const actions = async () =>
	(await admin.admin.auditLog.query({ limit: 1000 })).map(
		(e) => `${e.action} ${typeof e.detail === 'string' ? e.detail : JSON.stringify(e.detail)}`
	);
const signInFails = (email: string, password: string) => failureOf(clientFor(server.url).auth.login.mutate({ email, password }));

describe('accounts, for admins only', () => {
	it('401 without a session, 403 for planners', async () => {
		expect(await failureOf(clientFor(server.url).admin.accounts.list.query())).toMatchObject({ code: 'UNAUTHORIZED' });
		const { client } = await signIn(server.url, 'national@example.org', PASSWORD);
		expect(await failureOf(client.admin.accounts.list.query())).toMatchObject({ code: 'FORBIDDEN' });
		const id = await idOf('admin@example.org');
		expect(await failureOf(client.admin.accounts.disable.mutate({ id }))).toMatchObject({ code: 'FORBIDDEN' });
	});

	it('lists every account with its role, region and last sign-in', async () => {
		const list = await admin.admin.accounts.list.query();
		expect(list.map((a) => [a.email, a.role, a.region])).toEqual(
			[...ACCOUNTS].sort((a, b) => a.email.localeCompare(b.email)).map((a) => [a.email, a.role, a.region])
		);
		const signedIn = list.find((a) => a.email === 'admin@example.org')!;
		expect(Date.now() - Date.parse(signedIn.lastSignInAt!)).toBeLessThan(60_000);
		expect(list.find((a) => a.email === 'midlands@example.org')!.lastSignInAt).toBeNull();
		expect(list.every((a) => !a.disabled && a.signInWaitSeconds === 0)).toBe(true);
	});
});

describe('adding an account and resetting a password', () => {
	it('adds an account with a generated password that signs in, returned only by the call that made it', async () => {
		const { account, password } = await admin.admin.accounts.add.mutate({
			email: ' New.Planner@Example.org ',
			role: 'regional',
			region: 'E40000006'
		});
		expect(account).toMatchObject({ email: 'new.planner@example.org', role: 'regional', region: 'E40000006' });
		expect(password).toMatch(/^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);
		expect(JSON.stringify(await admin.admin.accounts.list.query())).not.toContain(password);
		await signIn(server.url, 'new.planner@example.org', password);
		expect(await actions()).toContainEqual(expect.stringMatching(/^user_created .*new\.planner@example\.org.*E40000006/));
	});

	it('refuses a duplicate, a regional planner without a region and a region for anyone else, in words', async () => {
		expect(await failureOf(admin.admin.accounts.add.mutate({ email: 'london@example.org', role: 'national' }))).toMatchObject({
			code: 'CONFLICT',
			message: 'An account for london@example.org already exists'
		});
		expect((await failureOf(admin.admin.accounts.add.mutate({ email: 'x@example.org', role: 'regional' }))).fieldErrors.region).toEqual([
			'A regional planner needs a region: give its ONS code, for example E40000003 for London'
		]);
		expect(
			(await failureOf(admin.admin.accounts.add.mutate({ email: 'x@example.org', role: 'national', region: 'E40000003' }))).fieldErrors
				.region
		).toEqual(['Only regional planners have a region']);
		expect((await failureOf(admin.admin.accounts.add.mutate({ email: 'not an address', role: 'national' }))).fieldErrors.email).toEqual([
			'Enter an email address, such as name@nhs.net'
		]);
	});

	it('resets a password: the new one signs in, the old one does not, and the old sessions end', async () => {
		const old = await signIn(server.url, 'national@example.org', PASSWORD);
		const { password } = await admin.admin.accounts.resetPassword.mutate({ id: await idOf('national@example.org') });
		expect(password).not.toBe(PASSWORD);
		expect(await failureOf(old.client.reports.options.query())).toMatchObject({ code: 'UNAUTHORIZED' });
		expect(await signInFails('national@example.org', PASSWORD)).toMatchObject({ code: 'UNAUTHORIZED' });
		await signIn(server.url, 'national@example.org', password);
		expect(await actions()).toContainEqual(expect.stringMatching(/^password_reset .*national@example\.org/));
	});

	it('says an unknown account is unknown', async () => {
		expect(await failureOf(admin.admin.accounts.resetPassword.mutate({ id: '00000000-0000-4000-8000-000000000000' }))).toMatchObject({
			code: 'NOT_FOUND'
		});
		expect((await failureOf(admin.admin.accounts.disable.mutate({ id: 'nope' }))).fieldErrors.id).toEqual(['There is no such account']);
	});
});

describe('sign-in waits', () => {
	it('shows an account waiting after repeated failures, and lifting the wait lets it sign in at once', async () => {
		for (let i = 0; i < 5; i++) expect(await signInFails('midlands@example.org', 'wrong password')).toMatchObject({ code: 'UNAUTHORIZED' });
		expect(await signInFails('midlands@example.org', PASSWORD)).toMatchObject({ code: 'TOO_MANY_REQUESTS' });
		const id = await idOf('midlands@example.org');
		expect((await admin.admin.accounts.get.query({ id })).signInWaitSeconds).toBeGreaterThan(0);
		expect((await admin.admin.accounts.liftSignInWait.mutate({ id })).seconds).toBeGreaterThan(0);
		expect((await admin.admin.accounts.get.query({ id })).signInWaitSeconds).toBe(0);
		await signIn(server.url, 'midlands@example.org', PASSWORD);
		expect(await actions()).toContainEqual(expect.stringMatching(/^sign_in_wait_lifted .*midlands@example\.org/));
	});
});

describe('disabling and roles', () => {
	it('a disabled account cannot sign in and its sessions end; enabled again, it signs in', async () => {
		const session = await signIn(server.url, 'london@example.org', PASSWORD);
		const id = await idOf('london@example.org');
		expect(await admin.admin.accounts.disable.mutate({ id })).toMatchObject({ disabled: true });
		expect(await failureOf(session.client.reports.options.query())).toMatchObject({ code: 'UNAUTHORIZED' });
		expect(await signInFails('london@example.org', PASSWORD)).toMatchObject({
			code: 'FORBIDDEN',
			message: 'This account is disabled. Ask an administrator to enable it again.'
		});
		expect(await failureOf(admin.admin.accounts.disable.mutate({ id }))).toMatchObject({
			code: 'CONFLICT',
			message: 'london@example.org is already disabled'
		});
		await admin.admin.accounts.enable.mutate({ id });
		await signIn(server.url, 'london@example.org', PASSWORD);
		const log = await actions();
		expect(log).toContainEqual(expect.stringMatching(/^account_disabled .*london@example\.org/));
		expect(log).toContainEqual(expect.stringMatching(/^account_enabled .*london@example\.org/));
	});

	it('changes a role and region, and a regional role needs a region', async () => {
		const id = await idOf('london@example.org');
		expect((await failureOf(admin.admin.accounts.changeRole.mutate({ id, role: 'regional', region: '' }))).fieldErrors.region).toEqual([
			'A regional planner needs a region: give its ONS code, for example E40000003 for London'
		]);
		expect(await admin.admin.accounts.changeRole.mutate({ id, role: 'regional', region: 'E40000005' })).toMatchObject({
			role: 'regional',
			region: 'E40000005'
		});
		expect(await admin.admin.accounts.changeRole.mutate({ id, role: 'national', region: '' })).toMatchObject({
			role: 'national',
			region: null
		});
		expect(await actions()).toContainEqual(
			expect.stringMatching(/^role_changed .*london@example\.org.*"to":\{"role":"national","region":null\}/)
		);
	});

	it('never disables or demotes the last enabled admin', async () => {
		const id = await idOf('admin@example.org');
		const refusal = (what: string) => ({
			code: 'CONFLICT',
			message: `admin@example.org is the only enabled admin account, so it cannot be ${what}. Add or enable another admin first.`
		});
		expect(await failureOf(admin.admin.accounts.disable.mutate({ id }))).toMatchObject(refusal('disabled'));
		expect(await failureOf(admin.admin.accounts.changeRole.mutate({ id, role: 'national' }))).toMatchObject(refusal('given another role'));
		// A second admin, disabled, does not count: it cannot run the survey either.
		const second = await admin.admin.accounts.add.mutate({ email: 'second.admin@example.org', role: 'admin' });
		await admin.admin.accounts.disable.mutate({ id: second.account.id });
		expect(await failureOf(admin.admin.accounts.disable.mutate({ id }))).toMatchObject(refusal('disabled'));
		await admin.admin.accounts.enable.mutate({ id: second.account.id });
		const other = (await signIn(server.url, 'second.admin@example.org', second.password)).client;
		expect(await other.admin.accounts.changeRole.mutate({ id, role: 'national' })).toMatchObject({ role: 'national' });
		expect(await failureOf(other.admin.accounts.disable.mutate({ id: second.account.id }))).toMatchObject({ code: 'CONFLICT' });
		expect(
			(await other.admin.auditLog.query({ limit: 1000 })).filter(
				(e) => e.actor === 'second.admin@example.org' && e.action === 'role_changed'
			)
		).toHaveLength(1);
	});
});
