// The fair queue's time limit over real HTTP against the built server: a set of figures that runs past
// DASHBOARD_JOB_SECONDS is stopped and refused in words, and the planner and the server carry on. Apart
// from fair-queue.test.ts, which runs alone because it compares response times: this one does not.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccounts, PASSWORD } from '../../../helpers/accounts';
import { startServer, tempDir, type RunningServer } from '../../../../bench/kit/server';
import { signIn } from '../../../../bench/kit/trpc';

describe('dashboard time limit', () => {
	const small = tempDir();
	let limited: RunningServer;
	beforeAll(async () => {
		const databasePath = join(small.path, 'survey.duckdb');
		await createAccounts(databasePath);
		// A limit no set of figures can meet, so every job is stopped.
		limited = await startServer({
			databasePath,
			env: { SETTINGS_DIR: join(small.path, 'settings'), PIPELINE_OUT: join(small.path, 'reports'), DASHBOARD_JOB_SECONDS: '0.001' }
		});
	});
	afterAll(async () => {
		await limited?.stop();
		small.remove();
	});

	it('stops a job that runs past its time limit and says so; the planner and the server carry on', async () => {
		const { cookie } = await signIn(limited.url, 'national@example.org', PASSWORD);
		for (let i = 0; i < 2; i++) {
			const response = await fetch(`${limited.url}/api/trpc/reports.dashboard`, { headers: { cookie } });
			expect(response.status).toBe(408);
			const error = (await response.json()).error;
			expect(error.data.code).toBe('TIMEOUT');
			expect(error.message).toBe(
				'These figures took longer than 1 second to work out, so they were stopped. Try again, or choose fewer filters.'
			);
		}
		expect((await fetch(`${limited.url}/api/trpc/reports.options`, { headers: { cookie } })).status).toBe(200);
		expect((await fetch(`${limited.url}/api/trpc/survey.wave`)).status).toBe(200);
	});
});
