// The dashboard engine, a process of its own at the lowest priority, gives exactly the figures the
// stages give in this process, from its Parquet copy of the live cube; every thread of it runs at
// niceness 19; a stopped engine fails the requests it had, in words, and the next request starts it
// again. Runs the engine from the sources (tsx), as `npm run dev` does; the server tests run it built.
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import { LiveCube } from '../../../../src/lib/server/analytics/live-cube';
import { dashboard, figuresVersion, servedFigures, wavesOf, type DashboardFilter } from '../../../../src/lib/server/analytics/dashboard';
import { DashboardEngine } from '../../../../src/lib/server/analytics/engine-client';
import { ENGINE_NICENESS } from '../../../../src/lib/server/analytics/engine';
import { NHS_DIGITAL_RULE } from '../../../../pipelines/disclosure/protect';
import { loadSuccessMeasures, WORKFORCE_CSV } from '../../../../pipelines/core/reference';
import { syntheticFile } from '../../../pipelines/fixtures';

const settings = { rule: NHS_DIGITAL_RULE, measures: loadSuccessMeasures(), workforceCsv: WORKFORCE_CSV };
let cube: LiveCube;
const engine = new DashboardEngine();

syntheticFile({ n: 4_000, seed: 41, timeout: 60_000 }, async ({ db }) => {
	cube = new LiveCube(db, { everySeconds: 3600, minNewResponses: 1 });
	await cube.publishNow();
});
afterAll(() => engine.close());

/** The view worked out here and by the engine, as the reports router asks it: the engine sends the
 *  tables the server reads, beside the charts (servedFigures). */
const both = (filter: DashboardFilter) =>
	cube.use(settings.measures, async (live) => {
		const waves = await wavesOf(live.c);
		const version = figuresVersion(settings, waves);
		const here = servedFigures(await dashboard(live, filter, settings, version));
		const there = engine.figures({ cube: await live.copy(), waves, filter, settings, version });
		return { here, there: await there };
	});

it('gives exactly the figures and charts worked out in this process', async () => {
	const views: DashboardFilter[] = [
		{ scope: 'E92000001' },
		{ scope: 'E40000003', sector: 'community' },
		{ scope: 'E92000001', staffGroup: 'pharmacist', wave: '2025-26' },
		{ scope: 'E40000011', specialty: 'oncology' },
		{ scope: 'E92000001', breakdown: ['region', 'specialty'] }
	];
	for (const filter of views) {
		const { here, there } = await both(filter);
		expect(there, JSON.stringify(filter)).toEqual(here);
	}
}, 120_000);

it('runs every thread of the engine at niceness 19', async () => {
	await both({ scope: 'E92000001' });
	const pid = engine.pid!;
	const threads = readdirSync(`/proc/${pid}/task`);
	expect(threads.length).toBeGreaterThan(3);
	// Field 19 of /proc/…/stat is the niceness (after the command in parentheses).
	for (const tid of threads)
		expect(Number(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ')[16])).toBe(ENGINE_NICENESS);
});

it('passes on what went wrong in words, and starts again after the engine stops', async () => {
	await expect(both({ scope: 'E92000001', wave: '2031-32' })).rejects.toThrow(/There is no wave "2031-32"/);
	const before = engine.pid!;
	process.kill(before, 'SIGKILL');
	// Once the client has seen it stop (a request sent before that is failed with "ask again").
	await expect.poll(() => engine.pid, { timeout: 20_000 }).toBeUndefined();
	const { here, there } = await both({ scope: 'E92000001', sector: 'hospital' });
	expect(there).toEqual(here);
	expect(engine.pid).not.toBe(before);
}, 60_000);
