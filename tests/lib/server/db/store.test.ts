// The storage contract, run against both stores of record: the embedded DuckDB file and a real
// PostgreSQL server (a throwaway cluster). What the service writes must read back the same from either,
// and the analytics must see the same responses.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instrument } from '../../../../src/lib/instrument/survey';
import { Database } from '../../../../src/lib/server/db/database';
import { PostgresStore } from '../../../../src/lib/server/db/postgres';
import type { Store } from '../../../../src/lib/server/db/store';
import { ResponseStore } from '../../../../src/lib/server/db/responses';
import { DraftStore } from '../../../../src/lib/server/db/drafts';
import { createWave, ensureDefaultWave, listWaves, openWave, setWaveStatus } from '../../../../src/lib/server/db/waves';
import { createSession, endSession, userForSession } from '../../../../src/lib/server/auth/sessions';
import { createUser, listAccounts, recordSignIn, setDisabled } from '../../../../src/lib/server/auth/users';
import { audit, auditLog } from '../../../../src/lib/server/auth/audit';
import { completeAnswers } from '../../../../bench/kit/answers';
import { tempDir } from '../../../../bench/kit/server';
import { startPostgres, type PostgresCluster } from '../../../../bench/kit/postgres';

const dir = tempDir();
let cluster: PostgresCluster;
beforeAll(async () => {
	cluster = await startPostgres();
}, 60_000);
afterAll(async () => {
	await cluster?.stop();
	dir.remove();
});

const stores: Array<[string, () => Promise<Store>]> = [
	['DuckDB', () => Database.open(join(dir.path, `${randomUUID()}.duckdb`), instrument)],
	['PostgreSQL', async () => PostgresStore.open(await cluster.createDatabase(), instrument)]
];

describe('the two schemas', () => {
	it('have the same tables and columns, in the same order (the PostgreSQL migrations are written in its own types)', async () => {
		const columnsOf = async (db: Store) =>
			(
				await db.query(
					`SELECT table_name || '.' || column_name AS c FROM information_schema.columns
					 WHERE table_schema = current_schema() AND table_name NOT IN ('settings', 'rate_limits') ORDER BY table_name, ordinal_position`
				)
			).map((r) => String(r.c));
		const [duck, postgres] = await Promise.all(stores.map(([, open]) => open()));
		try {
			const expected = await columnsOf(duck);
			expect(expected).toContain('responses.record_key');
			expect(await columnsOf(postgres)).toEqual(expected);
		} finally {
			await Promise.all([duck.close(), postgres.close()]);
		}
	});
});

describe.each(stores)('the %s store', (_, open) => {
	let db: Store;
	beforeAll(async () => {
		db = await open();
		await ensureDefaultWave(db, { id: '2026-27', label: '2026/27' });
	});
	afterAll(async () => db?.close());

	it('stores a submission once, answers a repeat with the same receipt, and refuses other answers under its id', async () => {
		const responses = new ResponseStore(db, instrument);
		const id = randomUUID();
		const [first, again] = await Promise.all([responses.submit(id, completeAnswers(1)), responses.submit(id, completeAnswers(1))]);
		expect(again).toEqual(first);
		expect(first.wave).toEqual({ id: '2026-27', label: '2026/27' });
		await expect(responses.submit(id, completeAnswers(2))).rejects.toThrow('already used for different answers');
		const found = await responses.find(id);
		expect(found?.receipt).toBe(first.receipt);
		expect(found?.submittedAt).toBe(first.submittedAt);
		expect(found?.answers).toEqual(completeAnswers(1));
		const [{ n }] = await db.query('SELECT count(*)::INTEGER AS n FROM responses WHERE submission_id = $1::UUID', [id]);
		expect(Number(n)).toBe(1);
	});

	it('answers a retry with its receipt while no wave is open, and refuses new submissions in words', async () => {
		const responses = new ResponseStore(db, instrument);
		const id = randomUUID();
		const first = await responses.submit(id, completeAnswers(8));
		await setWaveStatus(db, '2026-27', 'closed');
		try {
			expect(await responses.submit(id, completeAnswers(8))).toEqual(first);
			await expect(responses.submit(randomUUID(), completeAnswers(9))).rejects.toThrow('The survey is closed at the moment');
		} finally {
			await setWaveStatus(db, '2026-27', 'open');
		}
	});

	it('keeps waves: one open at a time, planned ones listed with their counts', async () => {
		await createWave(db, '2027-28', '2027/28');
		await expect(createWave(db, '2027-28', 'again')).rejects.toThrow('A wave called 2027-28 already exists');
		await setWaveStatus(db, '2027-28', 'open');
		expect((await openWave(db))?.id).toBe('2027-28');
		const waves = await listWaves(db);
		expect(waves.map((w) => [w.id, w.status])).toEqual([
			['2026-27', 'closed'],
			['2027-28', 'open']
		]);
		expect(waves[0].responses).toBe(2);
		await setWaveStatus(db, '2026-27', 'open');
	});

	it('saves, resumes, updates and discards drafts, and purges expired ones', async () => {
		const drafts = new DraftStore(db, instrument, 3600);
		const saved = await drafts.save({ region: 'E40000003' });
		expect((await drafts.resume(saved.resumeCode!)).answers).toEqual({ region: 'E40000003' });
		await drafts.save({ region: 'E40000005' }, saved.resumeCode);
		expect((await drafts.resume(saved.resumeCode!)).answers).toEqual({ region: 'E40000005' });
		await drafts.discard(saved.resumeCode!);
		await expect(drafts.resume(saved.resumeCode!)).rejects.toThrow('We could not find saved answers for that code');
		const expired = new DraftStore(db, instrument, -60);
		await expired.save({ region: 'E40000003' });
		expect(await drafts.purgeExpired()).toBe(1);
	});

	it('keeps accounts and sessions: a disabled account loses its sessions; signing out ends one', async () => {
		const planner = await createUser(db, `planner-${randomUUID()}@example.org`, 'regional', 'E40000003', 'a long enough test password');
		await createUser(db, `admin-${randomUUID()}@example.org`, 'admin', null, 'a long enough test password');
		const { token } = await createSession(db, planner.id, 3600);
		expect((await userForSession(db, token))?.email).toBe(planner.email);
		await recordSignIn(db, planner.id);
		const account = (await listAccounts(db)).find((a) => a.id === planner.id)!;
		expect(Date.now() - Date.parse(account.lastSignInAt!)).toBeLessThan(60_000);
		await endSession(db, token);
		expect(await userForSession(db, token)).toBeNull();
		const second = await createSession(db, planner.id, 3600);
		await setDisabled(db, planner.id, true);
		expect(await userForSession(db, second.token)).toBeNull();
	});

	it('keeps the audit log in order, its details as they were given', async () => {
		await audit(db, 'admin@example.org', 'wave_created', { id: '2027-28', note: 'quotes " and \u00e9' });
		const [latest] = await auditLog(db, 1);
		expect(latest.action).toBe('wave_created');
		expect(JSON.parse(String(latest.detail))).toEqual({ id: '2027-28', note: 'quotes " and \u00e9' });
	});

	it('gives the analytics every response up to a watermark, with the typed columns the embedded store has', async () => {
		const responses = new ResponseStore(db, instrument);
		const ids = await Promise.all(
			[3, 4, 5].map((seed) => responses.submit(randomUUID(), completeAnswers(seed, { comments: `it's "quoted", x` })))
		);
		const analytics = await db.analytics();
		await analytics.catchUp(new Date(Date.now() + 1000).toISOString());
		const c = await analytics.instance.connect();
		try {
			const rows = (
				await c.runAndReadAll(
					`SELECT submission_id::VARCHAR AS id, specialties, imp_pgx_results, comments, record_key BETWEEN 0 AND 255 AS keyed, w.label
					 FROM responses r JOIN waves w ON w.id = r.wave_id WHERE submission_id::VARCHAR IN ($1, $2, $3) ORDER BY id`,
					ids.map((r) => r.submissionId)
				)
			).getRowObjectsJson();
			expect(rows).toHaveLength(3);
			for (const r of rows) {
				expect(r.specialties).toEqual(['oncology_haematology', 'cardiology_lipids']);
				expect(r.comments).toBe(`it's "quoted", x`);
				expect(r.keyed).toBe(true);
				expect(r.label).toBe('2026/27');
			}
		} finally {
			c.closeSync();
		}
		// A second catch-up to the same watermark copies nothing twice.
		await analytics.catchUp(new Date(Date.now() + 1000).toISOString());
		const c2 = await analytics.instance.connect();
		const [{ n }] = (await c2.runAndReadAll('SELECT count(*)::INTEGER AS n FROM responses')).getRowObjectsJson();
		c2.closeSync();
		const [{ m }] = await db.query('SELECT count(*)::INTEGER AS m FROM responses');
		expect(n).toBe(Number(m));
	});

	it('lets one holder of a named lock run at a time', async () => {
		let inside = 0;
		const outcomes = await db.exclusively('test-lock', async () => {
			inside++;
			const nested = await db.exclusively('test-lock', async () => 'second');
			return nested ?? 'refused';
		});
		expect(inside).toBe(1);
		expect(outcomes).toBe('refused');
		expect(await db.exclusively('test-lock', async () => 'free again')).toBe('free again');
	});
});
