// One browser test file's app: a temp folder with its own DuckDB file (the test accounts, synthetic
// responses if asked), the built server on it, the worker's Chromium (tests/helpers/browser.ts), and
// the clean-up; plus pages signed in as an account. Registers its own beforeAll/afterAll, so a file
// calls it once at the top.
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { Database } from '../../src/lib/server/db/database';
import { instrument } from '../../src/lib/instrument/survey';
import { generateResponses, type SyntheticOptions } from '../../pipelines/sources/synthetic';
import { createAccounts, PASSWORD } from './accounts';
import { workerChromium, newPage } from './browser';
import { startServer, tempDir, type RunningServer } from '../../bench/kit/server';
import { signIn } from '../../bench/kit/trpc';

export interface BrowserAppOptions {
	/** The test accounts (tests/helpers/accounts.ts) in the database; off for respondent-only files. */
	accounts?: boolean;
	/** Synthetic responses written before the server opens the file, one wave a call, in one write. */
	responses?: SyntheticOptions | SyntheticOptions[];
	/** Anything else done to the database (or the folder) while the file is still ours, before the
	 *  server opens it: DuckDB lets one process hold a file at a time. */
	prepare?: (db: Database, dir: string) => Promise<void>;
	/** Folders in the temp dir for the server: its settings (SETTINGS_DIR) and its runs (PIPELINE_OUT),
	 *  so a test never reads or writes the checkout's own. */
	dirs?: Array<'settings' | 'reports'>;
	/** More of the server's environment (rate limits, caches, expiry). */
	env?: Record<string, string>;
	/** For the set-up hook, where responses or a batch run take longer than vitest's hookTimeout. */
	timeout?: number;
}

export interface BrowserApp {
	/** Filled in by beforeAll: undefined while vitest collects the file. */
	dir: string;
	databasePath: string;
	server: RunningServer;
	browser: Browser;
	/** A page in its own context, signed in as `email` (auth.login over HTTP, its session cookie put
	 *  in the browser): quicker than the sign-in form, for tests that are not about signing in. */
	signedInPage(email: string, options?: BrowserContextOptions): Promise<Page>;
	/** A page in its own context carrying a session cookie (`name=value`) signed in already. */
	sessionPage(cookie: string, options?: BrowserContextOptions): Promise<Page>;
	/** Stops the server, runs `read` (DuckDB lets one process hold the file, so a test reads what was
	 *  stored this way), and starts the server again on the same file and settings, even if `read` fails. */
	whileStopped<T>(read: () => Promise<T>): Promise<T>;
}

const ENV_DIRS = { settings: ['SETTINGS_DIR', 'settings'], reports: ['PIPELINE_OUT', 'reports'] } as const;

export function browserApp(options: BrowserAppOptions = {}): BrowserApp {
	let folder: ReturnType<typeof tempDir> | undefined;
	const app: BrowserApp = {
		dir: undefined!,
		databasePath: undefined!,
		server: undefined!,
		browser: undefined!,
		async signedInPage(email, contextOptions = {}) {
			return app.sessionPage((await signIn(app.server.url, email, PASSWORD)).cookie, contextOptions);
		},
		async sessionPage(cookie, contextOptions = {}) {
			const [name, value] = cookie.split('=');
			const page = await newPage(app.browser, contextOptions);
			await page.context().addCookies([{ name, value, url: app.server.url }]);
			return page;
		},
		async whileStopped(read) {
			await app.server.stop();
			try {
				return await read();
			} finally {
				app.server = await startServer({ databasePath: app.databasePath, env: serverEnv() });
			}
		}
	};
	const serverEnv = () => ({
		...Object.fromEntries((options.dirs ?? []).map((d) => [ENV_DIRS[d][0], join(app.dir, ENV_DIRS[d][1])])),
		...options.env
	});

	beforeAll(async () => {
		folder = tempDir();
		app.dir = folder.path;
		app.databasePath = join(app.dir, 'survey.duckdb');
		if (options.accounts ?? true) await createAccounts(app.databasePath);
		const waves = options.responses === undefined ? [] : [options.responses].flat();
		if (waves.length || options.prepare) {
			const db = await Database.open(app.databasePath, instrument);
			try {
				if (waves.length)
					await db.write(async (c) => {
						for (const wave of waves) await generateResponses(c, wave);
					});
				await options.prepare?.(db, app.dir);
			} finally {
				await db.close();
			}
		}
		app.server = await startServer({ databasePath: app.databasePath, env: serverEnv() });
		app.browser = await workerChromium();
	}, options.timeout);

	// Whatever beforeAll got as far as starting, even when it failed half way.
	afterAll(async () => {
		await app.browser?.close();
		await app.server?.stop();
		folder?.remove();
	});

	return app;
}
