// The server's end of the dashboard engine (engine.ts): starts the engine process on first use, sends
// it requests and the cube to work on, and starts it again if it stops. One per server process.
import { spawn, type ChildProcess } from 'node:child_process';
import type { EngineReply, EngineRequest } from './engine';
import type { CubeCopy } from './live-cube';
import type { Dashboard, DashboardFilter, DashboardSettings, StatusedWave } from './dashboard';

interface Pending {
	resolve(figures: Dashboard): void;
	reject(error: Error): void;
}

export class DashboardEngine {
	#child: Promise<ChildProcess> | undefined;
	#process: ChildProcess | undefined;
	readonly #pending = new Map<number, Pending>();
	#next = 1;

	/** The figures of one view, worked out by the engine; `signal` interrupts the work. */
	async figures(
		request: {
			cube: CubeCopy;
			waves: StatusedWave[];
			filter: DashboardFilter;
			settings: DashboardSettings;
			version: string;
		},
		signal?: AbortSignal
	): Promise<Dashboard> {
		if (signal?.aborted) throw new Error('Stopped: the time limit passed before the job started');
		const child = await this.#start();
		const id = this.#next++;
		const stop = () => child.send({ id, kind: 'interrupt' } satisfies EngineRequest, () => undefined);
		signal?.addEventListener('abort', stop, { once: true });
		try {
			return await new Promise<Dashboard>((resolve, reject) => {
				this.#pending.set(id, { resolve, reject });
				child.send({ id, kind: 'figures', ...request } satisfies EngineRequest, (error) => {
					if (!error) return;
					this.#pending.delete(id);
					reject(new Error(`The dashboard engine could not be asked: ${error.message}`));
				});
			});
		} finally {
			signal?.removeEventListener('abort', stop);
		}
	}

	/** The engine process's id, once started. */
	get pid(): number | undefined {
		return this.#process?.pid;
	}

	/** Stops the engine process. */
	async close(): Promise<void> {
		const child = await this.#child?.catch(() => undefined);
		[this.#process, this.#child] = [undefined, undefined];
		if (child && child.exitCode === null) {
			const exited = new Promise((ok) => child.once('exit', ok));
			child.kill();
			await exited;
		}
	}

	/** Starts the engine process now if it is not running. */
	async start(): Promise<void> {
		await this.#start();
	}

	#start(): Promise<ChildProcess> {
		return (this.#child ??= this.#spawn().catch((error) => {
			this.#child = undefined;
			throw error;
		}));
	}

	async #spawn(): Promise<ChildProcess> {
		// A dynamic import: built, the engine is a chunk of its own, and its URL says where. Naming
		// serveEngine here keeps it among the chunk's exports.
		const { ENGINE_URL, ENGINE_NICENESS, serveEngine } = await import('./engine');
		if (typeof serveEngine !== 'function') throw new Error('The dashboard engine is missing from this build');
		const code = `import(${JSON.stringify(ENGINE_URL)}).then((engine) => engine.serveEngine())`;
		// From the sources (tests, `npm run dev`) the engine is TypeScript: tsx runs it, as it runs the CLI.
		const loader = ENGINE_URL.endsWith('.ts') ? ['--import', 'tsx'] : [];
		// Started under nice(1), so that every thread of it (V8's, libuv's, DuckDB's) runs at the lower
		// priority from the first: a thread takes its priority from the thread that starts it.
		const child = spawn('nice', ['-n', String(ENGINE_NICENESS), process.execPath, ...loader, '--input-type=module', '--eval', code], {
			stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
			serialization: 'advanced'
		});
		child.on('message', (reply: EngineReply | { id: 0; ready: true }) => {
			const pending = this.#pending.get(reply.id);
			if (!pending) return;
			this.#pending.delete(reply.id);
			if ('error' in reply) pending.reject(new Error(reply.error));
			else if ('figures' in reply) pending.resolve(reply.figures);
		});
		this.#process = child;
		// The engine never keeps the server running: it exits itself when the server goes ('disconnect').
		child.unref();
		child.channel?.unref();
		// Errors after the start come with the exit that follows, or with a send's own callback.
		child.on('error', (error) => console.error(`Dashboard engine: ${error.message}`));
		child.on('exit', (code, signal) => {
			if (this.#process === child) [this.#process, this.#child] = [undefined, undefined];
			for (const [id, pending] of this.#pending) {
				this.#pending.delete(id);
				pending.reject(new Error(`The dashboard engine stopped (${signal ?? `exit code ${code}`}); ask again.`));
			}
		});
		await new Promise<void>((ready, failed) => {
			const onMessage = (m: { id: number; ready?: boolean }) => m.id === 0 && m.ready && (child.off('message', onMessage), ready());
			child.on('message', onMessage);
			child.once('exit', (code) => failed(new Error(`The dashboard engine could not start (exit code ${code})`)));
			// nice(1) or node missing: said, rather than waited for.
			child.once('error', (error) => failed(new Error(`The dashboard engine could not start: ${error.message}`)));
		});
		return child;
	}
}

let engine: DashboardEngine | undefined;

/** The one dashboard engine of this server process. */
export const dashboardEngine = (): DashboardEngine => (engine ??= new DashboardEngine());
