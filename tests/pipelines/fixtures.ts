// The pipeline tests' fixtures, one module: temporary folders, real DuckDB files of synthetic
// responses, a stage's context over them (its cube built), the exact rule for checking arithmetic,
// and golden files (tests/pipelines/golden/<table>.csv; UPDATE_GOLDEN=1 rewrites them: review every
// changed line and say why in the commit).
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { Database } from '../../src/lib/server/db/database';
import { tempDir } from '../../bench/kit/server';
import { instrument } from '../../src/lib/instrument/survey';
import { generateResponses } from '../../pipelines/sources/synthetic';
import { snapshot, wavesUpTo } from '../../pipelines/stages/snapshot';
import { NHS_DIGITAL_RULE, type DisclosureRule } from '../../pipelines/disclosure/protect';
import { loadSuccessMeasures, WORKFORCE_CSV } from '../../pipelines/core/reference';
import { toCsv } from '../../pipelines/batch/publish';
import type { PipelineContext, PublishedTable } from '../../pipelines/core/context';

export const GOLDEN_DIR = join(import.meta.dirname, 'golden');

export interface SyntheticFile {
	dir: string;
	db: Database;
	c: DuckDBConnection;
}

/** One test file's database of two synthetic waves (n a wave, seed), open for the whole file, with a
 *  connection. `ready` runs once it is made, inside beforeAll, so a file takes what it needs and builds
 *  on it. Registers its own beforeAll and afterAll (closing and removing everything), as browserApp does. */
export function syntheticFile(options: { n?: number; seed?: number; timeout?: number }, ready: (file: SyntheticFile) => unknown): void {
	const file: Partial<SyntheticFile> = {};
	let folder: ReturnType<typeof tempDir> | undefined;
	beforeAll(async () => {
		folder = tempDir();
		file.dir = folder.path;
		file.db = await syntheticDatabase(file.dir, options.n ?? 600, options.seed ?? 7);
		file.c = await file.db.instance.connect();
		await ready(file as SyntheticFile);
	}, options.timeout);
	afterAll(async () => {
		file.c?.closeSync();
		await file.db?.close();
		folder?.remove();
	});
}

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

export const relativeFiles = (dir: string) =>
	listFiles(dir)
		.map((f) => relative(dir, f))
		.sort();

/** Every figure published exactly (threshold 1, no rounding, no noise): for checking arithmetic
 *  against a second implementation, never for publishing. */
export const EXACT: DisclosureRule = {
	threshold: 1,
	rounding: 1,
	perturbation: null,
	meanDecimals: 12,
	noiseScale: 1,
	answerNoiseScale: 1.5
};

export async function stageContext(
	c: DuckDBConnection,
	rule: DisclosureRule = NHS_DIGITAL_RULE,
	workforceCsv = WORKFORCE_CSV
): Promise<PipelineContext> {
	const { wave, waves } = await wavesUpTo(c);
	const measures = loadSuccessMeasures();
	await snapshot(c, wave, waves, measures);
	return { wave, waves, rule, measures, workforceCsv, cube: 'cube' };
}

export interface SyntheticStages {
	db: Database;
	c: DuckDBConnection;
	/** The context of the run test's data under `rule`. */
	ctx: (rule?: DisclosureRule) => PipelineContext;
	close: () => Promise<void>;
}

/** The run test's data (seed 7, 600 a wave) in a cube, so goldens here match a run's tables. */
export async function syntheticStages(n = 600, seed = 7): Promise<SyntheticStages> {
	const folder = tempDir();
	const db = await syntheticDatabase(folder.path, n, seed);
	const c = await db.instance.connect();
	const waves = [
		{ id: '2025-26', label: '2025/26' },
		{ id: '2026-27', label: '2026/27' }
	];
	const measures = loadSuccessMeasures();
	await snapshot(c, waves[1], waves, measures);
	return {
		db,
		c,
		ctx: (rule = NHS_DIGITAL_RULE) => ({ wave: waves[1], waves, rule, measures, workforceCsv: WORKFORCE_CSV, cube: 'cube' }),
		close: async () => {
			c.closeSync();
			await db.close();
			folder.remove();
		}
	};
}

/** The table as CSV equals its golden file (UPDATE_GOLDEN=1 writes it). */
export function expectGolden(table: PublishedTable) {
	mkdirSync(GOLDEN_DIR, { recursive: true });
	const file = join(GOLDEN_DIR, `${table.name}.csv`);
	const actual = toCsv(table);
	if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) writeFileSync(file, actual);
	expect(actual, `${table.name} differs from ${file} (UPDATE_GOLDEN=1 to accept a deliberate change)`).toBe(readFileSync(file, 'utf8'));
}

export const round = (v: number, places: number) => Math.round(v * 10 ** places) / 10 ** places;
