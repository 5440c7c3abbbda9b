// Mentors by region: hand-worked, then against a second implementation over the responses under
// ROUNDING_ONLY, and under the published rule no count of 1–7 people. Golden for seed 7.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NHS_DIGITAL_RULE, ROUNDING_ONLY } from '../../pipelines/disclosure';
import { mentors } from '../../pipelines/mentors';
import { rows } from '../../pipelines/sql';
import { LONDON, MIDLANDS, workedExample } from './worked-example';
import { expectGolden, round, syntheticStages, type SyntheticStages } from './stage-helpers';

const COUNTS = ['willing', 'willing_base', 'no_access', 'access_base'] as const;

describe('mentors, worked by hand', () => {
	it('counts "mentor" and "both" as willing to mentor, "no" as without access', async () => {
		const { db, c, ctx } = await workedExample();
		try {
			const [table] = await mentors(c, ctx);
			const region = (code: string) => table.rows.find((r) => r.region_code === code)!;
			// London: P1 (mentor) and P2 (both) willing of 3; P1 and P3 without access, of 3.
			expect(region(LONDON)).toMatchObject({ willing: 2, willing_base: 3, no_access: 2, access_base: 3, suppressed: false });
			expect(Number(region(LONDON).willing_percent)).toBeCloseTo(66.7, 9);
			// Midlands: P4 is a champion, not a mentor, and has no mentor.
			expect(region(MIDLANDS)).toMatchObject({ willing: 0, willing_base: 1, no_access: 1, access_base: 1, willing_percent: 0, no_access_percent: 100 });
			expect(region('E92000001')).toMatchObject({ willing: 2, willing_base: 4, no_access: 3, access_base: 4 });
			// Regions nobody answered from are listed with zeros.
			expect(table.rows).toHaveLength(8);
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

	it('publishes every region by the rule, percentages from the rounded counts', async () => {
		const [table] = await mentors(s.c, s.ctx(ROUNDING_ONLY));
		const truth = await rows<Record<string, number> & { region_code: string }>(
			s.c,
			`SELECT coalesce(region, 'E92000001') AS region_code,
				count(*) FILTER (WHERE champion_willing IN ('mentor', 'both'))::INTEGER AS willing, count(champion_willing)::INTEGER AS willing_base,
				count(*) FILTER (WHERE mentor_access = 'no')::INTEGER AS no_access, count(mentor_access)::INTEGER AS access_base
			 FROM responses WHERE wave_id = '2026-27' GROUP BY GROUPING SETS ((region), ())`
		);
		let published = 0;
		for (const t of truth) {
			const p = table.rows.find((r) => r.region_code === t.region_code)!;
			if (COUNTS.some((k) => t[k] > 0 && t[k] < 8)) {
				expect(p.suppressed).toBe(true);
				for (const k of COUNTS) expect(p[k]).toBeNull();
				continue;
			}
			if (p.suppressed) continue; // secondary suppression
			published++;
			for (const k of COUNTS) expect(p[k], `${t.region_code} ${k}`).toBe(Math.round(t[k] / 5) * 5);
			expect(Number(p.willing_percent)).toBeCloseTo(round((100 * Number(p.willing)) / Number(p.willing_base), 1), 9);
			expect(Number(p.no_access_percent)).toBeCloseTo(round((100 * Number(p.no_access)) / Number(p.access_base), 1), 9);
		}
		// Few of about 85 people a region would mentor: most regions are suppressed at this size.
		expect(published).toBeGreaterThanOrEqual(3);
	});

	it('publishes no count of 1 to 7 people under the cell key method', async () => {
		const [table] = await mentors(s.c, s.ctx(NHS_DIGITAL_RULE));
		for (const r of table.rows) for (const k of COUNTS) if (r[k] !== null && r[k] !== 0) expect(Number(r[k]) >= 8 && Number(r[k]) % 5 === 0, `${r.region_code} ${k} = ${r[k]}`).toBe(true);
	});

	it('matches the golden table for seed 7', async () => {
		for (const table of await mentors(s.c, s.ctx())) expectGolden(table);
	});
});
