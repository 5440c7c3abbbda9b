// Weighting to the workforce: the hand-worked example of docs/weighting.md, properties of the weights
// and figures over random cells, the golden tables, and the weighted figures worked out a second way,
// in a plain loop over the raw responses.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { DuckDBConnection } from '@duckdb/node-api';
import { publishedEss, weighting, weightingNote } from '../../../pipelines/stages/weighting';
import { combined, kish, MIN_WEIGHTING_CELL, WEIGHT_CAP_RATIO, weightsWithinRegions, type Cell } from '../../../pipelines/stats/weights';
import { NHS_DIGITAL_RULE, publishedCount, type DisclosureRule } from '../../../pipelines/disclosure/protect';
import { rows } from '../../../pipelines/core/sql';
import { ratingColumns, staffGroups } from '../../../pipelines/core/reference';
import { EXACT, expectGolden, stageContext, syntheticFile } from '../fixtures';

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** A cell with its exact respondents (n) and their key sum, published under `rule`. */
type Counted = Cell & { n: number; key: number };
const counted =
	(rule: DisclosureRule) =>
	(region_code: string, staff_group: string, workforce: number | null, n: number, key = 0): Counted => ({
		region_code,
		staff_group,
		workforce,
		n,
		key,
		respondents: publishedCount(n, key, rule)
	});
const poolCount = (rule: DisclosureRule) => (members: Counted[]) =>
	publishedCount(sum(members.map((m) => m.n)), sum(members.map((m) => m.key)), rule);

describe('weights (docs/weighting.md worked example)', () => {
	// Counts hidden at 1–7 as published, but not perturbed or rounded: the arithmetic on its own.
	const rule: DisclosureRule = { ...EXACT, threshold: 8 };
	const cell = counted(rule);
	const cells = [
		cell('R', 'pharmacist', 900, 96),
		cell('R', 'foundation_trainee_pharmacist', 100, 4),
		cell('R', 'pharmacy_technician', 1000, 80),
		cell('R', 'support_worker', 1400, 12),
		cell('R', 'trainee_pharmacy_technician', 200, 0),
		cell('R', 'assistant_technical_officer', 400, 8),
		cell('R', 'other', 200, 5)
	];
	const fit = weightsWithinRegions(cells, poolCount(rule)).get('R')!;
	const byGroups = (...groups: string[]) =>
		fit.cells.find(
			(w) =>
				w.members
					.map((m) => m.staff_group)
					.sort()
					.join() === [...groups].sort().join()
		)!;

	it('pools small cells within their staff-group family, and leaves out what is still too small', () => {
		expect(fit.cells.map((w) => w.members.map((m) => m.staff_group))).toEqual([
			['pharmacist', 'foundation_trainee_pharmacist'],
			['pharmacy_technician'],
			['support_worker', 'trainee_pharmacy_technician', 'assistant_technical_officer']
		]);
		expect(fit.cells.map((w) => [w.workforce, w.respondents])).toEqual([
			[1000, 100],
			[1000, 80],
			[2000, 20]
		]);
		expect(fit.unrepresented.map((c) => c.staff_group)).toEqual(['other']);
	});

	it('caps the weights at 3.5 × the region’s mean weight, and spreads the excess over the others', () => {
		// Mean weight 4,000 / 200 = 20, cap 70. Support staff: 2,000 / 20 = 100, capped at 70 (1,400 of
		// their 2,000); the other 2,600 over the rest: 1.3 × 10 = 13 and 1.3 × 12.5 = 16.25.
		expect(fit.cap).toBe(70);
		expect(
			[
				byGroups('pharmacist', 'foundation_trainee_pharmacist'),
				byGroups('pharmacy_technician'),
				byGroups('support_worker', 'trainee_pharmacy_technician', 'assistant_technical_officer')
			].map((w) => [w.weight, w.capped])
		).toEqual([
			[13, false],
			[16.25, false],
			[70, true]
		]);
		expect(sum(fit.cells.map((w) => w.weight * w.respondents))).toBeCloseTo(4000, 9);
		expect(weightingNote([fit])).toBe(
			'Pooled with other cells of their region, having fewer than 20 respondents: 4 region × staff group cells (see the weights table). ' +
				"Weight capped at 3.5 × the region's mean weight: Pharmacy support worker or dispenser in R; Trainee pharmacy technician in R; Assistant technical officer (hospital) in R. " +
				'Not represented, with fewer than 20 respondents even pooled within their region: Other in R (workforce 200).'
		);
	});

	it('leaves out respondents with no workforce figure, and says so', () => {
		const withStranger = [...cells, cell('R', 'unknown', null, 9)];
		const f = weightsWithinRegions(withStranger, poolCount(rule)).get('R')!;
		expect(f.withoutWorkforce.map((c) => c.staff_group)).toEqual(['unknown']);
		expect(f.cells.map((w) => w.weight)).toEqual(fit.cells.map((w) => w.weight));
		expect(weightingNote([f])).toMatch(/No workforce figure for unknown in R: those respondents are left out of the weighted figures\.$/);
	});

	it('weights a figure, and leaves it unweighted, from the same weighting cells', () => {
		// Mean ratings 4, 3 and 2 in the three weighting cells.
		const f = combined(fit.cells.map((w, i) => ({ base: w.respondents, value: [4, 3, 2][i], weight: w.weight })));
		expect(f.weighted).toBeCloseTo(2.975, 12); // (1,300 · 4 + 1,300 · 3 + 1,400 · 2) / 4,000
		expect(f.unweighted).toBeCloseTo(3.4, 12); // (100 · 4 + 80 · 3 + 20 · 2) / 200
		expect(f.ess).toBeCloseTo(16_000_000 / 136_025, 9); // 4,000² / (100 · 13² + 80 · 16.25² + 20 · 70²) = 117.63
		expect(publishedEss(f.ess, 200, NHS_DIGITAL_RULE)).toBe(120);
		// Uncapped it would be (1,000 · 4 + 1,000 · 3 + 2,000 · 2) / 4,000 = 2.75, with 4,000² / 222,500 = 71.91.
		expect(
			kish([
				{ n: 100, w: 10 },
				{ n: 80, w: 12.5 },
				{ n: 20, w: 100 }
			])
		).toBeCloseTo(16_000_000 / 222_500, 9);
	});
});

describe('weights and weighted figures over random cells (properties)', () => {
	const GROUPS = staffGroups.map((g) => g.code);
	const cellsArb = fc
		.uniqueArray(
			fc.record({
				region: fc.constantFrom('R1', 'R2', 'R3'),
				group: fc.constantFrom(...GROUPS),
				workforce: fc.option(fc.integer({ min: 0, max: 5000 }), { freq: 8 }),
				n: fc.oneof(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 400 })),
				key: fc.integer({ min: 0, max: 255 * 400 })
			}),
			{ selector: (c) => `${c.region}|${c.group}`, minLength: 1, maxLength: 21 }
		)
		.map((xs) => xs.map((x) => counted(NHS_DIGITAL_RULE)(x.region, x.group, x.workforce, x.n, x.key)));

	it('leave every other region’s weights as they were when one region’s cell empties', () => {
		const weightsBesides = (cells: Counted[], region: string) =>
			[...weightsWithinRegions(cells, poolCount(NHS_DIGITAL_RULE))]
				.filter(([r]) => r !== region)
				.map(([r, fit]) => [r, fit.cells.map((w) => [w.members.map((m) => m.staff_group), w.weight, w.capped])]);
		fc.assert(
			fc.property(cellsArb, fc.nat(), (cells, pick) => {
				const emptied = cells[pick % cells.length];
				const after = cells.map((c) =>
					c === emptied ? counted(NHS_DIGITAL_RULE)(c.region_code, c.staff_group, c.workforce ?? 100, 0) : c
				);
				expect(weightsBesides(after, emptied.region_code)).toEqual(weightsBesides(cells, emptied.region_code));
			}),
			{ numRuns: 300 }
		);
	});

	it('pool within a region only, to 20 or more respondents, cap every weight, keep each region’s total, and place every cell', () => {
		fc.assert(
			fc.property(cellsArb, (cells) => {
				for (const [region, fit] of weightsWithinRegions(cells, poolCount(NHS_DIGITAL_RULE))) {
					for (const w of fit.cells) {
						expect(w.members.every((m) => m.region_code === region)).toBe(true);
						// 20 or more as published; a pool joined to a cell of 20 has its own published count,
						// which its perturbation and rounding can take one step of 5 below its host's.
						if (w.members.some((m) => (m.respondents ?? 0) >= MIN_WEIGHTING_CELL))
							expect(w.respondents).toBeGreaterThanOrEqual(MIN_WEIGHTING_CELL - NHS_DIGITAL_RULE.rounding);
						else expect(w.respondents).toBeGreaterThanOrEqual(MIN_WEIGHTING_CELL);
						expect(w.weight).toBeGreaterThan(0);
						expect(w.weight).toBeLessThanOrEqual(fit.cap! * (1 + 1e-9));
					}
					if (fit.cells.length) {
						const workforce = sum(fit.cells.map((w) => w.workforce));
						expect(Math.abs(sum(fit.cells.map((w) => w.weight * w.respondents)) - workforce)).toBeLessThanOrEqual(1e-9 * workforce);
						expect(fit.cap).toBeCloseTo((WEIGHT_CAP_RATIO * workforce) / sum(fit.cells.map((w) => w.respondents)), 9);
					}
					// Each cell with a workforce is in exactly one weighting cell or not represented; the others are left out.
					const placed = [...fit.cells.flatMap((w) => w.members), ...fit.unrepresented];
					for (const c of cells.filter((c) => c.region_code === region)) {
						const withWorkforce = c.workforce !== null && c.workforce > 0;
						expect(placed.filter((p) => p === c).length).toBe(withWorkforce ? 1 : 0);
						expect(fit.withoutWorkforce.includes(c)).toBe(!withWorkforce && c.respondents !== 0);
					}
				}
			}),
			{ numRuns: 300 }
		);
	});

	it('give every effective sample size at or below its base, and weighted shares within 0–100%', () => {
		const figure = fc.record({
			base: fc.option(fc.integer({ min: 0, max: 500 }), { freq: 5 }),
			value: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { freq: 8 }),
			weight: fc.double({ min: 0.01, max: 1000, noNaN: true })
		});
		fc.assert(
			fc.property(
				fc.array(figure, { maxLength: 12 }),
				fc.option(fc.integer({ min: 0, max: 2000 }).map((b) => 5 * Math.round(b / 5))),
				(cells, base) => {
					const f = combined(cells);
					const used = cells.filter((c) => c.base && c.value !== null);
					if (f.ess !== null) expect(f.ess).toBeLessThanOrEqual(sum(used.map((c) => c.base!)) * (1 + 1e-9));
					const ess = publishedEss(f.ess, base, NHS_DIGITAL_RULE);
					if (ess !== null) expect(ess).toBeLessThanOrEqual(base!);
					for (const share of [f.weighted, f.unweighted]) {
						if (share === null) continue;
						expect(100 * share).toBeGreaterThanOrEqual(0);
						expect(100 * share).toBeLessThanOrEqual(100 * (1 + 1e-12));
					}
				}
			),
			{ numRuns: 500 }
		);
	});
});

describe('the weighting stage', () => {
	let dir: string;
	let c: DuckDBConnection;
	syntheticFile({ n: 600, seed: 7 }, (file) => ({ dir, c } = file));

	it('matches the golden tables for seed 7: weights within the cap, each region’s workforce reproduced, effective sample sizes within their bases', async () => {
		const [weights, figures] = await weighting(c, await stageContext(c));
		expectGolden(weights);
		expectGolden(figures);
		expect(new Set([...weights.rows, ...figures.rows].map((r) => r.method))).toEqual(new Set(['post-stratification']));
		const fitted = weights.rows.filter((r) => r.weight !== null);
		expect(fitted.length).toBeGreaterThan(10);
		// The synthetic wave answers evenly enough that no weight reaches the cap (the worked example and
		// the properties above cover capping), so each weighting cell's respondents are its workforce
		// over its weight, and the region's mean weight follows from the table.
		expect(weights.rows.some((r) => r.capped)).toBe(false);
		for (const region of new Set(fitted.map((r) => String(r.region_code)))) {
			const own = fitted.filter((r) => r.region_code === region);
			const weightingCells = [...new Set(own.map((r) => Number(r.weight)))].map((w) => ({
				w,
				workforce: sum(own.filter((r) => r.weight === w).map((r) => Number(r.workforce)))
			}));
			const mean = sum(weightingCells.map((x) => x.workforce)) / sum(weightingCells.map((x) => x.workforce / x.w));
			const largest = Math.max(...weightingCells.map((x) => x.w));
			expect(largest).toBeLessThanOrEqual(WEIGHT_CAP_RATIO * mean);
			expect(figures.rows.filter((r) => r.region_code === region).every((r) => r.largest_weight === largest)).toBe(true);
		}
		for (const r of figures.rows) {
			if (r.suppressed) expect([r.unweighted, r.weighted, r.effective_sample_size]).toEqual([null, null, null]);
			if (r.effective_sample_size !== null) {
				expect(Number(r.effective_sample_size) % 5).toBe(0);
				expect(Number(r.effective_sample_size)).toBeLessThanOrEqual(Number(r.base));
			}
		}
		// A hidden cell is pooled, never said to be left out for its own count.
		for (const r of weights.rows) expect(String(r.note ?? '')).not.toMatch(/fewer than 8/);
		expect(weights.rows.some((r) => r.suppressed && /^pooled with/.test(String(r.note)))).toBe(true);
	});

	it('agrees with a weighted loop over the raw responses, with the published weights (every figure exact)', async () => {
		// Denominators for exactly the cells that have respondents.
		const cells = await rows<{ region: string; staff_group: string }>(
			c,
			`SELECT DISTINCT region, staff_group FROM responses WHERE wave_id = '2026-27'`
		);
		const csv = join(dir, 'workforce.csv');
		writeFileSync(
			csv,
			`region_code,staff_group,workforce\n${cells.map((x, i) => `${x.region},${x.staff_group},${50 + ((i * 37) % 400)}`).join('\n')}\n`
		);
		const [weights, figures] = await weighting(c, await stageContext(c, EXACT, csv));
		const weightOf = new Map(weights.rows.map((r) => [`${r.region_code}|${r.staff_group}`, r.weight as number | null]));
		// Every region's weighted respondents add up to the workforce its weighting cells represent.
		for (const region of new Set(weights.rows.map((r) => r.region_code))) {
			const fitted = weights.rows.filter((r) => r.region_code === region && r.weight !== null);
			expect(sum(fitted.map((r) => Number(r.weight) * Number(r.respondents)))).toBeCloseTo(sum(fitted.map((r) => Number(r.workforce))), 1);
		}

		const confidence = ratingColumns().map((r) => r.confidence);
		const people = await rows<{
			region: string;
			staff_group: string;
			aware_framework: string | null;
			imp_fh: number | null;
			conf_fh: number | null;
			ratings: Array<number | null>;
		}>(
			c,
			`SELECT region, staff_group, aware_framework, imp_fh, conf_fh, [${confidence.join(', ')}] AS ratings FROM responses WHERE wave_id = '2026-27'`
		);
		for (const scope of ['E92000001', 'E40000003']) {
			const inScope = people.filter(
				(p) => (scope === 'E92000001' || p.region === scope) && weightOf.get(`${p.region}|${p.staff_group}`) != null
			);
			/** Weighted and unweighted mean of x over the people it is given for, and Kish's effective sample size. */
			const over = (x: (p: (typeof people)[number]) => number | null) => {
				let [wx, w, w2, ux, u] = [0, 0, 0, 0, 0];
				for (const p of inScope) {
					const v = x(p);
					if (v === null) continue;
					const wp = weightOf.get(`${p.region}|${p.staff_group}`)!;
					[wx, w, w2, ux, u] = [wx + wp * v, w + wp, w2 + wp * wp, ux + v, u + 1];
				}
				return { weighted: wx / w, unweighted: ux / u, ess: Math.round((w * w) / w2) };
			};
			const aware = over((p) =>
				p.aware_framework === null ? null : p.aware_framework === 'read' || p.aware_framework === 'aware' ? 100 : 0
			);
			// The mean-kind measure: each person's mean confidence over the competencies, if they rated them all.
			const meanConfidence = over((p) => (p.ratings.every((r) => r !== null) ? sum(p.ratings as number[]) / p.ratings.length : null));
			const both = (p: (typeof people)[number]) => p.imp_fh !== null && p.conf_fh !== null;
			const [imp, conf] = [over((p) => (both(p) ? p.imp_fh : null)), over((p) => (both(p) ? p.conf_fh : null))];
			const figure = (id: string, statistic: string) =>
				figures.rows.find((r) => r.region_code === scope && r.figure_id === id && r.statistic === statistic)!;
			// Published to 1 decimal (percentages) and 2 (means, MWDS from the unrounded means).
			const near = (published: unknown, truth: number, places: number) =>
				expect(Math.abs(Number(published) - truth)).toBeLessThanOrEqual(0.5 * 10 ** -places + 1e-9);
			for (const side of ['weighted', 'unweighted'] as const) {
				near(figure('aim1_framework_awareness', 'value')[side], aware[side], 1);
				near(figure('aim4_mean_confidence', 'value')[side], meanConfidence[side], 2);
				near(figure('fh', 'mean_importance')[side], imp[side], 2);
				near(figure('fh', 'mean_confidence')[side], conf[side], 2);
				near(figure('fh', 'mwds')[side], (imp[side] - conf[side]) * imp[side], 2);
			}
			// Each figure's effective sample size from its own people: those who rated FH both ways.
			expect(figure('fh', 'mwds').effective_sample_size).toBe(imp.ess);
			expect(figure('aim1_framework_awareness', 'value').effective_sample_size).toBe(aware.ess);
		}
	});
});
