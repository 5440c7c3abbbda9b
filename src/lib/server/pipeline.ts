// The batch pipeline's hooks into the running server: a random token (in a 0600 file next to the
// database) that lets the pipeline CLI on this machine ask the server, over loopback only, for a
// snapshot, to record a run or to store imported rows; and, when PIPELINE_SCHEDULE_IN_SERVER=true,
// the nightly schedule run inside the server on its own DuckDB instance.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import type { Cron } from 'croner';
import type { SurveyServices } from './survey';
import { internalTokenPath } from '../../../pipelines/internal';
import { schedulePipeline } from '../../../pipelines/schedule';
import { runPipeline, STAGES, type RunResult } from '../../../pipelines/run';
import { databaseRecorder } from '../../../pipelines/runs';
import { publicationSettings } from './settings';

let token: string | undefined;
let schedule: Cron | undefined;

const isLoopback = (address: string) => address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');

/** True when the request comes from this machine and carries the token the server wrote at start. */
export function authoriseInternal(request: Request, clientAddress: string): boolean {
	if (!token || !isLoopback(clientAddress)) return false;
	const given = Buffer.from((request.headers.get('authorization') ?? '').replace(/^Bearer /, ''));
	const expected = Buffer.from(token);
	return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Called once from the server's init hook. */
export function startPipelineInServer(services: SurveyServices): void {
	const { config } = services;
	token = randomBytes(32).toString('hex');
	const port = Number(process.env.PORT ?? 3000);
	const path = internalTokenPath(config.DATABASE_PATH);
	writeFileSync(path, JSON.stringify({ url: `http://127.0.0.1:${port}`, token, pid: process.pid }), { mode: 0o600 });
	chmodSync(path, 0o600);
	process.once('exit', () => rmSync(path, { force: true }));
	if (config.PIPELINE_SCHEDULE_IN_SERVER && !schedule) {
		schedule = schedulePipeline(config.PIPELINE_CRON, config.PIPELINE_TIMEZONE, () => runInServer(services, 'server'));
	}
	process.once('sveltekit:shutdown', () => {
		schedule?.stop();
		rmSync(path, { force: true });
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
		const c = await services.db.instance.connect();
		try {
			const result = await runPipeline(c, {
				out: config.PIPELINE_OUT,
				...publicationSettings(config.PIPELINE_THRESHOLD),
				trigger,
				recorder: databaseRecorder(services.db),
				progress: {
					stage: (name, index) => (progress = { ...progress, stage: name, step: index + 1 }),
					done: () => undefined
				}
			});
			progress = { ...progress, status: 'succeeded', runId: result.runId, stage: undefined };
			return result;
		} catch (error) {
			progress = { ...progress, status: 'failed', error: (error as Error).message };
			throw error;
		} finally {
			c.closeSync();
			current = undefined;
		}
	})();
	return current;
}
