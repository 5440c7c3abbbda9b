// Set-up for tests of single stages: the run test's synthetic data (seed 7, 600 responses a wave)
// snapshotted into a cube, a context for the published rule, and golden-file checks for tables.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Database } from '../../src/lib/server/db/database';
import { snapshot } from '../../pipelines/snapshot';
import { NHS_DIGITAL_RULE, type DisclosureRule } from '../../pipelines/disclosure';
import { loadSuccessMeasures, WORKFORCE_CSV } from '../../pipelines/reference';
import { toCsv } from '../../pipelines/publish';
import type { PipelineContext, PublishedTable } from '../../pipelines/context';
import { removeDir, syntheticDatabase, tempDir } from './helpers';

const GOLDEN = join(import.meta.dirname, 'golden');

export interface SyntheticStages {
	db: Database;
	c: DuckDBConnection;
	/** The context of the run test's data under `rule`. */
	ctx: (rule?: DisclosureRule) => PipelineContext;
	close: () => Promise<void>;
}

/** The run test's data (seed 7, 600 a wave) in a cube, so goldens here match a run's tables. */
export async function syntheticStages(n = 600, seed = 7): Promise<SyntheticStages> {
	const dir = tempDir();
	const db = await syntheticDatabase(dir, n, seed);
	const c = await db.instance.connect();
	const waves = [{ id: '2025-26', label: '2025/26' }, { id: '2026-27', label: '2026/27' }];
	const measures = loadSuccessMeasures();
	await snapshot(c, waves[1], waves, measures);
	return {
		db,
		c,
		ctx: (rule = NHS_DIGITAL_RULE) => ({ wave: waves[1], waves, rule, measures, workforceCsv: WORKFORCE_CSV, cube: 'cube' }),
		close: async () => {
			c.closeSync();
			await db.close();
			removeDir(dir);
		}
	};
}

/** The table as CSV equals its golden file (UPDATE_GOLDEN=1 writes it). */
export function expectGolden(table: PublishedTable) {
	mkdirSync(GOLDEN, { recursive: true });
	const file = join(GOLDEN, `${table.name}.csv`);
	const actual = toCsv(table);
	if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) writeFileSync(file, actual);
	expect(actual, `${table.name} differs from ${file} (UPDATE_GOLDEN=1 to accept a deliberate change)`).toBe(readFileSync(file, 'utf8'));
}

export const round = (v: number, places: number) => Math.round(v * 10 ** places) / 10 ** places;
