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
import type { RunResult } from '$pipelines/batch/run';
import { RUN_STEPS } from '$pipelines/batch/steps';
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

let progress: RunProgress = { status: 'idle', steps: RUN_STEPS.length };
let current: Promise<RunResult> | undefined;

/** What the run started in this server is doing now (on PostgreSQL, in any instance), for the admin page. */
export async function runProgress(services: SurveyServices): Promise<RunProgress> {
	if (services.db.dialect !== 'postgres' || holding) return progress;
	await sharing;
	const [row] = await services.db.query(`SELECT content FROM settings WHERE name = 'run-progress'`);
	if (!row) return progress;
	const shared = JSON.parse(String(row.content)) as RunProgress;
	// The instance running it stopped mid-run (its lock went with its connection): say so, not "running".
	if (shared.status === 'running' && !current && (await services.db.exclusively('pipeline-run', async () => true)))
		return { ...shared, status: 'failed', error: 'The instance running it stopped before it finished. Start it again.' };
	return shared;
}

let sharing: Promise<unknown> = Promise.resolve();
/** This process holds the run lock (its run is the one running). */
let holding = false;
let begun: Promise<boolean> = Promise.resolve(false);

/** Starts a run for the admin page and waits until it has begun here or was refused because another
 *  instance runs one; the run itself goes on in the background (recorded in pipeline_runs). */
export async function startRun(services: SurveyServices): Promise<RunProgress> {
	runInServer(services, 'admin').catch((error) => console.error(`Pipeline run failed: ${(error as Error).message}`));
	await begun;
	return runProgress(services);
}

/** Sets this process's progress and, on PostgreSQL, shares it with the other instances. */
function report(services: SurveyServices, next: RunProgress) {
	progress = next;
	if (services.db.dialect !== 'postgres') return;
	// One statement committed on its own, off the write queue that submissions use.
	sharing = sharing
		.then(() =>
			services.db.query(
				`INSERT INTO settings (name, content) VALUES ('run-progress', $1)
				 ON CONFLICT (name) DO UPDATE SET content = excluded.content, updated_at = now()`,
				[JSON.stringify(next)]
			)
		)
		.catch((error) => console.error(`Could not share the run's progress: ${(error as Error).message}`));
}

/** One batch on the analytics' DuckDB instance (a connection of its own: the snapshot is an MVCC read
 *  beside the submission writer), with the settings and responses as the store holds them now. */
async function runHere(services: SurveyServices, trigger: 'server' | 'admin'): Promise<RunResult> {
	await pullSettings(services.db, { force: true });
	const analytics = await services.db.analytics();
	await analytics.catchUp(await settledInstant(services.db));
	const c = await analytics.instance.connect();
	try {
		// Loaded with the first run: the server starts without the run's charts and their libraries.
		const { runPipeline } = await import('$pipelines/batch/run');
		return await runPipeline(c, {
			out: services.config.PIPELINE_OUT,
			...publicationSettings(),
			trigger,
			pdf: services.config.PIPELINE_PDF === 'on',
			// Charts on a worker thread: this event loop serves the survey meanwhile.
			chartThreads: 1,
			recorder: databaseRecorder(services.db),
			progress: {
				stage: (name, index) => report(services, { ...progress, stage: name, step: index + 1 }),
				done: () => undefined
			}
		});
	} finally {
		c.closeSync();
	}
}

/** Runs one batch in this server. Never two at once in this process, nor, on PostgreSQL, among all
 *  instances (an advisory lock). */
export function runInServer(services: SurveyServices, trigger: 'server' | 'admin'): Promise<RunResult> {
	if (current) throw new Error('A pipeline run is already in progress; wait for it to finish.');
	const before = progress;
	progress = { status: 'running', trigger, steps: RUN_STEPS.length, startedAt: new Date().toISOString() };
	let begin: (started: boolean) => void = () => undefined;
	begun = new Promise((ok) => (begin = ok));
	current = (async () => {
		try {
			const ran = await services.db.exclusively('pipeline-run', async () => {
				holding = true;
				report(services, progress);
				begin(true);
				try {
					const result = await runHere(services, trigger);
					report(services, { ...progress, status: 'succeeded', runId: result.runId, stage: undefined });
					return result;
				} catch (error) {
					report(services, { ...progress, status: 'failed', error: (error as Error).message });
					throw error;
				} finally {
					// Shared before the lock is let go: another instance must never see "running" with no one running it.
					await sharing;
				}
			});
			if (!ran) throw new Error('A pipeline run is already in progress on another instance; wait for it to finish.');
			return ran;
		} catch (error) {
			// Refused because another instance runs one: that run's progress stands, not this refusal.
			if (!holding) progress = before;
			throw error;
		} finally {
			begin(holding);
			current = undefined;
			holding = false;
		}
	})();
	return current;
}
