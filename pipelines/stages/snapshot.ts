// Stage: snapshot — a consistent read of the responses the run reports on (the chosen wave and the
// waves before it, for trends), summed straight into the cube the later stages read. One read
// transaction holds the cube and the fingerprint to the same rows however many submissions arrive
// meanwhile (DuckDB's MVCC), with no copy of the responses. Free text and raw JSON never enter the cube.
import type { DuckDBConnection } from '@duckdb/node-api';
import { literalList, rows } from '../core/sql';
import type { Wave } from '../core/context';
import { CUBE_SQL } from '../core/cube';
import { loadSuccessMeasures, type SuccessMeasure } from '../core/reference';

// Order-independent fingerprint of the rows, cheap on a million rows (no sort, no big string).
const FINGERPRINT_SQL = (rows: string) => `
	SELECT count(*)::INTEGER AS n, count(*) FILTER (WHERE wave_id = $1)::INTEGER AS respondents,
		coalesce(bit_xor(hash(submission_id, answers_hash)), 0)::VARCHAR AS fingerprint
	FROM ${rows}`;

/** Waves in reporting order. Wave ids are financial years (2025-26, 2026-27…), so they sort in time. */
export async function wavesUpTo(c: DuckDBConnection, waveId?: string): Promise<{ wave: Wave; waves: Wave[] }> {
	const all = await rows<Wave & { status: string }>(c, `SELECT id, label, status FROM waves ORDER BY id`);
	const reportable = all.filter((w) => w.status !== 'planned');
	const wave = waveId ? all.find((w) => w.id === waveId) : reportable.at(-1);
	if (!wave) {
		throw new Error(
			waveId
				? `There is no wave "${waveId}". Known waves: ${all.map((w) => w.id).join(', ') || 'none'}`
				: 'There are no waves to report on yet.'
		);
	}
	return { wave: { id: wave.id, label: wave.label }, waves: all.filter((w) => w.id <= wave.id).map((w) => ({ id: w.id, label: w.label })) };
}

export interface Snapshot {
	respondents: number;
	rows: number;
	inputHash: string;
}

/** Sums the waves' responses into the temporary table `cube` that every stage reads, and
 *  fingerprints the same rows, in one read transaction. */
export async function snapshot(
	c: DuckDBConnection,
	wave: Wave,
	waves: Wave[],
	measures: SuccessMeasure[] = loadSuccessMeasures()
): Promise<Snapshot> {
	const inWaves = `(SELECT * FROM responses WHERE wave_id IN (SELECT unnest(${literalList(waves.map((w) => w.id))})))`;
	await c.run('BEGIN TRANSACTION');
	let f: { n: number; respondents: number; fingerprint: string };
	try {
		await c.run(`CREATE OR REPLACE TEMP TABLE cube AS ${CUBE_SQL(measures, inWaves)}`);
		[f] = await rows<typeof f>(c, FINGERPRINT_SQL(inWaves), [wave.id]);
		await c.run('COMMIT');
	} catch (error) {
		await c.run('ROLLBACK').catch(() => undefined);
		throw error;
	}
	return {
		respondents: f.respondents,
		rows: f.n,
		inputHash: `${waves.map((w) => w.id).join('+')}:${f.n}:${BigInt(f.fingerprint).toString(16)}`
	};
}
