// The region-against-England attack of issue 17: under a filter, the London planner's region-against-
// England rows used to be suppressed when the rest of England had 1–7 people and to have no verdict when
// it had none, so the flags sorted other regions' small cells into 0, 1–7 and 8 or more. Here the rest
// of England's health-and-justice people go from 0 to 3 to 20 (on one server, so London's people and
// their record keys stay exactly the same) and everything the London planner sees from reports.dashboard
// under 15 filter sets must stay the same: every chart and table, region against England included.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Answers } from '../../src/lib/instrument/types';
import { PASSWORD } from '../helpers/accounts';
import { completeAnswers } from '../../bench/kit/answers';
import type { RunningServer } from '../../bench/kit/server';
import { SETTLE_MS, targetServer, type TargetServer } from './target-server';
import { clientFor, signIn } from '../../bench/kit/trpc';
import { prng, realisticRatings, type Ratings } from './attacker';

const LONDON = 'E40000003';
const HEALTH_JUSTICE = 'health_justice';

interface Person {
	region: string;
	sector: string;
	staffGroup: string;
	specialty: string;
	ratings: Ratings;
}

function answersOf(p: Person): Answers {
	const ratings: Answers = {};
	for (const [competency, r] of Object.entries(p.ratings))
		Object.assign(ratings, { [`imp_${competency}`]: r.importance, [`conf_${competency}`]: r.confidence });
	return completeAnswers(0, { region: p.region, sector: p.sector, staff_group: p.staffGroup, specialties: [p.specialty], ...ratings });
}

const STAFF = ['pharmacist', 'pharmacy_technician', 'support_worker'];
const SPECIALTIES = ['general', 'oncology_haematology', 'cardiology_lipids'];

/** The filter sets: every one narrows the figures (the region as a whole keeps its verdict by design). */
const FILTERS: Array<{ sector?: string; staffGroup?: string; specialty?: string; breakdown?: string[] }> = [
	{ sector: HEALTH_JUSTICE },
	...STAFF.map((staffGroup) => ({ sector: HEALTH_JUSTICE, staffGroup })),
	...SPECIALTIES.map((specialty) => ({ sector: HEALTH_JUSTICE, specialty })),
	...STAFF.map((staffGroup) => ({ staffGroup })),
	...SPECIALTIES.map((specialty) => ({ specialty })),
	{ sector: 'hospital' },
	{ sector: HEALTH_JUSTICE, breakdown: ['staff_group', 'specialty'] }
];

let target: TargetServer | undefined;
let server: RunningServer;
let random: () => number;
const views: Array<Array<Record<string, unknown>>> = [];
/** Control: London's rows of region against England as England's planner sees them under the filter. */
const national: unknown[] = [];

const pause = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

beforeAll(async () => {
	target = await targetServer({ DASHBOARD_SNAPSHOT_SECONDS: '0', DASHBOARD_SNAPSHOT_MIN_RESPONSES: '1' });
	server = target.server;
	const respondent = clientFor(server.url);
	random = prng(20261704);
	const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
	const person = (region: string, sector: string, staffGroup = pick(STAFF)): Person => ({
		region,
		sector,
		staffGroup,
		specialty: pick(SPECIALTIES),
		ratings: realisticRatings(random)
	});
	const submit = async (people: Person[]) => {
		for (let i = 0; i < people.length; i += 25)
			await Promise.all(
				people.slice(i, i + 25).map((p) => respondent.survey.submit.mutate({ submissionId: randomUUID(), answers: answersOf(p) }))
			);
		// The next snapshot holds responses submitted until SETTLE_MS before it.
		await pause(SETTLE_MS + 300);
	};
	// London: health and justice (12 pharmacists, 4 technicians, 2 support workers) and larger sectors;
	// elsewhere: no health and justice at first.
	const london = [
		...Array.from({ length: 12 }, () => person(LONDON, HEALTH_JUSTICE, 'pharmacist')),
		...Array.from({ length: 4 }, () => person(LONDON, HEALTH_JUSTICE, 'pharmacy_technician')),
		...Array.from({ length: 2 }, () => person(LONDON, HEALTH_JUSTICE, 'support_worker')),
		...Array.from({ length: 80 }, () => person(LONDON, 'hospital')),
		...Array.from({ length: 40 }, () => person(LONDON, 'community'))
	];
	const elsewhere = ['E40000005', 'E40000011', 'E40000010'].flatMap((region) => [
		...Array.from({ length: 40 }, () => person(region, 'hospital')),
		...Array.from({ length: 20 }, () => person(region, 'community'))
	]);
	await submit([...london, ...elsewhere]);
	const { client: planner } = await signIn(server.url, 'london@example.org', PASSWORD);
	const { client: nationalPlanner } = await signIn(server.url, 'national@example.org', PASSWORD);
	const look = async () => {
		const england = await nationalPlanner.reports.dashboard.query({ region: 'E92000001', sector: HEALTH_JUSTICE } as never);
		national.push(england.comparisons.region_against_england.filter((r) => r.region_code === LONDON));
		const out = [];
		for (const f of FILTERS) {
			const { snapshot: _snapshot, ...seen } = await planner.reports.dashboard.query({ region: LONDON, ...f } as never);
			out.push(seen as Record<string, unknown>);
		}
		return out;
	};
	// The rest of England under health and justice: 0 people, then 3, then 20, in three regions.
	views.push(await look());
	await submit([
		person('E40000011', HEALTH_JUSTICE, 'pharmacist'),
		person('E40000011', HEALTH_JUSTICE, 'pharmacy_technician'),
		person('E40000005', HEALTH_JUSTICE, 'pharmacist')
	]);
	views.push(await look());
	await submit(Array.from({ length: 17 }, (_, i) => person(['E40000005', 'E40000011', 'E40000010'][i % 3], HEALTH_JUSTICE)));
	views.push(await look());
}, 300_000);

afterAll(async () => {
	await target?.stop();
});

describe('what a London planner sees under a filter, whatever other regions’ small cells hold', () => {
	it('has figures and a region-against-England table to compare', () => {
		expect(views).toHaveLength(3);
		expect(views[0]).toHaveLength(FILTERS.length);
		const first = views[0][0] as { respondents: number | null; comparisons: { region_against_england: Array<Record<string, unknown>> } };
		expect(first.respondents).not.toBeNull();
		expect(first.comparisons.region_against_england.length).toBeGreaterThan(0);
		// Only London's rows, with no verdict and none of England's side.
		for (const r of first.comparisons.region_against_england)
			expect(r).toMatchObject({ region_code: LONDON, against_england: null, rest_of_england_base: null, england_value: null });
	});

	it('changes what England’s planner sees (the control): the variants do differ outside London', () => {
		expect(national).toHaveLength(3);
		expect(national[1]).not.toEqual(national[0]);
		expect(national[2]).not.toEqual(national[1]);
	});

	it.each(FILTERS.map((f, i) => [JSON.stringify(f), i] as const))('is identical with 0, 3 or 20 people elsewhere: %s', (_, i) => {
		expect(views[1][i]).toEqual(views[0][i]);
		expect(views[2][i]).toEqual(views[0][i]);
	});
});
