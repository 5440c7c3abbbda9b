// The stages over a cube of one area (PipelineContext.area, as the dashboard runs them) publish that
// area's rows exactly as the batch grouping by region does, and no others: what a planner of the area
// sees is the same either way, for England, a region, and a region with nobody in the cube.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runStages } from '../../../pipelines/stages';
import { ENGLAND } from '../../../pipelines/core/reference';
import { tableForPlanner } from '../../../pipelines/disclosure/planner-view';
import type { PublishedTable } from '../../../pipelines/core/context';
import { literal, rows } from '../../../pipelines/core/sql';
import { KEYS_WITHOUT_SPECIALTIES, summedCubeSql } from '../../../pipelines/core/cube';
import { syntheticStages, type SyntheticStages } from '../fixtures';

const LONDON = 'E40000003';
let data: SyntheticStages;

beforeAll(async () => {
	data = await syntheticStages();
}, 120_000);
afterAll(() => data?.close());

const cases: Array<[string, string, string]> = [
	['England', ENGLAND.code, 'cube'],
	['a region', LONDON, `(SELECT * FROM cube WHERE region = '${LONDON}')`],
	['a region with nobody in the cube', LONDON, `(SELECT * FROM cube WHERE region = '${LONDON}' AND staff_group IS NULL)`]
];

it.each(cases)(
	'publishes the rows of %s as the grouping by region does',
	async (_name, code, cube) => {
		// What a planner of the area sees, applied as the tables are made (as the dashboard does).
		const ctx = { ...data.ctx(), cube, breakdowns: [], view: (t: PublishedTable) => tableForPlanner(t, { scope: code, filtered: false }) };
		const byRegion = await runStages(data.c, ctx);
		// The area's code written into the SQL, and read from a table as the dashboard has it.
		await data.c.run(`CREATE OR REPLACE TABLE area_of_test AS SELECT ${literal(code)} AS code`);
		for (const area of [{ code }, { code, table: 'area_of_test' }]) {
			const oneArea = await runStages(data.c, { ...ctx, area, view: undefined });
			expect(oneArea.map(ctx.view)).toEqual(byRegion);
			// Nothing of other regions is made for the area's tables, beyond the tables that set regions side by side.
			const sideBySide = new Set(['region_against_england', 'weights_by_region_staff_group', 'coverage_by_region_staff_group']);
			for (const t of oneArea.filter((t) => 'region_code' in t.columns && !sideBySide.has(t.name)))
				expect(
					t.rows.every((r) => r.region_code === code),
					t.name
				).toBe(true);
		}
		expect(byRegion.find((t) => t.name === 'respondents_by_region')!.rows.length).toBe(1);
	},
	60_000
);

it('publishes the same tables from the cube summed over specialties, the stages that read specialties given the cube', async () => {
	await data.c.run(`CREATE OR REPLACE TABLE cube_summed AS ${await summedCubeSql(data.c, 'cube', 'cube', KEYS_WITHOUT_SPECIALTIES)}`);
	const count = async (table: string) => (await rows<{ n: number }>(data.c, `SELECT count(*) AS n FROM ${table}`))[0].n;
	expect(await count('cube_summed')).toBeLessThan(await count('cube'));
	// Every table, every two-way breakdown among them (specialty ones too).
	const ctx = data.ctx();
	const summed = await runStages(data.c, { ...ctx, cube: 'cube_summed', cubeWithSpecialties: 'cube' });
	expect(summed).toEqual(await runStages(data.c, ctx));
}, 60_000);
