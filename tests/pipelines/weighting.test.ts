// Weighting to the workforce: the hand-worked examples of docs/weighting.md, weights that reproduce
// the workforce (every cell when post-stratified, both margins when raked), the golden tables, and
// the weighted figures worked out a second way, in a plain loop over the raw responses.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Database } from '../../src/lib/server/db/database';
import { kish, weighting, weightingNote, weightsFor, type Cell } from '../../pipelines/weighting';
import { rows } from '../../pipelines/sql';
import { ratingColumns } from '../../pipelines/reference';
import { removeDir, syntheticDatabase, tempDir } from './helpers';
import { EXACT, stageContext } from './stage-context';
import { expectGolden } from './golden';

const cell = (region_code: string, staff_group: string, workforce: number | null, respondents: number | null): Cell => ({ region_code, staff_group, workforce, respondents });
const weightOf = (w: ReturnType<typeof weightsFor>, region: string, group: string) => w.weights.get(`${region}|${group}`);

describe('weights (docs/weighting.md worked example)', () => {
	// Two regions × two staff groups. Workforce R1: A 100, B 300; R2: A 200, B 400.
	const full = [cell('R1', 'pharmacist', 100, 10), cell('R1', 'support_worker', 300, 20), cell('R2', 'pharmacist', 200, 40), cell('R2', 'support_worker', 400, 20)];

	it('post-stratifies when every cell has enough respondents: weight = N / n, every cell reproduced exactly', () => {
		const w = weightsFor(full, 8);
		expect(w.method).toBe('post-stratification');
		expect([weightOf(w, 'R1', 'pharmacist'), weightOf(w, 'R1', 'support_worker'), weightOf(w, 'R2', 'pharmacist'), weightOf(w, 'R2', 'support_worker')]).toEqual([10, 15, 5, 20]);
		for (const c of full) expect(weightOf(w, c.region_code, c.staff_group)! * c.respondents!).toBe(c.workforce);
		// Kish: (Σw)² / Σw² = 1000² / (10·10² + 20·15² + 40·5² + 20·20²) = 1,000,000 / 14,500.
		expect(kish(full.map((c) => ({ n: c.respondents!, w: weightOf(w, c.region_code, c.staff_group)! })))).toBeCloseTo(68.9655, 4);
		// A weighted mean is then Σ N·mean / Σ N: cell means 2, 3, 4, 1 give 2,300 / 1,000.
		const means = [2, 3, 4, 1];
		const total = full.reduce((s, c, i) => s + weightOf(w, c.region_code, c.staff_group)! * c.respondents! * means[i], 0);
		expect(total / 1000).toBeCloseTo(2.3, 12);
	});

	it('rakes to both margins when a cell has fewer respondents than the threshold', () => {
		// R1's pharmacists: 5 respondents, treated as empty. Then R1 (400) rests on its support workers,
		// pharmacists (300) on R2's, and R2's support workers take the rest (300): weights 20, 7.5, 15.
		const cells = [cell('R1', 'pharmacist', 100, 5), ...full.slice(1)];
		const w = weightsFor(cells, 8);
		expect(w.method).toBe('raking');
		expect(w.converged).toBe(true);
		expect(w.iterations).toBeGreaterThan(0);
		expect(weightOf(w, 'R1', 'pharmacist')).toBeNull();
		expect(weightOf(w, 'R1', 'support_worker')).toBeCloseTo(20, 6);
		expect(weightOf(w, 'R2', 'pharmacist')).toBeCloseTo(7.5, 6);
		expect(weightOf(w, 'R2', 'support_worker')).toBeCloseTo(15, 6);
		expect(w.empty).toEqual([cells[0]]);
		expect(weightingNote(w, 8)).toMatch(/^Raked to the region and staff-group totals in \d+ iterations: Pharmacist in R1 had fewer than 8 respondents and count as empty\.$/);
	});

	it('says what it did when a group has no denominator or no usable cell', () => {
		const cells = [...full, cell('R1', 'other', null, 12), cell('R3', 'pharmacist', 50, 0)];
		const w = weightsFor(cells, 8);
		const notes = weightingNote(w, 8);
		expect(notes).toMatch(/No workforce figure for Other in R1: those respondents are left out of the weighted figures/);
		expect(notes).toMatch(/Not represented, as no cell of its region or staff group has 8 or more respondents: Pharmacist in R3 \(workforce 50\)/);
		expect(weightOf(w, 'R1', 'other')).toBeNull();
		// Raked (R3's cell is empty): R1 and R2 still reproduce their region and staff-group totals.
		const total = (region: string | null, group: string | null) =>
			full.filter((c) => (!region || c.region_code === region) && (!group || c.staff_group === group)).reduce((s, c) => s + weightOf(w, c.region_code, c.staff_group)! * c.respondents!, 0);
		expect(total('R1', null)).toBeCloseTo(400, 6);
		expect(total('R2', null)).toBeCloseTo(600, 6);
		expect(total(null, 'pharmacist')).toBeCloseTo(300, 6);
		expect(total(null, 'support_worker')).toBeCloseTo(700, 6);
	});
});

describe('the weighting stage', () => {
	let dir: string;
	let db: Database;
	let c: DuckDBConnection;
	beforeAll(async () => {
		dir = tempDir();
		db = await syntheticDatabase(dir, 600, 7);
		c = await db.instance.connect();
	});
	afterAll(async () => {
		c?.closeSync();
		await db?.close();
		removeDir(dir);
	});

	it('matches the golden tables for seed 7, and its weights reproduce every represented cell’s workforce within its region', async () => {
		const [weights, figures] = await weighting(c, await stageContext(c));
		expectGolden(weights);
		expectGolden(figures);
		// Weights are made within each region from its own cells (a region's figures never depend on another
		// region's small cells): post-stratification of the cells with 8 or more respondents.
		expect(new Set(weights.rows.map((r) => r.method))).toEqual(new Set(['post-stratification']));
		const fitted = weights.rows.filter((r) => r.weight !== null);
		expect(fitted.length).toBeGreaterThan(10);
		for (const r of fitted) expect(Math.abs(Number(r.weight) * Number(r.respondents) - Number(r.workforce)) / Number(r.workforce)).toBeLessThan(1e-3);
		for (const r of figures.rows) {
			if (r.suppressed) expect([r.unweighted, r.weighted]).toEqual([null, null]);
			if (r.effective_sample_size !== null) expect(Number(r.effective_sample_size) % 5).toBe(0);
		}
		expect(figures.rows.some((r) => r.note && /Not represented/.test(String(r.note)))).toBe(true);
	});

	it('agrees with a weighted loop over the raw responses (post-stratified, every figure exact)', async () => {
		// Denominators for exactly the cells that have respondents, so every cell is post-stratified.
		const cells = await rows<{ region: string; staff_group: string; n: number }>(c, `SELECT region, staff_group, count(*)::INTEGER AS n FROM responses WHERE wave_id = '2026-27' GROUP BY ALL`);
		const workforce = new Map(cells.map((x, i) => [`${x.region}|${x.staff_group}`, 50 + ((i * 37) % 400)]));
		const csv = join(dir, 'workforce.csv');
		writeFileSync(csv, `region_code,staff_group,workforce\n${cells.map((x) => `${x.region},${x.staff_group},${workforce.get(`${x.region}|${x.staff_group}`)}`).join('\n')}\n`);
		const [weights, figures] = await weighting(c, await stageContext(c, EXACT, csv));
		expect(weights.rows[0].method).toBe('post-stratification');

		const confidence = ratingColumns().map((r) => r.confidence);
		const people = await rows<{ region: string; staff_group: string; aware_framework: string | null; imp_fh: number | null; conf_fh: number | null; ratings: Array<number | null> }>(
			c,
			`SELECT region, staff_group, aware_framework, imp_fh, conf_fh, [${confidence.join(', ')}] AS ratings FROM responses WHERE wave_id = '2026-27'`
		);
		const n = new Map(cells.map((x) => [`${x.region}|${x.staff_group}`, x.n]));
		const weightOfPerson = (p: { region: string; staff_group: string }) => workforce.get(`${p.region}|${p.staff_group}`)! / n.get(`${p.region}|${p.staff_group}`)!;
		for (const scope of ['E92000001', 'E40000003']) {
			const inScope = people.filter((p) => scope === 'E92000001' || p.region === scope);
			let [yes, answered, imp, conf, raters, sw, sw2, personMeans, rated] = [0, 0, 0, 0, 0, 0, 0, 0, 0];
			for (const p of inScope) {
				const w = weightOfPerson(p);
				sw += w;
				sw2 += w * w;
				if (p.aware_framework !== null) {
					answered += w;
					if (p.aware_framework === 'read' || p.aware_framework === 'aware') yes += w;
				}
				// The mean-kind measure: each person's mean confidence over the competencies, if they rated them all.
				if (p.ratings.every((r) => r !== null)) {
					personMeans += (w * p.ratings.reduce((a, b) => a! + b!, 0)!) / p.ratings.length;
					rated += w;
				}
				if (p.imp_fh !== null && p.conf_fh !== null) {
					imp += w * p.imp_fh;
					conf += w * p.conf_fh;
					raters += w;
				}
			}
			const figure = (id: string, statistic: string) => figures.rows.find((r) => r.region_code === scope && r.figure_id === id && r.statistic === statistic)!;
			// Published to 1 decimal (percentages) and 2 (means, MWDS from the unrounded means).
			expect(Math.abs(Number(figure('aim1_framework_awareness', 'value').weighted) - (100 * yes) / answered)).toBeLessThanOrEqual(0.05 + 1e-9);
			expect(Math.abs(Number(figure('aim4_mean_confidence', 'value').weighted) - personMeans / rated)).toBeLessThanOrEqual(0.005 + 1e-9);
			expect(Math.abs(Number(figure('fh', 'mean_importance').weighted) - imp / raters)).toBeLessThanOrEqual(0.005 + 1e-9);
			expect(Math.abs(Number(figure('fh', 'mean_confidence').weighted) - conf / raters)).toBeLessThanOrEqual(0.005 + 1e-9);
			expect(Math.abs(Number(figure('fh', 'mwds').weighted) - (imp / raters - conf / raters) * (imp / raters))).toBeLessThanOrEqual(0.005 + 1e-9);
			expect(figure('fh', 'mwds').effective_sample_size).toBe(Math.round((sw * sw) / sw2));
		}
	});
});
