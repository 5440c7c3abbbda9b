// Running behind a reverse proxy, as README's Deployment section describes, over real HTTP against
// the built server: rate limits key on the client's own address in both set-ups (Node on a Unix
// socket behind a proxy on this machine; Node on TCP behind a proxy elsewhere), a client reaching
// Node directly cannot pick its own address, the internal endpoints are not on the public listener,
// and the server's own files are private to its account.
import { readFileSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccounts, PASSWORD } from './helpers/accounts';
import { http } from './helpers/http';
import { freePort, startServer, tempDir, type RunningServer } from '../bench/kit/server';

const login = (email: string, password = 'not the password') => JSON.stringify({ email, password });

describe('Node on a Unix socket behind a proxy on this machine (SOCKET_PATH, ORIGIN=https://…)', () => {
	const dir = tempDir();
	const socketPath = join(dir.path, 'app.sock');
	let server: RunningServer;
	let port: number;
	beforeAll(async () => {
		const databasePath = join(dir.path, 'survey.duckdb');
		await createAccounts(databasePath);
		port = await freePort();
		server = await startServer({
			databasePath,
			port,
			env: { SOCKET_PATH: socketPath, ORIGIN: 'https://survey.example.nhs.uk', RATE_LOGIN_PER_MINUTE: '2' }
		});
	});
	afterAll(async () => {
		await server?.stop();
		dir.remove();
	});

	const viaProxy = (path: string, client: string, body?: string) =>
		http(`http://localhost/api/trpc/${path}`, {
			socketPath,
			method: body ? 'POST' : 'GET',
			body,
			headers: { 'x-forwarded-for': client, 'x-forwarded-proto': 'https' }
		});

	it('listens on the socket only: no client reaches Node directly over TCP', async () => {
		expect((await viaProxy('survey.wave', '203.0.113.1')).status).toBe(200);
		const refused = await new Promise<boolean>((ok) => {
			const socket = connect(port, '127.0.0.1');
			socket.once('connect', () => (socket.destroy(), ok(false)));
			socket.once('error', () => ok(true));
		});
		expect(refused).toBe(true);
		// The proxy may run as another user in the server's group; nobody else may connect.
		expect(statSync(socketPath).mode & 0o777).toBe(0o660);
	});

	it('gives each client behind the proxy a sign-in limit of its own', async () => {
		for (let i = 0; i < 2; i++) expect((await viaProxy('auth.login', '203.0.113.10', login('nobody@example.org'))).status).toBe(401);
		expect((await viaProxy('auth.login', '203.0.113.10', login('nobody@example.org'))).status).toBe(429);
		// Another client, through the same proxy, is not held back by the first.
		expect((await viaProxy('auth.login', '203.0.113.11', login('national@example.org', PASSWORD))).status).toBe(200);
	});

	it('serves as https: Secure session cookie and HSTS', async () => {
		const answer = await viaProxy('auth.login', '203.0.113.12', login('admin@example.org', PASSWORD));
		expect(answer.status).toBe(200);
		expect(String(answer.headers['set-cookie'])).toMatch(/; Secure$/);
		expect(answer.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
	});
});

describe('Node on TCP behind a proxy elsewhere (ADDRESS_HEADER, XFF_DEPTH, TRUSTED_PROXIES)', () => {
	const dir = tempDir();
	const databasePath = join(dir.path, 'survey.duckdb');
	const PROXY = '127.0.0.2';
	let server: RunningServer;
	beforeAll(async () => {
		// The server creates its database itself here, to check the file's mode.
		server = await startServer({
			databasePath,
			env: { ADDRESS_HEADER: 'x-forwarded-for', XFF_DEPTH: '1', TRUSTED_PROXIES: PROXY, RATE_LOGIN_PER_MINUTE: '2' }
		});
	});
	afterAll(async () => {
		await server?.stop();
		dir.remove();
	});

	const call = (path: string, options: { from: string; xff?: string; body?: string; headers?: Record<string, string> }) =>
		http(`${server.url}${path}`, {
			localAddress: options.from,
			method: options.body ? 'POST' : 'GET',
			body: options.body,
			headers: { ...(options.xff ? { 'x-forwarded-for': options.xff } : {}), ...options.headers }
		});

	it('keys limits on the client the trusted proxy names, the last address it added', async () => {
		// A client's own X-Forwarded-For comes first; the proxy appends the address it saw (XFF_DEPTH=1).
		for (let i = 0; i < 2; i++)
			expect(
				(await call('/api/trpc/auth.login', { from: PROXY, xff: `10.9.9.${i}, 198.51.100.1`, body: login('nobody@example.org') })).status
			).toBe(401);
		expect(
			(await call('/api/trpc/auth.login', { from: PROXY, xff: '10.9.9.9, 198.51.100.1', body: login('nobody@example.org') })).status
		).toBe(429);
		expect((await call('/api/trpc/auth.login', { from: PROXY, xff: '198.51.100.2', body: login('nobody@example.org') })).status).toBe(401);
	});

	it('does not let a client reaching Node directly escape the limits by changing the header', async () => {
		for (let i = 0; i < 2; i++)
			expect(
				(await call('/api/trpc/auth.login', { from: '127.0.0.1', xff: `198.51.100.${50 + i}`, body: login('nobody@example.org') })).status
			).toBe(401);
		expect(
			(await call('/api/trpc/auth.login', { from: '127.0.0.1', xff: '198.51.100.99', body: login('nobody@example.org') })).status
		).toBe(429);
	});

	it('answers a proxied request that lacks the header (keyed on the proxy) rather than failing', async () => {
		expect((await call('/api/trpc/survey.wave', { from: PROXY })).status).toBe(200);
	});

	it('keeps the internal endpoints off the public listener, token or not, from loopback or not', async () => {
		const { token } = JSON.parse(readFileSync(`${databasePath}.internal.json`, 'utf8')) as { token: string };
		for (const from of ['127.0.0.1', PROXY]) {
			const answer = await call('/api/internal/snapshot', { from, headers: { authorization: `Bearer ${token}` } });
			expect(answer.status, from).toBe(404);
		}
	});

	it('creates the database, its token file and its socket readable by their owner only', () => {
		const { socket } = JSON.parse(readFileSync(`${databasePath}.internal.json`, 'utf8')) as { socket: string };
		for (const file of [databasePath, `${databasePath}.internal.json`, socket]) expect(statSync(file).mode & 0o777, file).toBe(0o600);
		expect(statSync(dir.path).mode & 0o077).toBe(0);
	});
});
