// Two-way breakdowns: a hand-worked example, then every published cell of every pair recomputed by a
// second implementation straight over the responses, under NHS Digital's rule without perturbation
// (ROUNDING_ONLY), where the published figure is fixed exactly by the rule. Golden tables for seed 7.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUNDING_ONLY } from '../../../pipelines/disclosure/protect';
import {
	BREAKDOWN_PAIRS,
	breakdowns,
	breakdownsOf,
	needsTwoWay,
	successMeasuresTwoWay,
	type BreakdownDimension
} from '../../../pipelines/stages/breakdowns';
import { questionsOf } from '../../../src/lib/instrument/questions';
import { instrument, ratingColumns } from '../../../pipelines/core/reference';
import { literal, literalList, rows } from '../../../pipelines/core/sql';
import { LONDON, MIDLANDS, workedExample } from '../worked-example';
import { expectGolden, round, syntheticStages, type SyntheticStages } from '../fixtures';

describe('two-way breakdowns, worked by hand', () => {
	let example: Awaited<ReturnType<typeof workedExample>>;
	beforeAll(async () => (example = await workedExample()));
	afterAll(async () => {
		example.c.closeSync();
		await example.db.close();
	});

	const pgx = async (pair: [BreakdownDimension, BreakdownDimension]) =>
		(await needsTwoWay(example.c, example.ctx, [pair])).filter((r) => r.competency === 'pgx_principles');

	it('scores sector × staff group cells on their own people', async () => {
		const cells = await pgx(['sector', 'staff_group']);
		const cell = (sector: string, staff: string) => cells.find((r) => r.group_1 === sector && r.group_2 === staff)!;
		// P1 and P4: importance 5, 2 (mean 3.5); confidence 2, 1 (mean 1.5); MWDS (3.5 − 1.5) × 3.5 = 7.
		expect(cell('hospital', 'pharmacist')).toMatchObject({ dimension_1: 'sector', dimension_2: 'staff_group', respondents: 2 });
		expect(cell('hospital', 'pharmacist').mwds).toBeCloseTo(7, 10);
		// P2 alone: (4 − 4) × 4 = 0. P3 alone: (3 − 4) × 3 = −3.
		expect(cell('community', 'pharmacist').mwds).toBeCloseTo(0, 10);
		expect(cell('hospital', 'pharmacy_technician').mwds).toBeCloseTo(-3, 10);
		expect(cells).toHaveLength(3);
	});

	it('counts a respondent in every specialty they ticked', async () => {
		const cells = await pgx(['region', 'specialty']);
		const cell = (region: string, specialty: string) => cells.find((r) => r.group_1 === region && r.group_2 === specialty)!;
		// London oncology: P1 and P2: importance 4.5, confidence 3, MWDS 1.5 × 4.5 = 6.75.
		expect(cell(LONDON, 'oncology_haematology')).toMatchObject({ respondents: 2 });
		expect(cell(LONDON, 'oncology_haematology').mwds).toBeCloseTo(6.75, 10);
		// London cardiology: P1 (again) and P3: importance 4, confidence 3, MWDS 4.
		expect(cell(LONDON, 'cardiology_lipids')).toMatchObject({ respondents: 2 });
		expect(cell(LONDON, 'cardiology_lipids').mwds).toBeCloseTo(4, 10);
		// Midlands oncology: P4: (2 − 1) × 2 = 2.
		expect(cell(MIDLANDS, 'oncology_haematology').mwds).toBeCloseTo(2, 10);
	});

	it('gives a pair asked either way round the same cells', async () => {
		const [a] = await breakdownsOf([['staff_group', 'sector']])(example.c, example.ctx);
		const [b] = await breakdownsOf([['sector', 'staff_group']])(example.c, example.ctx);
		expect(a.rows).toEqual(b.rows);
	});

	it('gives success measures per cell: mentor access in London hospitals is 0 of 2', async () => {
		const cells = await successMeasuresTwoWay(example.c, example.ctx, [['region', 'sector']]);
		const access = cells.find((r) => r.measure_id === 'aim2_mentor_access' && r.group_1 === LONDON && r.group_2 === 'hospital')!;
		expect(access).toMatchObject({ base: 2, value: 0, suppressed: false });
		expect(access).not.toHaveProperty('numerator');
		// Champions (champion, mentor or both): P1 of P1 and P3.
		expect(cells.find((r) => r.measure_id === 'aim2_champions' && r.group_1 === LONDON && r.group_2 === 'hospital')).toMatchObject({
			base: 2,
			value: 50
		});
		// Coverage has no workforce denominator for these cells: it is not published two-way.
		expect(cells.some((r) => r.measure_id === 'aim3_response_coverage')).toBe(false);
	});
});

describe('two-way breakdowns against a second implementation over the responses (600 a wave)', () => {
	let s: SyntheticStages;
	beforeAll(async () => (s = await syntheticStages()), 120_000);
	afterAll(async () => s?.close());

	const expression = (d: BreakdownDimension) => (d === 'specialty' ? 'specialty' : d);
	/** Respondents of the wave, one row per specialty ticked when the pair includes specialty. */
	const people = (pair: [BreakdownDimension, BreakdownDimension]) =>
		`(SELECT *, ${pair.includes('specialty') ? 'unnest(specialties)' : 'NULL'} AS specialty FROM responses WHERE wave_id = '2026-27')`;

	it('publishes every needs cell by the rule: 1–7 people hidden, counts rounded to 5, means from exact sums', async () => {
		const published = await needsTwoWay(s.c, s.ctx(ROUNDING_ONLY), BREAKDOWN_PAIRS);
		let checked = 0;
		for (const pair of BREAKDOWN_PAIRS) {
			for (const r of ratingColumns()) {
				const truth = await rows<{ g1: string; g2: string; n: number; imp: number; conf: number }>(
					s.c,
					`SELECT ${expression(pair[0])} AS g1, ${expression(pair[1])} AS g2, count(*)::INTEGER AS n, avg("${r.importance}") AS imp, avg("${r.confidence}") AS conf
					 FROM ${people(pair)} WHERE "${r.importance}" IS NOT NULL AND "${r.confidence}" IS NOT NULL GROUP BY ALL`
				);
				for (const t of truth) {
					const p = published.find(
						(x) =>
							x.dimension_1 === pair[0] &&
							x.dimension_2 === pair[1] &&
							x.group_1 === t.g1 &&
							x.group_2 === t.g2 &&
							x.competency === r.competency
					)!;
					expect(p, `${pair} ${t.g1} ${t.g2} ${r.competency}`).toBeDefined();
					if (t.n < 8) {
						expect(p.suppressed).toBe(true);
						expect(p.respondents).toBeNull();
						continue;
					}
					expect(p.suppressed).toBe(false);
					checked++;
					expect(p.respondents).toBe(Math.round(t.n / 5) * 5);
					expect(p.mean_importance).toBeCloseTo(round(t.imp, 3), 9);
					expect(p.mean_confidence).toBeCloseTo(round(t.conf, 3), 9);
					expect(p.mwds).toBeCloseTo(round((t.imp - t.conf) * t.imp, 3), 9);
				}
			}
		}
		expect(checked).toBeGreaterThan(500);
	});

	it('publishes every share measure cell by the rule, its percentage from the rounded counts', async () => {
		const published = await successMeasuresTwoWay(s.c, s.ctx(ROUNDING_ONLY), BREAKDOWN_PAIRS);
		const questions = new Map(questionsOf(instrument).map((q) => [q.id, q]));
		let checked = 0;
		for (const m of s.ctx().measures) {
			if (m.kind !== 'share') continue;
			const hit =
				questions.get(m.question)!.type === 'multi'
					? `list_has_any("${m.question}", ${literalList(m.codes)})`
					: `"${m.question}" IN (${m.codes.map(literal).join(', ')})`;
			for (const pair of BREAKDOWN_PAIRS) {
				const truth = await rows<{ g1: string; g2: string; x: number; n: number }>(
					s.c,
					`SELECT ${expression(pair[0])} AS g1, ${expression(pair[1])} AS g2, count(*) FILTER (WHERE ${hit})::INTEGER AS x, count("${m.question}")::INTEGER AS n FROM ${people(pair)} GROUP BY ALL`
				);
				for (const t of truth) {
					const p = published.find(
						(r) =>
							r.measure_id === m.id && r.dimension_1 === pair[0] && r.dimension_2 === pair[1] && r.group_1 === t.g1 && r.group_2 === t.g2
					)!;
					// A share is a mean of a yes/no answer: hidden with its base only (disclosure.ts).
					if (t.n > 0 && t.n < 8) {
						expect(p.suppressed, `${m.id} ${pair} ${t.g1} ${t.g2}`).toBe(true);
						expect(p.value).toBeNull();
						continue;
					}
					if (p.suppressed || t.n === 0) continue;
					checked++;
					expect(p).toMatchObject({ base: Math.round(t.n / 5) * 5 });
					// Within 4 standard deviations (3 people) of the exact share, and rounded to 1 decimal.
					expect(Math.abs(Number(p.value) - (100 * t.x) / t.n)).toBeLessThanOrEqual((100 * 12) / t.n + 0.05);
				}
			}
		}
		expect(checked).toBeGreaterThan(100);
	});

	it('keeps suppressed cells in the table with null figures', async () => {
		const [needs, measures] = await breakdowns(s.c, s.ctx());
		for (const table of [needs, measures]) {
			const hidden = table.rows.filter((r) => r.suppressed);
			expect(hidden.length).toBeGreaterThan(0);
			for (const r of hidden)
				expect(
					Object.entries(r).filter(([k, v]) => ['respondents', 'mwds', 'value', 'base', 'numerator'].includes(k) && v !== null)
				).toEqual([]);
		}
	});

	it('matches the golden tables for seed 7', async () => {
		for (const table of await breakdowns(s.c, s.ctx())) expectGolden(table);
	});
});
