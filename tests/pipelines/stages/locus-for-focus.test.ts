// Borich MWDS and the Locus for Focus against the worked example of docs/needs-assessment.md, through
// the real cube, needs stage and disclosure control (an exact rule), then the quadrants of the
// published synthetic tables against an independent computation of the group means.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { Database } from '../../../src/lib/server/db/database';
import { instrument } from '../../../src/lib/instrument/survey';
import { snapshot } from '../../../pipelines/stages/snapshot';
import { needs } from '../../../pipelines/stages/needs';
import { needsBySpecialty } from '../../../pipelines/stages/needs-specialty';
import {
	locusForFocusOf,
	locusForFocusTable,
	MIN_LOCUS_COMPETENCIES,
	quadrantOf,
	QUADRANTS
} from '../../../pipelines/stages/locus-for-focus';
import { loadSuccessMeasures, WORKFORCE_CSV } from '../../../pipelines/core/reference';
import type { PipelineContext } from '../../../pipelines/core/context';
import { EXACT } from '../fixtures';
import { expectGolden, syntheticStages, type SyntheticStages } from '../fixtures';

// Ratings of P1–P4 from docs/needs-assessment.md: [importance, confidence] per competency.
const EXAMPLE: Record<string, Array<[number, number]>> = {
	pgx_principles: [
		[5, 2],
		[5, 3],
		[4, 2],
		[4, 3]
	],
	fh: [
		[4, 4],
		[4, 4],
		[4, 3],
		[4, 3]
	],
	ethics: [
		[2, 1],
		[3, 1],
		[2, 2],
		[3, 2]
	],
	referral_routes: [
		[3, 3],
		[2, 2],
		[3, 3],
		[2, 2]
	]
};

describe('the worked example of docs/needs-assessment.md', () => {
	let db: Database;
	let c: DuckDBConnection;
	let ctx: PipelineContext;
	beforeAll(async () => {
		db = await Database.open(':memory:', instrument);
		c = await db.instance.connect();
		await c.run(`INSERT INTO waves (id, label, status) VALUES ('2026-27', '2026/27', 'open')`);
		for (let i = 0; i < 4; i++) {
			const columns = Object.keys(EXAMPLE).flatMap((k) => [`imp_${k}`, `conf_${k}`]);
			const values = Object.values(EXAMPLE).flatMap((ratings) => ratings[i]);
			await c.run(
				`INSERT INTO responses (submission_id, receipt, wave_id, instrument_id, instrument_version, answers, answers_hash, submitted_at, region, sector, staff_group, ${columns.join(', ')})
				 VALUES (uuid(), 'R', '2026-27', 'i', '1', '{}', 'e${i}', now(), 'E40000003', 'hospital', 'pharmacist', ${values.join(', ')})`
			);
		}
		const wave = { id: '2026-27', label: '2026/27' };
		await snapshot(c, wave, [wave]);
		ctx = { wave, waves: [wave], rule: EXACT, measures: loadSuccessMeasures(), workforceCsv: WORKFORCE_CSV, cube: 'cube' };
	});
	afterAll(async () => {
		c.closeSync();
		await db.close();
	});

	it('reproduces the Borich means, MWDS and ranks', async () => {
		const [region] = await needs(c, ctx);
		const england = (competency: string) => region.rows.find((r) => r.region_code === 'E92000001' && r.competency === competency)!;
		const expected = {
			pgx_principles: [4.5, 2.5, 2.0, 9.0, 1],
			fh: [4.0, 3.5, 0.5, 2.0, 3],
			ethics: [2.5, 1.5, 1.0, 2.5, 2],
			referral_routes: [2.5, 2.5, 0.0, 0.0, 4]
		};
		for (const [competency, [imp, conf, disc, mwds, rank]] of Object.entries(expected)) {
			const r = england(competency);
			expect(Number(r.mean_importance), competency).toBeCloseTo(imp, 10);
			expect(Number(r.mean_confidence), competency).toBeCloseTo(conf, 10);
			expect(Number(r.mean_discrepancy), competency).toBeCloseTo(disc, 10);
			expect(Number(r.mwds), competency).toBeCloseTo(mwds, 10);
			expect(r.rank, competency).toBe(rank);
		}
	});

	it('splits at 3.375 and 0.875 and names the four quadrants', async () => {
		const locus = locusForFocusTable([...(await needs(c, ctx)), ...(await needsBySpecialty(c, ctx))]);
		const england = locus.rows.filter((r) => r.dimension === 'region' && r.group_code === 'E92000001');
		const of = (competency: string) => england.find((r) => r.competency === competency)!;
		for (const r of england.filter((r) => r.quadrant !== null))
			expect(r).toMatchObject({ importance_split: 3.375, discrepancy_split: 0.875 });
		expect(of('pgx_principles').quadrant).toBe('Training priority');
		expect(of('fh').quadrant).toBe('Maintain');
		expect(of('ethics').quadrant).toBe('Secondary priority');
		expect(of('referral_routes').quadrant).toBe('Low priority');
		// Unrated competencies take no part and get no quadrant.
		expect(of('pgx_results').quadrant).toBeNull();
		expect(england.filter((r) => r.quadrant !== null)).toHaveLength(4);
	});

	it(`places no competency when fewer than ${MIN_LOCUS_COMPETENCIES} are scored, or when their figures are all equal`, () => {
		const row = (competency: string, mean_importance: number | null, mean_discrepancy: number | null) => ({
			group: 'g',
			competency,
			mean_importance,
			mean_discrepancy
		});
		const of = (rows: ReturnType<typeof row>[]) => locusForFocusOf(rows, (r) => r.group).map((r) => r.quadrant);
		// One or two scored: a split at their own means would call half (or all) a training priority.
		expect(of([row('a', 4, 1)])).toEqual([null]);
		expect(of([row('a', 4, 1), row('b', 3, 0.5), row('c', null, null)])).toEqual([null, null, null]);
		// Three that do not differ: every one would sit "at the split", all called a priority.
		expect(of([row('a', 4, 1), row('b', 4, 1), row('c', 4, 1)])).toEqual([null, null, null]);
		// Three that differ: quadrants, relative to the group.
		expect(of([row('a', 4, 1), row('b', 3, 0.5), row('c', 3.5, 0.2)])).toEqual([QUADRANTS.priority, QUADRANTS.low, QUADRANTS.maintain]);
	});

	it('counts a figure exactly at the split as high', () => {
		expect(quadrantOf(3, 1, 3, 1)).toBe(QUADRANTS.priority);
		expect(quadrantOf(2.99, 1, 3, 1)).toBe(QUADRANTS.secondary);
		expect(quadrantOf(3, 0.99, 3, 1)).toBe(QUADRANTS.maintain);
		expect(quadrantOf(2.99, 0.99, 3, 1)).toBe(QUADRANTS.low);
	});
});

describe('Locus for Focus of the published synthetic tables (600 a wave)', () => {
	let s: SyntheticStages;
	let locus: ReturnType<typeof locusForFocusTable>;
	beforeAll(async () => {
		s = await syntheticStages();
		locus = locusForFocusTable([...(await needs(s.c, s.ctx())), ...(await needsBySpecialty(s.c, s.ctx()))]);
	}, 120_000);
	afterAll(async () => s?.close());

	it('places every published competency by its group’s means of the published figures', () => {
		const groups = new Map<string, typeof locus.rows>();
		for (const r of locus.rows) groups.set(`${r.dimension}|${r.group_code}`, [...(groups.get(`${r.dimension}|${r.group_code}`) ?? []), r]);
		expect(new Set(locus.rows.map((r) => r.dimension))).toEqual(new Set(['region', 'sector', 'staff_group', 'specialty']));
		let placed = 0;
		for (const members of groups.values()) {
			const shown = members.filter((r) => !r.suppressed && r.mean_importance !== null);
			if (shown.length === 0) continue;
			const imp = shown.reduce((a, r) => a + Number(r.mean_importance), 0) / shown.length;
			const disc = shown.reduce((a, r) => a + Number(r.mean_discrepancy), 0) / shown.length;
			for (const r of shown) {
				placed++;
				const high = [Number(r.mean_importance) >= imp, Number(r.mean_discrepancy) >= disc];
				expect(r.quadrant).toBe(
					{ 'true,true': 'Training priority', 'true,false': 'Maintain', 'false,true': 'Secondary priority', 'false,false': 'Low priority' }[
						high.join()
					]
				);
			}
			for (const r of members.filter((r) => r.suppressed)) expect(r.quadrant).toBeNull();
		}
		expect(placed).toBeGreaterThan(200);
		expect(locus.rows.some((r) => r.quadrant === 'Training priority')).toBe(true);
	});

	it('matches the golden table for seed 7', () => {
		expectGolden(locus);
	});
});
