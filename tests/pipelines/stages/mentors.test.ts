// Mentors by region: hand-worked, then against a second implementation over the responses under
// ROUNDING_ONLY, and under the published rule no count of 1–7 people. Golden for seed 7.
import { shareDecimals } from '../../../pipelines/core/figures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NHS_DIGITAL_RULE, ROUNDING_ONLY } from '../../../pipelines/disclosure/protect';
import { mentors } from '../../../pipelines/stages/mentors';
import { rows } from '../../../pipelines/core/sql';
import { LONDON, MIDLANDS, workedExample } from '../worked-example';
import { expectGolden, round, syntheticStages, type SyntheticStages } from '../fixtures';

const figure = (rows: Array<Record<string, unknown>>, region: string, measure: string) =>
	rows.find((r) => r.region_code === region && r.measure === measure)!;

describe('mentors, worked by hand', () => {
	it('counts "mentor" and "both" as willing to mentor, "no" as without access', async () => {
		const { db, c, ctx } = await workedExample();
		try {
			const [table] = await mentors(c, ctx);
			// London: P1 (mentor) and P2 (both) willing, of 3; P1 and P3 without access, of 3.
			expect(figure(table.rows, LONDON, 'willing_to_mentor')).toMatchObject({ base: 3, suppressed: false });
			// 2 of 3: a whole percentage, as for any base under 1,000.
			expect(Number(figure(table.rows, LONDON, 'willing_to_mentor').percent)).toBe(67);
			expect(figure(table.rows, LONDON, 'no_mentor_access')).toMatchObject({ base: 3 });
			// Midlands: P4 is a champion, not a mentor, and has no mentor.
			expect(figure(table.rows, MIDLANDS, 'willing_to_mentor')).toMatchObject({ base: 1, percent: 0 });
			expect(figure(table.rows, MIDLANDS, 'no_mentor_access')).toMatchObject({ base: 1, percent: 100 });
			expect(figure(table.rows, 'E92000001', 'no_mentor_access')).toMatchObject({ base: 4, percent: 75 });
			// Every region is listed for both figures, with zeros where nobody answered.
			expect(table.rows).toHaveLength(16);
		} finally {
			c.closeSync();
			await db.close();
		}
	});
});

describe('mentors against the responses (600 a wave)', () => {
	let s: SyntheticStages;
	beforeAll(async () => (s = await syntheticStages()), 120_000);
	afterAll(async () => s?.close());

	it('publishes every region’s figures by the rule, percentages from the rounded counts', async () => {
		const [table] = await mentors(s.c, s.ctx(ROUNDING_ONLY));
		const truth = await rows<Record<string, number> & { region_code: string }>(
			s.c,
			`SELECT coalesce(region, 'E92000001') AS region_code,
				count(*) FILTER (WHERE champion_willing IN ('mentor', 'both'))::INTEGER AS willing_to_mentor, count(champion_willing)::INTEGER AS willing_to_mentor_base,
				count(*) FILTER (WHERE mentor_access = 'no')::INTEGER AS no_mentor_access, count(mentor_access)::INTEGER AS no_mentor_access_base
			 FROM responses WHERE wave_id = '2026-27' GROUP BY GROUPING SETS ((region), ())`
		);
		let published = 0;
		for (const t of truth) {
			for (const measure of ['willing_to_mentor', 'no_mentor_access']) {
				const [x, n] = [t[measure], t[`${measure}_base`]];
				const p = figure(table.rows, t.region_code, measure);
				// A share is a mean of a yes/no answer: hidden with its base only, never for a small numerator.
				if (n > 0 && n < 8) {
					expect(p).toMatchObject({ suppressed: true, base: null, percent: null });
					continue;
				}
				published++;
				expect(p).toMatchObject({ base: Math.round(n / 5) * 5, suppressed: false });
				expect(Number(p.percent)).toBeCloseTo(round((100 * x) / n, shareDecimals(p.base)), 9);
			}
		}
		// Every region's figures: few would mentor, but a share over 85 people is a mean over 85 people.
		expect(published).toBe(16);
	});

	it('publishes no count of 1 to 7 people under the cell key method', async () => {
		const [table] = await mentors(s.c, s.ctx(NHS_DIGITAL_RULE));
		for (const r of table.rows) {
			expect(r).not.toHaveProperty('numerator');
			if (r.base !== null && r.base !== 0)
				expect(Number(r.base) >= 8 && Number(r.base) % 5 === 0, `${r.region_code} base = ${r.base}`).toBe(true);
		}
	});

	it('matches the golden table for seed 7', async () => {
		for (const table of await mentors(s.c, s.ctx())) expectGolden(table);
	});
});
