// `npm run demo` on a fresh data folder: creates the database, loads synthetic responses over two waves,
// prints a planner's credentials that sign in, and publishes a run the server then shows; run again, it
// adds no responses and prints a new password that works; with the server running it explains itself.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { query } from '../../bench/kit/db';
import { ROOT, startServer, tempDir } from '../../bench/kit/server';
import { signIn } from '../../bench/kit/trpc';

const dir = tempDir();
afterAll(() => dir.remove());
const env = {
	PIPELINE_PDF: 'off',
	DATABASE_PATH: join(dir.path, 'data', 'survey.duckdb'),
	PIPELINE_OUT: join(dir.path, 'data', 'reports'),
	SETTINGS_DIR: join(dir.path, 'data', 'settings')
};

function demo(args: string[] = [], extra: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string }> {
	return new Promise((ok) => {
		const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', ...args], {
			cwd: ROOT,
			env: { ...process.env, ...env, ...extra },
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let out = '';
		let err = '';
		child.stdout.on('data', (d) => (out += d));
		child.stderr.on('data', (d) => (err += d));
		child.on('close', (code) => ok({ code, out, err }));
	});
}
const passwordIn = (out: string) => /password: (\S+)/.exec(out)?.[1] ?? '';

describe('npm run demo', () => {
	it('loads two waves, adds a planner whose printed password signs in, and publishes a run the site shows', async () => {
		expect(existsSync(env.DATABASE_PATH)).toBe(false);
		// The first run makes the PDFs too, as a newcomer's would (PIPELINE_PDF is on unless turned off).
		const first = await demo(['--responses', '4000'], { PIPELINE_PDF: 'on' });
		expect(first.err).toBe('');
		expect(first.code).toBe(0);
		expect(first.out).toMatch(/^Loaded 4,000 synthetic responses: waves \d{4}\/\d{2} and \d{4}\/\d{2}\.$/m);
		expect(first.out).toMatch(/^Published run \S+ for wave \d{4}\/\d{2} to /m);
		expect(first.out).toMatch(/email: +demo\.planner@example\.org/);
		const rows = await query(env.DATABASE_PATH, `SELECT wave_id, count(*)::INTEGER AS n FROM responses GROUP BY wave_id ORDER BY wave_id`);
		expect(rows.map((r) => r.n)).toEqual([2000, 2000]);
		const waves = await query(env.DATABASE_PATH, `SELECT id, label, status FROM waves ORDER BY id`);
		expect(waves.map((w) => w.status)).toEqual(['closed', 'open']);
		expect(waves.every((w) => w.label === String(w.id).replace('-', '/'))).toBe(true);

		// Again: nothing added, and the new password printed is the one that works.
		const second = await demo();
		expect(second.code).toBe(0);
		expect(second.out).toMatch(/already holds 4,000 responses: no demo responses added/);
		expect(passwordIn(second.out)).not.toBe(passwordIn(first.out));

		const server = await startServer({ databasePath: env.DATABASE_PATH, env });
		try {
			await expect(signIn(server.url, 'demo.planner@example.org', passwordIn(first.out))).rejects.toThrow(/401/);
			const { client, cookie } = await signIn(server.url, 'demo.planner@example.org', passwordIn(second.out));
			const runs = await client.runs.list.query();
			expect(runs.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
			const page = await (await fetch(`${server.url}/runs`, { headers: { cookie } })).text();
			expect(page).toContain('Open report');
			// The run page offers each report's PDF, named after its place when downloaded.
			const oldest = runs[runs.length - 1];
			const runPage = await (await fetch(`${server.url}/runs/${oldest.runId}`, { headers: { cookie } })).text();
			expect(runPage.match(/>Download PDF</g)).toHaveLength(8);
			const pdf = await fetch(`${server.url}/runs/${oldest.runId}/regions/E40000003/report.pdf`, { headers: { cookie } });
			expect(pdf.headers.get('content-type')).toBe('application/pdf');
			expect(pdf.headers.get('content-disposition')).toBe('attachment; filename="pharmacy-genomics-workforce-needs-london.pdf"');
			expect(
				Buffer.from(await pdf.arrayBuffer())
					.subarray(0, 5)
					.toString()
			).toBe('%PDF-');
			// The second run (PIPELINE_PDF=off) says why it has none.
			expect(await (await fetch(`${server.url}/runs/${runs[0].runId}`, { headers: { cookie } })).text()).toMatch(
				/PDFs were not asked for in this run/
			);
			// While the server holds the database, the demo says what to do and changes nothing.
			const locked = await demo();
			expect(locked.code).toBe(2);
			expect(locked.err).toMatch(/in use by the running server\. Stop the server/);
		} finally {
			await server.stop();
		}
	}, 240_000); // Four demo runs, one printing PDFs: well over a minute while the other test files load both cores.
});
