// The built server an attack runs against: a temp folder of its own (DuckDB file with the test accounts,
// settings, reports), submissions not rate-limited (the test's and the attacker's own responses), and
// snapshots that settle in SETTLE_MS rather than the default two seconds.
import { join } from 'node:path';
import { createAccounts } from '../helpers/accounts';
import { startServer, tempDir, type RunningServer } from '../../bench/kit/server';

/** The server's DASHBOARD_SNAPSHOT_SETTLE_MS: a snapshot holds the responses submitted until this long before it. */
export const SETTLE_MS = 500;

export interface TargetServer {
	server: RunningServer;
	/** Stops the server and removes its folder. */
	stop(): Promise<void>;
}

/** Starts the target with `env` on top (the snapshot policy, the disclosure switch). */
export async function targetServer(env: Record<string, string>): Promise<TargetServer> {
	const dir = tempDir();
	try {
		const databasePath = join(dir.path, 'survey.duckdb');
		await createAccounts(databasePath);
		const server = await startServer({
			databasePath,
			env: {
				SETTINGS_DIR: join(dir.path, 'settings'),
				PIPELINE_OUT: join(dir.path, 'reports'),
				RATE_SUBMIT_PER_MINUTE: '100000',
				DASHBOARD_SNAPSHOT_SETTLE_MS: String(SETTLE_MS),
				...env
			}
		});
		return {
			server,
			async stop() {
				await server.stop();
				dir.remove();
			}
		};
	} catch (error) {
		dir.remove();
		throw error;
	}
}
