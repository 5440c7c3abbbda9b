// Disclosure control against NHS Digital's published rule and examples, and secondary suppression.
import { describe, expect, it } from 'vitest';
import { NHS_DIGITAL_RULE, protect, ROUNDING_ONLY, type DisclosureRule } from '../../pipelines/disclosure';

// NHS Digital's published rule on its own (no cell key perturbation), as its examples state it. The
// perturbation on top is tested in perturbation.test.ts.
const NHS: DisclosureRule = { ...NHS_DIGITAL_RULE, perturbation: null };

const counts = (values: number[]) => values.map((respondents, i) => ({ cell: i, respondents }));

describe('NHS Digital rule (default)', () => {
	it('keeps 0, suppresses 1 to 7 and rounds every other count to the nearest 5', () => {
		const out = protect(counts([0, 1, 5, 7, 8, 9, 12, 13, 17, 18, 22, 23, 1002]), { counts: ['respondents'] }, NHS);
		expect(out.map((r) => r.respondents)).toEqual([0, null, null, null, 10, 10, 10, 15, 15, 20, 20, 25, 1000]);
		expect(out.map((r) => r.suppressed)).toEqual([false, true, true, true, false, false, false, false, false, false, false, false, false]);
		expect(NHS_DIGITAL_RULE).toMatchObject({ threshold: 8, rounding: 5, meanDecimals: 2 });
		expect(NHS_DIGITAL_RULE.perturbation?.maxPerturbation).toBe(2);
		expect(ROUNDING_ONLY).toMatchObject({ threshold: 8, rounding: 5, perturbation: null, meanDecimals: 3 });
	});

	it('works percentages out from the rounded figures', () => {
		// 13 of 47: rounded 15 of 45 = 33.3% (not 27.7% from the raw counts).
		const [row] = protect([{ respondents: 13, base: 47 }], {
			counts: ['respondents', 'base'],
			shares: [{ column: 'percent', numerator: 'respondents', denominator: 'base', low: 'low', high: 'high' }]
		}, NHS);
		expect(row.respondents).toBe(15);
		expect(row.base).toBe(45);
		expect(row.percent).toBe(33.3);
		expect(row.low as number).toBeLessThan(33.3);
		expect(row.high as number).toBeGreaterThan(33.3);
	});

	it('suppresses a mean resting on 1 to 7 people, and a share whose numerator is', () => {
		const out = protect(
			[
				{ respondents: 7, sum: 22 },
				{ respondents: 8, sum: 27 },
				{ respondents: 0, sum: null }
			],
			{ counts: ['respondents'], means: [{ column: 'mean', sum: 'sum', n: 'respondents', variable: 'x' }] },
			NHS
		);
		expect(out.map((r) => [r.respondents, r.mean, r.suppressed])).toEqual([
			[null, null, true],
			[10, 3.38, false],
			[0, null, false]
		]);
		const [share] = protect([{ respondents: 3, base: 200 }], { counts: ['respondents', 'base'], shares: [{ column: 'percent', numerator: 'respondents', denominator: 'base' }] }, NHS);
		expect([share.respondents, share.base, share.percent, share.suppressed]).toEqual([null, null, null, true]);
	});

	it('takes another threshold', () => {
		const out = protect(counts([0, 8, 9, 10, 11]), { counts: ['respondents'] }, { ...NHS, threshold: 10 });
		expect(out.map((r) => r.respondents)).toEqual([0, null, null, 10, 10]);
	});
});

describe('secondary suppression', () => {
	it('hides the next smallest cell when one cell of a line with a published total is hidden', () => {
		// Region total 63 is published; staff groups 20, 3, 40, 0. Hiding only the 3 would let it be
		// worked out as 63 − 20 − 40, so the 20 goes too. The 0 stays (a true zero reveals nothing).
		const data = [20, 3, 40, 0].map((respondents, i) => ({ region: 'R', group: `g${i}`, respondents }));
		const out = protect(data, { counts: ['respondents'], lines: [{ by: ['region'] }] }, NHS);
		expect(out.map((r) => r.suppressed)).toEqual([true, true, false, false]);
		expect(out.map((r) => r.respondents)).toEqual([null, null, 40, 0]);
	});

	it('leaves no line of a two-way table with exactly one hidden non-zero cell', () => {
		// Regions × staff groups: rows add to region totals, columns to national totals per group.
		const grid = [
			[30, 5, 22, 40],
			[12, 14, 9, 50],
			[25, 16, 3, 33],
			[60, 41, 28, 2]
		];
		const data = grid.flatMap((row, r) => row.map((respondents, g) => ({ region: `r${r}`, group: `g${g}`, respondents })));
		const out = protect(data, { counts: ['respondents'], lines: [{ by: ['region'] }, { by: ['group'] }] }, NHS);
		for (const key of ['region', 'group'] as const) {
			const lines = new Map<string, number>();
			for (const [i, row] of out.entries()) if (row.suppressed && data[i].respondents > 0) lines.set(String(row[key]), (lines.get(String(row[key])) ?? 0) + 1);
			for (const hidden of lines.values()) expect(hidden).not.toBe(1);
		}
		// The primary cells are among the hidden ones.
		for (const [i, row] of out.entries()) if (data[i].respondents > 0 && data[i].respondents < 8) expect(row.suppressed).toBe(true);
	});

	it('respects a line filter (totals rows are not members of their own line)', () => {
		const data = [
			{ region: 'E92000001', respondents: 70 },
			{ region: 'A', respondents: 4 },
			{ region: 'B', respondents: 66 }
		];
		const out = protect(data, { counts: ['respondents'], lines: [{ by: [], where: (r) => r.region !== 'E92000001' }] }, NHS);
		expect(out.map((r) => r.suppressed)).toEqual([false, true, true]);
	});
});
