// The pipeline CLI killed with SIGKILL mid-run: the last good run and `latest` stay intact, and the
// next run succeeds (its lock and temporary folder are cleared).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { Database } from '../../../src/lib/server/db/database';
import { instrument } from '../../../src/lib/instrument/survey';
import { generateResponses } from '../../../pipelines/sources/synthetic';
import { PIPELINE_ARGS, ROOT, tempDir } from '../../../bench/kit/server';

const dir = tempDir();
afterAll(() => dir.remove());
const databasePath = join(dir.path, 'survey.duckdb');
const out = join(dir.path, 'reports');

/** Runs the CLI; with `killAt`, kills it with SIGKILL when it starts that stage. */
async function pipeline(killAt?: string): Promise<{ code: number | null; signal: string | null; output: string }> {
	const child = spawn(process.execPath, [...PIPELINE_ARGS, '--db', databasePath, '--out', out], {
		cwd: ROOT,
		env: { ...process.env, PIPELINE_PDF: 'off' },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	child.stderr.on('data', (d) => (output += d));
	for await (const line of createInterface({ input: child.stdout })) {
		output += `${line}\n`;
		if (killAt && line.includes(`] ${killAt}…`)) child.kill('SIGKILL');
	}
	const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.once('exit', (c, s) => resolve([c, s])));
	return { code, signal, output };
}

const runFolders = () =>
	readdirSync(out)
		.filter((f) => /^\d{8}T\d{6}Z-[0-9a-f]+$/.test(f))
		.sort();

describe('pipeline killed mid-run', () => {
	it('keeps the last good run and latest, and the next run succeeds', async () => {
		const db = await Database.open(databasePath, instrument);
		const c = await db.instance.connect();
		await generateResponses(c, { n: 20_000, seed: 3, waveId: '2026-27' });
		c.closeSync();
		await db.close();

		const good = await pipeline();
		expect(good.code, good.output).toBe(0);
		const [first] = runFolders();
		const manifest = JSON.parse(readFileSync(join(out, first, 'manifest.json'), 'utf8')) as { files: string[] };

		for (const stage of ['charts', 'needs']) {
			const killed = await pipeline(stage);
			expect(killed.signal, killed.output).toBe('SIGKILL');
			expect(runFolders()).toEqual([first]);
			expect(readlinkSync(join(out, 'latest'))).toBe(first);
			for (const file of manifest.files) expect(existsSync(join(out, first, file)), file).toBe(true);
		}

		const next = await pipeline();
		expect(next.code, next.output).toBe(0);
		const folders = runFolders();
		expect(folders).toHaveLength(2);
		expect(readlinkSync(join(out, 'latest'))).toBe(folders[1]);
		expect(readdirSync(out).filter((f) => f.startsWith('.tmp-') || f === '.pipeline.lock')).toEqual([]);
		// Five (or four) server or CLI starts under load: on a busy shared 2-core machine this outlasts the default 60 s.
	}, 240_000);
});
