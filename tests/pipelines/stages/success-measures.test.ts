import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { measureAnswer, ragStatus } from '../../../pipelines/stages/success-measures';
import { NHS_DIGITAL_RULE, protect } from '../../../pipelines/disclosure/protect';
import { GOLDEN_DIR } from '../fixtures';

const golden = readFileSync(join(GOLDEN_DIR, 'success_measures.csv'), 'utf8').trim().split('\r\n');
const header = golden[0].split(',');
const rows = golden.slice(1).map((line) => Object.fromEntries(line.split(',').map((v, i) => [header[i], v])));

describe('success measures', () => {
	it('publishes mean-kind measures as real means, never 0 (a regression)', () => {
		const published = rows.filter((r) => r.suppressed === 'false');
		const confidence = published.filter((r) => r.measure_id === 'aim4_mean_confidence').map((r) => Number(r.value));
		const needs = published.filter((r) => r.measure_id === 'aim3_mean_needs_score').map((r) => Number(r.value));
		expect(confidence.length).toBeGreaterThan(0);
		for (const v of confidence) {
			expect(v).toBeGreaterThanOrEqual(1);
			expect(v).toBeLessThanOrEqual(5);
		}
		expect(needs.some((v) => v !== 0)).toBe(true);
	});

	it('rates a share by its value before rounding: a true 9.95% is short of a 10% target', () => {
		// Coverage-style counts (no noise on a census count's share): 199 of 2,000 is 9.95%, published 10.0%.
		const [row] = protect(
			[{ kind: 'coverage', measure_id: 'm', numerator: 199, numerator_key: 0, base: 2000, base_key: 0 }],
			{
				counts: ['numerator'],
				shares: [{ column: 'share', numerator: 'numerator', denominator: 'base', answer: measureAnswer }],
				keepUnrounded: true
			},
			{ ...NHS_DIGITAL_RULE, perturbation: null, rounding: 1 }
		);
		expect(row.share).toBe(10);
		expect(row['share:unrounded']).toBeCloseTo(9.95, 9);
		expect(ragStatus({ direction: 'higher', amberWithin: 2 }, row['share:unrounded'] as number, 10)).toBe('amber');
		expect(ragStatus({ direction: 'higher', amberWithin: 2 }, row.share as number, 10)).toBe('green');
	});

	it('rates red, amber and green against the target in the measure’s direction', () => {
		expect(ragStatus({ direction: 'higher', amberWithin: 5 }, 50, 45)).toBe('green');
		expect(ragStatus({ direction: 'higher', amberWithin: 5 }, 41, 45)).toBe('amber');
		expect(ragStatus({ direction: 'higher', amberWithin: 5 }, 39.9, 45)).toBe('red');
		expect(ragStatus({ direction: 'lower', amberWithin: 0.5 }, 4.3, 4)).toBe('amber');
		expect(ragStatus({ direction: 'lower', amberWithin: 0.5 }, 3, 4)).toBe('green');
		expect(ragStatus({ direction: 'higher', amberWithin: 5 }, null, 45)).toBeNull();
	});
});
