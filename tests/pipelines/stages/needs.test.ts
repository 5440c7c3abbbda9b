// needsStatistics over one area's cube (the dashboard's scope: one grouping by sector × staff group,
// summed to the sector, staff group and area groups in JS) against the same cube read as a batch run
// reads it (every grouping in SQL): the same groups, the same sums, in the same order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needsStatistics } from '../../../pipelines/stages/needs';
import { ENGLAND } from '../../../pipelines/core/reference';
import { literal } from '../../../pipelines/core/sql';
import { syntheticStages, type SyntheticStages } from '../fixtures';

const LONDON = 'E40000003';
const WAVE = literal('2026-27');
let data: SyntheticStages;

beforeAll(async () => {
	data = await syntheticStages();
	// A cube of London's rows alone, and one of no rows: what the dashboard's scope holds.
	await data.c.run(`CREATE TABLE london AS SELECT * FROM cube WHERE region = ${literal(LONDON)}`);
	await data.c.run(`CREATE TABLE nobody AS SELECT * FROM cube LIMIT 0`);
}, 120_000);
afterAll(() => data?.close());

describe('needsStatistics for one area', () => {
	it("gives a region's groups as the batch grouping does: the region, its sectors and its staff groups", async () => {
		const area = await needsStatistics(data.c, WAVE, 'london', { area: { code: LONDON } });
		// The batch grouping of the same rows also has England's row: the same people.
		const batch = (await needsStatistics(data.c, WAVE, 'london')).filter(
			(s) => !(s.dimension === 'region' && s.group_code === ENGLAND.code)
		);
		expect(new Set(area.map((s) => s.dimension))).toEqual(new Set(['region', 'sector', 'staff_group']));
		expect(area.some((s) => s.importance_sum !== null && s.respondents > 0)).toBe(true);
		expect(area).toEqual(batch);
	});

	it('gives England its own row and every sector and staff group of the country', async () => {
		const area = await needsStatistics(data.c, WAVE, 'cube', { area: { code: ENGLAND.code } });
		const batch = (await needsStatistics(data.c, WAVE, 'cube')).filter((s) => !(s.dimension === 'region' && s.group_code !== ENGLAND.code));
		expect(area).toEqual(batch);
	});

	it('gives England without people a row of no raters and no sums, and a region without people none', async () => {
		const england = await needsStatistics(data.c, WAVE, 'nobody', { area: { code: ENGLAND.code } });
		expect(england.length).toBeGreaterThan(0);
		for (const s of england)
			expect(s).toMatchObject({
				dimension: 'region',
				group_code: ENGLAND.code,
				respondents: 0,
				respondents_key: 0,
				importance_sum: null,
				confidence_sum: null,
				importance_sq_sum: null,
				confidence_sq_sum: null,
				importance_confidence_sum: null
			});
		expect(await needsStatistics(data.c, WAVE, 'nobody', { area: { code: LONDON } })).toEqual([]);
	});
});
