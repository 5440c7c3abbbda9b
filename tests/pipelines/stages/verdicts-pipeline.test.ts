// Noise-aware verdicts through the whole pipeline (docs/intervals.md, "Noise-aware verdicts"): two
// waves of synthetic responses drawn from one distribution, each person put in a region at random so
// that regions differ only by chance, and regions of 15, 30, 50, 100 and 1,000 people. The real
// snapshot, change and region-against-England stages then publish their tables; every "increase",
// "decrease", "above England" or "below England" in them is a false verdict, and each group size must
// get them no more often than a 95% interval promises.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { join } from 'node:path';
import { Database } from '../../../src/lib/server/db/database';
import { instrument } from '../../../src/lib/instrument/survey';
import { generateResponses } from '../../../pipelines/sources/synthetic';
import { change } from '../../../pipelines/stages/change';
import { regionComparison } from '../../../pipelines/stages/region-comparison';
import { MIN_VERDICT_BASE } from '../../../pipelines/stages/compared-figures';
import { tempDir } from '../../../bench/kit/server';
import { stageContext } from '../fixtures';

/** People per region in each wave: every size the issue names, twice for the smaller ones. */
const REGION_SIZES: Record<string, number> = {
	E40000003: 15,
	E40000005: 30,
	E40000006: 50,
	E40000007: 100,
	E40000010: 1000,
	E40000011: 30,
	E40000012: 50
};
const PEOPLE = Object.values(REGION_SIZES).reduce((a, b) => a + b, 0);
const TRIALS = Number(process.env.VERDICT_TRIALS ?? 40);

let folder: ReturnType<typeof tempDir>;
let db: Database;
let c: DuckDBConnection;

beforeAll(async () => {
	folder = tempDir();
	db = await Database.open(join(folder.path, 'survey.duckdb'), instrument);
	c = await db.instance.connect();
});
afterAll(async () => {
	c?.closeSync();
	await db?.close();
	folder?.remove();
});

/** Regions dealt out at random (by a seeded hash) in the sizes above, within each wave. */
async function dealRegions(seed: number) {
	const bounds = Object.entries(REGION_SIZES).reduce<Array<[string, number]>>(
		(acc, [code, n]) => [...acc, [code, (acc.at(-1)?.[1] ?? 0) + n]],
		[]
	);
	await c.run(
		`UPDATE responses SET region = dealt.region FROM (
			SELECT submission_id, CASE ${bounds.map(([code, upTo]) => `WHEN place <= ${upTo} THEN '${code}'`).join(' ')} END AS region
			FROM (SELECT submission_id, row_number() OVER (PARTITION BY wave_id ORDER BY hash(submission_id, ${seed})) AS place FROM responses)
		) dealt WHERE responses.submission_id = dealt.submission_id`
	);
}

/** Comparisons and false verdicts, per trial: verdicts in one trial share people, so the rate's
 *  standard error is worked out over trials (a ratio estimator's), not over comparisons. */
type Tally = { comparisons: number[]; flagged: number[] };

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const rate = (t: Tally) => sum(t.flagged) / sum(t.comparisons);
function standardError(t: Tally) {
	const r = rate(t);
	const k = t.flagged.length;
	const spread = sum(t.flagged.map((f, i) => (f - r * t.comparisons[i]) ** 2));
	return Math.sqrt((spread * k) / (k - 1)) / sum(t.comparisons);
}

/** False verdicts per region size over `trials` pairs of waves with nothing changed. */
async function falseVerdicts(trials: number) {
	const bySize = new Map<number, { change: Tally; region: Tally }>();
	const empty = (): Tally => ({ comparisons: Array(trials).fill(0), flagged: Array(trials).fill(0) });
	for (const size of Object.values(REGION_SIZES)) bySize.set(size, { change: empty(), region: empty() });
	const tally = (size: number) => bySize.get(size)!;
	for (let t = 0; t < trials; t++) {
		await c.run('DELETE FROM responses; DELETE FROM waves');
		// Both waves from one distribution: progress 0 in each, different seeds.
		await generateResponses(c, { n: PEOPLE, seed: 1000 + 2 * t, waveId: '2025-26' });
		await generateResponses(c, { n: PEOPLE, seed: 1001 + 2 * t, waveId: '2026-27' });
		await dealRegions(t);
		const ctx = await stageContext(c);
		const [changes] = await change(c, ctx);
		const [against] = await regionComparison(c, ctx);
		for (const r of changes.rows) {
			const size = REGION_SIZES[String(r.region_code)];
			if (size === undefined || r.change === null) continue;
			tally(size).change.comparisons[t]++;
			if (r.change === 'increase' || r.change === 'decrease') tally(size).change.flagged[t]++;
		}
		for (const r of against.rows) {
			if (r.against_england === null) continue;
			const size = REGION_SIZES[String(r.region_code)];
			tally(size).region.comparisons[t]++;
			if (r.against_england !== 'not different from England') tally(size).region.flagged[t]++;
		}
	}
	return bySize;
}

describe('verdicts through the pipeline, two waves from one distribution', () => {
	it('call a difference by chance no more often than a 95% interval promises, for groups of 15 to 1,000', async () => {
		const bySize = await falseVerdicts(TRIALS);
		const sizes = [...bySize.keys()].sort((a, b) => a - b);
		expect(sizes).toEqual([15, 30, 50, 100, 1000]);
		if (process.env.VERDICT_TRIALS)
			console.table(
				sizes.map((size) => ({
					size,
					...Object.fromEntries(
						Object.entries(bySize.get(size)!).flatMap(([k, t]) => [
							[`${k} n`, sum(t.comparisons)],
							[`${k} rate`, rate(t).toFixed(3)],
							[`${k} se`, standardError(t).toFixed(3)]
						])
					)
				}))
			);
		for (const [size, { change, region }] of bySize) {
			if (size < MIN_VERDICT_BASE) {
				expect(sum(change.comparisons) + sum(region.comparisons), `no verdicts for ${size} people`).toBe(0);
				continue;
			}
			for (const [table, t] of [
				['change between waves', change],
				['region against England', region]
			] as const) {
				expect(sum(t.comparisons), `${table}: verdicts for ${size} people`).toBeGreaterThan(TRIALS * 10);
				// The stated 5% must lie within the rate's one-sided 99% reach (2.33 standard errors).
				expect(rate(t) - 2.33 * standardError(t), `${table}: false verdicts for ${size} people`).toBeLessThanOrEqual(0.05);
			}
		}
	}, 600_000);
});
