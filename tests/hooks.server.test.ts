// Security headers on every page, over HTTP against the built server.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccounts, PASSWORD } from './helpers/accounts';
import { startServer, tempDir, type RunningServer } from './helpers/server';
import { signIn } from './helpers/trpc';

const dir = tempDir();
let server: RunningServer;
let cookie: string;

beforeAll(async () => {
	const databasePath = join(dir.path, 'survey.duckdb');
	await createAccounts(databasePath);
	server = await startServer({ databasePath });
	cookie = (await signIn(server.url, 'admin@example.org', PASSWORD)).cookie;
});
afterAll(async () => {
	await server?.stop();
	dir.remove();
});

describe('security headers', () => {
	for (const path of ['/', '/survey/about_you', '/login', '/runs', '/admin']) {
		it(`${path}: a CSP with no inline script from elsewhere and no framing, no referrer to other sites, no sniffing`, async () => {
			// Signed in, except for /login, which sends a signed-in visitor on.
			const response = await fetch(`${server.url}${path}`, { headers: path === '/login' ? {} : { cookie }, redirect: 'manual' });
			expect(response.status).toBe(200);
			const csp = response.headers.get('content-security-policy') ?? '';
			expect(csp).toMatch(/frame-ancestors 'none'/);
			expect(csp).toMatch(/script-src 'self'( 'sha256-[^']+')*;/);
			expect(csp).not.toMatch(/script-src[^;]*unsafe-(inline|eval)/);
			// Survey pages send their origin to this site alone, so their form posts pass the same-origin check.
			expect(response.headers.get('referrer-policy')).toBe(path.startsWith('/survey/') ? 'same-origin' : 'no-referrer');
			expect(response.headers.get('x-content-type-options')).toBe('nosniff');
		});
	}

	it('marks signed-in pages, API answers and survey pages (they show answers) no-store, and leaves the start page cacheable', async () => {
		for (const path of ['/runs', '/admin', '/login']) {
			expect((await fetch(`${server.url}${path}`, { headers: { cookie } })).headers.get('cache-control'), path).toBe('no-store');
		}
		expect((await fetch(`${server.url}/api/trpc/auth.me`, { headers: { cookie } })).headers.get('cache-control')).toBe('no-store');
		expect((await fetch(`${server.url}/survey/about_you`)).headers.get('cache-control')).toBe('no-store');
		expect((await fetch(`${server.url}/`)).headers.get('cache-control')).not.toBe('no-store');
	});

	it('sends signed-out visitors of signed-in pages to sign in', async () => {
		for (const path of ['/runs', '/admin']) {
			const response = await fetch(`${server.url}${path}`, { redirect: 'manual' });
			expect(response.status, path).toBe(303);
			expect(response.headers.get('location')).toBe(`/login?next=${encodeURIComponent(path)}`);
		}
	});
});
