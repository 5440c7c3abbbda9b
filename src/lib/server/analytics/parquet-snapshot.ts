// The server side of running the pipeline while the web server holds the database: a consistent
// Parquet snapshot of the responses, read on a connection of its own. DuckDB reads are MVCC, so the
// copy never waits for, or holds up, the submission writer.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBInstance } from '@duckdb/node-api';
import { answerColumns } from '../../instrument/storage';
import { instrument } from '$pipelines/core/reference';
import { ident, literal, rows } from '$pipelines/core/sql';
import type { Wave } from '$pipelines/core/context';

/** The columns the snapshot keeps: identifiers for the input hash, the record key disclosure control
 *  needs (the snapshot goes only to the token-holding CLI) and every answer except free text. */
const snapshotColumns = () => [
	'submission_id',
	'answers_hash',
	'wave_id',
	'record_key',
	...answerColumns(instrument)
		.filter((c) => c.question.type !== 'text')
		.map((c) => c.name)
];

export interface ParquetSnapshot {
	waves: Array<Wave & { status: string }>;
	parquet: Buffer;
}

export async function parquetSnapshot(instance: DuckDBInstance): Promise<ParquetSnapshot> {
	const dir = mkdtempSync(join(tmpdir(), 'pgw-snapshot-'));
	const file = join(dir, 'responses.parquet');
	const c = await instance.connect();
	try {
		// One transaction: the waves and the responses come from the same moment.
		await c.run('BEGIN TRANSACTION');
		const waves = await rows<Wave & { status: string }>(c, 'SELECT id, label, status FROM waves ORDER BY id');
		await c.run(`COPY (SELECT ${snapshotColumns().map(ident).join(', ')} FROM responses) TO ${literal(file)} (FORMAT parquet)`);
		await c.run('COMMIT');
		return { waves, parquet: readFileSync(file) };
	} finally {
		c.closeSync();
		rmSync(dir, { recursive: true, force: true });
	}
}
