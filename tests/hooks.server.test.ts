// Security headers on every page, static file and prerendered file, over HTTP against the built
// server; HSTS only where the site is served over https; the data folder's files private to the owner.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccounts, PASSWORD } from './helpers/accounts';
import { ROOT, startServer, tempDir, type RunningServer } from '../bench/kit/server';
import { signIn } from '../bench/kit/trpc';

const dir = tempDir();
let server: RunningServer;
let cookie: string;
const databasePath = join(dir.path, 'survey.duckdb');

beforeAll(async () => {
	await createAccounts(databasePath);
	server = await startServer({ databasePath });
	cookie = (await signIn(server.url, 'admin@example.org', PASSWORD)).cookie;
});
afterAll(async () => {
	await server?.stop();
	dir.remove();
});

function expectCommonHeaders(headers: Headers, path = '', signedIn = false) {
	// Pages with form posts (survey, sign-in, administration, runs, and every signed-in page: its Sign
	// out form) send their origin to this site alone, so their posts pass the same-origin check.
	const formPage = signedIn || ['/survey/', '/login', '/admin', '/runs'].some((p) => path.startsWith(p));
	expect(headers.get('referrer-policy')).toBe(formPage ? 'same-origin' : 'no-referrer');
	expect(headers.get('x-content-type-options')).toBe('nosniff');
	expect(headers.get('x-frame-options')).toBe('DENY');
	expect(headers.get('permissions-policy')).toMatch(/camera=\(\)/);
}

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
			expectCommonHeaders(response.headers, path, path !== '/login');
		});
	}

	it('/ signed out: no referrer at all (nothing to post)', async () => {
		expectCommonHeaders((await fetch(`${server.url}/`)).headers, '/');
	});

	// adapter-node serves these before SvelteKit's hooks run.
	const script = readdirSync(join(ROOT, 'build/client/_app/immutable/entry')).find((f) => f.endsWith('.js'));
	for (const path of [
		`/_app/immutable/entry/${script}`,
		'/assets/nhsuk-frontend.css',
		'/assets/images/favicon.svg',
		'/_app/version.json'
	]) {
		it(`${path}: the same headers on a static or prerendered file`, async () => {
			const response = await fetch(`${server.url}${path}`);
			expect(response.status).toBe(200);
			expectCommonHeaders(response.headers);
		});
	}

	it('sends no HSTS over plain http', async () => {
		expect((await fetch(`${server.url}/`)).headers.get('strict-transport-security')).toBeNull();
	});

	it('creates the database file readable by its owner only', () => {
		for (const file of readdirSync(dir.path).filter((f) => f.startsWith('survey.duckdb'))) {
			expect(statSync(join(dir.path, file)).mode & 0o777, file).toBe(0o600);
		}
	});

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

describe('served over https (ORIGIN=https://…, as behind a TLS proxy)', () => {
	const httpsDir = tempDir();
	let https: RunningServer;
	beforeAll(async () => {
		const path = join(httpsDir.path, 'survey.duckdb');
		await createAccounts(path);
		https = await startServer({ databasePath: path, env: { ORIGIN: 'https://survey.example.nhs.uk' } });
	});
	afterAll(async () => {
		await https?.stop();
		httpsDir.remove();
	});

	it('adds HSTS to pages, API answers and static files, and marks the session cookie Secure', async () => {
		for (const path of ['/', '/api/trpc/survey.wave', '/assets/nhsuk-frontend.css']) {
			expect((await fetch(`${https.url}${path}`)).headers.get('strict-transport-security'), path).toBe(
				'max-age=31536000; includeSubDomains'
			);
		}
		const { setCookie } = await signIn(https.url, 'national@example.org', PASSWORD);
		expect(setCookie).toMatch(/; Secure$/);
	});
});
