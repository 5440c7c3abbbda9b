// Golden tables: a stage's published CSV held against tests/pipelines/golden/<table>.csv
// (UPDATE_GOLDEN=1 rewrites them; review every changed line and say why in the commit).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { toCsv } from '../../pipelines/publish';
import type { PublishedTable } from '../../pipelines/context';

export function expectGolden(table: PublishedTable) {
	const golden = join(import.meta.dirname, 'golden', `${table.name}.csv`);
	const actual = toCsv(table);
	if (process.env.UPDATE_GOLDEN === '1' || !existsSync(golden)) writeFileSync(golden, actual);
	expect(actual, `${table.name} differs from ${golden} (UPDATE_GOLDEN=1 to accept a deliberate change)`).toBe(readFileSync(golden, 'utf8'));
}
