// Hostile strings through every text path (free text, wave labels, success measure names and
// definitions), then a scan of every published HTML, SVG and CSV file: none appears unescaped,
// no CSV cell can run as a formula, no invisible control character is published, and free text
// is never published at all. 1 MB strings are refused and nothing is stored.
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeAnswers } from '../../../../../bench/kit/answers';
import { createAccounts, PASSWORD } from '../../../../helpers/accounts';
import { query } from '../../../../../bench/kit/db';
import { startServer, tempDir, type RunningServer } from '../../../../../bench/kit/server';
import { clientFor, signIn } from '../../../../../bench/kit/trpc';
import { HOSTILE, HOSTILE_VALUES, INVISIBLE_CONTROLS } from '../../../../fixtures/hostile-strings';
import { Database } from '../../../../../src/lib/server/db/database';
import { instrument } from '../../../../../src/lib/instrument/survey';

const dir = tempDir();
const databasePath = join(dir.path, 'survey.duckdb');
const reports = join(dir.path, 'reports');
let server: RunningServer;
let runId: string;

const files = (root: string): string[] =>
	readdirSync(root).flatMap((f) => (statSync(join(root, f)).isDirectory() ? files(join(root, f)) : [join(root, f)]));

beforeAll(async () => {
	await createAccounts(databasePath);
	// A wave label with a right-to-left override, as older data might hold (the admin API refuses it).
	const db = await Database.open(databasePath, instrument);
	await db.write((c) =>
		c.run(`INSERT INTO waves (id, label, status, opened_at) VALUES ('2027-28', $1, 'open', now())`, [
			`${HOSTILE.script.slice(0, 40)}${HOSTILE.rightToLeft}`
		])
	);
	await db.close();
	server = await startServer({
		databasePath,
		env: { SETTINGS_DIR: join(dir.path, 'settings'), PIPELINE_OUT: reports, RATE_SUBMIT_PER_MINUTE: '100000' }
	});
	const admin = (await signIn(server.url, 'admin@example.org', PASSWORD)).client;
	await admin.admin.addMeasure.mutate({
		id: 'hostile_measure',
		aim: 2,
		alignment: 'Project definition aligned to aim 2',
		name: `${HOSTILE.attribute} ${HOSTILE.formula}`.slice(0, 120),
		definition: `${HOSTILE.svg} ${HOSTILE.sql}`,
		unit: HOSTILE.at,
		direction: 'higher',
		targets: { '2027-28': 10 },
		amberWithin: 5,
		kind: 'share',
		question: 'mentor_access',
		codes: ['yes']
	});
	const survey = clientFor(server.url);
	for (let i = 0; i < 40; i++) {
		await survey.survey.submit.mutate({
			submissionId: randomUUID(),
			answers: completeAnswers(i, { comments: HOSTILE_VALUES[i % HOSTILE_VALUES.length] })
		});
	}
	await admin.runs.start.mutate();
	let progress = await admin.runs.progress.query();
	for (let i = 0; i < 600 && progress.status === 'running'; i++) {
		await new Promise((r) => setTimeout(r, 100));
		progress = await admin.runs.progress.query();
	}
	expect(progress.status, progress.error).toBe('succeeded');
	runId = progress.runId!;
});
afterAll(async () => {
	await server?.stop();
	dir.remove();
});

describe('hostile strings', () => {
	it('refuses invisible control characters in admin-entered labels and names, in words', async () => {
		const admin = (await signIn(server.url, 'admin@example.org', PASSWORD)).client;
		const wave = await fetch(`${server.url}/api/trpc/admin.waves.create`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', cookie: (await signIn(server.url, 'admin@example.org', PASSWORD)).cookie },
			body: JSON.stringify({ id: '2031-32', label: HOSTILE.rightToLeft })
		});
		expect(wave.status).toBe(400);
		expect((await wave.json()).error.data.fieldErrors.label).toEqual(['Labels cannot contain invisible control characters']);
		expect((await admin.admin.waves.list.query()).map((w) => w.id)).not.toContain('2031-32');
		const measure = (await admin.admin.settings.query()).measures.find((m) => m.id === 'hostile_measure')!;
		await expect(admin.admin.addMeasure.mutate({ ...measure, id: 'isolated', name: HOSTILE.isolate })).rejects.toThrow(
			/^Some of what was sent needs correcting: Cannot contain invisible control characters/
		);
	});

	it('stores free text verbatim, controls and all', async () => {
		const admin = (await signIn(server.url, 'admin@example.org', PASSWORD)).client;
		const stored = (await admin.admin.comments.query({})).map((r) => r.comments);
		for (const value of HOSTILE_VALUES) if (value.trim() !== '') expect(stored).toContain(value);
	});

	it('refuses 1 MB strings on every text input and stores nothing of them', async () => {
		const mega = 'x'.repeat(1024 * 1024);
		const post = (path: string, body: unknown) =>
			fetch(`${server.url}/api/trpc/${path}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(body)
			});
		for (const [path, body] of [
			['survey.submit', { submissionId: randomUUID(), answers: completeAnswers(1, { comments: mega }) }],
			['survey.saveDraft', { answers: { comments: mega } }],
			['survey.resume', { resumeCode: mega }],
			['auth.login', { email: mega, password: mega }]
		] as const) {
			const response = await post(path, body);
			expect(response.status, path).toBeGreaterThanOrEqual(400);
			expect(response.status, path).toBeLessThan(500);
		}
	});

	it('never appears unescaped in any published HTML, SVG or CSV file', () => {
		const published = files(join(reports, runId));
		expect(published.filter((f) => f.endsWith('.html')).length).toBe(8);
		for (const file of published.filter((f) => /\.(html|svg|csv)$/.test(f))) {
			const text = readFileSync(file, 'utf8');
			// Markup matters where a browser renders the file; in CSV it is quoted data.
			if (!file.endsWith('.csv')) {
				for (const raw of [HOSTILE.script, HOSTILE.attribute, HOSTILE.svg, '<script', '<img', '<svg onload'])
					expect(text.includes(raw), `${raw} in ${file}`).toBe(false);
			}
			expect(INVISIBLE_CONTROLS.test(text), `control character in ${file}`).toBe(false);
			if (file.endsWith('.csv')) {
				for (const line of text.split('\r\n').slice(1)) {
					for (const cell of line.match(/("([^"]|"")*"|[^,]*)(,|$)/g) ?? []) {
						const value = cell.replace(/,$/, '').replace(/^"|"$/g, '');
						if (/^-?\d+(\.\d+)?$/.test(value)) continue;
						expect(/^[=+\-@\t\r]/.test(value), `formula cell ${JSON.stringify(value)} in ${file}`).toBe(false);
					}
				}
			}
		}
	});

	it('never publishes free text', () => {
		for (const file of files(join(reports, runId))) {
			const text = readFileSync(file, 'utf8');
			expect(text.includes(HOSTILE.longWord.slice(0, 200)), file).toBe(false);
			expect(text.includes('DROP TABLE responses') && !file.includes('success'), file).toBe(false);
		}
	});

	it('left the database whole', async () => {
		await server.stop();
		const [row] = await query(databasePath, `SELECT count(*)::INTEGER AS n FROM responses`);
		expect(row.n).toBe(40);
		server = await startServer({ databasePath });
	});
});
