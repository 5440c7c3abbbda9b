// The accuracy disclosure control keeps (docs/disclosure.md, "Accuracy kept"), on synthetic national
// data: needs scores through the published rule against the same scores computed exactly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Database } from '../../src/lib/server/db/database';
import { NHS_DIGITAL_RULE, type DisclosureRule } from '../../pipelines/disclosure';
import { needsScores } from '../../pipelines/needs';
import { snapshot } from '../../pipelines/snapshot';
import { removeDir, syntheticDatabase, tempDir } from './helpers';

const EXACT: DisclosureRule = { threshold: 1, rounding: 1, perturbation: null, meanDecimals: 12 };

let dir: string;
let db: Database;
let c: DuckDBConnection;
let exact: Awaited<ReturnType<typeof needsScores>>;
let published: typeof exact;

beforeAll(async () => {
	dir = tempDir();
	db = await syntheticDatabase(dir, 20_000, 11);
	c = await db.instance.connect();
	const waves = [{ id: '2025-26', label: '2025/26' }, { id: '2026-27', label: '2026/27' }];
	await snapshot(c, waves[1], waves);
	exact = await needsScores(c, '2026-27', 'cube', EXACT);
	published = await needsScores(c, '2026-27', 'cube', NHS_DIGITAL_RULE);
}, 120_000);
afterAll(async () => {
	c?.closeSync();
	await db?.close();
	removeDir(dir);
});

const key = (r: { dimension: unknown; group_code: unknown; competency: unknown }) => `${r.dimension}|${r.group_code}|${r.competency}`;

describe('needs scores through disclosure control, 20,000 synthetic responses', () => {
	it('keeps national and regional MWDS within 0.01, and every group of 100 or more within 0.05, of the truth', () => {
		const truth = new Map(exact.map((r) => [key(r), r]));
		let regional = 0;
		for (const r of published) {
			const t = truth.get(key(r))!;
			if (Number(t.respondents) < 100) continue;
			const error = Math.abs(Number(r.mwds) - Number(t.mwds));
			expect(error, key(r)).toBeLessThanOrEqual(0.05);
			if (r.dimension === 'region') (regional++, expect(error, key(r)).toBeLessThanOrEqual(0.01));
		}
		expect(regional).toBe(8 * 11);
	});

	it('keeps the top five needs in the same order nationally and in every region', () => {
		const top = (rows: typeof exact, group: unknown) => rows.filter((r) => r.dimension === 'region' && r.group_code === group).sort((a, b) => Number(a.rank) - Number(b.rank)).slice(0, 5).map((r) => r.competency);
		for (const group of new Set(exact.filter((r) => r.dimension === 'region').map((r) => r.group_code))) expect(top(published, group), String(group)).toEqual(top(exact, group));
	});
});
