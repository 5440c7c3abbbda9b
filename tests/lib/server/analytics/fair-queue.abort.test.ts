// Issue 18, "arrowing through a filter's options hits the queue limit": over real HTTP against the
// built server, requests the client aborts (a newer choice replaced them) leave the fair queue and
// stop counting against the planner, so the planner's next choices are accepted.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../../../src/lib/server/db/database';
import { instrument } from '../../../../src/lib/instrument/survey';
import { regions, sectors } from '../../../../src/lib/instrument/reference';
import { generateResponses } from '../../../../pipelines/sources/synthetic';
import { createAccounts, PASSWORD } from '../../../helpers/accounts';
import { startServer, tempDir, type RunningServer } from '../../../../bench/kit/server';
import { signIn } from '../../../../bench/kit/trpc';

const dir = tempDir();
let server: RunningServer;
let cookie: string;

beforeAll(async () => {
	const databasePath = join(dir.path, 'survey.duckdb');
	await createAccounts(databasePath);
	const db = await Database.open(databasePath, instrument);
	await db.write(async (c) => {
		await generateResponses(c, { n: 4000, seed: 5, waveId: '2025-26' });
		await generateResponses(c, { n: 4000, seed: 6, waveId: '2026-27', progress: 1 });
	});
	await db.close();
	// No figure cache: every request is worked out, so each one holds its place in the queue a while.
	const env = {
		SETTINGS_DIR: join(dir.path, 'settings'),
		PIPELINE_OUT: join(dir.path, 'reports'),
		DASHBOARD_QUEUE_PER_USER: '3',
		DASHBOARD_CACHE_ENTRIES: '0'
	};
	server = await startServer({ databasePath, env });
	cookie = (await signIn(server.url, 'national@example.org', PASSWORD)).cookie;
}, 180_000);
afterAll(async () => {
	await server?.stop();
	dir.remove();
});

const dashboard = (filter: Record<string, string>, signal?: AbortSignal) =>
	fetch(`${server.url}/api/trpc/reports.dashboard?input=${encodeURIComponent(JSON.stringify(filter))}`, { headers: { cookie }, signal });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the fair queue and requests the client abandons', () => {
	it("aborting requests frees the planner's slots: the next three are accepted at once", async () => {
		expect((await dashboard({})).status).toBe(200); // builds the live cube
		// Four sets of figures at once: the fourth is refused, which shows the other three hold the
		// planner's whole share. Each of those three is then replaced by a newer choice.
		const asked = regions.slice(0, 4).map((r) => {
			const controller = new AbortController();
			const response = dashboard({ region: r.code }, controller.signal).then(
				(answer) => answer.status,
				(error: Error) => error.name
			);
			return { controller, response };
		});
		const refused = await Promise.race(asked.map((a, i) => a.response.then((status) => ({ i, status }))));
		expect(refused.status).toBe(429);
		const replaced = asked.filter((_, i) => i !== refused.i);
		for (const r of replaced) r.controller.abort();
		expect(await Promise.all(replaced.map((r) => r.response))).toEqual(['AbortError', 'AbortError', 'AbortError']);
		await sleep(100);
		// Without the queue dropping them, at least two of the three would still be waiting now.
		const next = await Promise.all(sectors.slice(0, 3).map((s) => dashboard({ sector: s.code })));
		expect(next.map((r) => r.status)).toEqual([200, 200, 200]);
	}, 120_000);
});
