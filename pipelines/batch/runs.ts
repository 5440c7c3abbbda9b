// Where runs are recorded: the pipeline_runs table (migration 002_pipeline_runs), written directly
// when this process holds the database, or through the server when the server does.
import { z } from 'zod';
import type { Store } from '../../src/lib/server/db/store';

export interface RunRecord {
	runId: string;
	waveId: string | null;
	trigger: string;
	startedAt: string;
	finishedAt?: string;
	status: 'running' | 'succeeded' | 'failed';
	respondents?: number | null;
	counts?: Record<string, number>;
	output?: string;
	error?: string;
}

export interface RunRecorder {
	record(run: RunRecord): Promise<void>;
}

export const RECORD_RUN_SQL = `
	INSERT INTO pipeline_runs (run_id, wave_id, trigger, started_at, finished_at, status, respondents, counts, output, error)
	VALUES ($1, $2, $3, $4::TIMESTAMPTZ, $5::TIMESTAMPTZ, $6, $7, $8::JSON, $9, $10)
	ON CONFLICT (run_id) DO UPDATE SET wave_id = excluded.wave_id, finished_at = excluded.finished_at, status = excluded.status,
		respondents = excluded.respondents, counts = excluded.counts, output = excluded.output, error = excluded.error`;

/** Records through the database's single write queue (safe beside live submissions). */
export function databaseRecorder(db: Store): RunRecorder {
	return {
		record: (r) =>
			db
				.write((c) =>
					c.run(RECORD_RUN_SQL, [
						r.runId,
						r.waveId,
						r.trigger,
						r.startedAt,
						r.finishedAt ?? null,
						r.status,
						r.respondents ?? null,
						r.counts ? JSON.stringify(r.counts) : null,
						r.output ?? null,
						r.error ? r.error.slice(0, 2000) : null
					])
				)
				.then(() => undefined)
	};
}

/** What the server accepts from the CLI as a run record. */
export const runRecordSchema = z.object({
	runId: z.string().regex(/^[0-9TZ]+-[0-9a-f]+$/),
	waveId: z.string().max(40).nullable(),
	trigger: z.string().max(20),
	startedAt: z.iso.datetime(),
	finishedAt: z.iso.datetime().optional(),
	status: z.enum(['running', 'succeeded', 'failed']),
	respondents: z.number().int().nonnegative().nullable().optional(),
	counts: z.record(z.string(), z.number()).optional(),
	output: z.string().max(1000).optional(),
	error: z.string().max(5000).optional()
});
