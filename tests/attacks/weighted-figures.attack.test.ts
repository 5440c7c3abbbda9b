// The weighted-figures attack of issue 17, played by regional planners on the dashboard's own figures
// (the dashboard function over a real DuckDB file; the regional view is tableForPlanner, applied inside
// it). In each region × sector a pharmacist cell of 8–20 people holds 1–7 "yes" answers per success
// measure, and the other staff groups of that sector are 1–3 people each. Filtered to the sector, the
// region's weighted share rests on the pharmacist cell alone, so it is that cell's share: with the
// protection off it gives the small "yes" count (which success_measures would hide as 1–7 under the
// old rule) within ±1 nearly every time. With protection on the weighted share may tell no more than
// the cell's own published (noisy) share does, and a filtered view's cells of 1–7 people change no
// weighted figure: they enter only pooled with others (docs/weighting.md), and a pool of them that is
// itself too small is hidden.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/lib/server/db/database';
import { instrument } from '../../src/lib/instrument/survey';
import { LiveCube } from '../../src/lib/server/analytics/live-cube';
import { dashboard, type DashboardFilter } from '../../src/lib/server/analytics/dashboard';
import { NHS_DIGITAL_RULE, ROUNDING_ONLY, type DisclosureRule } from '../../pipelines/disclosure/protect';
import { competencies, loadSuccessMeasures, WORKFORCE_CSV } from '../../pipelines/core/reference';
import { tempDir } from '../../bench/kit/server';
import { prng, ratingFrom } from './attacker';

const REGIONS = ['E40000003', 'E40000005', 'E40000006', 'E40000011'];
const SECTORS = ['community', 'hospital', 'general_practice', 'mental_health'];
/** Share measures with the answer counted as "yes" and one counted as "no". */
const MEASURES: Array<{ id: string; question: string; yes: string; no: string }> = [
	{ id: 'aim2_network_member', question: 'network_member', yes: 'yes', no: 'no' },
	{ id: 'aim2_mentor_access', question: 'mentor_access', yes: 'yes', no: 'no' },
	{ id: 'aim1_resources_used', question: 'aware_resources', yes: 'used', no: 'no' },
	{ id: 'aim2_champions', question: 'champion_willing', yes: 'champion', no: 'no' }
];
const measures = loadSuccessMeasures();
const RATING_COLUMNS = competencies.flatMap((c) => [`imp_${c.code}`, `conf_${c.code}`]);

interface Person {
	region: string;
	sector: string;
	staffGroup: string;
	/** Tags the small cells' people, so they can be found and flipped. */
	receipt: string;
	answers: Record<string, string>;
	ratings: number[];
	key: number;
}

/** The hidden truth the attacker is after: each pharmacist cell's size and "yes" count per measure. */
interface Cell {
	region: string;
	sector: string;
	size: number;
	yes: Record<string, number>;
}

let folder: ReturnType<typeof tempDir>;
let dir: string;
let db: Database;
let cube: LiveCube;
const cells: Cell[] = [];

async function store(people: Person[]) {
	const q = (s: string) => `'${s}'`;
	const values = people.map(
		(p) =>
			`(uuid(), ${q(p.receipt)}, '2026-27', 'i', '1', '{}', 'h', now() - INTERVAL 1 HOUR, ${p.key}, ${q(p.region)}, ${q(p.sector)}, ${q(p.staffGroup)}, ['general'], ${MEASURES.map((m) => q(p.answers[m.question])).join(', ')}, ${p.ratings.join(', ')})`
	);
	await db.write((c) =>
		c.run(
			`INSERT INTO responses (submission_id, receipt, wave_id, instrument_id, instrument_version, answers, answers_hash, submitted_at, record_key,
				region, sector, staff_group, specialties, ${MEASURES.map((m) => m.question).join(', ')}, ${RATING_COLUMNS.join(', ')}) VALUES ${values.join(',\n')}`
		)
	);
}

beforeAll(async () => {
	folder = tempDir();
	dir = folder.path;
	db = await Database.open(join(dir, 'survey.duckdb'), instrument);
	await db.write((c) => c.run(`INSERT INTO waves (id, label, status) VALUES ('2026-27', '2026/27', 'open')`));
	cube = new LiveCube(db, { everySeconds: 3600, minNewResponses: 1 });
	const random = prng(20261703);
	const int = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
	const people: Person[] = [];
	const person = (
		region: string,
		sector: string,
		staffGroup: string,
		receipt: string,
		yes: (m: (typeof MEASURES)[number]) => boolean
	): Person => ({
		region,
		sector,
		staffGroup,
		receipt,
		answers: Object.fromEntries(MEASURES.map((m) => [m.question, yes(m) ? m.yes : m.no])),
		ratings: RATING_COLUMNS.map(() => ratingFrom(random)),
		key: int(0, 255)
	});
	for (const region of REGIONS)
		for (const sector of SECTORS) {
			const size = int(8, 20);
			const yes = Object.fromEntries(MEASURES.map((m) => [m.id, int(1, 7)]));
			cells.push({ region, sector, size, yes });
			// The first `yes` pharmacists say yes to a measure.
			for (let i = 0; i < size; i++) people.push(person(region, sector, 'pharmacist', 'R', (m) => i < yes[m.id]));
			for (const [staffGroup, most] of [
				['pharmacy_technician', 3],
				['support_worker', 2]
			] as const)
				for (let i = int(1, most); i > 0; i--)
					people.push(person(region, sector, staffGroup, `SMALL|${region}|${sector}`, () => random() < 0.5));
		}
	await store(people);
	await cube.publishNow();
}, 120_000);

afterAll(async () => {
	await db?.close();
	folder?.remove();
});

const figures = (rule: DisclosureRule, filter: DashboardFilter) =>
	cube.use(measures, (c) => dashboard(c, filter, { rule, measures, workforceCsv: WORKFORCE_CSV }));
type Figures = Awaited<ReturnType<typeof figures>>;
const rowsOf = (d: Figures, name: string) => d.tables.find((t) => t.name === name)!.rows;

/** The attacker's ±1 hits at each cell's "yes" count: from the region's weighted share filtered to the
 *  sector, and from the success measure of the same people (sector and pharmacists) as published. */
async function attack(rule: DisclosureRule) {
	let fromWeighted = 0;
	let fromPublished = 0;
	// Chance: the best guess knowing nothing, 4 (the middle of 1–7), is within ±1 of 3 counts in 7.
	let byChance = 0;
	let trials = 0;
	for (const cell of cells) {
		const weighted = rowsOf(await figures(rule, { scope: cell.region, sector: cell.sector }), 'weighted_figures');
		const published = rowsOf(
			await figures(rule, { scope: cell.region, sector: cell.sector, staffGroup: 'pharmacist' }),
			'success_measures'
		);
		for (const m of MEASURES) {
			const w = weighted.find((r) => r.region_code === cell.region && r.figure_kind === 'measure' && r.figure_id === m.id)?.weighted as
				number | null | undefined;
			const p = published.find((r) => r.region_code === cell.region && r.measure_id === m.id && r.wave === '2026-27')?.value as
				number | null | undefined;
			const near = (share: number | null | undefined) =>
				share !== null && share !== undefined && Math.abs(Math.round((share / 100) * cell.size) - cell.yes[m.id]) <= 1;
			trials++;
			if (near(w)) fromWeighted++;
			if (near(p)) fromPublished++;
			if (Math.abs(4 - cell.yes[m.id]) <= 1) byChance++;
		}
	}
	const pct = (x: number) => Math.round((1000 * x) / trials) / 10;
	return { trials, fromWeighted: pct(fromWeighted), fromPublished: pct(fromPublished), byChance: pct(byChance) };
}

const results: Record<string, Awaited<ReturnType<typeof attack>>> = {};
afterAll(() => console.log(`weighted figures, a hidden "yes" count of 1–7 within ±1 (% of trials): ${JSON.stringify(results)}`));

describe('weighted figures as a regional planner sees them', () => {
	it('with protection off (ROUNDING_ONLY), give a cell’s small "yes" count within ±1 in most trials: the attack works', async () => {
		const r = (results.unprotected = await attack(ROUNDING_ONLY));
		expect(r.trials).toBe(REGIONS.length * SECTORS.length * MEASURES.length);
		expect(r.fromWeighted).toBeGreaterThanOrEqual(90);
	}, 240_000);

	it('with protection on, tell no more about a small "yes" count than the same people’s published share', async () => {
		const r = (results.protected = await attack(NHS_DIGITAL_RULE));
		expect(r.fromWeighted).toBeLessThanOrEqual(r.fromPublished + 5);
		// No better than chance, within the sampling error of 64 trials (one standard error, 6 points).
		expect(r.fromWeighted).toBeLessThanOrEqual(r.byChance + 6);
	}, 240_000);

	it('with protection on, let no filtered cell of 1–7 people move a figure: flipping every answer of theirs changes no weighted figure', async () => {
		const region = REGIONS[0];
		const seen = async () => {
			const out = [];
			for (const sector of SECTORS)
				for (const r of rowsOf(await figures(NHS_DIGITAL_RULE, { scope: region, sector }), 'weighted_figures'))
					out.push({
						region: r.region_code,
						kind: r.figure_kind,
						id: r.figure_id,
						statistic: r.statistic,
						weighted: r.weighted,
						ess: r.effective_sample_size,
						method: r.method
					});
			return out;
		};
		const before = await seen();
		expect(before.some((r) => r.weighted !== null)).toBe(true);
		// Every small cell's people in the region answer the other way: yes for no, 6 − r for a rating.
		const flips = [
			...MEASURES.map((m) => `${m.question} = CASE ${m.question} WHEN '${m.yes}' THEN '${m.no}' ELSE '${m.yes}' END`),
			...RATING_COLUMNS.map((c) => `${c} = 6 - ${c}`)
		];
		await db.write((c) => c.run(`UPDATE responses SET ${flips.join(', ')} WHERE receipt LIKE 'SMALL|${region}|%'`));
		await cube.publishNow();
		const after = await seen();
		expect(after).toEqual(before);
	}, 240_000);
});
