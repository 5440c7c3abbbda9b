// Intervals and ties for needs scores (docs/needs-assessment.md, "Intervals and ties for needs
// scores"): coverage of the MWDS interval in simulation through the real cube, needs SQL and
// disclosure control; the worked example of the page; and rank ranges.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { Database } from '../../src/lib/server/db/database';
import { instrument } from '../../src/lib/instrument/survey';
import { snapshot } from '../../pipelines/snapshot';
import { needsStatistics, protectNeeds } from '../../pipelines/needs';
import { NHS_DIGITAL_RULE } from '../../pipelines/disclosure';
import { ENGLAND, ratingColumns } from '../../pipelines/reference';
import { ident, literal } from '../../pipelines/sql';

type Pmf = [number, number, number, number, number];

/** A known joint distribution of (importance, confidence): importance from `importance`, confidence
 *  from `confidenceIfHigh` when importance is 4 or 5 and `confidenceIfLow` otherwise. */
interface Shape {
	importance: Pmf;
	confidenceIfHigh: Pmf;
	confidenceIfLow: Pmf;
}

const SHAPES: Record<string, Shape> = {
	// Confidence rising with importance; a middling need.
	together: { importance: [0.02, 0.08, 0.25, 0.4, 0.25], confidenceIfHigh: [0.1, 0.25, 0.35, 0.2, 0.1], confidenceIfLow: [0.25, 0.35, 0.25, 0.1, 0.05] },
	// Important but not felt confident: a large need, ratings pulling apart.
	apart: { importance: [0.05, 0.1, 0.2, 0.3, 0.35], confidenceIfHigh: [0.3, 0.3, 0.2, 0.15, 0.05], confidenceIfLow: [0.05, 0.1, 0.25, 0.3, 0.3] },
	// Both uniform and independent.
	uniform: { importance: [0.2, 0.2, 0.2, 0.2, 0.2], confidenceIfHigh: [0.2, 0.2, 0.2, 0.2, 0.2], confidenceIfLow: [0.2, 0.2, 0.2, 0.2, 0.2] },
	// Only the ends of the scale: the most skewed ratings can be.
	extremes: { importance: [0.1, 0, 0, 0, 0.9], confidenceIfHigh: [0.5, 0, 0, 0, 0.5], confidenceIfLow: [0, 0, 0, 0, 1] },
	// Little need.
	small: { importance: [0.05, 0.15, 0.4, 0.3, 0.1], confidenceIfHigh: [0.05, 0.1, 0.2, 0.4, 0.25], confidenceIfLow: [0.1, 0.2, 0.4, 0.2, 0.1] },
	// More confident than important: a negative score.
	negative: { importance: [0.3, 0.3, 0.2, 0.1, 0.1], confidenceIfHigh: [0, 0.1, 0.2, 0.3, 0.4], confidenceIfLow: [0, 0.1, 0.2, 0.3, 0.4] }
};

const mean = (p: Pmf) => p.reduce((sum, q, k) => sum + q * (k + 1), 0);

/** The true MWDS of a shape, (μI − μC) × μI, from its probabilities. */
function trueMwds(s: Shape): number {
	const high = s.importance[3] + s.importance[4];
	const importance = mean(s.importance);
	const confidence = high * mean(s.confidenceIfHigh) + (1 - high) * mean(s.confidenceIfLow);
	return (importance - confidence) * importance;
}

const competencies = ratingColumns();
const shapeOf = (k: number) => Object.values(SHAPES)[k % Object.keys(SHAPES).length];

/** A rating drawn from `p` with the uniform draw `u` (an SQL expression). */
const draw = (u: string, p: Pmf) => {
	const cumulative = p.map((_, k) => p.slice(0, k + 1).reduce((a, b) => a + b, 0));
	return `CASE ${cumulative.slice(0, 4).map((c, k) => `WHEN ${u} < ${c.toFixed(6)} THEN ${k + 1}`).join(' ')} ELSE 5 END`;
};

/** `trials` groups of `size` people, each competency rated from its shape independently of the others;
 *  group g is the "region" `${label}-g`. Every draw is a hash of the row, so the data are fixed. */
async function insertTrials(c: DuckDBConnection, label: string, size: number, trials: number) {
	const u = (name: string) => `((hash(i, ${literal(label)}, ${literal(name)}) % 1000003) / 1000003.0)`;
	const importance = competencies.map((r, k) => `${draw(u(`imp:${k}`), shapeOf(k).importance)} AS ${ident(r.importance)}`);
	const confidence = competencies.map((r, k) => {
		const s = shapeOf(k);
		return `CASE WHEN ${ident(r.importance)} >= 4 THEN ${draw(u(`conf:${k}`), s.confidenceIfHigh)} ELSE ${draw(u(`conf:${k}`), s.confidenceIfLow)} END AS ${ident(r.confidence)}`;
	});
	const columns = competencies.flatMap((r) => [r.importance, r.confidence]).map(ident).join(', ');
	await c.run(`
		INSERT INTO responses (submission_id, receipt, wave_id, instrument_id, instrument_version, answers, answers_hash, submitted_at, record_key, region, sector, staff_group, ${columns})
		SELECT md5(${literal(label)} || i)::UUID, 'R', '2026-27', 'i', '1', '{}', 'h' || i, now(), (hash(i, ${literal(label)}, 'key') % 256)::UTINYINT,
			${literal(label)} || '-' || (i // ${size}), 'hospital', 'pharmacist', ${columns}
		FROM (SELECT *, ${confidence.join(', ')} FROM (SELECT i, ${importance.join(', ')} FROM (SELECT range AS i FROM range(${size * trials}))))`);
}

describe('MWDS intervals in simulation, through the cube and disclosure control', () => {
	let db: Database;
	let c: DuckDBConnection;
	let scores: ReturnType<typeof protectNeeds>;
	beforeAll(async () => {
		db = await Database.open(':memory:', instrument);
		c = await db.instance.connect();
		await c.run(`INSERT INTO waves (id, label, status) VALUES ('2026-27', '2026/27', 'open')`);
		await insertTrials(c, 'n100', 100, TRIALS[100]);
		await insertTrials(c, 'n1000', 1000, TRIALS[1000]);
		const wave = { id: '2026-27', label: '2026/27' };
		await snapshot(c, wave, [wave]);
		const trials = (await needsStatistics(c, wave.id)).filter((s) => s.dimension === 'region' && s.group_code !== ENGLAND.code);
		scores = protectNeeds(trials, NHS_DIGITAL_RULE);
	}, 300_000);
	afterAll(async () => {
		c?.closeSync();
		await db?.close();
	});

	const coverage = (label: string) => {
		const of = scores.filter((r) => String(r.group_code).startsWith(`${label}-`));
		const truth = new Map(competencies.map((r, k) => [r.competency, trueMwds(shapeOf(k))]));
		const covered = of.filter((r) => Number(r.mwds_low) <= truth.get(String(r.competency))! && truth.get(String(r.competency))! <= Number(r.mwds_high)).length;
		return { intervals: of.length, coverage: covered / of.length };
	};

	it.each([100, 1000])('cover the true MWDS about 95% of the time at n = %i', (size) => {
		const { intervals, coverage: share } = coverage(`n${size}`);
		console.log(`n = ${size}: ${intervals} intervals, coverage ${(100 * share).toFixed(1)}%`);
		expect(intervals).toBe(TRIALS[size as 100 | 1000] * competencies.length);
		expect(share).toBeGreaterThanOrEqual(0.935);
		expect(share).toBeLessThanOrEqual(0.965);
	});
});

const TRIALS = { 100: 2000, 1000: 600 } as const;
