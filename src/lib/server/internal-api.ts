// The pipeline CLI's way into the running server (the single writer): a listener of its own on a Unix
// socket next to the database (0600, so only the account running the server can connect), answering
// with the token the server writes, 0600, beside it. Nothing here is reachable on the public
// listener, so neither a reverse proxy nor a forged X-Forwarded-For makes a request "local".
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { chmodSync, lstatSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { timingSafeEqual } from 'node:crypto';
import type { SurveyServices } from './survey';
import { importRequestSchema } from '$pipelines/sources/import';
import { storeImported } from './db/imported';
import { databaseRecorder, runRecordSchema } from '$pipelines/batch/runs';
import { parquetSnapshot } from '$lib/server/analytics/parquet-snapshot';
import { settledInstant } from './db/store';
import { Database } from './db/database';
import { backUp } from './db/backup';

// Import sends every row in one request; only the token's holder can send one at all.
const BODY_LIMIT = 256 * 1024 * 1024;

/** A Unix socket path next to the database, or in a private temporary folder when that path is too
 *  long for a socket (about 100 bytes on Linux). */
export function internalSocketPath(databasePath: string): string {
	const beside = `${resolve(databasePath)}.internal.sock`;
	if (Buffer.byteLength(beside) <= 100) return beside;
	return join(mkdtempSync(join(tmpdir(), 'pgwn-internal-')), 'internal.sock');
}

class HttpProblem extends Error {
	constructor(
		readonly status: number,
		message: string
	) {
		super(message);
	}
}

async function bodyOf(req: IncomingMessage): Promise<unknown> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of req) {
		size += (chunk as Buffer).length;
		if (size > BODY_LIMIT) throw new HttpProblem(413, `Request body larger than ${BODY_LIMIT / 1024 / 1024} MiB`);
		chunks.push(chunk as Buffer);
	}
	try {
		return JSON.parse(Buffer.concat(chunks).toString('utf8'));
	} catch {
		throw new HttpProblem(400, 'The request body was not valid JSON');
	}
}

function authorised(req: IncomingMessage, token: string): boolean {
	const given = Buffer.from(String(req.headers.authorization ?? '').replace(/^Bearer /, ''));
	const expected = Buffer.from(token);
	return given.length === expected.length && timingSafeEqual(given, expected);
}

async function route(services: SurveyServices, req: IncomingMessage, res: ServerResponse): Promise<void> {
	const path = new URL(req.url ?? '/', 'http://internal').pathname;
	if (req.method === 'GET' && path === '/api/internal/snapshot') {
		const analytics = await services.db.analytics();
		await analytics.catchUp(await settledInstant(services.db));
		const snapshot = await parquetSnapshot(analytics.instance);
		res.writeHead(200, {
			'content-type': 'application/vnd.apache.parquet',
			'x-pipeline-waves': encodeURIComponent(JSON.stringify(snapshot.waves))
		});
		res.end(snapshot.parquet);
		return;
	}
	if (req.method === 'POST' && path === '/api/internal/pipeline-runs') {
		const parsed = runRecordSchema.safeParse(await bodyOf(req));
		if (!parsed.success) throw new HttpProblem(400, 'Not a pipeline run record');
		await databaseRecorder(services.db).record(parsed.data);
		return json(res, { ok: true });
	}
	if (req.method === 'POST' && path === '/api/internal/import') {
		// Rows are validated again here; submission ids are deterministic, so a repeat stores nothing.
		const parsed = importRequestSchema.safeParse(await bodyOf(req));
		if (!parsed.success)
			throw new HttpProblem(
				400,
				parsed.error.issues
					.map((i) => i.message)
					.join('; ')
					.slice(0, 500)
			);
		return json(res, await storeImported(services.db, services.responses, parsed.data.rows));
	}
	if (req.method === 'POST' && path === '/api/internal/backup') {
		const body = (await bodyOf(req)) as { to?: unknown };
		if (typeof body?.to !== 'string' || !body.to.startsWith('/')) throw new HttpProblem(400, 'Give the backup file as an absolute path');
		if (!(services.db instanceof Database))
			throw new HttpProblem(400, 'This server stores its data in PostgreSQL: back it up with pg_dump');
		try {
			return json(res, await backUp(services.db, body.to));
		} catch (error) {
			throw new HttpProblem(400, (error as Error).message);
		}
	}
	throw new HttpProblem(404, 'No such internal endpoint');
}

const json = (res: ServerResponse, body: unknown, status = 200) => {
	res.writeHead(status, { 'content-type': 'application/json' });
	res.end(JSON.stringify(body));
};

/** Starts the internal listener on `socketPath`; requests must carry `token`. */
export function startInternalApi(services: SurveyServices, socketPath: string, token: string): Promise<Server> {
	const server = createServer((req, res) => {
		if (!authorised(req, token)) return void (req.resume(), json(res, { error: 'Forbidden' }, 403));
		route(services, req, res).catch((error: unknown) => {
			const status = error instanceof HttpProblem ? error.status : 500;
			if (status === 500) console.error('Internal API request failed:', error);
			if (!res.headersSent)
				json(res, { error: status === 500 ? 'The server could not do that; see its log' : (error as Error).message }, status);
			else res.destroy();
		});
	});
	// A socket left by a server that did not stop cleanly (this process holds the database now).
	try {
		if (lstatSync(socketPath).isSocket()) rmSync(socketPath);
	} catch {
		// nothing there
	}
	return new Promise((ok, fail) => {
		server.once('error', fail);
		server.listen(socketPath, () => {
			chmodSync(socketPath, 0o600);
			ok(server);
		});
	});
}
