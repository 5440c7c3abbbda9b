// Disclosure control against NHS Digital's published rule and examples, and shares of an answer.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NHS_DIGITAL_RULE, protect, ROUNDING_ONLY, type DisclosureRule } from '../../../pipelines/disclosure/protect';

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
		expect(ROUNDING_ONLY).toMatchObject({
			threshold: 8,
			rounding: 5,
			perturbation: null,
			meanDecimals: 3,
			noiseScale: 1,
			answerNoiseScale: 1.5
		});
	});

	it('works percentages out from the rounded figures', () => {
		// 13 of 47: rounded 15 of 45 = 33.3% (not 27.7% from the raw counts).
		const [row] = protect(
			[{ respondents: 13, base: 47 }],
			{
				counts: ['respondents', 'base'],
				shares: [{ column: 'percent', numerator: 'respondents', denominator: 'base', low: 'low', high: 'high' }]
			},
			NHS
		);
		expect(row.respondents).toBe(15);
		expect(row.base).toBe(45);
		// A ratio of published counts (no answer named: coverage's kind) keeps 1 decimal; a share of an
		// answer is given to the decimals its base allows (see the share tests).
		expect(row.percent).toBe(33.3);
		expect(row.low as number).toBeLessThan(33.3);
		expect(row.high as number).toBeGreaterThan(33.3);
	});

	it('suppresses a mean resting on 1 to 7 people, and a share of counts whose numerator is', () => {
		const out = protect(
			[
				{ respondents: 7, sum: 22 },
				{ respondents: 8, sum: 27 },
				{ respondents: 0, sum: null }
			],
			{ counts: ['respondents'], means: [{ column: 'mean', sum: 'sum', n: 'respondents', variable: 'x', sensitivity: 4 }] },
			NHS
		);
		expect(out.map((r) => [r.respondents, r.mean, r.suppressed])).toEqual([
			[null, null, true],
			[10, 3.38, false],
			[0, null, false]
		]);
		const [share] = protect(
			[{ respondents: 3, base: 200 }],
			{ counts: ['respondents', 'base'], shares: [{ column: 'percent', numerator: 'respondents', denominator: 'base' }] },
			NHS
		);
		expect([share.respondents, share.base, share.percent, share.suppressed]).toEqual([null, null, null, true]);
	});

	it('takes another threshold', () => {
		const out = protect(counts([0, 8, 9, 10, 11]), { counts: ['respondents'] }, { ...NHS, threshold: 10 });
		expect(out.map((r) => r.respondents)).toEqual([0, null, null, 10, 10]);
	});
});

describe('one figure, one outcome: hidden for its own people only', () => {
	it('hides a cell of 1 to 7 and nothing else in its line, whatever adds up to what', () => {
		// Region total 63; staff groups 20, 3, 40, 0. Under secondary suppression the 20 went too, so a
		// region's visibility depended on its neighbours' small cells. The noise is what stands against
		// working the 3 out as 63 − 20 − 40 (docs/disclosure.md).
		const data = [20, 3, 40, 0].map((respondents, i) => ({ region: 'R', group: `g${i}`, respondents }));
		const out = protect(data, { counts: ['respondents'] }, NHS);
		expect(out.map((r) => r.suppressed)).toEqual([false, true, false, false]);
		expect(out.map((r) => r.respondents)).toEqual([20, null, 40, 0]);
	});
});

describe('shares of an answer: means of a yes/no answer over the base', () => {
	const spec = {
		counts: ['base'] as 'base'[],
		shares: [
			{ column: 'percent', numerator: 'yes' as const, denominator: 'base' as const, low: 'low', high: 'high', answer: 'training_done:none' }
		]
	};

	it('publishes a share with a small numerator, never the numerator itself, and hides it only with its base', () => {
		const [small, hidden] = protect(
			[
				{ yes: 3, yes_key: 40, base: 200, base_key: 9000 },
				{ yes: 3, yes_key: 40, base: 6, base_key: 300 }
			],
			spec
		);
		expect(small.suppressed).toBe(false);
		expect(small).not.toHaveProperty('yes');
		expect(small.percent as number).toBeGreaterThanOrEqual(0);
		expect(Math.abs((small.percent as number) - 1.5)).toBeLessThanOrEqual((100 * 4 * 3) / 200 + 0.05);
		expect(small.low as number).toBeLessThanOrEqual(small.percent as number);
		expect([hidden.suppressed, hidden.percent, hidden.base]).toEqual([true, null, null]);
	});

	it('keeps every share between 0 and 100%, and its limits around it', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 8, max: 400 }),
				fc.double({ min: 0, max: 1, noNaN: true }),
				fc.integer({ min: 0, max: 2 ** 24 }),
				(base, p, key) => {
					const yes = Math.round(p * base);
					const [row] = protect([{ yes, yes_key: key, base, base_key: key }], spec);
					const [percent, low, high] = [row.percent, row.low, row.high] as number[];
					return percent >= 0 && percent <= 100 && low >= 0 && high <= 100 && low <= percent + 0.05 && high >= percent - 0.05;
				}
			)
		);
	});

	it('is the same for the same people and changes as a whole when one person joins', () => {
		const of = (yes: number, base: number, key: number) => protect([{ yes, yes_key: 0, base, base_key: key }], spec)[0].percent as number;
		expect(of(12, 40, 5000)).toBe(of(12, 40, 5000));
		// A newcomer who answered "no" leaves the yes count as it was, yet the share is drawn afresh.
		expect(of(12, 41, 5077) * 41).not.toBeCloseTo(of(12, 40, 5000) * 40, 0);
	});
});
