// The pipeline CLI's client for the running server's internal endpoints (a Unix socket of their own,
// and a token, both in a 0600 file next to the database, written by the server at start).
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { Readable } from 'node:stream';
import type { Wave } from '../core/context';
import type { RunRecord, RunRecorder } from './runs';

export const internalTokenPath = (databasePath: string) => `${databasePath}.internal.json`;

export interface ImportOutcome {
	stored: number;
	alreadyStored: number;
}

/** The server said no; `words` is its reason as it wrote it for a person. */
export class ServerRefusal extends Error {
	readonly words: string;
	constructor(path: string, status: number, body: string) {
		let words = body.slice(0, 300);
		try {
			words = String((JSON.parse(body) as { error?: unknown }).error ?? words);
		} catch {
			// not JSON: the body as it is
		}
		super(`The survey server refused ${path}: ${status} ${words}`);
		this.words = words;
	}
}

export class ServerClient {
	private constructor(
		readonly socket: string,
		private readonly token: string
	) {}

	/** The client for the server holding `databasePath`, or null when no server left a token. */
	static forDatabase(databasePath: string): ServerClient | null {
		const path = internalTokenPath(databasePath);
		if (!existsSync(path)) return null;
		const { socket, token } = JSON.parse(readFileSync(path, 'utf8')) as { socket: string; token: string };
		return new ServerClient(socket, token);
	}

	async #fetch(path: string, init: RequestInit = {}): Promise<Response> {
		const response = await socketFetch(this.socket, path, {
			method: init.method ?? 'GET',
			body: init.body as string | undefined,
			headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' }
		});
		if (!response.ok) throw new ServerRefusal(path, response.status, await response.text());
		return response;
	}

	async snapshot(): Promise<{ waves: Array<Wave & { status: string }>; parquet: Buffer }> {
		const response = await this.#fetch('/api/internal/snapshot');
		const waves = JSON.parse(decodeURIComponent(response.headers.get('x-pipeline-waves') ?? '%5B%5D'));
		return { waves, parquet: Buffer.from(await response.arrayBuffer()) };
	}

	recorder(): RunRecorder {
		return {
			record: async (run: RunRecord) =>
				void (await this.#fetch('/api/internal/pipeline-runs', { method: 'POST', body: JSON.stringify(run) }))
		};
	}

	/** Asks the server to copy its database to `to` (an absolute path it can write). */
	async backup(to: string): Promise<{ file: string; responses: number }> {
		return (await this.#fetch('/api/internal/backup', { method: 'POST', body: JSON.stringify({ to }) })).json() as Promise<{
			file: string;
			responses: number;
		}>;
	}

	async importRows(rows: Array<{ submissionId: string; answers: Record<string, unknown> }>): Promise<ImportOutcome> {
		return (await this.#fetch('/api/internal/import', { method: 'POST', body: JSON.stringify({ rows }) })).json() as Promise<ImportOutcome>;
	}
}

/** fetch() over a Unix socket (Node 20's fetch cannot reach one without undici's own Agent). */
function socketFetch(
	socketPath: string,
	path: string,
	init: { method: string; body?: string; headers: Record<string, string> }
): Promise<Response> {
	return new Promise((ok, fail) => {
		const req = request({ socketPath, path, method: init.method, headers: init.headers }, (res) => {
			const headers = new Headers();
			for (const [name, value] of Object.entries(res.headers)) if (typeof value === 'string') headers.set(name, value);
			ok(new Response(Readable.toWeb(res) as ReadableStream, { status: res.statusCode, headers }));
		});
		req.on('error', (error) => fail(new Error(`Could not reach the survey server's internal socket ${socketPath}: ${error.message}`)));
		req.end(init.body);
	});
}
