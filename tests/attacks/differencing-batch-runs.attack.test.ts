// The attack of issue 17 between two batch runs: a planner who knows a team of 30 (every South West
// respondent, all pharmacy technicians) reads its published figures from one nightly run, a colleague
// joins, and they read the next run. The team is a region × staff group cell of needs_two_way (its means)
// and a whole region of ratings_distribution (its levels). Ten colleagues join one after another, each
// with 9 responses elsewhere as on the dashboard (batch runs have no minimum; they change nothing).
// Real DuckDB file; each run is the batch's own snapshot and stages (pipelines/batch/run.ts calls the same
// functions; the reports, charts and files it also writes carry the same rows and take most of its time).
// The same runs are read under NHS_DIGITAL_RULE and under ROUNDING_ONLY (protection off).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { Database } from '../../src/lib/server/db/database';
import { instrument } from '../../src/lib/instrument/survey';
import { NHS_DIGITAL_RULE, ROUNDING_ONLY, type DisclosureRule } from '../../pipelines/disclosure/protect';
import { snapshot, wavesUpTo } from '../../pipelines/stages/snapshot';
import { distributions } from '../../pipelines/stages/distributions';
import { breakdownsOf } from '../../pipelines/stages/breakdowns';
import { competencies, loadSuccessMeasures, WORKFORCE_CSV } from '../../pipelines/core/reference';
import type { PipelineContext } from '../../pipelines/core/context';
import { tempDir } from '../../bench/kit/server';
import { levelKey, prng, realisticRatings, scoreDifferencing, type GroupFigures, type Ratings, type Score } from './attacker';

const SOUTH_WEST = 'E40000006';
const TEAM = { region: SOUTH_WEST, sector: 'hospital', staffGroup: 'pharmacy_technician' };
const TEAM_SIZE = 30;
const VICTIMS = 10;
const FILLERS = 9;
const measures = loadSuccessMeasures();

interface Person {
	region: string;
	sector: string;
	staffGroup: string;
	ratings: Ratings;
}

let folder: ReturnType<typeof tempDir>;
let dir: string;
let db: Database;
let c: DuckDBConnection;
let random: () => number;

const RATING_COLUMNS = competencies.flatMap((x) => [`imp_${x.code}`, `conf_${x.code}`]);

/** Stores responses as the server would: a random record key each (seeded here, for a repeatable run). */
async function store(people: Person[]) {
	const values = people.map(
		(p) =>
			`(uuid(), 'R', '2026-27', 'i', '1', '{}', 'h', now() - INTERVAL 1 HOUR, ${Math.floor(random() * 256)}, '${p.region}', '${p.sector}', '${p.staffGroup}', ['general'], ${competencies.flatMap((x) => [p.ratings[x.code].importance, p.ratings[x.code].confidence]).join(', ')})`
	);
	await db.write((w) =>
		w.run(
			`INSERT INTO responses (submission_id, receipt, wave_id, instrument_id, instrument_version, answers, answers_hash, submitted_at, record_key,
				region, sector, staff_group, specialties, ${RATING_COLUMNS.join(', ')}) VALUES ${values.join(',\n')}`
		)
	);
}

/** One nightly run's published figures of the team, as each rule publishes them. */
async function run(): Promise<Map<DisclosureRule, GroupFigures>> {
	const { wave, waves } = await wavesUpTo(c);
	await snapshot(c, wave, waves, measures);
	const out = new Map<DisclosureRule, GroupFigures>();
	for (const rule of [NHS_DIGITAL_RULE, ROUNDING_ONLY]) {
		const ctx: PipelineContext = { wave, waves, rule, measures, workforceCsv: WORKFORCE_CSV, cube: 'cube' };
		const [needsTwoWay] = await breakdownsOf([['region', 'staff_group']])(c, ctx);
		const [ratings] = await distributions(c, ctx);
		const means: GroupFigures['means'] = {};
		for (const r of needsTwoWay.rows.filter((r) => r.group_1 === TEAM.region && r.group_2 === TEAM.staffGroup))
			means[String(r.competency)] = { importance: r.mean_importance as number | null, confidence: r.mean_confidence as number | null };
		const percents = new Map<string, number | null>();
		for (const r of ratings.rows.filter((r) => r.region_code === TEAM.region))
			percents.set(levelKey(String(r.competency), String(r.rating), Number(r.level)), r.percent as number | null);
		out.set(rule, { means, percents });
	}
	return out;
}

const scores = new Map<DisclosureRule, Score>();

beforeAll(async () => {
	const started = performance.now();
	folder = tempDir();
	dir = folder.path;
	db = await Database.open(join(dir, 'survey.duckdb'), instrument);
	await db.write((w) => w.run(`INSERT INTO waves (id, label, status) VALUES ('2026-27', '2026/27', 'open')`));
	c = await db.instance.connect();
	random = prng(20261702);
	const everyone: Person[] = [];
	for (let i = 0; i < TEAM_SIZE; i++) everyone.push({ ...TEAM, ratings: realisticRatings(random) });
	const elsewhere: Array<[string, string, string, number]> = [
		['E40000003', 'hospital', 'pharmacist', 120],
		['E40000011', 'community', 'pharmacy_technician', 90],
		['E40000005', 'general_practice', 'pharmacist', 90]
	];
	for (const [region, sector, staffGroup, n] of elsewhere)
		for (let i = 0; i < n; i++) everyone.push({ region, sector, staffGroup, ratings: realisticRatings(random) });
	await store(everyone);

	const trials = new Map<DisclosureRule, Parameters<typeof scoreDifferencing>[0]>([
		[NHS_DIGITAL_RULE, []],
		[ROUNDING_ONLY, []]
	]);
	let before = await run();
	for (let v = 0; v < VICTIMS; v++) {
		const victim: Person = { ...TEAM, ratings: realisticRatings(random) };
		await store([
			victim,
			...Array.from({ length: FILLERS }, () => ({
				region: 'E40000011',
				sector: 'community',
				staffGroup: 'pharmacist',
				ratings: realisticRatings(random)
			}))
		]);
		const after = await run();
		for (const [rule, list] of trials)
			list.push({ before: before.get(rule)!, after: after.get(rule)!, n: TEAM_SIZE + v, victim: victim.ratings });
		before = after;
	}
	for (const [rule, list] of trials) scores.set(rule, scoreDifferencing(list));
	console.log(
		`differencing between batch runs (${VICTIMS} victims × ${2 * competencies.length} ratings, % right, ${Math.round((performance.now() - started) / 1000)} s): ${JSON.stringify({ protected: scores.get(NHS_DIGITAL_RULE), unprotected: scores.get(ROUNDING_ONLY) })}`
	);
}, 300_000);

afterAll(async () => {
	c?.closeSync();
	await db?.close();
	folder?.remove();
});

describe('differencing two batch runs around one colleague’s response', () => {
	it('with protection on, guesses their ratings no better than the team’s mean + 10 points, from the means and from the levels', () => {
		const s = scores.get(NHS_DIGITAL_RULE)!;
		expect(s.ratings).toBe(VICTIMS * 2 * competencies.length);
		expect(s.fromMeans).toBeLessThanOrEqual(s.baseline + 10);
		expect(s.fromLevels).toBeLessThanOrEqual(s.baseline + 10);
	});

	it('with protection off (ROUNDING_ONLY), recovers most of them: the same attack can fail', () => {
		const s = scores.get(ROUNDING_ONLY)!;
		expect(s.fromMeans).toBeGreaterThanOrEqual(70);
		expect(s.fromMeans).toBeGreaterThanOrEqual(s.baseline + 30);
		expect(s.fromLevels).toBeGreaterThanOrEqual(70);
	});
});
