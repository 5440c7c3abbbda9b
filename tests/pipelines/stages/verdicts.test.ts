// Noise-aware verdicts (docs/intervals.md): two waves drawn from one distribution, published through
// the real disclosure path (comparedFigures: noisy shares, means and spreads; published bases) and
// compared as change.ts and region-comparison.ts do. "Increase" or "decrease" must then be said by
// chance no more often than a 95% interval promises, in small groups as in large ones.
import { describe, expect, it } from 'vitest';
import { comparedFigures, comparedItems, compare, MIN_VERDICT_BASE } from '../../../pipelines/stages/compared-figures';
import { NHS_DIGITAL_RULE } from '../../../pipelines/disclosure/protect';
import { loadSuccessMeasures } from '../../../pipelines/core/reference';
import { studentTCdf } from '../../../pipelines/stats/intervals';
import { ANSWER_SENSITIVITY } from '../../../pipelines/disclosure/perturbation';

const measures = loadSuccessMeasures();
const items = comparedItems(measures);
const share = items.find((i) => i.method === 'Newcombe')!;
const confidence = items.find((i) => i.item_kind === 'competency' && i.item_id === 'fh')!;

/** A seeded generator: the simulation is the same every run. */
function prng(seed: number) {
	let s = seed >>> 0;
	return () => (s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32;
}

const LEVELS = [0.1, 0.2, 0.35, 0.25, 0.1];

/** One group's statistics as the cube holds them: a share (80% unless said) and confidence ratings 1–5. */
function group(random: () => number, n: number, wave: string, ratings: () => number, p = 0.8) {
	let keySum = 0;
	let yes = 0;
	let sum = 0;
	let squares = 0;
	for (let i = 0; i < n; i++) {
		keySum += Math.floor(random() * 256);
		if (random() < p) yes++;
		const r = ratings();
		sum += r;
		squares += r * r;
	}
	return [
		{ wave, item_id: share.item_id, numerator: yes, numerator_key: 0, base: n, base_key: keySum, total_sum: null, total_sq_sum: null },
		{
			wave,
			item_id: confidence.item_id,
			numerator: null,
			numerator_key: null,
			base: n,
			base_key: keySum,
			total_sum: sum,
			total_sq_sum: squares
		}
	];
}

/** The share of trials in which two waves from one distribution are said to differ, per method. */
function falseVerdicts(n: number, trials: number, seed: number, ratings?: () => number) {
	const random = prng(seed);
	const draw = ratings ?? rating(random);
	const flagged = { share: 0, mean: 0, verdicts: 0 };
	for (let t = 0; t < trials; t++) {
		const figures = comparedFigures([...group(random, n, 'before', draw), ...group(random, n, 'now', draw)], measures, NHS_DIGITAL_RULE);
		const of = (wave: string, item: string) => figures.find((f) => f.wave === wave && f.item_id === item);
		for (const [item, key] of [
			[share, 'share'],
			[confidence, 'mean']
		] as const) {
			const i = compare(item, of('now', item.item_id), of('before', item.item_id), NHS_DIGITAL_RULE);
			if (i) flagged.verdicts++;
			if (i && (i.low > 0 || i.high < 0)) flagged[key]++;
		}
	}
	return { share: flagged.share / trials, mean: flagged.mean / trials, verdicts: flagged.verdicts };
}

const rating = (random: () => number) => () => {
	let u = random();
	for (let level = 0; level < 5; level++) if ((u -= LEVELS[level]) < 0) return level + 1;
	return 5;
};

/** The share of trials in which a real change of a share from `before` to `now` is called an increase. */
function power(n: number, before: number, now: number, trials: number, seed: number) {
	const random = prng(seed);
	let found = 0;
	for (let t = 0; t < trials; t++) {
		const figures = comparedFigures(
			[...group(random, n, 'before', rating(random), before), ...group(random, n, 'now', rating(random), now)],
			measures,
			NHS_DIGITAL_RULE
		);
		const of = (wave: string) => figures.find((f) => f.wave === wave && f.item_id === share.item_id);
		const i = compare(share, of('now'), of('before'), NHS_DIGITAL_RULE);
		if (i && i.low > 0) found++;
	}
	return found / trials;
}

describe('verdicts that account for the noise', () => {
	// 400 trials: a true rate of 5% shows up to about 7.2% (two standard errors).
	it.each([30, 50, 100, 1000])('call a change in a group of %i by chance at most about 5% of the time', (n) => {
		const rate = falseVerdicts(n, 400, n);
		expect(rate.verdicts).toBe(800);
		expect(rate.share, 'shares').toBeLessThanOrEqual(0.072);
		expect(rate.mean, 'means').toBeLessThanOrEqual(0.072);
	});

	it(`give no verdict for a group of fewer than ${MIN_VERDICT_BASE}`, () => {
		expect(falseVerdicts(15, 50, 15).verdicts).toBe(0);
	});

	it('give no verdict from noise alone to a group with no spread', () => {
		// Everyone rates confidence 1 in both waves: the difference is pure noise.
		const rate = falseVerdicts(25, 400, 25, () => 1);
		expect(rate.mean).toBeLessThanOrEqual(0.072);
	});

	// docs/intervals.md states the power: a change of 10 points, 50% to 60%, in groups of 200 is called
	// an increase about 40% of the time (a normal approximation with the noise gives 46%: Newcombe's
	// interval is a little cautious, and shares of fewer than 1,000 people are published in whole points).
	it('find a real change of 10 points in groups of 200 about 40% of the time', () => {
		const found = power(200, 0.5, 0.6, 4000, 200);
		expect(found).toBeGreaterThanOrEqual(0.37);
		expect(found).toBeLessThanOrEqual(0.43);
	});

	it('reproduces the normal approximation docs/intervals.md gives beside it', () => {
		const normal = (x: number) => studentTCdf(x, 1e9);
		const sampling = Math.sqrt((0.5 * 0.5 + 0.6 * 0.4) / 200);
		const noise = (NHS_DIGITAL_RULE.answerNoiseScale * ANSWER_SENSITIVITY) / 200;
		const both = Math.sqrt(sampling ** 2 + 2 * noise ** 2);
		expect(100 * sampling).toBeCloseTo(4.95, 2);
		expect(100 * noise).toBeCloseTo(1.5, 2);
		expect(100 * both).toBeCloseTo(5.39, 2);
		expect(normal(0.1 / both - 1.959964)).toBeCloseTo(0.46, 2);
		expect(normal(0.1 / sampling - 1.959964)).toBeCloseTo(0.52, 2);
		expect(((1.96 + 0.84) ** 2 * 0.49) / 0.1 ** 2).toBeCloseTo(384, 0);
	});
});
