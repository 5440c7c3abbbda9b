// The embedded file checkpoints after DATABASE_CHECKPOINT_MB of WAL (256 by default), not DuckDB's 16:
// a checkpoint holds the commit of a batch of submissions, so it should be rare. The setting is
// validated like every other.
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { Database, DEFAULT_CHECKPOINT_MB } from '../../../../src/lib/server/db/database';
import { loadConfig } from '../../../../src/lib/server/env';
import { instrument } from '../../../../src/lib/instrument/survey';
import { tempDir } from '../../../../bench/kit/server';

const dir = tempDir();
afterAll(() => dir.remove());

const threshold = async (db: Database) => String((await db.query(`SELECT current_setting('checkpoint_threshold') AS v`))[0].v);

it('checkpoints after 256 MB of WAL unless told otherwise', async () => {
	expect(DEFAULT_CHECKPOINT_MB).toBe(256);
	const db = await Database.open(join(dir.path, 'default.duckdb'), instrument);
	expect(await threshold(db)).toMatch(/^256(\.0)? MiB$/);
	await db.close();
	const small = await Database.open(join(dir.path, 'small.duckdb'), instrument, { checkpointMb: 64 });
	expect(await threshold(small)).toMatch(/^64(\.0)? MiB$/);
	await small.close();
});

it('takes DATABASE_CHECKPOINT_MB from the environment, and says what is wrong with a bad value', () => {
	expect(loadConfig({}).DATABASE_CHECKPOINT_MB).toBe(256);
	expect(loadConfig({ DATABASE_CHECKPOINT_MB: '512' }).DATABASE_CHECKPOINT_MB).toBe(512);
	for (const value of ['0', '-5', 'lots', '99999'])
		expect(() => loadConfig({ DATABASE_CHECKPOINT_MB: value })).toThrow(/DATABASE_CHECKPOINT_MB/);
});
