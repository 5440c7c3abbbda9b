// change_between_waves on a real DuckDB file of synthetic responses: the golden table; the same
// figures and intervals worked out a second way, straight from the responses; and what the
// disclosure rule promises of the published table.
import { shareDecimals } from '../../../pipelines/core/figures';
import { describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { change } from '../../../pipelines/stages/change';
import { MIN_VERDICT_BASE } from '../../../pipelines/stages/compared-figures';
import { successMeasures } from '../../../pipelines/stages/success-measures';
import { newcombe, welch } from '../../../pipelines/stats/intervals';
import { ratingColumns } from '../../../pipelines/core/reference';
import { rows } from '../../../pipelines/core/sql';
import { syntheticFile } from '../fixtures';
import { EXACT, stageContext } from '../fixtures';
import { expectGolden } from '../fixtures';

let c: DuckDBConnection;
syntheticFile({ n: 600, seed: 7 }, (file) => ({ c } = file));

type Row = Record<string, unknown>;
const find = (table: { rows: Row[] }, region: string, item: string) =>
	table.rows.find((r) => r.region_code === region && r.item_id === item)!;

describe('change between waves', () => {
	it('matches the golden table for seed 7', async () => {
		const [table] = await change(c, await stageContext(c));
		expectGolden(table);
	});

	it('agrees with a second implementation over the raw responses (every figure exact)', async () => {
		const [table] = await change(c, await stageContext(c, EXACT));
		const confidence = ratingColumns().map((r) => r.confidence);
		const personMean = `((${confidence.join(' + ')}) / ${confidence.length})`;
		for (const region of ['E92000001', 'E40000003', 'E40000012']) {
			const where = region === 'E92000001' ? 'TRUE' : `region = '${region}'`;
			const [now, before] = await Promise.all(
				['2026-27', '2025-26'].map(async (wave) => {
					const [r] = await rows<Record<string, number>>(
						c,
						`SELECT count(*) FILTER (WHERE network_member = 'yes')::INTEGER AS yes, count(network_member)::INTEGER AS answered,
							avg(${personMean}) AS conf_mean, stddev_samp(${personMean}) AS conf_sd, count(${personMean})::INTEGER AS conf_n,
							avg(conf_fh) FILTER (WHERE imp_fh IS NOT NULL) AS fh_mean, stddev_samp(conf_fh) FILTER (WHERE imp_fh IS NOT NULL) AS fh_sd,
							count(conf_fh) FILTER (WHERE imp_fh IS NOT NULL)::INTEGER AS fh_n
						FROM responses WHERE wave_id = $1 AND ${where}`,
						[wave]
					);
					return r;
				})
			);
			const share = find(table, region, 'aim2_network_member');
			const expected = newcombe(now.yes, now.answered, before.yes, before.answered)!;
			// Whole percentages under 1,000 people (shareDecimals); the interval from the published shares.
			const percent = (yes: number, answered: number) => Number(((100 * yes) / answered).toFixed(shareDecimals(answered)));
			expect(share.value).toBeCloseTo(percent(now.yes, now.answered), 9);
			expect(share.previous_value).toBeCloseTo(percent(before.yes, before.answered), 9);
			// Each share may be off by half a point and the limits are rounded: within 1.5 points.
			expect(Math.abs(Number(share.ci_low) - 100 * expected.low)).toBeLessThanOrEqual(1.5);
			expect(Math.abs(Number(share.ci_high) - 100 * expected.high)).toBeLessThanOrEqual(1.5);
			for (const [item, p] of [
				['aim4_mean_confidence', 'conf'],
				['fh', 'fh']
			] as const) {
				const row = find(table, region, item);
				const w = welch(now[`${p}_mean`], now[`${p}_sd`], now[`${p}_n`], before[`${p}_mean`], before[`${p}_sd`], before[`${p}_n`])!;
				expect(row.base).toBe(now[`${p}_n`]);
				expect(Number(row.value)).toBeCloseTo(now[`${p}_mean`], 9);
				expect(Math.abs(Number(row.ci_low) - w.low)).toBeLessThanOrEqual(0.0051);
				expect(Math.abs(Number(row.ci_high) - w.high)).toBeLessThanOrEqual(0.0051);
				expect(row.change).toBe(w.low > 0 ? 'increase' : w.high < 0 ? 'decrease' : 'no clear change');
			}
		}
	});

	it('publishes what success_measures publishes, counts by the rule, words only with an interval', async () => {
		const ctx = await stageContext(c);
		const [table] = await change(c, ctx);
		const [measures] = await successMeasures(c, ctx);
		for (const r of table.rows) {
			if (r.suppressed) {
				expect(r.difference).toBeNull();
				expect(r.change).toBeNull();
				continue;
			}
			for (const count of [r.base, r.previous_base])
				if (count !== null && count !== 0) expect(Number(count) % 5 === 0 && Number(count) >= 8).toBe(true);
			// No verdict for a side of fewer than MIN_VERDICT_BASE people (docs/intervals.md).
			if (Number(r.base) < MIN_VERDICT_BASE || Number(r.previous_base) < MIN_VERDICT_BASE) {
				expect([r.difference, r.ci_low, r.ci_high, r.change]).toEqual([null, null, null, null]);
				continue;
			}
			expect(r.change).toBe(Number(r.ci_low) > 0 ? 'increase' : Number(r.ci_high) < 0 ? 'decrease' : 'no clear change');
			expect(Number(r.ci_low)).toBeLessThanOrEqual(Number(r.difference));
			expect(Number(r.ci_high)).toBeGreaterThanOrEqual(Number(r.difference));
			if (r.item_kind !== 'measure') continue;
			const published = measures.rows.find((m) => m.measure_id === r.item_id && m.region_code === r.region_code && m.wave === r.wave)!;
			expect(r.value).toBe(published.value);
		}
		expect(table.rows.some((r) => r.suppressed)).toBe(true);
		const said = new Set(table.rows.map((r) => r.change));
		for (const words of said) expect(['increase', 'decrease', 'no clear change', null]).toContain(words);
		expect(said.has('increase') && said.has('no clear change')).toBe(true);
	});

	it('has no change to report for the first wave', async () => {
		const ctx = await stageContext(c);
		const [table] = await change(c, { ...ctx, wave: ctx.waves[0], waves: ctx.waves.slice(0, 1) });
		expect(table.rows.length).toBeGreaterThan(0);
		for (const r of table.rows) expect([r.previous_wave, r.previous_value, r.difference, r.change]).toEqual([null, null, null, null]);
	});
});
