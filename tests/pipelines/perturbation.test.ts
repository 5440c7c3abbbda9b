// The cell key method: the perturbation table, the worked example of docs/disclosure.md, and the
// accuracy it promises, property-tested over random counts, keys and sums.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cellKey, KEY_RANGE, loadPerturbationTable, parsePerturbationTable, perturbationOf, sumNoise } from '../../pipelines/perturbation';
import { NHS_DIGITAL_RULE, perturbedMean, protect, publishedCount } from '../../pipelines/disclosure';

const table = loadPerturbationTable();
const rule = NHS_DIGITAL_RULE;

describe('the perturbation table', () => {
	it('is a centred binomial(4, ½) for counts of 1 or more: mean 0, variance 1, at most 2 either way', () => {
		const probability = (p: number) => table.rows.filter((r) => r.count === 1 && r.perturbation === p).reduce((a, r) => a + (r.keyTo - r.keyFrom + 1), 0) / KEY_RANGE;
		const ps = [-2, -1, 0, 1, 2].map(probability);
		expect(ps).toEqual([16, 64, 96, 64, 16].map((x) => x / 256));
		expect(ps.reduce((a, p, i) => a + p * (i - 2), 0)).toBe(0);
		expect(ps.reduce((a, p, i) => a + p * (i - 2) ** 2, 0)).toBe(1);
		expect(table.maxPerturbation).toBe(2);
		// Zeros are never perturbed.
		for (let k = 0; k < KEY_RANGE; k++) expect(perturbationOf(table, 0, k)).toBe(0);
	});

	it('refuses a table whose keys leave a gap, in words', () => {
		expect(() => parsePerturbationTable('count,perturbation,key_from,key_to\n1,0,0,100\n1,1,120,255\n')).toThrow(/keys for count 1 must run from 0 to 255 without gaps/);
		expect(() => parsePerturbationTable('count,noise\n1,0\n')).toThrow(/header count,perturbation,key_from,key_to/);
	});
});

describe('the worked example in docs/disclosure.md', () => {
	it('publishes a group of 23 with key sum 3,141 as 20, mean importance 3.69, confidence 2.65, MWDS 3.85', () => {
		expect(cellKey(3141)).toBe(69);
		expect(perturbationOf(table, 23, 3141)).toBe(-1);
		expect(publishedCount(23, 3141, rule)).toBe(20);
		expect(sumNoise('imp_fh', 3141, 23)).toBeCloseTo(-0.0977, 4);
		expect(sumNoise('conf_fh', 3141, 23)).toBeCloseTo(-0.1161, 4);
		const [row] = protect(
			[{ respondents: 23, respondents_key: 3141, imp: 85, conf: 61 }],
			{
				counts: ['respondents'],
				means: [
					{ column: 'mean_importance', sum: 'imp', n: 'respondents', variable: 'imp_fh' },
					{ column: 'mean_confidence', sum: 'conf', n: 'respondents', variable: 'conf_fh' }
				],
				derived: [
					{ column: 'mean_discrepancy', from: (m) => m.mean_importance! - m.mean_confidence! },
					{ column: 'mwds', from: (m) => (m.mean_importance! - m.mean_confidence!) * m.mean_importance! }
				]
			},
			rule
		);
		expect(row).toMatchObject({ respondents: 20, mean_importance: 3.69, mean_confidence: 2.65, mean_discrepancy: 1.04, mwds: 3.85, suppressed: false });
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
	it('never publishes 1 to 7; publishes others as 0 or a multiple of 5 of at least 10, within 4.5 of the truth', () => {
		fc.assert(
			fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 0, max: 255 * 100_000 }), (n, keySum) => {
				const published = publishedCount(n, keySum, rule);
				if (n >= 1 && n <= 7) return published === null;
				if (n === 0) return published === 0;
				return published !== null && published % 5 === 0 && published >= 10 && Math.abs(published - n) <= 4.5;
			}),
			{ numRuns: 20_000 }
		);
	});

	it('publishes a mean within 0.5/n + 0.005 of the truth, and the same mean for the same sum, people and variable', () => {
		fc.assert(
			fc.property(fc.integer({ min: 8, max: 5000 }), fc.double({ min: 1, max: 5, noNaN: true }), fc.integer({ min: 0, max: 255 * 5000 }), fc.constantFrom('imp_fh', 'conf_fh', 'imp_ethics'), (n, trueMean, keySum, variable) => {
				const sum = Math.round(trueMean * n);
				const [a] = protect([{ respondents: n, respondents_key: keySum, sum }], { counts: ['respondents'], means: [{ column: 'mean', sum: 'sum', n: 'respondents', variable }] }, rule);
				const b = perturbedMean(sum, n, keySum, variable, rule)!;
				return Math.abs((a.mean as number) - sum / n) <= 0.5 / n + 0.005 + 1e-9 && a.mean === Math.round(b * 100) / 100;
			}),
			{ numRuns: 5_000 }
		);
	});

	it('gives the same people the same cell key in any order, and a set one person larger an unrelated one', () => {
		fc.assert(
			fc.property(fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 200 }), fc.integer({ min: 0, max: 255 }), (keys, extra) => {
				const sum = (ks: number[]) => ks.reduce((a, b) => a + b, 0);
				const shuffled = [...keys].reverse();
				return cellKey(sum(keys)) === cellKey(sum(shuffled)) && cellKey(sum([...keys, extra])) === (cellKey(sum(keys)) + extra) % KEY_RANGE;
			})
		);
	});
});
