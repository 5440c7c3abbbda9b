import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Database } from '../../../../src/lib/server/db/database';
import { instrumentMigration, migrations } from '../../../../src/lib/server/db/migrations';
import { ensureDefaultWave, financialYear } from '../../../../src/lib/server/db/waves';
import { instrument } from '../../../../src/lib/instrument/survey';
import { questionsOf } from '../../../../src/lib/instrument/questions';
import { tempDir } from '../../../../bench/kit/server';

const dir = tempDir();
afterAll(() => dir.remove());

async function start(path: string) {
	const db = await Database.open(path, instrument);
	await ensureDefaultWave(db, financialYear(new Date()));
	const applied = await db.query('SELECT id FROM schema_migrations ORDER BY id');
	const waves = await db.query('SELECT id, status FROM waves');
	const columns = await db.query(`SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'responses'`);
	await db.close();
	return { applied: applied.map((r) => r.id), waves, columns };
}

describe('migrations', () => {
	it('create the schema and one open wave on first start, and change nothing on the second', async () => {
		const path = join(dir.path, 'survey.duckdb');
		const first = await start(path);
		expect(first.applied).toEqual([...migrations.map((m) => m.id), instrumentMigration(instrument).id].sort());
		expect(first.waves).toEqual([{ id: financialYear(new Date()).id, status: 'open' }]);
		const second = await start(path);
		expect(second).toEqual(first);
	});

	it('give every question a typed column named by its id', async () => {
		const { columns } = await start(join(dir.path, 'columns.duckdb'));
		const types = new Map(columns.map((c) => [c.column_name, c.data_type]));
		for (const q of questionsOf(instrument)) {
			expect(types.get(q.id), q.id).toBe(q.type === 'scale' ? 'UTINYINT' : q.type === 'multi' ? 'VARCHAR[]' : 'VARCHAR');
		}
	});

	it('names the NHS financial year a date falls in', () => {
		expect(financialYear(new Date('2026-03-31T12:00:00Z'))).toEqual({ id: '2025-26', label: '2025/26' });
		expect(financialYear(new Date('2026-04-01T12:00:00Z'))).toEqual({ id: '2026-27', label: '2026/27' });
	});
});
