// Starts the built app (`npm run serve`: adapter-node's server through scripts/serve.js) as a real
// process on 127.0.0.1 (or a Unix socket) with its own DuckDB file.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');

const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { serve: string; pipeline: string } };

/** Node's arguments for the built server, exactly as `npm run serve` (and `npm start`) give them:
 *  "node --max-semi-space-size=64 build" (a larger young generation cuts GC under submit load). */
const SERVE_ARGS = scripts.serve.split(' ').slice(1);
export const SERVER_NODE_FLAGS = SERVE_ARGS.filter((a) => a.startsWith('--'));

/** Node's arguments for the batch CLI as `npm run pipeline` starts it ("tsx pipelines/batch/cli.ts"), in
 *  one process: tsx as a loader rather than through its launcher (and npx), about 0.85 CPU s less a run. */
export const PIPELINE_ARGS = ['--import', ...scripts.pipeline.split(' ')];

export function freePort(): Promise<number> {
	return new Promise((ok, fail) => {
		const server = createServer();
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			server.close(() => ok(port));
		});
		server.on('error', fail);
	});
}

export function tempDir(prefix = 'pgwn-'): { path: string; remove(): void } {
	const path = mkdtempSync(join(tmpdir(), prefix));
	return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface RunningServer {
	url: string;
	port: number;
	process: ChildProcess;
	output(): string;
	stop(signal?: NodeJS.Signals): Promise<void>;
}

export async function startServer(options: { databasePath: string; env?: Record<string, string>; port?: number }): Promise<RunningServer> {
	const port = options.port ?? (await freePort());
	// ORIGIN: the address is plain http, so form posts pass SvelteKit's same-origin check (adapter-node
	// assumes https otherwise), as a deployment behind TLS would with its own https ORIGIN.
	// PDFs of the reports only where a test asks for them (PIPELINE_PDF=on): Chromium printing is slow.
	const env: NodeJS.ProcessEnv = {
		...process.env,
		HOST: '127.0.0.1',
		PORT: String(port),
		ORIGIN: `http://127.0.0.1:${port}`,
		DATABASE_PATH: options.databasePath,
		PIPELINE_PDF: 'off',
		...options.env
	};
	// On a Unix socket (SOCKET_PATH) only: Node listens on PORT instead when both are given.
	if (env.SOCKET_PATH) delete env.PORT;
	const child = spawn(process.execPath, SERVE_ARGS, {
		cwd: ROOT,
		env,
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	child.stdout!.on('data', (d) => (output += d));
	child.stderr!.on('data', (d) => (output += d));
	await new Promise<void>((ok, fail) => {
		const timer = setTimeout(() => fail(new Error(`server did not start:\n${output}`)), 30_000);
		const check = () => {
			if (output.includes('Listening on')) {
				clearTimeout(timer);
				ok();
			}
		};
		child.stdout!.on('data', check);
		child.on('exit', (code) => {
			clearTimeout(timer);
			fail(new Error(`server exited with ${code}:\n${output}`));
		});
	});
	const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
	return {
		url: `http://127.0.0.1:${port}`,
		port,
		process: child,
		output: () => output,
		async stop(signal = 'SIGTERM') {
			if (child.exitCode === null && child.signalCode === null) child.kill(signal);
			await exited;
		}
	};
}
