// The accuracy disclosure control keeps (docs/disclosure.md, "Accuracy kept"), on 20,000 synthetic
// responses: needs scores through the published rule against the same scores computed exactly.
import { describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { mwdsErrorBound, NHS_DIGITAL_RULE } from '../../../pipelines/disclosure/protect';
import { needsScores } from '../../../pipelines/stages/needs';
import { snapshot } from '../../../pipelines/stages/snapshot';
import { syntheticFile } from '../fixtures';
import { EXACT } from '../fixtures';

let c: DuckDBConnection;
let exact: Awaited<ReturnType<typeof needsScores>>;
let published: typeof exact;

// 20,000 responses in the wave reported (and as many in the wave before).
syntheticFile({ n: 20_000, seed: 11, timeout: 120_000 }, async (file) => {
	({ c } = file);
	const waves = [
		{ id: '2025-26', label: '2025/26' },
		{ id: '2026-27', label: '2026/27' }
	];
	await snapshot(c, waves[1], waves);
	exact = await needsScores(c, '2026-27', 'cube', EXACT);
	published = await needsScores(c, '2026-27', 'cube', NHS_DIGITAL_RULE);
});

const key = (r: { dimension: unknown; group_code: unknown; competency: unknown }) => `${r.dimension}|${r.group_code}|${r.competency}`;
const truthOf = () => new Map(exact.map((r) => [key(r), r]));
const boundOf = (t: (typeof exact)[number]) =>
	mwdsErrorBound(Number(t.respondents), Number(t.mean_importance), Number(t.mean_confidence), NHS_DIGITAL_RULE);

describe('needs scores through disclosure control, 20,000 synthetic responses', () => {
	it('keeps national and regional MWDS within 0.05 of the truth', () => {
		const truth = truthOf();
		const regional = published.filter((r) => r.dimension === 'region');
		expect(regional.length).toBe(8 * 11);
		for (const r of regional) expect(Math.abs(Number(r.mwds) - Number(truth.get(key(r))!.mwds)), key(r)).toBeLessThanOrEqual(0.05);
	});

	it('keeps every group of 100 or more within its documented bound', () => {
		const truth = truthOf();
		let checked = 0;
		for (const r of published) {
			const t = truth.get(key(r))!;
			if (Number(t.respondents) < 100) continue;
			checked++;
			expect(Math.abs(Number(r.mwds) - Number(t.mwds)), key(r)).toBeLessThanOrEqual(boundOf(t));
		}
		expect(checked).toBeGreaterThan(200);
	});

	it('keeps the top five needs in order nationally and in every region, but for true scores closer than the noise bound', () => {
		const truth = truthOf();
		let pairs = 0;
		for (const group of new Set(exact.filter((r) => r.dimension === 'region').map((r) => r.group_code))) {
			const of = (rows: typeof exact) => rows.filter((r) => r.dimension === 'region' && r.group_code === group);
			const top = (rows: typeof exact) =>
				new Set(
					of(rows)
						.sort((a, b) => Number(a.rank) - Number(b.rank))
						.slice(0, 5)
						.map((r) => r.competency)
				);
			const inTop = new Set([...top(exact), ...top(published)]);
			const shown = of(published).filter((r) => inTop.has(r.competency));
			for (const a of shown)
				for (const b of shown) {
					if (String(a.competency) >= String(b.competency)) continue;
					const [ta, tb] = [truth.get(key(a))!, truth.get(key(b))!];
					pairs++;
					// Two competencies may swap only when their true scores are closer than both bounds together.
					if (Math.sign(Number(a.mwds) - Number(b.mwds)) !== Math.sign(Number(ta.mwds) - Number(tb.mwds)))
						expect(Math.abs(Number(ta.mwds) - Number(tb.mwds)), `${group}: ${a.competency} and ${b.competency}`).toBeLessThanOrEqual(
							boundOf(ta) + boundOf(tb)
						);
				}
			// Nationally (England) the top five are the true top five, in order.
			if (group === 'E92000001') expect([...top(published)]).toEqual([...top(exact)]);
		}
		expect(pairs).toBeGreaterThanOrEqual(8 * 10);
	});
});
