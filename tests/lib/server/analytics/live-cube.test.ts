// The live cube moves to a new snapshot by folding in only the responses since the last one, and the
// folded cube equals one built from every response; when older responses appear (an import), it is
// built afresh instead. A real DuckDB file, synthetic responses.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Database } from '../../../../src/lib/server/db/database';
import { instrument } from '../../../../src/lib/instrument/survey';
import { loadConfig } from '../../../../src/lib/server/env';
import { LiveCube } from '../../../../src/lib/server/analytics/live-cube';
import { dashboard, type DashboardFilter } from '../../../../src/lib/server/analytics/dashboard';
import { NHS_DIGITAL_RULE } from '../../../../pipelines/disclosure/protect';
import { loadSuccessMeasures, WORKFORCE_CSV } from '../../../../pipelines/core/reference';
import { CUBE_KEYS, CUBE_SQL, summedCubeSql } from '../../../../pipelines/core/cube';
import { literalList } from '../../../../pipelines/core/sql';
import { generateResponses } from '../../../../pipelines/sources/synthetic';
import { tempDir } from '../../../../bench/kit/server';

const ENGLAND = 'E92000001';
const settings = { rule: NHS_DIGITAL_RULE, measures: loadSuccessMeasures(), workforceCsv: WORKFORCE_CSV };

let folder: ReturnType<typeof tempDir>;
let db: Database;

beforeAll(async () => {
	folder = tempDir();
	db = await Database.open(join(folder.path, 'survey.duckdb'), instrument);
	await db.write((c) => generateResponses(c, { n: 4_000, seed: 41, waveId: '2026-27' }));
}, 60_000);
afterAll(async () => {
	await db?.close();
	folder?.remove();
});

/** Adds `n` synthetic responses submitted `secondsAgo` seconds ago (or at their synthetic dates, in June to August). */
async function add(n: number, seed: number, secondsAgo?: number) {
	await db.write(async (c) => {
		await c.run('CREATE OR REPLACE TEMP TABLE known AS SELECT submission_id FROM responses');
		await generateResponses(c, { n, seed, waveId: '2026-27' });
		if (secondsAgo !== undefined)
			await c.run(
				`UPDATE responses SET submitted_at = now() - to_seconds(${secondsAgo}) WHERE submission_id NOT IN (SELECT submission_id FROM known)`
			);
		await c.run('DROP TABLE known');
	});
}

/** How long before a snapshot its watermark lies, shortened from the server's default. */
const SETTLE_MS = 300;
/** Rows of the live cube that a cube built from every response lacks, and the other way round: of the
 *  live cube as it is (`asIs`), or with the rows of each cell summed, as every stage sums them. */
const differences = (cube: LiveCube, asIs = false) =>
	cube.use(settings.measures, async (live) => {
		const fresh = CUBE_SQL(settings.measures, 'responses');
		const held = asIs ? live.cube : `(${await summedCubeSql(live.c, live.cube, live.cube, CUBE_KEYS)})`;
		const reader = await live.c.runAndReadAll(
			`SELECT (SELECT count(*) FROM (SELECT * FROM ${held} EXCEPT ALL SELECT * FROM (${fresh})))::INTEGER AS extra,
				(SELECT count(*) FROM (SELECT * FROM (${fresh}) EXCEPT ALL SELECT * FROM ${held}))::INTEGER AS missing`
		);
		return reader.getRowObjectsJS()[0];
	});

/** Submits `n` responses after the last snapshot, lets them settle, and brings the cube to the next snapshot. */
async function nextSnapshot(cube: LiveCube, n: number, seed: number) {
	await add(n, seed, 0);
	await new Promise((ok) => setTimeout(ok, SETTLE_MS + 100));
	await cube.publishNow();
	await cube.use(settings.measures, async () => undefined);
}

it('adds the cube rows of the responses since the last snapshot, giving the cells and figures a full build gives', async () => {
	const cube = new LiveCube(db, { everySeconds: 3600, minNewResponses: 1, settleMs: SETTLE_MS });
	await cube.publishNow();
	expect(await differences(cube, true)).toEqual({ extra: 0, missing: 0 });
	expect(cube.lastBuild?.kind).toBe('full');

	// Submitted after the last snapshot's watermark, and settled (settleMs) before the next one's.
	await nextSnapshot(cube, 700, 43);
	expect(cube.lastBuild?.kind).toBe('added');
	expect(await differences(cube)).toEqual({ extra: 0, missing: 0 });
	// The rows are added, not summed into the cells they share: as they are, they differ.
	expect(await differences(cube, true)).not.toEqual({ extra: 0, missing: 0 });

	// Another process's cube, built from scratch at the same snapshot, shows the same figures.
	const fresh = new LiveCube(db, { everySeconds: 3600, minNewResponses: 1 });
	const views: DashboardFilter[] = [
		{ scope: ENGLAND },
		{ scope: 'E40000003', sector: 'community' },
		{ scope: ENGLAND, breakdown: ['region', 'specialty'] }
	];
	for (const f of views) {
		const folded = await cube.use(settings.measures, (live) => dashboard(live, f, settings));
		const built = await fresh.use(settings.measures, (live) => dashboard(live, f, settings));
		expect(fresh.lastBuild?.kind).toBe('full');
		expect(folded.tables).toEqual(built.tables);
		expect(folded.respondents).toBe(built.respondents);
	}
}, 120_000);

it('sums the cube to one row per cell once the rows added outnumber those built, and copies only the rows added until then', async () => {
	const cube = new LiveCube(db, { everySeconds: 3600, minNewResponses: 1, settleMs: SETTLE_MS });
	await cube.publishNow();
	const first = await cube.use(settings.measures, (live) => live.copy());
	expect(first.parts).toHaveLength(1);
	let previous = first;
	const kinds: string[] = [];
	for (let seed = 50; !kinds.includes('summed') && seed < 60; seed++) {
		await nextSnapshot(cube, 1_500, seed);
		kinds.push(cube.lastBuild!.kind);
		const copy = await cube.use(settings.measures, (live) => live.copy());
		// Rows added: the parts before, and one more holding them (nothing is written twice). Summed: the
		// whole cube, once.
		expect(copy.parts).toEqual(cube.lastBuild!.kind === 'added' ? [...previous.parts, expect.any(String)] : [expect.any(String)]);
		expect(copy.parts.every((part) => existsSync(part))).toBe(true);
		expect(await differences(cube)).toEqual({ extra: 0, missing: 0 });
		previous = copy;
	}
	expect(kinds[0]).toBe('added');
	expect(kinds.at(-1)).toBe('summed');
	expect(await differences(cube, true)).toEqual({ extra: 0, missing: 0 });
	// The parts of the cube before it are gone.
	expect(existsSync(first.parts[0])).toBe(false);
}, 120_000);

it('writes the whole cube again when a part of its copy was removed (a cleaner of old temporary files)', async () => {
	const cube = new LiveCube(db, { everySeconds: 3600, minNewResponses: 1, settleMs: SETTLE_MS });
	await cube.publishNow();
	await cube.use(settings.measures, (live) => live.copy());
	await nextSnapshot(cube, 300, 61);
	const copy = await cube.use(settings.measures, (live) => live.copy());
	expect(copy.parts).toHaveLength(2);
	rmSync(copy.parts[0]);
	const again = await cube.use(settings.measures, async (live) => {
		const again = await live.copy();
		const [counts] = (
			await live.c.runAndReadAll(
				`SELECT (SELECT count(*) FROM read_parquet(${literalList(again.parts)}))::INTEGER AS copied, (SELECT count(*) FROM ${live.cube})::INTEGER AS held`
			)
		).getRowObjectsJS();
		expect(counts.copied).toBe(counts.held);
		return again;
	});
	expect(again.version).toBe(copy.version);
	expect(again.parts).toHaveLength(1);
	expect(again.parts[0]).not.toBe(copy.parts[0]);
	expect(existsSync(again.parts[0])).toBe(true);
}, 120_000);

it('builds the cube afresh when responses from before the last snapshot appear (an import), and counts them', async () => {
	const cube = new LiveCube(db, { everySeconds: 3600, minNewResponses: 1, settleMs: SETTLE_MS });
	await cube.publishNow();
	await differences(cube);
	// Imported responses carry their own, older submission times.
	await add(300, 44);
	await cube.publishNow();
	expect(await differences(cube)).toEqual({ extra: 0, missing: 0 });
	expect(cube.lastBuild?.kind).toBe('full');
}, 120_000);

it('takes DASHBOARD_SNAPSHOT_SETTLE_MS from the environment, and says what is wrong with a bad value', () => {
	expect(loadConfig({}).DASHBOARD_SNAPSHOT_SETTLE_MS).toBe(2_000);
	expect(loadConfig({ DASHBOARD_SNAPSHOT_SETTLE_MS: '500' }).DASHBOARD_SNAPSHOT_SETTLE_MS).toBe(500);
	for (const value of ['0', '99', 'soon', '600000'])
		expect(() => loadConfig({ DASHBOARD_SNAPSHOT_SETTLE_MS: value })).toThrow(/DASHBOARD_SNAPSHOT_SETTLE_MS/);
});

it('clears the cube copies of processes that are gone (killed before their exit handler ran), and no others', async () => {
	const exited = spawnSync(process.execPath, ['-e', '']).pid!;
	const running = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
	const orphan = mkdtempSync(join(tmpdir(), `pgw-live-cube-${exited}-`));
	const kept = mkdtempSync(join(tmpdir(), `pgw-live-cube-${running.pid}-`));
	try {
		const cube = new LiveCube(db, { everySeconds: 3600, minNewResponses: 1 });
		await cube.publishNow();
		const copy = await cube.use(settings.measures, (live) => live.copy());
		expect(copy.parts.every((part) => existsSync(part))).toBe(true);
		expect(existsSync(orphan)).toBe(false);
		expect(existsSync(kept)).toBe(true);
	} finally {
		running.kill();
		rmSync(orphan, { recursive: true, force: true });
		rmSync(kept, { recursive: true, force: true });
	}
});
