// Borich needs scores and Wilson intervals against hand-worked examples.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { Database } from '../../../src/lib/server/db/database';
import { instrument } from '../../../src/lib/instrument/survey';
import { needsScores } from '../../../pipelines/stages/needs';

// The Borich arithmetic on its own: a rule that publishes every figure exactly (never used to publish).
import { snapshot } from '../../../pipelines/stages/snapshot';
import { wilson } from '../../../pipelines/stats/wilson';
import { EXACT } from '../fixtures';

describe('Borich needs scores', () => {
	let db: Database;
	let c: DuckDBConnection;
	beforeAll(async () => {
		db = await Database.open(':memory:', instrument);
		c = await db.instance.connect();
		await c.run(`INSERT INTO waves (id, label, status) VALUES ('2026-27', '2026/27', 'open')`);
		// Three pharmacists in London. pgx_principles: importance 5, 4, 3; confidence 2, 4, 4.
		// fh: importance 2, 2, 2; confidence 1, 1, 1. Other competencies are not rated.
		const people = [
			{ imp: 5, conf: 2, sector: 'hospital' },
			{ imp: 4, conf: 4, sector: 'hospital' },
			{ imp: 3, conf: 4, sector: 'community' }
		];
		for (const [i, p] of people.entries()) {
			await c.run(
				`INSERT INTO responses (submission_id, receipt, wave_id, instrument_id, instrument_version, answers, answers_hash, submitted_at,
					region, sector, staff_group, imp_pgx_principles, conf_pgx_principles, imp_fh, conf_fh)
				 VALUES (uuid(), 'R', '2026-27', 'i', '1', '{}', $1, now(), 'E40000003', $2, 'pharmacist', $3, $4, 2, 1)`,
				[`h${i}`, p.sector, p.imp, p.conf]
			);
		}
		await snapshot(c, { id: '2026-27', label: '' }, [{ id: '2026-27', label: '' }]);
	});
	afterAll(async () => {
		c.closeSync();
		await db.close();
	});

	it('computes discrepancy, MWDS = mean(discrepancy) × mean(importance), and the rank', async () => {
		const scores = await needsScores(c, '2026-27', 'cube', EXACT);
		const england = scores.filter((s) => s.dimension === 'region' && s.group_code === 'E92000001');
		const pgx = england.find((s) => s.competency === 'pgx_principles')!;
		// Discrepancies 3, 0, −1: mean 2/3. Mean importance 4. MWDS = 8/3.
		expect(pgx.respondents).toBe(3);
		expect(pgx.mean_discrepancy).toBeCloseTo(2 / 3, 10);
		expect(pgx.mean_importance).toBeCloseTo(4, 10);
		expect(pgx.mean_confidence).toBeCloseTo(10 / 3, 10);
		expect(pgx.mwds).toBeCloseTo(8 / 3, 10);
		const fh = england.find((s) => s.competency === 'fh')!;
		// Discrepancy 1 for everyone, mean importance 2: MWDS 2.
		expect(fh.mwds).toBeCloseTo(2, 10);
		expect(pgx.rank).toBe(1);
		expect(fh.rank).toBe(2);
		// Unrated competencies have no score and rank last.
		expect(england.find((s) => s.competency === 'ethics')!.mwds).toBeNull();
	});

	it('scores each sector on its own respondents', async () => {
		const scores = await needsScores(c, '2026-27', 'cube', EXACT);
		const hospital = scores.find((s) => s.dimension === 'sector' && s.group_code === 'hospital' && s.competency === 'pgx_principles')!;
		// Discrepancies 3 and 0: mean 1.5; mean importance 4.5; MWDS 6.75.
		expect(hospital.respondents).toBe(2);
		expect(hospital.mwds).toBeCloseTo(6.75, 10);
		const community = scores.find((s) => s.dimension === 'sector' && s.group_code === 'community' && s.competency === 'pgx_principles')!;
		expect(community.mwds).toBeCloseTo(-3, 10); // discrepancy −1 × importance 3
	});
});

describe('Wilson 95% interval', () => {
	it('matches hand-worked values', () => {
		// 5 of 10: p = 0.5, z² = 3.8415; centre 0.5; half-width 1.96/1.38415 × √(0.025 + 0.0096) = 0.2634.
		const half = wilson(5, 10)!;
		expect(half.low).toBeCloseTo(0.2366, 4);
		expect(half.high).toBeCloseTo(0.7634, 4);
		// 0 of 10: lower limit 0, upper z²/(n + z²) = 3.8415/13.8415 = 0.2775.
		expect(wilson(0, 10)!.low).toBe(0);
		expect(wilson(0, 10)!.high).toBeCloseTo(0.2775, 4);
		// 10 of 10 mirrors it.
		expect(wilson(10, 10)!.low).toBeCloseTo(0.7225, 4);
		expect(wilson(10, 10)!.high).toBe(1);
		// 81 of 263: p = 0.308; interval 0.2553 to 0.3662.
		expect(wilson(81, 263)!.low).toBeCloseTo(0.2553, 3);
		expect(wilson(81, 263)!.high).toBeCloseTo(0.3662, 3);
		expect(wilson(1, 0)).toBeNull();
	});
});
