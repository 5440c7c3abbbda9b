// The batch pipeline's hooks into the running server: a random token (in a 0600 file next to the
// database) and a listener of its own on a Unix socket (internal-api.ts) that let the pipeline CLI on
// this machine ask the server for a snapshot, to record a run or to store imported rows; and, when
// PIPELINE_SCHEDULE_IN_SERVER=true, the nightly schedule run inside the server on its own DuckDB instance.
import { randomBytes } from 'node:crypto';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import type { Cron } from 'croner';
import type { SurveyServices } from './survey';
import { internalTokenPath } from '$pipelines/batch/internal';
import { schedulePipeline } from '$pipelines/batch/schedule';
import { runPipeline, STAGES, type RunResult } from '$pipelines/batch/run';
import { databaseRecorder } from '$pipelines/batch/runs';
import { publicationSettings } from '$pipelines/settings';
import { internalSocketPath, startInternalApi } from './internal-api';
import { settledInstant } from './db/store';
import { pullSettings } from './db/shared-settings';

let schedule: Cron | undefined;

/** Called once from the server's init hook. */
export async function startPipelineInServer(services: SurveyServices): Promise<void> {
	const { config } = services;
	// On PostgreSQL the CLI reads the database itself (DATABASE_URL): no socket beside a file to offer.
	if (services.db.dialect === 'postgres') {
		if (config.PIPELINE_SCHEDULE_IN_SERVER && !schedule)
			schedule = schedulePipeline(config.PIPELINE_CRON, config.PIPELINE_TIMEZONE, () => runInServer(services, 'server'));
		process.once('sveltekit:shutdown', () => schedule?.stop());
		return;
	}
	const token = randomBytes(32).toString('hex');
	const socket = internalSocketPath(config.DATABASE_PATH);
	const internal = await startInternalApi(services, socket, token);
	const path = internalTokenPath(config.DATABASE_PATH);
	writeFileSync(path, JSON.stringify({ socket, token, pid: process.pid }), { mode: 0o600 });
	chmodSync(path, 0o600);
	const cleanUp = () => {
		rmSync(path, { force: true });
		rmSync(socket, { force: true });
	};
	process.once('exit', cleanUp);
	if (config.PIPELINE_SCHEDULE_IN_SERVER && !schedule) {
		schedule = schedulePipeline(config.PIPELINE_CRON, config.PIPELINE_TIMEZONE, () => runInServer(services, 'server'));
	}
	process.once('sveltekit:shutdown', () => {
		schedule?.stop();
		internal.close();
		cleanUp();
	});
}

export interface RunProgress {
	status: 'idle' | 'running' | 'succeeded' | 'failed';
	trigger?: string;
	stage?: string;
	step?: number;
	steps: number;
	startedAt?: string;
	runId?: string;
	error?: string;
}

let progress: RunProgress = { status: 'idle', steps: STAGES.length };
let current: Promise<RunResult> | undefined;

/** What the run started in this server is doing now, for the admin page to show. */
export const runProgress = (): RunProgress => progress;

/** Runs one batch on the server's own DuckDB instance (a connection of its own: the snapshot is an
 *  MVCC read beside the submission writer). Never two at once in this process. */
export function runInServer(services: SurveyServices, trigger: 'server' | 'admin'): Promise<RunResult> {
	if (current) throw new Error('A pipeline run is already in progress; wait for it to finish.');
	const { config } = services;
	progress = { status: 'running', trigger, steps: STAGES.length, startedAt: new Date().toISOString() };
	current = (async () => {
		try {
			// Several instances on one PostgreSQL: one run at a time among them all.
			const ran = await services.db.exclusively('pipeline-run', async () => {
				await pullSettings(services.db, { force: true });
				const analytics = await services.db.analytics();
				await analytics.catchUp(await settledInstant(services.db));
				const c = await analytics.instance.connect();
				try {
					return await runPipeline(c, {
						out: config.PIPELINE_OUT,
						...publicationSettings(),
						trigger,
						pdf: config.PIPELINE_PDF === 'on',
						recorder: databaseRecorder(services.db),
						progress: {
							stage: (name, index) => (progress = { ...progress, stage: name, step: index + 1 }),
							done: () => undefined
						}
					});
				} finally {
					c.closeSync();
				}
			});
			if (!ran) throw new Error('A pipeline run is already in progress on another instance; wait for it to finish.');
			progress = { ...progress, status: 'succeeded', runId: ran.runId, stage: undefined };
			return ran;
		} catch (error) {
			progress = { ...progress, status: 'failed', error: (error as Error).message };
			throw error;
		} finally {
			current = undefined;
		}
	})();
	return current;
}
