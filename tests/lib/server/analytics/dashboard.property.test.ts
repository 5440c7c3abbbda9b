// Property tests of the dashboard's disclosure control on a real DuckDB file: for random responses
// (random record keys included) and random filter sets, no published count rests on 1–7 people, every
// published count is within the method's error of the truth (worked out here from the raw responses,
// not from the cube), and the same people reached by two routes are published the same way.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Database } from '../../../../src/lib/server/db/database';
import { instrument } from '../../../../src/lib/instrument/survey';
import { LiveCube } from '../../../../src/lib/server/analytics/live-cube';
import { dashboard, type Dashboard, type DashboardFilter } from '../../../../src/lib/server/analytics/dashboard';
import { NHS_DIGITAL_RULE } from '../../../../pipelines/disclosure/protect';
import { loadSuccessMeasures, WORKFORCE_CSV, competencies } from '../../../../pipelines/core/reference';
import { tempDir } from '../../../../bench/kit/server';

const ENGLAND = 'E92000001';
const REGIONS = ['E40000003', 'E40000011', 'E40000005'];
const SECTORS = ['hospital', 'community', 'general_practice', 'health_justice'];
const STAFF = ['pharmacist', 'pharmacy_technician', 'support_worker'];
const SPECIALTIES = ['oncology_haematology', 'cardiology_lipids', 'general'];
const settings = { rule: NHS_DIGITAL_RULE, measures: loadSuccessMeasures(), workforceCsv: WORKFORCE_CSV };

interface Person {
	region: string;
	sector: string;
	staff_group: string;
	specialties: string[];
	key: number;
	ratings: number[];
}

const person = fc.record({
	region: fc.constantFrom(...REGIONS),
	sector: fc.constantFrom(...SECTORS),
	staff_group: fc.constantFrom(...STAFF),
	specialties: fc.subarray(SPECIALTIES, { minLength: 1 }),
	key: fc.integer({ min: 0, max: 255 }),
	ratings: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 2 * competencies.length, maxLength: 2 * competencies.length })
});
// Mostly small groups: many cells of 1 to 7 people, some large enough to publish.
const population = fc.array(person, { minLength: 0, maxLength: 160 });
const filter = fc.record({
	scope: fc.constantFrom(ENGLAND, ...REGIONS),
	sector: fc.option(fc.constantFrom(...SECTORS), { nil: undefined }),
	staffGroup: fc.option(fc.constantFrom(...STAFF), { nil: undefined }),
	specialty: fc.option(fc.constantFrom(...SPECIALTIES), { nil: undefined })
});

let folder: ReturnType<typeof tempDir>;
let dir: string;
let db: Database;
let cube: LiveCube;

beforeAll(async () => {
	folder = tempDir();
	dir = folder.path;
	db = await Database.open(join(dir, 'survey.duckdb'), instrument);
	await db.write((c) => c.run(`INSERT INTO waves (id, label, status) VALUES ('2026-27', '2026/27', 'open')`));
	cube = new LiveCube(db, { everySeconds: 3600, minNewResponses: 1 });
});
afterAll(async () => {
	await db?.close();
	folder?.remove();
});

async function load(people: Person[]) {
	const ratingColumns = competencies.flatMap((c) => [`imp_${c.code}`, `conf_${c.code}`]);
	// Codes and numbers only (from the generators above), so one literal VALUES list is safe and fast.
	const values = people.map(
		(p, i) =>
			`(uuid(), 'R', '2026-27', 'i', '1', '{}', 'h${i}', now() - INTERVAL 1 HOUR, ${p.key}, '${p.region}', '${p.sector}', '${p.staff_group}', [${p.specialties.map((s) => `'${s}'`).join(', ')}], ${p.ratings.join(', ')})`
	);
	await db.write(async (c) => {
		await c.run('DELETE FROM responses');
		if (values.length === 0) return;
		await c.run(
			`INSERT INTO responses (submission_id, receipt, wave_id, instrument_id, instrument_version, answers, answers_hash, submitted_at, record_key,
				region, sector, staff_group, specialties, ${ratingColumns.join(', ')}) VALUES ${values.join(',\n')}`
		);
	});
	await cube.publishNow();
}

const figures = (f: DashboardFilter) => cube.use(settings.measures, (c) => dashboard(c, f, settings));
const rowsOf = (d: Dashboard, name: string) => d.tables.find((t) => t.name === name)!.rows;

/** The people a filter and a row's own grouping cover, counted from the raw list. */
function truth(people: Person[], f: DashboardFilter, row: { region?: string; sector?: string; staff_group?: string; specialty?: string }) {
	return people.filter(
		(p) =>
			(f.scope === ENGLAND || p.region === f.scope) &&
			(!row.region || row.region === ENGLAND || p.region === row.region) &&
			(!f.sector || p.sector === f.sector) &&
			(!f.staffGroup || p.staff_group === f.staffGroup) &&
			(!f.specialty || p.specialties.includes(f.specialty)) &&
			(!row.sector || p.sector === row.sector) &&
			(!row.staff_group || p.staff_group === row.staff_group) &&
			(!row.specialty || p.specialties.includes(row.specialty))
	).length;
}

/** Every published count with the people it rests on. */
function publishedCounts(d: Dashboard, people: Person[], f: DashboardFilter): Array<{ where: string; value: number; truth: number }> {
	const out: Array<{ where: string; value: number; truth: number }> = [];
	const add = (where: string, value: unknown, n: number) =>
		value !== null && value !== undefined && out.push({ where, value: Number(value), truth: n });
	for (const r of rowsOf(d, 'respondents_by_region'))
		add(`respondents ${r.region_code}`, r.respondents, truth(people, f, { region: String(r.region_code) }));
	for (const [table, column] of [
		['respondents_by_region_staff_group', 'staff_group'],
		['respondents_by_region_sector', 'sector'],
		['respondents_by_region_specialty', 'specialty']
	] as const)
		for (const r of rowsOf(d, table))
			add(
				`${table} ${r.region_code} ${r[column]}`,
				r.respondents,
				truth(people, f, { region: String(r.region_code), [column]: String(r[column]) })
			);
	for (const [table, column] of [
		['needs_by_competency_sector', 'sector'],
		['needs_by_competency_staff_group', 'staff_group']
	] as const)
		for (const r of rowsOf(d, table))
			add(`${table} ${r[column]} ${r.competency}`, r.respondents, truth(people, f, { [column]: String(r[column]) }));
	for (const r of rowsOf(d, 'needs_by_competency_region'))
		add(`needs ${r.region_code} ${r.competency}`, r.respondents, truth(people, f, { region: String(r.region_code) }));
	return out;
}

describe('the dashboard under random data and random filters', () => {
	it('never publishes a count resting on 1 to 7 people, and keeps every count within 4.5 of the truth', async () => {
		await fc.assert(
			fc.asyncProperty(population, fc.array(filter, { minLength: 1, maxLength: 4 }), async (people, filters) => {
				await load(people);
				for (const f of filters) {
					for (const c of publishedCounts(await figures(f), people, f)) {
						expect(c.truth === 0 || c.truth >= 8, `${c.where}: ${c.value} published for ${c.truth} people`).toBe(true);
						expect(Math.abs(c.value - c.truth), `${c.where}: ${c.value} for ${c.truth}`).toBeLessThanOrEqual(4.5);
						expect(c.value % 5).toBe(0);
					}
				}
			}),
			{ numRuns: 12 }
		);
	}, 600_000);

	it('publishes the same people the same way whichever route reaches them', async () => {
		await fc.assert(
			fc.asyncProperty(
				population,
				filter,
				fc.constantFrom(...STAFF),
				fc.constantFrom(...SECTORS),
				async (people, f, staffGroup, sector) => {
					await load(people);
					const base = await figures({ ...f, staffGroup: undefined, sector: undefined });
					// Route 1: the scope's row for a staff group. Route 2: the scope's total, filtered to it.
					const byRow = rowsOf(base, 'respondents_by_region_staff_group').find((r) => r.staff_group === staffGroup)!;
					const byFilter = rowsOf(await figures({ ...f, staffGroup, sector: undefined }), 'respondents_by_region')[0];
					if (!byRow.suppressed && !byFilter.suppressed) expect(byRow.respondents).toBe(byFilter.respondents);
					// Needs scores of a sector: its row in the sector table, or the scope's scores filtered to it.
					const sectorRows = rowsOf(base, 'needs_by_competency_sector').filter((r) => r.sector === sector);
					const filtered = rowsOf(await figures({ ...f, staffGroup: undefined, sector }), 'needs_by_competency_region');
					for (const r of sectorRows) {
						const other = filtered.find((x) => x.competency === r.competency)!;
						if (r.suppressed || other.suppressed) continue;
						for (const k of ['respondents', 'mean_importance', 'mean_confidence', 'mean_discrepancy', 'mwds', 'mwds_low', 'mwds_high'])
							expect(r[k], `${sector} ${r.competency} ${k}`).toBe(other[k]);
					}
				}
			),
			{ numRuns: 12 }
		);
	}, 600_000);
});
