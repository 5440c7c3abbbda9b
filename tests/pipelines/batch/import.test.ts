// Import: every bad row reported with its line and reason, none of it stored; good rows kept;
// importing the same file twice stores nothing twice; label exports through a mapping file.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../../src/lib/server/db/database';
import { instrument } from '../../../src/lib/instrument/survey';
import { ensureDefaultWave } from '../../../src/lib/server/db/waves';
import { competencies } from '../../../pipelines/core/reference';
import { PIPELINE_ARGS, tempDir } from '../../../bench/kit/server';

const run = promisify(execFile);

const ratingIds = competencies.flatMap((c) => [`imp_${c.code}`, `conf_${c.code}`]);
const HEADER = [
	'staff_group',
	'sector',
	'specialties',
	'region',
	'alliance',
	'experience',
	'prescriber',
	'prescribing_genomic_change',
	'aware_framework',
	'aware_resources',
	'genomic_results_frequency',
	...ratingIds,
	'training_done',
	'learning_formats',
	'barriers',
	'network_member',
	'networks',
	'mentor_access',
	'champion_willing',
	'comments'
];

function row(overrides: Record<string, string> = {}): string {
	const base: Record<string, string> = {
		staff_group: 'pharmacist',
		sector: 'hospital',
		specialties: 'oncology_haematology;cardiology_lipids',
		region: 'E40000003',
		alliance: 'north_thames',
		experience: '6to10',
		prescriber: 'yes',
		prescribing_genomic_change: 'no',
		aware_framework: 'aware',
		aware_resources: 'used',
		genomic_results_frequency: 'monthly',
		...Object.fromEntries(ratingIds.map((id, i) => [id, String((i % 5) + 1)])),
		training_done: 'gep_elearning',
		learning_formats: 'elearning;webinar',
		barriers: 'time',
		network_member: 'no',
		networks: '',
		mentor_access: 'no',
		champion_willing: 'maybe',
		comments: 'Needs "more" time, please'
	};
	const values = { ...base, ...overrides };
	return HEADER.map((h) => (/[",\n]/.test(values[h]) ? `"${values[h].replaceAll('"', '""')}"` : values[h])).join(',');
}

let folder: ReturnType<typeof tempDir>;
let dir: string;
let dbPath: string;

beforeAll(async () => {
	folder = tempDir();
	dir = folder.path;
	dbPath = join(dir, 'survey.duckdb');
	const db = await Database.open(dbPath, instrument);
	await ensureDefaultWave(db, { id: '2026-27', label: '2026/27' });
	await db.close();
});
afterAll(() => folder?.remove());

const cli = (...args: string[]) =>
	run(process.execPath, [...PIPELINE_ARGS, ...args], { env: { ...process.env, DATABASE_PATH: dbPath } }).then(
		(r) => ({ code: 0, out: r.stdout + r.stderr }),
		(e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr })
	);

async function storedCount(): Promise<number> {
	const db = await Database.open(dbPath, instrument);
	try {
		return Number((await db.query('SELECT count(*)::INTEGER AS n FROM responses'))[0].n);
	} finally {
		await db.close();
	}
}

describe('import', () => {
	it('reports bad rows by line and reason, stores the good ones, and is idempotent', async () => {
		const lines = [
			HEADER.join(','),
			row(), // line 2: good
			row({ staff_group: 'astronaut' }), // line 3: unknown code
			row({ region: '' }), // line 4: missing required answer
			row({ prescriber: 'no' }), // line 5: answers a question the skip logic hides
			row(), // line 6: same as line 2, a second person: stored too
			row({ imp_fh: '9' }), // line 7: rating out of range
			'pharmacist,hospital', // line 8: wrong number of fields
			row({ sector: 'community', comments: 'line one\nline two' }) // line 9 (spans 9–10): good
		];
		const file = join(dir, 'export.csv');
		writeFileSync(file, lines.join('\n') + '\n');
		const first = await cli('import', '--file', file, '--db', dbPath);
		expect(first.code).toBe(1);
		expect(first.out).toMatch(/Line 3: not imported: "astronaut" is not one of the answers to: What is your staff group\?/);
		expect(first.out).toMatch(/Line 4: not imported: Select the NHS England region you mainly work in/);
		expect(first.out).toMatch(/Line 5: not imported: Remove your answer to "As a prescriber/);
		expect(first.out).toMatch(/Line 7: not imported: Select a rating from 1 to 5/);
		expect(first.out).toMatch(/Line 8: not imported: has 2 fields but the header has/);
		expect(first.out).not.toMatch(/Line (2|6|9):/);
		expect(first.out).toMatch(/8 rows read: 3 valid \(3 stored, 0 already stored\), 5 rejected/);
		expect(await storedCount()).toBe(3);

		const second = await cli('import', '--file', file, '--db', dbPath);
		expect(second.out).toMatch(/3 valid \(0 stored, 3 already stored\)/);
		expect(await storedCount()).toBe(3);
	});

	it('maps a label export (Microsoft Forms style) through a mapping file', async () => {
		const labels: Record<string, string> = {
			ID: 'ID',
			'Start time': 'Start time',
			'What is your staff group?': 'staff_group',
			Sector: 'sector',
			Specialties: 'specialties',
			Region: 'region',
			Alliance: 'alliance',
			Experience: 'experience',
			Prescriber: 'prescriber',
			Framework: 'aware_framework',
			Resources: 'aware_resources',
			Frequency: 'genomic_results_frequency',
			Training: 'training_done',
			Formats: 'learning_formats',
			Barriers: 'barriers',
			Network: 'network_member',
			Mentor: 'mentor_access',
			Champion: 'champion_willing'
		};
		const header = [...Object.keys(labels), ...ratingIds];
		const values = [
			'1',
			'2026-01-05 10:00',
			'Pharmacy technician',
			'Hospital',
			'Oncology and haematology;',
			'London',
			'North Thames',
			'2 to 5 years',
			'No',
			'No',
			'Yes, but I have not used them',
			'Every month',
			'None yet;',
			'Live webinars;Mentoring;',
			'No protected learning time;',
			'No',
			'No',
			'Maybe, with training',
			...ratingIds.map((id) => (id.startsWith('imp_') ? 'Very important' : 'Slightly confident'))
		];
		const file = join(dir, 'forms.csv');
		writeFileSync(file, `${header.join(',')}\n${values.map((v) => (v.includes(',') ? `"${v}"` : v)).join(',')}\n`);
		const mapping = join(dir, 'mapping.json');
		const columns = Object.fromEntries(Object.entries(labels).filter(([k]) => k !== 'ID' && k !== 'Start time'));
		for (const id of ratingIds) columns[id] = id;
		writeFileSync(mapping, JSON.stringify({ columns }));
		const before = await storedCount();
		const out = await cli('import', '--file', file, '--mapping', mapping, '--db', dbPath);
		expect(out.out).toMatch(/1 rows read: 1 valid \(1 stored, 0 already stored\), 0 rejected/);
		expect(out.code).toBe(0);
		expect(await storedCount()).toBe(before + 1);
	});

	it('rejects a file whose header is not question ids, with a clear message', async () => {
		const file = join(dir, 'bad-header.csv');
		writeFileSync(file, 'Staff group,region\npharmacist,E40000003\n');
		const out = await cli('import', '--file', file, '--db', dbPath);
		expect(out.code).not.toBe(0);
		expect(out.out).toMatch(/"Staff group" is not a question id/);
	});
});

describe('command line flags', () => {
	it('rejects a bad flag value or an unknown flag with a clear message and a non-zero exit', async () => {
		const threshold = await cli('--threshold', 'ten', '--db', dbPath);
		expect(threshold.code).toBe(2);
		expect(threshold.out).toMatch(/--threshold must be a whole number from 3 to 100/);
		const tooLow = await cli('--threshold', '2', '--db', dbPath);
		expect(tooLow.code).toBe(2);
		expect(tooLow.out).toMatch(/--threshold must be a whole number from 3 to 100 .*not "2"/);
		const wave = await cli('--wave', 'next year', '--db', dbPath);
		expect(wave.code).toBe(2);
		expect(wave.out).toMatch(/--wave must be a wave id such as 2026-27/);
		const unknown = await cli('--colour', 'blue');
		expect(unknown.code).toBe(2);
		expect(unknown.out).toMatch(/Unknown option '--colour'/);
		const missing = await cli('--db', join(dir, 'nowhere.duckdb'));
		expect(missing.code).toBe(1);
		expect(missing.out).toMatch(/There is no survey database at/);
	});
});
