// The cell key method: the perturbation table, the worked example of docs/disclosure.md, and the
// accuracy it promises, property-tested over random counts, keys and sums.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
	cellKey,
	KEY_RANGE,
	loadPerturbationTable,
	NOISE_TRUNCATION,
	parsePerturbationTable,
	perturbationOf,
	RATING_SENSITIVITY,
	standardNoise,
	sumNoise
} from '../../../pipelines/disclosure/perturbation';
import {
	mwdsErrorBound,
	NHS_DIGITAL_RULE,
	perturbedMean,
	perturbedShare,
	protect,
	publishedCount
} from '../../../pipelines/disclosure/protect';
import { NEEDS_FIGURES } from '../../../pipelines/stages/needs';

const table = loadPerturbationTable();
const rule = NHS_DIGITAL_RULE;

describe('the perturbation table', () => {
	it('is a centred binomial(4, ½) for counts of 1 or more: mean 0, variance 1, at most 2 either way', () => {
		const probability = (p: number) =>
			table.rows.filter((r) => r.count === 1 && r.perturbation === p).reduce((a, r) => a + (r.keyTo - r.keyFrom + 1), 0) / KEY_RANGE;
		const ps = [-2, -1, 0, 1, 2].map(probability);
		expect(ps).toEqual([16, 64, 96, 64, 16].map((x) => x / 256));
		expect(ps.reduce((a, p, i) => a + p * (i - 2), 0)).toBe(0);
		expect(ps.reduce((a, p, i) => a + p * (i - 2) ** 2, 0)).toBe(1);
		expect(table.maxPerturbation).toBe(2);
		// Zeros are never perturbed.
		for (let k = 0; k < KEY_RANGE; k++) expect(perturbationOf(table, 0, k)).toBe(0);
	});

	it('refuses a table whose keys leave a gap, in words', () => {
		expect(() => parsePerturbationTable('count,perturbation,key_from,key_to\n1,0,0,100\n1,1,120,255\n')).toThrow(
			/keys for count 1 must run from 0 to 255 without gaps/
		);
		expect(() => parsePerturbationTable('count,noise\n1,0\n')).toThrow(/header count,perturbation,key_from,key_to/);
	});
});

describe('the worked example in docs/disclosure.md', () => {
	it('publishes a group of 23 with key sum 3,141 as 20, mean importance 3.55, confidence 2.72, MWDS 2.93, and a share of 19% (8–41)', () => {
		expect(cellKey(3141)).toBe(69);
		expect(perturbationOf(table, 23, 3141)).toBe(-1);
		expect(publishedCount(23, 3141, rule)).toBe(20);
		// Standard deviation 1 × 4: the most one person can move a sum of 1–5 ratings.
		expect(sumNoise('imp_fh', 3141, 23, RATING_SENSITIVITY, rule.noiseScale)).toBeCloseTo(-3.407, 4);
		expect(sumNoise('conf_fh', 3141, 23, RATING_SENSITIVITY, rule.noiseScale)).toBeCloseTo(1.6134, 4);
		const [row] = protect(
			[{ respondents: 23, respondents_key: 3141, imp: 85, conf: 61 }],
			{
				counts: ['respondents'],
				means: [
					{ column: 'mean_importance', sum: 'imp', n: 'respondents', variable: 'imp_fh', sensitivity: RATING_SENSITIVITY },
					{ column: 'mean_confidence', sum: 'conf', n: 'respondents', variable: 'conf_fh', sensitivity: RATING_SENSITIVITY }
				],
				derived: [
					{ column: 'mean_discrepancy', from: (m) => m.mean_importance! - m.mean_confidence! },
					{ column: 'mwds', from: (m) => (m.mean_importance! - m.mean_confidence!) * m.mean_importance! }
				]
			},
			rule
		);
		// True: 3.6957, 2.6522, 1.0435 and 3.8563 — a group of 23 pays for privacy with about ±1 on its MWDS.
		expect(row).toMatchObject({
			respondents: 20,
			mean_importance: 3.55,
			mean_confidence: 2.72,
			mean_discrepancy: 0.83,
			mwds: 2.93,
			suppressed: false
		});
		// 6 of the 23 have done no training (26.1%): (6 + 3 × −0.5216) / 23, with Wilson limits on the published base of 20.
		expect(standardNoise('training_done:none', 3141, 23)).toBeCloseTo(-0.5216, 4);
		const [share] = protect(
			[{ base: 23, base_key: 3141, none: 6 }],
			{
				counts: ['base'],
				shares: [{ column: 'percent', numerator: 'none', denominator: 'base', low: 'low', high: 'high', answer: 'training_done:none' }]
			},
			rule
		);
		// Whole percentages: the base is under 1,000 (shareDecimals).
		expect(share).toEqual({ suppressed: false, base: 20, percent: 19, low: 8, high: 41 });
		// docs/needs-assessment.md: the rounded means do not multiply to the published MWDS (2.95, not 2.93).
		expect(Math.round((3.55 - 2.72) * 3.55 * 100) / 100).toBe(2.95);
		// The key sum and raw sums never leave protect().
		expect(Object.keys(row)).not.toContain('respondents_key');
		expect(Object.keys(row)).not.toContain('imp');
		// One more person (key 200): a new cell key (13), perturbation −2, still published as 20.
		expect([cellKey(3341), perturbationOf(table, 24, 3341), publishedCount(24, 3341, rule)]).toEqual([13, -2, 20]);
		// A group of 8 perturbed down to 7 is held at the threshold: published as 10, never suppressed.
		expect([cellKey(300), perturbationOf(table, 8, 300), publishedCount(8, 300, rule)]).toEqual([44, -1, 10]);
	});
});

describe('accuracy and safety, for any count and key', () => {
	it('never publishes 1 to 7; publishes others as 0 or a multiple of 5 of at least 10, within 4 of the truth', () => {
		fc.assert(
			fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 0, max: 255 * 100_000 }), (n, keySum) => {
				const published = publishedCount(n, keySum, rule);
				if (n >= 1 && n <= 7) return published === null;
				if (n === 0) return published === 0;
				return published !== null && published % 5 === 0 && published >= 10 && Math.abs(published - n) <= 4;
			}),
			{ numRuns: 20_000 }
		);
	});

	it('publishes a mean within 16/n + 0.005 of the truth (noise at most 4 standard deviations of 4), the same for the same sum, people and variable', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 8, max: 5000 }),
				fc.double({ min: 1, max: 5, noNaN: true }),
				fc.integer({ min: 0, max: 255 * 5000 }),
				fc.constantFrom('imp_fh', 'conf_fh', 'imp_ethics'),
				(n, trueMean, keySum, variable) => {
					const sum = Math.round(trueMean * n);
					const [a] = protect(
						[{ respondents: n, respondents_key: keySum, sum }],
						{
							counts: ['respondents'],
							means: [{ column: 'mean', sum: 'sum', n: 'respondents', variable, sensitivity: RATING_SENSITIVITY }]
						},
						rule
					);
					const b = perturbedMean(sum, n, keySum, variable, rule, RATING_SENSITIVITY)!;
					return (
						Math.abs((a.mean as number) - sum / n) <= (NOISE_TRUNCATION * RATING_SENSITIVITY) / n + 0.005 + 1e-9 &&
						a.mean === Math.round(b * 100) / 100
					);
				}
			),
			{ numRuns: 5_000 }
		);
	});

	it('publishes a share within 1200/n points of the truth (noise at most 4 standard deviations of 3 on the count), always in 0–100%', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 8, max: 5000 }),
				fc.double({ min: 0, max: 1, noNaN: true }),
				fc.integer({ min: 0, max: 255 * 5000 }),
				(n, p, keySum) => {
					const count = Math.round(p * n);
					const share = 100 * perturbedShare(count, n, keySum, 'training_done:none', rule)!;
					return share >= 0 && share <= 100 && Math.abs(share - (100 * count) / n) <= (100 * NOISE_TRUNCATION * 3) / n + 1e-9;
				}
			),
			{ numRuns: 5_000 }
		);
	});

	it('publishes an MWDS within E(|2I − C| + I) + 2E² + 0.005 of the truth, E = 16/n', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 8, max: 5000 }),
				fc.double({ min: 1, max: 5, noNaN: true }),
				fc.double({ min: 1, max: 5, noNaN: true }),
				fc.integer({ min: 0, max: 255 * 5000 }),
				(n, i, c, keySum) => {
					const [imp, conf] = [Math.round(i * n), Math.round(c * n)];
					const [row] = protect(
						[
							{
								competency: 'fh',
								respondents: n,
								respondents_key: keySum,
								importance_sum: imp,
								confidence_sum: conf,
								importance_sq_sum: null,
								confidence_sq_sum: null,
								importance_confidence_sum: null
							}
						],
						NEEDS_FIGURES,
						rule
					);
					const [I, C] = [imp / n, conf / n];
					return Math.abs((row.mwds as number) - (I - C) * I) <= mwdsErrorBound(n, I, C, rule) + 1e-9;
				}
			),
			{ numRuns: 5_000 }
		);
	});

	it('draws the standard noise with mean 0 and standard deviation 1, never beyond 4', () => {
		const draws = Array.from({ length: 20_000 }, (_, i) => standardNoise('imp_fh', i * 7919, 30 + (i % 50)));
		const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
		const sd = Math.sqrt(draws.reduce((a, b) => a + (b - mean) ** 2, 0) / draws.length);
		expect(Math.abs(mean)).toBeLessThan(0.03);
		expect(Math.abs(sd - 1)).toBeLessThan(0.03);
		expect(Math.max(...draws.map(Math.abs))).toBeLessThanOrEqual(NOISE_TRUNCATION);
	});

	it('gives the same people the same cell key in any order, and a set one person larger an unrelated one', () => {
		fc.assert(
			fc.property(
				fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 200 }),
				fc.integer({ min: 0, max: 255 }),
				(keys, extra) => {
					const sum = (ks: number[]) => ks.reduce((a, b) => a + b, 0);
					const shuffled = [...keys].reverse();
					return (
						cellKey(sum(keys)) === cellKey(sum(shuffled)) && cellKey(sum([...keys, extra])) === (cellKey(sum(keys)) + extra) % KEY_RANGE
					);
				}
			)
		);
	});
});
