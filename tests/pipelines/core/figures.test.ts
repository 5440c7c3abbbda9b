// How figures are written where people read them (issue 18, "Words and numbers"): no "−0.0", and one
// number of decimals per measure in every place it is written (not 2.9 beside 2.90).
import { describe, expect, it } from 'vitest';
import { cellText, formatNumber, measureDecimals } from '../../../pipelines/core/figures';
import { summaryHtml } from '../../../pipelines/reports/summary';

describe('figures as written', () => {
	it('write a value that rounds to zero without a sign: no "−0.0"', () => {
		expect(formatNumber(-0.04, 1)).toBe('0.0');
		expect(formatNumber(-0.001, 2)).toBe('0.00');
		expect(formatNumber(-0.004)).toBe('0');
		expect(formatNumber(-1.25, 1)).toBe('-1.3');
		expect(cellText({ difference: -0.02, suppressed: false }, { key: 'difference', decimals: 1 })).toBe('0.0');
	});

	it('write a measure with one number of decimals everywhere: 2.90 in the summary as in the table', () => {
		// Percentages to the decimals their base allows: whole under 1,000 people, one decimal from 1,000.
		expect(measureDecimals({ unit: '%', base: 995 })).toBe(0);
		expect(measureDecimals({ unit: '%', base: 1000 })).toBe(1);
		expect(measureDecimals({ unit: '%' })).toBe(0);
		expect(measureDecimals({ unit: 'score 1–5' })).toBe(2);
		const tables = [
			{ name: 'needs_by_competency_region', title: '', columns: {}, rows: [] },
			{
				name: 'success_measures',
				title: '',
				columns: {},
				rows: [
					{
						wave: '2026-27',
						region_code: 'E92000001',
						measure_id: 'm1',
						name: 'Mean confidence',
						unit: 'score 1–5',
						value: 2.9,
						target: 3,
						rag: 'amber',
						suppressed: false
					},
					{
						wave: '2026-27',
						region_code: 'E92000001',
						measure_id: 'm2',
						name: 'Aware of the framework',
						unit: '%',
						value: 40,
						base: 1200,
						target: 50,
						rag: 'red',
						suppressed: false
					},
					{
						wave: '2026-27',
						region_code: 'E92000001',
						measure_id: 'm3',
						name: 'Done any training',
						unit: '%',
						value: 31,
						base: 120,
						target: 12.5,
						rag: 'green',
						suppressed: false
					}
				]
			}
		];
		const html = summaryHtml(tables, 'E92000001', '2026-27');
		expect(html).toContain('2.90 score 1–5');
		expect(html).toContain('40.0%');
		// A base of 120: a whole percentage; its target as it was set, not rounded to the base's decimals.
		expect(html).toContain('<td data-figure>31%</td><td>at least 12.5%</td>');
		expect(html).not.toMatch(/\b2\.9\b(?!0)/);
	});
});
