// Stage: snapshot — a consistent copy of the responses the run reports on (the chosen wave and the
// waves before it, for trends) in a temporary table, summed into the cube the later stages read, so
// they all see the same rows however many submissions arrive meanwhile. Free text (comments) and raw JSON never enter it.
import type { DuckDBConnection } from '@duckdb/node-api';
import { answerColumns } from '../src/lib/instrument/storage';
import { instrument } from './reference';
import { ident, rows } from './sql';
import type { Wave } from './context';
import { CUBE_SQL } from './cube';
import { loadSuccessMeasures, type SuccessMeasure } from './reference';

/** The columns a snapshot keeps: identifiers for the input hash and every answer except free text. */
export const snapshotColumns = () => [
	'submission_id',
	'answers_hash',
	'wave_id',
	...answerColumns(instrument)
		.filter((c) => c.question.type !== 'text')
		.map((c) => c.name)
];

export const SNAPSHOT_SQL = () =>
	`CREATE OR REPLACE TEMP TABLE snapshot AS
	 SELECT ${snapshotColumns().map(ident).join(', ')} FROM responses WHERE wave_id IN (SELECT unnest($1::VARCHAR[]))`;

// Order-independent fingerprint of the rows, cheap on a million rows (no sort, no big string).
const FINGERPRINT_SQL = `
	SELECT count(*)::INTEGER AS n, count(*) FILTER (WHERE wave_id = $1)::INTEGER AS respondents,
		coalesce(bit_xor(hash(submission_id, answers_hash)), 0)::VARCHAR AS fingerprint
	FROM snapshot`;

/** Waves in reporting order. Wave ids are financial years (2025-26, 2026-27…), so they sort in time. */
export async function wavesUpTo(c: DuckDBConnection, waveId?: string): Promise<{ wave: Wave; waves: Wave[] }> {
	const all = await rows<Wave & { status: string }>(c, `SELECT id, label, status FROM waves ORDER BY id`);
	const reportable = all.filter((w) => w.status !== 'planned');
	const wave = waveId ? all.find((w) => w.id === waveId) : reportable.at(-1);
	if (!wave) {
		throw new Error(waveId ? `There is no wave "${waveId}". Known waves: ${all.map((w) => w.id).join(', ') || 'none'}` : 'There are no waves to report on yet.');
	}
	return { wave: { id: wave.id, label: wave.label }, waves: all.filter((w) => w.id <= wave.id).map((w) => ({ id: w.id, label: w.label })) };
}

export interface Snapshot {
	respondents: number;
	rows: number;
	inputHash: string;
}

/** Copies the rows, then sums them into the temporary table `cube` that every stage reads. */
export async function snapshot(c: DuckDBConnection, wave: Wave, waves: Wave[], measures: SuccessMeasure[] = loadSuccessMeasures()): Promise<Snapshot> {
	await c.run(SNAPSHOT_SQL(), [JSON.stringify(waves.map((w) => w.id))]);
	await c.run(`CREATE OR REPLACE TEMP TABLE cube AS ${CUBE_SQL(measures, 'snapshot')}`);
	const [f] = await rows<{ n: number; respondents: number; fingerprint: string }>(c, FINGERPRINT_SQL, [wave.id]);
	return { respondents: f.respondents, rows: f.n, inputHash: `${waves.map((w) => w.id).join('+')}:${f.n}:${BigInt(f.fingerprint).toString(16)}` };
}
