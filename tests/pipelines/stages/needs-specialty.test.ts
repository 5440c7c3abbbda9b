// Needs by clinical specialty: hand-worked (a respondent counts in each specialty ticked), then every
// published figure against a second implementation over the responses under ROUNDING_ONLY. Golden for seed 7.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUNDING_ONLY } from '../../../pipelines/disclosure/protect';
import { needsBySpecialty } from '../../../pipelines/stages/needs-specialty';
import { ratingColumns } from '../../../pipelines/core/reference';
import { rows } from '../../../pipelines/core/sql';
import { workedExample } from '../worked-example';
import { expectGolden, round, syntheticStages, type SyntheticStages } from '../fixtures';

describe('needs by clinical specialty, worked by hand', () => {
	it('counts P1 in both oncology and cardiology', async () => {
		const { db, c, ctx } = await workedExample();
		try {
			const [table] = await needsBySpecialty(c, ctx);
			expect(table.title).toMatch(/counts in each clinical specialty they ticked/);
			const pgx = (specialty: string) => table.rows.find((r) => r.specialty === specialty && r.competency === 'pgx_principles')!;
			// Oncology: P1 (5/2), P2 (4/4), P4 (2/1): importance 11/3, confidence 7/3, MWDS 4/3 × 11/3 = 44/9.
			expect(pgx('oncology_haematology').respondents).toBe(3);
			expect(Number(pgx('oncology_haematology').mwds)).toBeCloseTo(44 / 9, 10);
			// Cardiology: P1 (5/2), P3 (3/4): importance 4, confidence 3, MWDS 4.
			expect(pgx('cardiology_lipids').respondents).toBe(2);
			expect(Number(pgx('cardiology_lipids').mwds)).toBeCloseTo(4, 10);
			expect(pgx('cardiology_lipids').rank).toBe(1);
			// Nobody ticked transplant: no row at all rather than a made-up zero.
			expect(table.rows.some((r) => r.specialty === 'transplant')).toBe(false);
		} finally {
			c.closeSync();
			await db.close();
		}
	});
});

describe('needs by clinical specialty against the responses (600 a wave)', () => {
	let s: SyntheticStages;
	beforeAll(async () => (s = await syntheticStages()), 120_000);
	afterAll(async () => s?.close());

	it('publishes each specialty by the rule: 1–7 hidden, counts rounded to 5, means from exact sums', async () => {
		const [table] = await needsBySpecialty(s.c, s.ctx(ROUNDING_ONLY));
		let checked = 0;
		for (const r of ratingColumns()) {
			const truth = await rows<{ specialty: string; n: number; imp: number; conf: number }>(
				s.c,
				`SELECT specialty, count(*)::INTEGER AS n, avg("${r.importance}") AS imp, avg("${r.confidence}") AS conf
				 FROM (SELECT unnest(specialties) AS specialty, * FROM responses WHERE wave_id = '2026-27')
				 WHERE "${r.importance}" IS NOT NULL AND "${r.confidence}" IS NOT NULL GROUP BY specialty`
			);
			expect(truth.length).toBeGreaterThan(5);
			for (const t of truth) {
				const p = table.rows.find((x) => x.specialty === t.specialty && x.competency === r.competency)!;
				if (t.n < 8) {
					expect(p).toMatchObject({ suppressed: true, respondents: null, mwds: null });
					continue;
				}
				checked++;
				expect(p.suppressed).toBe(false);
				expect(p.respondents).toBe(Math.round(t.n / 5) * 5);
				expect(Number(p.mean_importance)).toBeCloseTo(round(t.imp, 3), 9);
				expect(Number(p.mean_confidence)).toBeCloseTo(round(t.conf, 3), 9);
				expect(Number(p.mwds)).toBeCloseTo(round((t.imp - t.conf) * t.imp, 3), 9);
			}
		}
		expect(checked).toBeGreaterThan(50);
	});

	it('ranks needs within each specialty by published MWDS', async () => {
		const [table] = await needsBySpecialty(s.c, s.ctx());
		for (const specialty of new Set(table.rows.map((r) => r.specialty))) {
			const scored = table.rows.filter((r) => r.specialty === specialty && r.mwds !== null);
			const byRank = [...scored].sort((a, b) => Number(a.rank) - Number(b.rank));
			for (let i = 1; i < byRank.length; i++) expect(Number(byRank[i - 1].mwds)).toBeGreaterThanOrEqual(Number(byRank[i].mwds));
		}
	});

	it('matches the golden table for seed 7', async () => {
		for (const table of await needsBySpecialty(s.c, s.ctx())) expectGolden(table);
	});
});
