// The attack suite of docs/disclosure.md: a national planner attacks the built server over HTTP with
// the dashboard's own queries, on responses this test submitted itself (so it knows the truth):
//  1. reconstruction of exact counts and rating totals from published means;
//  2. differencing across every sector × staff group × specialty breakdown of London and England;
//  3. polling the dashboard before and after single submissions.
// Against the protected server nothing of a group of 1–7 people is recovered. Against the same server
// with the protection switched off (DISCLOSURE_CELL_KEY=off, live figures) the same attacks recover
// small groups' exact sizes and one person's ratings: the suite can fail.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { competencies, sectors, specialties, staffGroups } from '../../src/lib/instrument/reference';
import type { Answers } from '../../src/lib/instrument/types';
import { PASSWORD } from '../helpers/accounts';
import { completeAnswers } from '../../bench/kit/answers';
import type { RunningServer } from '../../bench/kit/server';
import { SETTLE_MS, targetServer } from './target-server';
import { clientFor, signIn } from '../../bench/kit/trpc';
import {
	ALL,
	difference,
	differenceBounds,
	keyOf,
	linesOf,
	observe,
	reconstruct,
	same,
	type Exact,
	type Observation,
	type Query
} from './attacker';

const ENGLAND = 'E92000001';
const LONDON = 'E40000003';
const SCOPES = [ENGLAND, LONDON];
const SECTORS = sectors.map((s) => s.code);
const STAFF = staffGroups.map((g) => g.code);
const SPECIALTIES = specialties.map((s) => s.code);

/** A seeded generator, so the data (and what the unprotected server gives away) is the same each run. */
function prng(seed: number) {
	let s = seed >>> 0;
	return () => (s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32;
}

interface Person {
	region: string;
	sector: string;
	staffGroup: string;
	specialty: string;
	ratings: Record<string, { importance: number; confidence: number }>;
}

/** London's people by sector and staff group: lines with one small hidden cell (hospital technicians,
 *  3; the one health-and-justice technician), lines where small cells hide each other until another
 *  line frees them (community), a sector too small to publish at all (mental health); and people in
 *  other regions so England is not London. */
const LONDON_CELLS: Array<[string, string, number]> = [
	['hospital', 'pharmacist', 30],
	['hospital', 'pharmacy_technician', 3],
	['hospital', 'support_worker', 12],
	['hospital', 'foundation_trainee_pharmacist', 9],
	['health_justice', 'pharmacist', 10],
	['health_justice', 'pharmacy_technician', 1],
	['community', 'pharmacist', 25],
	['community', 'pharmacy_technician', 10],
	['community', 'support_worker', 6],
	['community', 'other', 2],
	['general_practice', 'pharmacist', 20],
	['general_practice', 'support_worker', 9],
	['general_practice', 'pharmacy_technician', 8],
	['mental_health', 'pharmacist', 5]
];
const ELSEWHERE: Array<[string, string, string, number]> = [
	['E40000011', 'hospital', 'pharmacist', 40],
	['E40000011', 'community', 'pharmacy_technician', 25],
	['E40000010', 'hospital', 'support_worker', 20],
	['E40000005', 'general_practice', 'pharmacist', 15],
	['E40000011', 'industry', 'pharmacist', 12]
];

function people(random: () => number): Person[] {
	const out: Person[] = [];
	const person = (region: string, sector: string, staffGroup: string): Person => ({
		region,
		sector,
		staffGroup,
		specialty: ['oncology_haematology', 'cardiology_lipids', 'general'][Math.floor(random() * 3)],
		ratings: Object.fromEntries(
			competencies.map((c) => [c.code, { importance: 1 + Math.floor(random() * 5), confidence: 1 + Math.floor(random() * 5) }])
		)
	});
	for (const [sector, staffGroup, n] of LONDON_CELLS) for (let i = 0; i < n; i++) out.push(person(LONDON, sector, staffGroup));
	for (const [region, sector, staffGroup, n] of ELSEWHERE) for (let i = 0; i < n; i++) out.push(person(region, sector, staffGroup));
	return out;
}

function answersOf(p: Person): Answers {
	const ratings: Answers = {};
	for (const [competency, r] of Object.entries(p.ratings))
		Object.assign(ratings, { [`imp_${competency}`]: r.importance, [`conf_${competency}`]: r.confidence });
	return completeAnswers(0, { region: p.region, sector: p.sector, staff_group: p.staffGroup, specialties: [p.specialty], ...ratings });
}

/** The truth about the people a query covers: their number and rating totals. */
function truth(all: Person[], q: Query): Exact {
	const inIt = all.filter(
		(p) =>
			(q.scope === ENGLAND || p.region === q.scope) &&
			(!q.sector || p.sector === q.sector) &&
			(!q.staffGroup || p.staffGroup === q.staffGroup) &&
			(!q.specialty || p.specialty === q.specialty)
	);
	return {
		n: inIt.length,
		sums: Object.fromEntries(
			competencies.map((c) => [
				c.code,
				{
					importance: inIt.reduce((t, p) => t + p.ratings[c.code].importance, 0),
					confidence: inIt.reduce((t, p) => t + p.ratings[c.code].confidence, 0)
				}
			])
		)
	};
}

/** The attacker's grid: every sector × staff group × specialty breakdown of the scopes. */
const grid = (scopes: string[], specialties: string[]): Query[] =>
	scopes.flatMap((scope) =>
		[ALL, ...specialties].flatMap((specialty) =>
			[ALL, ...SECTORS].flatMap((sector) => [ALL, ...STAFF].map((staffGroup) => ({ scope, sector, staffGroup, specialty })))
		)
	);
const FULL = { scopes: SCOPES, specialties: SPECIALTIES };

interface Target {
	server: RunningServer;
	/** Stops the server and removes its folder. */
	stop(): Promise<void>;
	planner: ReturnType<typeof clientFor>;
	respondent: ReturnType<typeof clientFor>;
	people: Person[];
}

async function target(env: Record<string, string>): Promise<Target> {
	const { server, stop } = await targetServer(env);
	const respondent = clientFor(server.url);
	const all = people(prng(20261128));
	for (let i = 0; i < all.length; i += 25)
		await Promise.all(
			all.slice(i, i + 25).map((p) => respondent.survey.submit.mutate({ submissionId: randomUUID(), answers: answersOf(p) }))
		);
	// The dashboard's snapshots hold responses submitted until SETTLE_MS before they are taken.
	await new Promise((ok) => setTimeout(ok, SETTLE_MS + 300));
	const { client: planner } = await signIn(server.url, 'national@example.org', PASSWORD);
	return { server, stop, planner, respondent, people: all };
}

const query = (t: Target, q: Query) =>
	t.planner.reports.dashboard.query({
		region: q.scope,
		...(q.sector && { sector: q.sector }),
		...(q.staffGroup && { staffGroup: q.staffGroup }),
		...(q.specialty && { specialty: q.specialty })
	} as never);

/** Every query of the grid, three at a time; as an attacker would, it skips the cells under a published
 *  0 (0 is published exactly, so every cell under it is 0). */
async function observeAll(t: Target, queries: Query[]): Promise<Map<string, Observation>> {
	const seen = new Map<string, Observation>();
	const zero = (q: Query) =>
		[
			{ ...q, sector: ALL, staffGroup: ALL },
			{ ...q, staffGroup: ALL },
			{ ...q, sector: ALL },
			{ ...q, specialty: ALL, sector: ALL, staffGroup: ALL }
		].some((m) => seen.get(keyOf(m))?.count === 0);
	const empty: Observation = { count: 0, means: {} };
	// Margins first, so their zeros prune the cells under them.
	const byDepth = [0, 1, 2, 3].map((depth) =>
		queries.filter((q) => [q.sector, q.staffGroup, q.specialty].filter(Boolean).length === depth)
	);
	for (const level of byDepth) {
		const asked = level.filter((q) => (zero(q) ? (seen.set(keyOf(q), empty), false) : true));
		// Three at a time: the dashboard queues at most three requests per planner (fair-queue.ts).
		for (let i = 0; i < asked.length; i += 3) {
			const batch = asked.slice(i, i + 3);
			const results = await Promise.all(batch.map((q) => query(t, q)));
			batch.forEach((q, j) => seen.set(keyOf(q), observe(results[j])));
		}
	}
	return seen;
}

interface Findings {
	/** Groups of 1–7 whose exact size the attacker worked out (reconstruction and differencing). */
	smallCounts: Array<{ key: string; n: number }>;
	/** Groups of one person whose every rating the attacker worked out. */
	people: string[];
	/** Groups of 1–7 whose size the bounds alone pin down. */
	pinnedByBounds: string[];
	/** Published groups whose exact size and rating totals the means revealed, correctly (attack 1). */
	reconstructed: number;
}

function attack(t: Target, seen: Map<string, Observation>, maxError: number, { scopes, specialties }: typeof FULL): Findings {
	const queries = grid(scopes, specialties);
	const lines = linesOf(scopes, SECTORS, STAFF, specialties);
	const known = new Map<string, Exact>();
	for (const [k, o] of seen) {
		const exact = reconstruct(o);
		if (exact) known.set(k, exact);
	}
	const reconstructed = queries.filter((q) => {
		const got = known.get(keyOf(q));
		return got && got.n > 0 && same(got, truth(t.people, q));
	}).length;
	const solved = difference(known, lines);
	const ranges = differenceBounds(new Map([...seen].map(([k, o]) => [k, o.count])), lines, maxError, 8);
	const findings: Findings = { smallCounts: [], people: [], pinnedByBounds: [], reconstructed };
	for (const q of queries) {
		const k = keyOf(q);
		const real = truth(t.people, q);
		if (real.n < 1 || real.n > 7) continue;
		const got = solved.get(k);
		if (got && got.n === real.n) findings.smallCounts.push({ key: k, n: real.n });
		if (got && real.n === 1 && same(got, real)) findings.people.push(k);
		const [low, high] = ranges.get(k) ?? [1, 7];
		if (low === high && low === real.n) findings.pinnedByBounds.push(k);
	}
	return findings;
}

/** Attack 3: a group read before and after one person joins it; their ratings are the difference. */
async function poll(t: Target, group: Query, newcomer: Person, waitMs: number) {
	const before = observe(await query(t, group));
	await t.respondent.survey.submit.mutate({ submissionId: randomUUID(), answers: answersOf(newcomer) });
	t.people.push(newcomer);
	await new Promise((ok) => setTimeout(ok, waitMs));
	const afterResult = await query(t, group);
	const after = observe(afterResult);
	const [a, b] = [reconstruct(before), reconstruct(after)];
	const ratings =
		a && b && b.n - a.n === 1
			? Object.fromEntries(
					Object.entries(b.sums).map(([c, s]) => [
						c,
						{ importance: s.importance - a.sums[c].importance, confidence: s.confidence - a.sums[c].confidence }
					])
				)
			: null;
	return {
		before,
		after,
		snapshot: (afterResult as { snapshot: { takenAt: string } }).snapshot,
		recovered: ratings !== null && same({ n: 1, sums: ratings }, { n: 1, sums: newcomer.ratings })
	};
}

const HEALTH_JUSTICE: Query = { scope: LONDON, sector: 'health_justice', staffGroup: ALL, specialty: ALL };
const newcomer = (random: () => number): Person => ({
	...people(random)[0],
	sector: 'health_justice',
	staffGroup: 'pharmacy_technician',
	specialty: 'general'
});

describe('against the protected server (cell key method, snapshots)', () => {
	let t: Target;
	let seen: Map<string, Observation>;
	beforeAll(async () => {
		t = await target({ DASHBOARD_SNAPSHOT_SECONDS: '1', DASHBOARD_SNAPSHOT_MIN_RESPONSES: '5' });
		seen = await observeAll(t, grid(FULL.scopes, FULL.specialties));
	}, 600_000);
	afterAll(async () => {
		await t?.stop();
	});

	it('reveals no exact count of a published group from its means, and so no small group by differencing', () => {
		const found = attack(t, seen, 2 + 2.5, FULL);
		// Means fit every nearby size equally well, so a unique fit is luck, and rare.
		expect(found.reconstructed).toBeLessThanOrEqual(2);
		expect(found.smallCounts).toEqual([]);
		expect(found.people).toEqual([]);
		expect(found.pinnedByBounds).toEqual([]);
	});

	it('shows a group the same however the query reaches it', async () => {
		// The 12 Midlands industry pharmacists are England's only industry respondents: four routes, one group.
		const routes: Observation[] = [];
		for (const q of [
			{ scope: ENGLAND, sector: 'industry', staffGroup: ALL, specialty: ALL },
			{ scope: ENGLAND, sector: 'industry', staffGroup: 'pharmacist', specialty: ALL },
			{ scope: 'E40000011', sector: 'industry', staffGroup: ALL, specialty: ALL },
			{ scope: 'E40000011', sector: 'industry', staffGroup: 'pharmacist', specialty: ALL }
		])
			routes.push(observe(await query(t, q)));
		expect(routes[0].count).not.toBeNull();
		for (const r of routes) expect(r).toEqual(routes[0]);
	});

	it('does not move for one new submission, and gives away no one when it moves', async () => {
		const random = prng(7);
		const first = newcomer(random);
		const polled = await poll(t, HEALTH_JUSTICE, first, 1_500);
		// One response is below the snapshot's minimum: the figures have not moved at all.
		expect(polled.after).toEqual(polled.before);
		expect(polled.recovered).toBe(false);
		// Four more (the minimum is 5), the last in the same group: now the figures move, but
		// differencing the group's two snapshots does not give the newcomers' ratings.
		for (let i = 0; i < 3; i++)
			await t.respondent.survey.submit.mutate({
				submissionId: randomUUID(),
				answers: answersOf({ ...people(random)[i + 40], region: 'E40000011' })
			});
		const second = newcomer(random);
		const moved = await poll(t, HEALTH_JUSTICE, second, 1_500);
		expect(moved.snapshot.takenAt).not.toBe(polled.snapshot.takenAt);
		expect(moved.recovered).toBe(false);
		expect(reconstruct(moved.after)).toBeNull();
	});
});

describe('against the same server with the protection switched off (proof that the attacks work)', () => {
	let t: Target;
	let seen: Map<string, Observation>;
	// London's sector × staff group breakdown is enough to show the attacks work.
	const LONDON_ONLY = { scopes: [LONDON], specialties: [] };
	beforeAll(async () => {
		t = await target({ DISCLOSURE_CELL_KEY: 'off', DASHBOARD_SNAPSHOT_SECONDS: '0', DASHBOARD_SNAPSHOT_MIN_RESPONSES: '1' });
		seen = await observeAll(t, grid(LONDON_ONLY.scopes, LONDON_ONLY.specialties));
	}, 600_000);
	afterAll(async () => {
		await t?.stop();
	});

	it('recovers small groups exactly, and one person’s every rating, by reconstruction and differencing', () => {
		const found = attack(t, seen, 2.5, LONDON_ONLY);
		expect(found.reconstructed).toBeGreaterThanOrEqual(10);
		const keys = found.smallCounts.map((c) => c.key);
		// The three London hospital technicians and the one health-and-justice technician, by name.
		expect(keys).toContain(keyOf({ scope: LONDON, sector: 'hospital', staffGroup: 'pharmacy_technician', specialty: ALL }));
		expect(found.people).toContain(keyOf({ scope: LONDON, sector: 'health_justice', staffGroup: 'pharmacy_technician', specialty: ALL }));
		expect(found.smallCounts.length).toBeGreaterThanOrEqual(4);
	});

	it('recovers a newcomer’s every rating by polling before and after their submission', async () => {
		const polled = await poll(t, HEALTH_JUSTICE, newcomer(prng(7)), SETTLE_MS + 300);
		expect(polled.recovered).toBe(true);
	});
});
