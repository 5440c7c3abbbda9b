// The dashboard's figure cache: one computation per key, failures not kept, and (over real HTTP
// against the built server) never a stale figure after anything the figures depend on changes.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FigureCache } from '../../../../src/lib/server/analytics/figure-cache';
import { Database } from '../../../../src/lib/server/db/database';
import { instrument } from '../../../../src/lib/instrument/survey';
import { generateResponses } from '../../../../pipelines/sources/synthetic';
import { createAccounts, PASSWORD } from '../../../helpers/accounts';
import { startServer, tempDir, type RunningServer } from '../../../../bench/kit/server';
import { clientFor, signIn } from '../../../../bench/kit/trpc';

describe('FigureCache', () => {
	it('computes a key once and answers again from memory', async () => {
		const cache = new FigureCache<{ n: number }>(10);
		let computed = 0;
		const compute = async () => ({ n: ++computed });
		expect(await cache.get(['a', { wave: '2026-27' }], compute)).toEqual({ n: 1 });
		expect(await cache.get(['a', { wave: '2026-27' }], compute)).toEqual({ n: 1 });
		expect(await cache.get(['b', { wave: '2026-27' }], compute)).toEqual({ n: 2 });
		expect(computed).toBe(2);
	});

	it('does not keep a failure', async () => {
		const cache = new FigureCache<{ n: number }>(10);
		await expect(cache.get(['a'], async () => Promise.reject(new Error('query interrupted')))).rejects.toThrow('query interrupted');
		expect(await cache.get(['a'], async () => ({ n: 1 }))).toEqual({ n: 1 });
	});

	it('keeps nothing when given no entries', async () => {
		const cache = new FigureCache<{ n: number }>(0);
		let computed = 0;
		for (let i = 0; i < 2; i++) await cache.get(['a'], async () => ({ n: ++computed }));
		expect(computed).toBe(2);
	});

	it('keeps only the most recently used entries', async () => {
		const cache = new FigureCache<{ n: number }>(2);
		for (const k of ['a', 'b', 'c']) await cache.get([k], async () => ({ n: 0 }));
		expect(cache.size).toBe(2);
		let recomputed = false;
		await cache.get(['a'], async () => ((recomputed = true), { n: 0 }));
		expect(recomputed).toBe(true);
	});
});

describe('dashboard figures after a change', () => {
	const dir = tempDir();
	const databasePath = join(dir.path, 'survey.duckdb');
	let server: RunningServer;
	let national: ReturnType<typeof clientFor>;
	let admin: ReturnType<typeof clientFor>;

	beforeAll(async () => {
		await createAccounts(databasePath);
		const db = await Database.open(databasePath, instrument);
		await db.write((c) => generateResponses(c, { n: 600, seed: 5, waveId: '2026-27' }));
		await db.close();
		server = await startServer({
			databasePath,
			env: { SETTINGS_DIR: join(dir.path, 'settings'), PIPELINE_OUT: join(dir.path, 'reports') }
		});
		national = (await signIn(server.url, 'national@example.org', PASSWORD)).client;
		admin = (await signIn(server.url, 'admin@example.org', PASSWORD)).client;
	});
	afterAll(async () => {
		await server?.stop();
		dir.remove();
	});

	const rowsOf = async (chartId: string) => (await national.reports.dashboard.query({})).charts.find((c) => c.id === chartId)!.table.rows;
	const englandWorkforce = async () =>
		(await rowsOf('coverage-by-region')).find((r) => r.region_code === 'E92000001' && r.staff_group === 'all')?.workforce;

	it('new workforce denominators are used at once', async () => {
		expect(await englandWorkforce()).toBeGreaterThan(1000);
		const csv = ['region_code,staff_group,workforce', 'E40000003,pharmacist,1000', 'E40000007,pharmacist,500'].join('\n');
		await admin.admin.uploadWorkforce.mutate({ csv });
		expect(await englandWorkforce()).toBe(1500);
	});

	it('a changed target is shown at once', async () => {
		const target = async () =>
			(await national.reports.summary.query({})).successMeasures.find((m) => m.measure_id === 'aim2_network_member')?.target;
		expect(await target()).toBe(25);
		await admin.admin.updateMeasure.mutate({ id: 'aim2_network_member', targets: { '2026-27': 33 }, amberWithin: 5 });
		expect(await target()).toBe(33);
	});

	it('a wave opened since is the default view at once', async () => {
		expect((await national.reports.dashboard.query({})).wave.id).toBe('2026-27');
		await admin.admin.waves.create.mutate({ id: '2027-28', label: '2027/28' });
		await admin.admin.waves.open.mutate({ id: '2027-28' });
		expect((await national.reports.dashboard.query({})).wave.id).toBe('2027-28');
	});
});
