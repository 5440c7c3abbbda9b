// Shared set-up for the pipeline tests: real DuckDB files in temporary folders, synthetic responses.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Database } from '../../src/lib/server/db/database';
import { instrument } from '../../src/lib/instrument/survey';
import { generateResponses } from '../../pipelines/synthetic';

export const tempDir = (prefix = 'pgw-test-') => mkdtempSync(join(tmpdir(), prefix));

export const removeDir = (dir: string) => rmSync(dir, { recursive: true, force: true });

/** A database file with two waves of synthetic responses (the second a year on, a little further along). */
export async function syntheticDatabase(dir: string, n = 600, seed = 7): Promise<Database> {
	const db = await Database.open(join(dir, 'survey.duckdb'), instrument);
	await db.write(async (c) => {
		await generateResponses(c, { n, seed, waveId: '2025-26' });
		await generateResponses(c, { n, seed: seed + 1, waveId: '2026-27', progress: 1 });
	});
	return db;
}

export const listFiles = (dir: string): string[] =>
	readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		return statSync(path).isDirectory() ? listFiles(path) : [path];
	});

export const relativeFiles = (dir: string) => listFiles(dir).map((f) => relative(dir, f)).sort();
