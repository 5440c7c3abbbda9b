// Planner analytics over real HTTP against the built server and a real DuckDB file of synthetic
// responses: every procedure for every role, regional isolation, bad input, and a disclosure scan.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../../../../src/lib/server/db/database';
import { instrument } from '../../../../../src/lib/instrument/survey';
import { regions } from '../../../../../src/lib/instrument/reference';
import { generateResponses } from '../../../../../pipelines/sources/synthetic';
import { createAccounts, PASSWORD } from '../../../../helpers/accounts';
import { startServer, tempDir, type RunningServer } from '../../../../../bench/kit/server';
import { clientFor, failureOf, signIn } from '../../../../../bench/kit/trpc';
import { filterOf } from '../../../../../src/lib/server/trpc/routers/reports';

const ENGLAND = 'E92000001';
const LONDON = 'E40000003';
const MIDLANDS = 'E40000011';
const COUNTS = new Set(['respondents', 'base', 'numerator']);

const dir = tempDir();
const databasePath = join(dir.path, 'survey.duckdb');
let server: RunningServer;
type Client = ReturnType<typeof clientFor>;
const as: Record<'national' | 'london' | 'admin', Client> = {} as never;
let londonCookie: string;

beforeAll(async () => {
	await createAccounts(databasePath);
	const db = await Database.open(databasePath, instrument);
	await db.write(async (c) => {
		await generateResponses(c, { n: 4000, seed: 3, waveId: '2025-26' });
		await generateResponses(c, { n: 4000, seed: 4, waveId: '2026-27', progress: 1 });
	});
	await db.close();
	server = await startServer({ databasePath, env: { SETTINGS_DIR: join(dir.path, 'settings'), PIPELINE_OUT: join(dir.path, 'reports') } });
	as.national = (await signIn(server.url, 'national@example.org', PASSWORD)).client;
	as.admin = (await signIn(server.url, 'admin@example.org', PASSWORD)).client;
	const london = await signIn(server.url, 'london@example.org', PASSWORD);
	as.london = london.client;
	londonCookie = london.cookie;
});
afterAll(async () => {
	await server?.stop();
	dir.remove();
});

/** Every object anywhere in a result, with the path to it. */
function* objects(value: unknown, path = '$'): Generator<[string, Record<string, unknown>]> {
	if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* objects(v, `${path}[${i}]`);
	else if (value && typeof value === 'object') {
		yield [path, value as Record<string, unknown>];
		for (const [k, v] of Object.entries(value)) yield* objects(v, `${path}.${k}`);
	}
}

/** Every count of people is 0, suppressed (null), or at least the threshold and a multiple of 5. */
function expectDisclosureControlled(result: unknown, threshold = 8) {
	let counts = 0;
	for (const [path, o] of objects(result)) {
		for (const [k, v] of Object.entries(o)) {
			if (!COUNTS.has(k) || v === null || v === 0 || typeof v !== 'number') continue;
			counts++;
			expect(v, `${path}.${k}`).toBeGreaterThanOrEqual(threshold);
			expect(v % 5, `${path}.${k} = ${v} is not rounded to 5`).toBe(0);
		}
	}
	expect(counts).toBeGreaterThan(0);
	expect(JSON.stringify(result)).not.toContain('synthetic comment');
}

/** Region codes a result mentions anywhere (rows, spec data, tables). */
const regionCodesIn = (result: unknown) => new Set([...objects(result)].map(([, o]) => o.region_code).filter((c) => typeof c === 'string'));

const procedures: Record<string, (c: Client, region?: string) => Promise<unknown>> = {
	'reports.summary': (c, region) => c.reports.summary.query({ region }),
	'reports.dashboard': (c, region) => c.reports.dashboard.query({ region }),
	'reports.options': (c) => c.reports.options.query()
};

describe('access', () => {
	for (const [name, call] of Object.entries(procedures)) {
		it(`${name}: 401 without a session; allowed for national planners, regional planners and admins`, async () => {
			expect(await failureOf(call(clientFor(server.url)))).toMatchObject({ code: 'UNAUTHORIZED', status: 401 });
			for (const c of [as.national, as.london, as.admin]) expect(await call(c)).toBeTruthy();
		});
	}

	it('sends Cache-Control: no-store with the figures', async () => {
		const response = await fetch(`${server.url}/api/trpc/reports.summary`, { headers: { cookie: londonCookie } });
		expect(response.status).toBe(200);
		expect(response.headers.get('cache-control')).toBe('no-store');
	});
});

describe('reports.summary', () => {
	it('gives national planners and admins England by default and any region on request', async () => {
		for (const c of [as.national, as.admin]) {
			const england = await c.reports.summary.query({});
			expect(england).toMatchObject({ region: { code: ENGLAND }, wave: { id: '2026-27' }, respondents: 4000, threshold: 8 });
			expect(england.needs).toHaveLength(11);
			expect(england.needs[0]).toMatchObject({ region_code: ENGLAND, rank: 1 });
			expect(england.successMeasures.length).toBeGreaterThan(5);
			expect(england.successMeasures.every((m) => m.wave === '2026-27' && m.region_code === ENGLAND)).toBe(true);
			const midlands = await c.reports.summary.query({ region: MIDLANDS, wave: '2025-26' });
			expect(midlands).toMatchObject({ region: { code: MIDLANDS }, wave: { id: '2025-26' } });
			expect(midlands.respondents).toBeLessThan(4000);
		}
	});

	it('gives a regional planner their own region by default, the same figures a national planner sees for it', async () => {
		const own = await as.london.reports.summary.query({});
		expect(own.region).toEqual({ code: LONDON, name: 'London' });
		expect(own).toEqual(await as.national.reports.summary.query({ region: LONDON }));
		expect(await as.london.reports.summary.query({ region: LONDON })).toEqual(own);
	});

	it('is FORBIDDEN to a regional planner for any other region or England', async () => {
		for (const region of [ENGLAND, ...regions.map((r) => r.code).filter((c) => c !== LONDON)]) {
			const failure = await failureOf(as.london.reports.summary.query({ region }));
			expect(failure).toMatchObject({ code: 'FORBIDDEN', status: 403 });
			expect(failure.message).toMatch(/London only/);
		}
	});
});

describe('reports.dashboard', () => {
	it('returns every chart with its spec, protected rows and data table', async () => {
		const d = await as.national.reports.dashboard.query({ sector: 'hospital' });
		// A sector has no workforce figures: no coverage chart, and a note saying why.
		expect(d.charts.map((c) => c.id)).toEqual([
			'needs-ranking',
			'locus-for-focus',
			'ratings-likert',
			'needs-heatmap-sector',
			'success-measures',
			'success-measures-trend',
			'training-done',
			'learning-formats',
			'barriers',
			'needs-heatmap-specialty',
			'pathway-readiness',
			'mentors',
			'change-shares',
			'change-means',
			'region-against-england',
			'weighted-needs'
		]);
		expect(d.coverageNote).toBe(
			'Coverage is not available when a sector or specialty is chosen: there are no workforce figures by sector or specialty.'
		);
		for (const chart of d.charts) {
			expect(chart.spec.$schema).toMatch(/vega-lite/);
			expect(chart.table.columns.length).toBeGreaterThan(1);
		}
		expect(d.waves.map((w) => w.id)).toEqual(['2025-26', '2026-27']);
		// The trend spans both waves; the heatmap has only hospital.
		const trend = d.charts.find((c) => c.id === 'success-measures-trend')!;
		expect(new Set(trend.table.rows.map((r) => r.wave))).toEqual(new Set(['2025-26', '2026-27']));
		const heatmap = d.charts.find((c) => c.id === 'needs-heatmap-sector')!;
		expect(new Set(heatmap.table.rows.map((r) => r.sector))).toEqual(new Set(['hospital']));
		// Coverage shows every region to a national planner (the tile map), for a staff group too.
		const pharmacists = await as.national.reports.dashboard.query({ staffGroup: 'pharmacist' });
		expect(pharmacists.coverageNote).toBeNull();
		expect(regionCodesIn(pharmacists.charts.find((c) => c.id === 'coverage-by-region')).size).toBe(8);
	});

	it('narrows the figures with each filter', async () => {
		const all = await as.national.reports.dashboard.query({});
		const hospital = await as.national.reports.dashboard.query({ sector: 'hospital' });
		const narrow = await as.national.reports.dashboard.query({
			sector: 'hospital',
			staffGroup: 'pharmacist',
			specialty: 'oncology_haematology',
			wave: '2026-27'
		});
		expect(all.respondents).toBe(4000);
		expect(hospital.respondents!).toBeLessThan(all.respondents!);
		expect(narrow.respondents!).toBeLessThan(hospital.respondents!);
		// Nobody matches (trainee technicians work in community pharmacy and hospitals): zero, which the page
		// shows as one message; the charts (all but coverage, as a sector is chosen) are still built.
		const nobody = await as.national.reports.dashboard.query({
			region: 'E40000007',
			sector: 'icb',
			staffGroup: 'trainee_pharmacy_technician'
		});
		expect(nobody.respondents).toBe(0);
		expect(nobody.charts).toHaveLength(16);
	});

	it('says in words whether figures changed, how a region stands against England, and what weighting did', async () => {
		const national = await as.national.reports.dashboard.query({});
		const { change_between_waves: change, region_against_england: against, weighted_figures: weighted } = national.comparisons;
		expect(new Set(change.map((r) => r.change))).toContain('increase');
		for (const r of change) expect([null, 'increase', 'decrease', 'no clear change']).toContain(r.change);
		expect(new Set(against.map((r) => r.region_code))).toEqual(new Set(regions.map((r) => r.code)));
		for (const r of against) expect([null, 'above England', 'below England', 'not different from England']).toContain(r.against_england);
		expect(
			weighted
				.filter((r) => r.region_code === ENGLAND && !r.suppressed)
				.every((r) => typeof r.weighted === 'number' && r.effective_sample_size !== null)
		).toBe(true);
		// The words are in the charts' data tables too, not only in colour.
		const table = national.charts.find((c) => c.id === 'change-means')!.table;
		expect(table.columns.map((c) => c.key)).toContain('change');
		expect(table.rows.some((r) => r.change === 'increase')).toBe(true);
		// A regional planner sees their region against England in words, for the region as a whole only:
		// under a filter the rest of England may be a few people elsewhere (pipelines/disclosure/planner-view.ts).
		const whole = await as.london.reports.dashboard.query({});
		expect(whole.comparisons.region_against_england.some((r) => r.against_england !== null)).toBe(true);
		const london = await as.london.reports.dashboard.query({ sector: 'hospital' });
		expect(new Set(london.comparisons.region_against_england.map((r) => r.region_code))).toEqual(new Set([LONDON]));
		expect(london.comparisons.region_against_england.every((r) => r.against_england === null)).toBe(true);
		expect(london.charts.find((c) => c.id === 'region-against-england')!.description).toContain('shown for the region as a whole only');
		// ... and no figure of England or the rest of England at all.
		for (const r of [...whole.comparisons.region_against_england, ...london.comparisons.region_against_england])
			for (const k of ['england_value', 'rest_of_england_value', 'rest_of_england_base', 'difference_from_rest', 'ci_low', 'ci_high'])
				expect(r[k as keyof typeof r], k).toBeNull();
		expectDisclosureControlled(london);
	});

	it('never gives a regional planner another region’s figures, whatever the filters', async () => {
		for (const region of [ENGLAND, MIDLANDS]) {
			expect(await failureOf(as.london.reports.dashboard.query({ region, sector: 'hospital' }))).toMatchObject({
				code: 'FORBIDDEN',
				status: 403
			});
		}
		const filters = [
			{},
			{ region: LONDON },
			{ sector: 'community' },
			{ staffGroup: 'pharmacy_technician', wave: '2025-26' },
			{ specialty: 'mental_health', sector: 'mental_health' }
		];
		for (const filter of filters) {
			const d = await as.london.reports.dashboard.query(filter);
			expect(d.region.code).toBe(LONDON);
			expect([...regionCodesIn(d)]).toEqual([LONDON]);
			expect(d.charts.every((c) => !c.title.includes('England'))).toBe(true);
			expectDisclosureControlled(d);
		}
		// The same figures a national planner gets for London.
		const filter = { sector: 'hospital' } as const;
		expect((await as.london.reports.dashboard.query(filter)).charts).toEqual(
			(await as.national.reports.dashboard.query({ ...filter, region: LONDON })).charts
		);
	});

	it('publishes no count below the threshold, suppressing small cells as null', async () => {
		const small = await as.national.reports.dashboard.query({
			region: MIDLANDS,
			staffGroup: 'support_worker',
			specialty: 'cardiology_lipids'
		});
		expectDisclosureControlled(small);
		expectDisclosureControlled(await as.admin.reports.dashboard.query({}));
		expectDisclosureControlled(await as.national.reports.summary.query({ region: LONDON }));
		// Something in so small a group is suppressed, and shown as null rather than zero.
		const hidden = small.charts.flatMap((c) => c.table.rows).filter((r) => r.suppressed === true);
		expect(hidden.length).toBeGreaterThan(0);
	});
});

describe('bad input', () => {
	it('rejects unknown codes in words and names the field', async () => {
		const cases: Array<[Record<string, string>, string, RegExp]> = [
			[{ sector: 'surgery' }, 'sector', /"surgery" is not a sector\. Use one of: community/],
			[{ staffGroup: 'doctor' }, 'staffGroup', /"doctor" is not a staff group/],
			[{ specialty: 'dermatology' }, 'specialty', /"dermatology" is not a clinical specialty/],
			[{ region: 'E12000007' }, 'region', /"E12000007" is not England \(E92000001\) or an NHS England region code/],
			[{ wave: '2026' }, 'wave', /A wave is written like 2026-27/]
		];
		for (const [input, field, message] of cases) {
			const failure = await failureOf(as.national.reports.dashboard.query(input as never));
			expect(failure).toMatchObject({ code: 'BAD_REQUEST', status: 400 });
			expect(failure.fieldErrors[field]?.join(' '), JSON.stringify(failure)).toMatch(message);
		}
		const failure = await failureOf(as.national.reports.summary.query({ sector: 'hospital' } as never));
		expect(failure).toMatchObject({ code: 'BAD_REQUEST', status: 400 });
	});

	it('answers a wave without figures the same way whether it is planned or unknown, naming no other wave', async () => {
		await as.admin.admin.waves.create.mutate({ id: '2039-40', label: '2039/40' });
		for (const wave of ['2040-41', '2039-40']) {
			const failure = await failureOf(as.national.reports.summary.query({ wave }));
			expect(failure).toMatchObject({ code: 'NOT_FOUND', status: 404 });
			expect(failure.message).toBe(`There are no figures for a wave called "${wave}". Choose one of the waves the dashboard offers.`);
		}
		expect((await as.national.reports.options.query()).waves.map((w) => w.id)).not.toContain('2039-40');
	});
});

describe('reports.options', () => {
	it('offers England and every region to national planners, only their region to regional planners', async () => {
		const national = await as.national.reports.options.query();
		expect(national.regions.map((r) => r.code)).toEqual([ENGLAND, ...regions.map((r) => r.code)]);
		expect(national.waves.map((w) => w.id)).toEqual(['2026-27', '2025-26']);
		expect((await as.london.reports.options.query()).regions).toEqual([{ code: LONDON, name: 'London' }]);
	});
});

describe("the figures a request asks for (the figure cache's key)", () => {
	const national: Parameters<typeof filterOf>[0] = { id: 'n', email: 'national@example.org', role: 'national', region: null };
	const london: Parameters<typeof filterOf>[0] = { id: 'l', email: 'london@example.org', role: 'regional', region: LONDON };

	it("are one view for England asked by its code and by default, and for a regional planner's own region named or not", () => {
		expect(filterOf(national, { region: ENGLAND })).toEqual(filterOf(national, {}));
		expect(filterOf(national, {})).toEqual({ scope: ENGLAND });
		expect(filterOf(london, { region: LONDON, sector: 'hospital' })).toEqual(filterOf(london, { sector: 'hospital' }));
		expect(filterOf(london, {})).toEqual({ scope: LONDON });
	});

	it('keep every filter, and a different region is a different view', () => {
		expect(filterOf(national, { region: MIDLANDS, wave: '2025-26', staffGroup: 'pharmacist' })).toEqual({
			scope: MIDLANDS,
			wave: '2025-26',
			staffGroup: 'pharmacist'
		});
		expect(() => filterOf(london, { region: MIDLANDS })).toThrow(/London only/);
	});
});
