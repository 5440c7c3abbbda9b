// Intervals and ties for needs scores (docs/needs-assessment.md, "Intervals and ties for needs
// scores"): coverage of the MWDS interval in simulation through the real cube, needs SQL and
// disclosure control; the worked example of the page; rank ranges; the one-page summary's words.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { Database } from '../../../src/lib/server/db/database';
import { instrument } from '../../../src/lib/instrument/survey';
import { snapshot } from '../../../pipelines/stages/snapshot';
import { needs, needsStatistics, protectNeeds, rankNeeds, rankRangeText } from '../../../pipelines/stages/needs';
import { NHS_DIGITAL_RULE } from '../../../pipelines/disclosure/protect';
import { mwdsInterval, MWDS_RANGE } from '../../../pipelines/stats/intervals';
import { ENGLAND, loadSuccessMeasures, ratingColumns, WORKFORCE_CSV } from '../../../pipelines/core/reference';
import { ident, literal } from '../../../pipelines/core/sql';
import { summaryHtml } from '../../../pipelines/reports/summary';
import type { PublishedTable } from '../../../pipelines/core/context';
import { EXACT } from '../fixtures';

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
	together: {
		importance: [0.02, 0.08, 0.25, 0.4, 0.25],
		confidenceIfHigh: [0.1, 0.25, 0.35, 0.2, 0.1],
		confidenceIfLow: [0.25, 0.35, 0.25, 0.1, 0.05]
	},
	// Important but not felt confident: a large need, ratings pulling apart.
	apart: {
		importance: [0.05, 0.1, 0.2, 0.3, 0.35],
		confidenceIfHigh: [0.3, 0.3, 0.2, 0.15, 0.05],
		confidenceIfLow: [0.05, 0.1, 0.25, 0.3, 0.3]
	},
	// Both uniform and independent.
	uniform: {
		importance: [0.2, 0.2, 0.2, 0.2, 0.2],
		confidenceIfHigh: [0.2, 0.2, 0.2, 0.2, 0.2],
		confidenceIfLow: [0.2, 0.2, 0.2, 0.2, 0.2]
	},
	// Only the ends of the scale: the most skewed ratings can be.
	extremes: { importance: [0.1, 0, 0, 0, 0.9], confidenceIfHigh: [0.5, 0, 0, 0, 0.5], confidenceIfLow: [0, 0, 0, 0, 1] },
	// Little need.
	small: {
		importance: [0.05, 0.15, 0.4, 0.3, 0.1],
		confidenceIfHigh: [0.05, 0.1, 0.2, 0.4, 0.25],
		confidenceIfLow: [0.1, 0.2, 0.4, 0.2, 0.1]
	},
	// More confident than important: a negative score.
	negative: { importance: [0.3, 0.3, 0.2, 0.1, 0.1], confidenceIfHigh: [0, 0.1, 0.2, 0.3, 0.4], confidenceIfLow: [0, 0.1, 0.2, 0.3, 0.4] }
};

/** Groups simulated of each size, each giving one interval per competency: 22,000 intervals at n = 100
 *  and 6,600 at n = 1,000, so a true coverage of 95% is estimated to within ±0.15 and ±0.27 points
 *  (one standard error). The range accepted, 93.5% to 96.5%, is more than five standard errors either
 *  side, and every draw is a fixed hash: the check cannot fail by chance. */
const TRIALS = { 100: 2000, 1000: 600 } as const;
const ACCEPTED = { low: 0.935, high: 0.965 };

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
	return `CASE ${cumulative
		.slice(0, 4)
		.map((c, k) => `WHEN ${u} < ${c.toFixed(6)} THEN ${k + 1}`)
		.join(' ')} ELSE 5 END`;
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
	const columns = competencies
		.flatMap((r) => [r.importance, r.confidence])
		.map(ident)
		.join(', ');
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
		const trials = (await needsStatistics(c, literal(wave.id))).filter((s) => s.dimension === 'region' && s.group_code !== ENGLAND.code);
		scores = protectNeeds(trials, NHS_DIGITAL_RULE);
	}, 300_000);
	afterAll(async () => {
		c?.closeSync();
		await db?.close();
	});

	const coverage = (label: string) => {
		const of = scores.filter((r) => String(r.group_code).startsWith(`${label}-`));
		const truth = new Map(competencies.map((r, k) => [r.competency, trueMwds(shapeOf(k))]));
		const covered = of.filter(
			(r) => Number(r.mwds_low) <= truth.get(String(r.competency))! && truth.get(String(r.competency))! <= Number(r.mwds_high)
		).length;
		return { intervals: of.length, coverage: covered / of.length };
	};

	it.each([100, 1000])('cover the true MWDS about 95% of the time at n = %i', (size) => {
		const { intervals, coverage: share } = coverage(`n${size}`);
		console.log(`n = ${size}: ${intervals} intervals, coverage ${(100 * share).toFixed(1)}%`);
		expect(intervals).toBe(TRIALS[size as 100 | 1000] * competencies.length);
		expect(share).toBeGreaterThanOrEqual(ACCEPTED.low);
		expect(share).toBeLessThanOrEqual(ACCEPTED.high);
	});
});

// The worked example of docs/needs-assessment.md: 20 people rate familial hypercholesterolaemia,
// [importance, confidence] × how many gave that pair.
const EXAMPLE: Array<[number, number, number]> = [
	[5, 2, 3],
	[5, 3, 3],
	[5, 4, 2],
	[4, 2, 3],
	[4, 3, 4],
	[3, 3, 3],
	[3, 2, 1],
	[2, 2, 1]
];

describe('the worked example of docs/needs-assessment.md', () => {
	let db: Database;
	let c: DuckDBConnection;
	let fh: Record<string, unknown>;
	beforeAll(async () => {
		db = await Database.open(':memory:', instrument);
		c = await db.instance.connect();
		await c.run(`INSERT INTO waves (id, label, status) VALUES ('2026-27', '2026/27', 'open')`);
		const people = EXAMPLE.flatMap(([importance, confidence, count]) => Array.from({ length: count }, () => [importance, confidence]));
		for (const [i, [importance, confidence]] of people.entries())
			await c.run(
				`INSERT INTO responses (submission_id, receipt, wave_id, instrument_id, instrument_version, answers, answers_hash, submitted_at, region, sector, staff_group, imp_fh, conf_fh)
				 VALUES (uuid(), 'R', '2026-27', 'i', '1', '{}', $1, now(), 'E40000003', 'hospital', 'pharmacist', $2, $3)`,
				[`e${i}`, importance, confidence]
			);
		const wave = { id: '2026-27', label: '2026/27' };
		await snapshot(c, wave, [wave]);
		const [region] = await needs(c, {
			wave,
			waves: [wave],
			rule: EXACT,
			measures: loadSuccessMeasures(),
			workforceCsv: WORKFORCE_CSV,
			cube: 'cube'
		});
		fh = region.rows.find((r) => r.region_code === ENGLAND.code && r.competency === 'fh')!;
	});
	afterAll(async () => {
		c?.closeSync();
		await db?.close();
	});

	// The moments as the page works them out: variances and covariance with divisor n − 1.
	const moments = {
		n: 20,
		importance: 4.1,
		confidence: 2.7,
		importanceVariance: 15.8 / 19,
		confidenceVariance: 8.2 / 19,
		covariance: 2.6 / 19
	};

	it('publishes MWDS 5.74 with the interval 3.495070 to 7.984930 through the cube and the needs stage (exact rule)', () => {
		expect(Number(fh.respondents)).toBe(20);
		expect(Number(fh.mean_importance)).toBeCloseTo(4.1, 10);
		expect(Number(fh.mean_confidence)).toBeCloseTo(2.7, 10);
		expect(Number(fh.mwds)).toBeCloseTo(5.74, 10);
		expect(Number(fh.mwds_low)).toBeCloseTo(3.49507, 6);
		expect(Number(fh.mwds_high)).toBeCloseTo(7.98493, 6);
	});

	it('works the interval out step by step: standard error 1.145394, or 1.787268 with the noise of the published rule', () => {
		const exact = mwdsInterval(5.74, moments)!;
		expect(exact.standardError ** 2).toBeCloseTo(1.311926, 6);
		expect(exact.standardError).toBeCloseTo(1.145394, 6);
		// The published rule's noise on each mean: 4 / 20 = 0.2, adding (5.5² + 4.1²) × 0.2² = 1.8824.
		const noisy = mwdsInterval(5.74, moments, 4 / 20)!;
		expect(noisy.standardError ** 2 - exact.standardError ** 2).toBeCloseTo(1.8824, 10);
		expect(noisy.standardError).toBeCloseTo(1.787268, 6);
		expect(noisy.low).toBeCloseTo(2.237019, 6);
		expect(noisy.high).toBeCloseTo(9.242981, 6);
	});

	it('keeps the limits within what an MWDS can be, and always around the score', () => {
		expect(MWDS_RANGE).toEqual({ low: -6.25, high: 20 });
		const top = mwdsInterval(19.5, { ...moments, n: 10, importance: 4.9, confidence: 1 }, 0.4)!;
		expect(top.high).toBe(20);
		expect(top.low).toBeLessThan(19.5);
		expect(mwdsInterval(5.74, { ...moments, n: 1 })).toBeNull();
		// No spread and no noise: the score alone.
		expect(
			mwdsInterval(2, { n: 10, importance: 4, confidence: 3.5, importanceVariance: 0, confidenceVariance: 0, covariance: 0 })
		).toMatchObject({ low: 2, high: 2 });
	});
});

// The ranking example of docs/needs-assessment.md: six competencies of one group.
const RANKED = [
	{ competency: 'identify_testing', mwds: 6.1, mwds_low: 5.2, mwds_high: 7.0 },
	{ competency: 'gene_targeted_treatments', mwds: 5.8, mwds_low: 4.9, mwds_high: 6.7 },
	{ competency: 'ethics', mwds: 4.2, mwds_low: 3.5, mwds_high: 4.8 },
	{ competency: 'fh', mwds: 4.0, mwds_low: 3.4, mwds_high: 4.6 },
	{ competency: 'pgx_results', mwds: 1.5, mwds_low: 0.9, mwds_high: 2.1 },
	{ competency: 'referral_routes', mwds: 1.2, mwds_low: 0.4, mwds_high: 2.0 }
];

const rankedExample = () =>
	rankNeeds(
		RANKED.map((r) => ({ ...r, group: 'g' })),
		(r) => r.group
	);

describe('ranks with the range their intervals allow', () => {
	it('gives the worked example 1–2, 1–2, 3–4, 3–4, 5–6, 5–6', () => {
		const ranked = rankedExample();
		expect(ranked.map((r) => [r.competency, r.rank, rankRangeText(r.rank_best, r.rank_worst)])).toEqual([
			['identify_testing', 1, '1–2'],
			['gene_targeted_treatments', 2, '1–2'],
			['ethics', 3, '3–4'],
			['fh', 4, '3–4'],
			['pgx_results', 5, '5–6'],
			['referral_routes', 6, '5–6']
		]);
	});

	it('fixes a rank whose interval overlaps no other, counts touching intervals as overlapping, and shares a rank between equal scores', () => {
		const row = (competency: string, mwds: number | null, low?: number, high?: number) => ({
			competency,
			mwds,
			mwds_low: low ?? null,
			mwds_high: high ?? null
		});
		const ranked = rankNeeds(
			[row('a', 3, 2.5, 3.5), row('b', 5, 4.5, 5.5), row('c', 2, 1, 2.5), row('d', null), row('e', 2, 1.8, 2.2)],
			() => 'g'
		);
		expect(ranked.map((r) => [r.competency, r.rank, rankRangeText(r.rank_best, r.rank_worst)])).toEqual([
			['b', 1, '1'],
			['a', 2, '2–3'],
			['c', 3, '2–4'],
			['e', 3, '3–4'],
			['d', null, null]
		]);
		// A score without an interval ranks by its point alone.
		expect(rankNeeds([row('a', 3), row('b', 3), row('c', 1)], () => 'g').map((r) => rankRangeText(r.rank_best, r.rank_worst))).toEqual([
			'1–2',
			'1–2',
			'3'
		]);
	});

	it('keeps every rank within its range', () => {
		for (let trial = 0; trial < 200; trial++) {
			const rows = Array.from({ length: 11 }, (_, k) => {
				const mwds = Math.round(Math.sin(trial * 11 + k) * 400) / 100;
				const half = Math.round(Math.abs(Math.cos(trial + k * 7)) * 150) / 100;
				return { competency: String(k), mwds, mwds_low: mwds - half, mwds_high: mwds + half };
			});
			for (const r of rankNeeds(rows, () => 'g')) {
				expect(r.rank_best!).toBeLessThanOrEqual(r.rank!);
				expect(r.rank!).toBeLessThanOrEqual(r.rank_worst!);
			}
		}
	});
});

describe('the one-page summary', () => {
	const summaryOf = (rows: object[]) => {
		const needsTable: PublishedTable = {
			name: 'needs_by_competency_region',
			title: '',
			columns: {},
			rows: rows.map((r) => ({ ...r, wave: '2026-27', region_code: ENGLAND.code, suppressed: false }))
		};
		return summaryHtml([needsTable, { name: 'success_measures', title: '', columns: {}, rows: [] }], ENGLAND.code, '2026-27');
	};

	it('gives the top five with their intervals and the ranks each could take, and says which could be the largest', () => {
		const html = summaryOf(rankedExample());
		expect(html).toContain(
			'<li>Identifying patients for testing <span class="score">(needs score 6.10, 95% interval 5.20 to 7.00; could rank 1 to 2)</span></li>'
		);
		expect(html).toContain(
			'<li>Ethical, legal and social issues <span class="score">(needs score 4.20, 95% interval 3.50 to 4.80; could rank 3 to 4)</span></li>'
		);
		expect(html.match(/<li>/g)).toHaveLength(5);
		expect(html).toContain(
			'Identifying patients for testing and Gene-targeted treatments could each be the largest need: their intervals overlap.'
		);
		// The sixth could still be fifth.
		expect(html).toContain('Referral routes (ranks 5 to 6) could also be among the top 5.');
	});

	it('gives a rank the intervals fix without a range, and names no tie when the first stands clear', () => {
		const html = summaryOf(
			rankNeeds(
				[
					{ competency: 'fh', mwds: 6, mwds_low: 5.5, mwds_high: 6.5 },
					{ competency: 'ethics', mwds: 3, mwds_low: 2.5, mwds_high: 3.5 },
					{ competency: 'pgx_results', mwds: 2.8, mwds_low: 2.2, mwds_high: 3.4 }
				],
				() => 'g'
			)
		);
		expect(html).toContain('(needs score 6.00, 95% interval 5.50 to 6.50)</span>');
		expect(html).toContain('could rank 2 to 3');
		expect(html).not.toContain('could each be the largest');
		expect(html).not.toContain('could also be among');
	});

	it('counts rather than names when many could lead, and separates names with commas of their own by semicolons', () => {
		const wide = ['fh', 'ethics', 'pgx_results', 'referral_routes'].map((competency, k) => ({
			competency,
			mwds: 4 - k / 10,
			mwds_low: 2,
			mwds_high: 6
		}));
		expect(summaryOf(rankNeeds(wide, () => 'g'))).toContain('Any of 4 needs could be the largest: their intervals overlap.');
		const three = ['fh', 'ethics', 'pgx_results'].map((competency, k) => ({ competency, mwds: 4 - k / 10, mwds_low: 2, mwds_high: 6 }));
		expect(summaryOf(rankNeeds(three, () => 'g'))).toContain(
			'Familial hypercholesterolaemia; Ethical, legal and social issues; and Acting on pharmacogenomic results could each be the largest need'
		);
	});
});
