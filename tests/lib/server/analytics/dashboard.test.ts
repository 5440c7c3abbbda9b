// The dashboard's coverage on a real DuckDB file with known people: respondents over the workforce of
// the same people (the chosen staff group's, from data/reference/workforce.csv), and no coverage at
// all for a sector or specialty, which have no workforce figures. Perturbation is switched off here so
// every expected figure can be worked out by hand; rounding to 5 and the threshold still apply.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../../../src/lib/server/db/database';
import { instrument } from '../../../../src/lib/instrument/survey';
import { LiveCube } from '../../../../src/lib/server/analytics/live-cube';
import { COVERAGE_UNAVAILABLE, dashboard, type Dashboard, type DashboardFilter } from '../../../../src/lib/server/analytics/dashboard';
import { NHS_DIGITAL_RULE } from '../../../../pipelines/disclosure/protect';
import { loadSuccessMeasures, WORKFORCE_CSV, competencies } from '../../../../pipelines/core/reference';
import { tempDir } from '../../../../bench/kit/server';
import { timeStatements } from '../../../../pipelines/core/sql';
import { STAGES } from '../../../../pipelines/stages';

const ENGLAND = 'E92000001';
const LONDON = 'E40000003';
const MIDLANDS = 'E40000011';
const settings = { rule: { ...NHS_DIGITAL_RULE, perturbation: null }, measures: loadSuccessMeasures(), workforceCsv: WORKFORCE_CSV };

let folder: ReturnType<typeof tempDir>;
let dir: string;
let db: Database;
let cube: LiveCube;

/** `n` people of one region, sector and staff group, every rating 3. */
const people = (n: number, region: string, sector: string, staffGroup: string) =>
	Array.from({ length: n }, () => ({ region, sector, staffGroup }));

beforeAll(async () => {
	folder = tempDir();
	dir = folder.path;
	db = await Database.open(join(dir, 'survey.duckdb'), instrument);
	const all = [
		...people(885, LONDON, 'hospital', 'pharmacist'),
		...people(150, LONDON, 'hospital', 'support_worker'),
		...people(150, MIDLANDS, 'community', 'support_worker')
	];
	const ratingColumns = competencies.flatMap((c) => [`imp_${c.code}`, `conf_${c.code}`]);
	const values = all.map(
		(p, i) =>
			`(uuid(), 'R', '2026-27', 'i', '1', '{}', 'h${i}', now() - INTERVAL 1 HOUR, ${i % 256}, '${p.region}', '${p.sector}', '${p.staffGroup}', ['general'], ${ratingColumns.map(() => 3).join(', ')})`
	);
	await db.write(async (c) => {
		await c.run(`INSERT INTO waves (id, label, status) VALUES ('2026-27', '2026/27', 'open')`);
		await c.run(
			`INSERT INTO responses (submission_id, receipt, wave_id, instrument_id, instrument_version, answers, answers_hash, submitted_at, record_key,
				region, sector, staff_group, specialties, ${ratingColumns.join(', ')}) VALUES ${values.join(',\n')}`
		);
	});
	cube = new LiveCube(db, { everySeconds: 3600, minNewResponses: 1 });
	await cube.publishNow();
}, 120_000);
afterAll(async () => {
	await db?.close();
	folder?.remove();
});

const figures = (f: DashboardFilter) => cube.use(settings.measures, (c) => dashboard(c, f, settings));
const coverageOf = (d: Dashboard, region: string) =>
	d.tables.find((t) => t.name === 'coverage_by_region_staff_group')!.rows.find((r) => r.region_code === region && r.staff_group === 'all');
const workforceReached = (d: Dashboard, region: string) =>
	d.tables
		.find((t) => t.name === 'success_measures')!
		.rows.find((r) => r.measure_id === 'aim3_response_coverage' && r.region_code === region)!;

describe('dashboard coverage', () => {
	it('divides support workers in England by the 30,000 support workers, not the whole workforce', async () => {
		const d = await figures({ scope: ENGLAND, staffGroup: 'support_worker' });
		expect(coverageOf(d, ENGLAND)).toMatchObject({ respondents: 300, workforce: 30000, coverage_percent: 1 });
		// London's 150 support workers over London's 5,100.
		expect(coverageOf(d, LONDON)).toMatchObject({ respondents: 150, workforce: 5100, coverage_percent: 2.9 });
		expect(workforceReached(d, ENGLAND)).toMatchObject({ value: 1, base: 30000 });
		expect(d.coverageNote).toBeNull();
		expect(d.charts.map((c) => c.id)).toContain('coverage-by-region');
	});

	it('divides London pharmacists by London’s 8,840 pharmacists, so the measure is green, not red', async () => {
		const d = await figures({ scope: LONDON, staffGroup: 'pharmacist' });
		expect(coverageOf(d, LONDON)).toMatchObject({ respondents: 885, workforce: 8840, coverage_percent: 10 });
		expect(workforceReached(d, LONDON)).toMatchObject({ value: 10, base: 8840, target: 10, rag: 'green' });
		// The whole of London: 1,035 of 20,400.
		const all = await figures({ scope: LONDON });
		expect(coverageOf(all, LONDON)).toMatchObject({ respondents: 1035, workforce: 20400, coverage_percent: 5.1 });
		expect(workforceReached(all, LONDON)).toMatchObject({ value: 5.1, rag: 'red' });
	});

	it('says coverage is not available for a sector or specialty, with no coverage figures and no status', async () => {
		for (const filter of [{ sector: 'hospital' }, { specialty: 'general' }, { sector: 'community', staffGroup: 'support_worker' }]) {
			const d = await figures({ scope: ENGLAND, ...filter });
			expect(d.coverageNote).toBe(COVERAGE_UNAVAILABLE);
			expect(COVERAGE_UNAVAILABLE).toBe(
				'Coverage is not available when a sector or specialty is chosen: there are no workforce figures by sector or specialty.'
			);
			expect(d.tables.find((t) => t.name === 'coverage_by_region_staff_group')!.rows).toEqual([]);
			expect(d.charts.map((c) => c.id)).not.toContain('coverage-by-region');
			expect(workforceReached(d, ENGLAND)).toMatchObject({ value: null, rag: null, change: null });
		}
	});
});

describe('profiling a view (bench/first-views.ts)', () => {
	it('times every stage of the list, and every statement, only while asked, with the same figures', async () => {
		const stages: string[] = [];
		const statements: Array<[string, number]> = [];
		timeStatements((sql, ms) => statements.push([sql, ms]));
		let timed: Dashboard;
		try {
			timed = await cube.use(settings.measures, (c) =>
				dashboard(c, { scope: LONDON }, settings, '', async (name, job) => {
					stages.push(name);
					return job();
				})
			);
		} finally {
			timeStatements(undefined);
		}
		expect([...stages].sort()).toEqual(STAGES.map((s) => s.name).sort());
		expect(statements.length).toBeGreaterThan(0);
		expect(statements.every(([sql, ms]) => sql.length > 0 && ms >= 0)).toBe(true);
		const counted = statements.length;
		const untimed = await figures({ scope: LONDON });
		expect(statements.length).toBe(counted);
		expect(untimed.tables).toEqual(timed.tables);
	});
});
