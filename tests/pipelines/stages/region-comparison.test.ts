// region_against_england on a real DuckDB file of synthetic responses: the golden table; the test
// against the rest of England worked out a second way from the raw responses; the rule's promises.
import { describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { regionComparison } from '../../../pipelines/stages/region-comparison';
import { successMeasures } from '../../../pipelines/stages/success-measures';
import { newcombe, welch } from '../../../pipelines/stats/intervals';
import { regions } from '../../../pipelines/core/reference';
import { literalList, rows } from '../../../pipelines/core/sql';
import { syntheticFile } from '../fixtures';
import { EXACT, stageContext } from '../fixtures';
import { expectGolden } from '../fixtures';

let c: DuckDBConnection;
syntheticFile({ n: 600, seed: 7 }, (file) => ({ c } = file));

describe('region against England', () => {
	it('matches the golden table for seed 7', async () => {
		const [table] = await regionComparison(c, await stageContext(c));
		expectGolden(table);
	});

	it('agrees with a second implementation over the raw responses: each region against everyone else', async () => {
		const [table] = await regionComparison(c, await stageContext(c, EXACT));
		const groups = await rows<{
			region: string;
			inside: boolean;
			yes: number;
			answered: number;
			fh_mean: number;
			fh_sd: number;
			fh_n: number;
		}>(
			c,
			`SELECT r.code AS region, (x.region = r.code) AS inside,
				count(*) FILTER (WHERE x.aware_framework IN ('read', 'aware'))::INTEGER AS yes, count(x.aware_framework)::INTEGER AS answered,
				avg(x.conf_fh) FILTER (WHERE x.imp_fh IS NOT NULL) AS fh_mean, stddev_samp(x.conf_fh) FILTER (WHERE x.imp_fh IS NOT NULL) AS fh_sd,
				count(x.conf_fh) FILTER (WHERE x.imp_fh IS NOT NULL)::INTEGER AS fh_n
			FROM responses x CROSS JOIN (SELECT unnest(${literalList(regions.map((r) => r.code))}) AS code) r WHERE x.wave_id = '2026-27' GROUP BY ALL`
		);
		let verdicts = 0;
		for (const { code } of regions) {
			const [inside, rest] = [true, false].map((v) => groups.find((g) => g.region === code && g.inside === v)!);
			const share = table.rows.find((r) => r.region_code === code && r.item_id === 'aim1_framework_awareness')!;
			const n = newcombe(inside.yes, inside.answered, rest.yes, rest.answered)!;
			// From the published shares (whole percentages under 1,000 people), never from a numerator of
			// their own: within a point.
			expect(Math.abs(Number(share.ci_low) - 100 * n.low)).toBeLessThanOrEqual(1);
			expect(Math.abs(Number(share.ci_high) - 100 * n.high)).toBeLessThanOrEqual(1);
			const fh = table.rows.find((r) => r.region_code === code && r.item_id === 'fh')!;
			const w = welch(inside.fh_mean, inside.fh_sd, inside.fh_n, rest.fh_mean, rest.fh_sd, rest.fh_n)!;
			expect(Math.abs(Number(fh.ci_low) - w.low)).toBeLessThanOrEqual(0.0051);
			expect(Math.abs(Number(fh.ci_high) - w.high)).toBeLessThanOrEqual(0.0051);
			expect(fh.against_england).toBe(w.low > 0 ? 'above England' : w.high < 0 ? 'below England' : 'not different from England');
			// p_region − p_England = (1 − w)(p_region − p_rest): the same sign as against the rest.
			const england = (inside.fh_mean * inside.fh_n + rest.fh_mean * rest.fh_n) / (inside.fh_n + rest.fh_n);
			expect(Math.sign(inside.fh_mean - england)).toBe(Math.sign(w.difference));
			expect(inside.fh_mean - england).toBeCloseTo((1 - inside.fh_n / (inside.fh_n + rest.fh_n)) * w.difference, 12);
			if (fh.against_england !== 'not different from England') verdicts++;
		}
		expect(verdicts).toBeGreaterThan(0);
	});

	it('publishes the region and England as success_measures does, each side hidden for its own people only', async () => {
		const ctx = await stageContext(c);
		const [table] = await regionComparison(c, ctx);
		const [measures] = await successMeasures(c, ctx);
		expect(table.rows.length).toBe(regions.length * (ctx.measures.filter((m) => m.kind === 'share' || m.kind === 'mean').length + 11));
		for (const r of table.rows) {
			const there = measures.rows.find((m) => m.measure_id === r.item_id && m.region_code === r.region_code && m.wave === r.wave);
			// One figure, one outcome: hidden here exactly where success_measures hides it.
			if (there) expect(r.suppressed).toBe(there.suppressed);
			if (r.suppressed) {
				// The region's own figures go, and the verdict; the rest of England's stay (national planners see them).
				expect([r.value, r.base, r.against_england, r.difference_from_rest]).toEqual([null, null, null, null]);
				continue;
			}
			for (const count of [r.base, r.rest_of_england_base])
				if (count !== 0) expect(Number(count) % 5 === 0 && Number(count) >= 8).toBe(true);
			if (r.item_kind !== 'measure') continue;
			const of = (region: string) =>
				measures.rows.find((m) => m.measure_id === r.item_id && m.region_code === region && m.wave === r.wave)!.value;
			expect(r.value).toBe(of(String(r.region_code)));
			expect(r.england_value).toBe(of('E92000001'));
		}
		expect(table.rows.some((r) => r.suppressed)).toBe(true);
	});
});
