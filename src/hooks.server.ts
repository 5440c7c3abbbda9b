import type { Handle, ServerInit } from '@sveltejs/kit';
import { building } from '$app/environment';
import { survey } from '$lib/server/survey';
import { readCookie, SESSION_COOKIE, userForSession } from '$lib/server/auth/sessions';
import { startPipelineInServer } from '$lib/server/pipeline';
import { pullSettings } from '$lib/server/db/shared-settings';
import { securityHeaders, servedOverHttps } from '$lib/server/security-headers.js';

/** Open (create and migrate) the database before the first request is served. */
export const init: ServerInit = async () => {
	if (building) return;
	let services: Awaited<ReturnType<typeof survey>>;
	try {
		services = await survey();
	} catch (error) {
		// One clear line for whoever starts the server (for example a read-only data folder), not a stack.
		console.error(`Cannot start the survey server: ${(error as Error).message}`);
		process.exit(1);
	}
	try {
		await startPipelineInServer(services);
	} catch (error) {
		console.error(`Cannot start the survey server's internal listener: ${(error as Error).message}`);
		process.exit(1);
	}
	const shutdown = () => void services.close();
	process.once('sveltekit:shutdown', shutdown);
};

const SIGNED_IN_AREAS = ['/reports', '/runs', '/admin', '/login'];
const FORM_PAGES = ['/survey/', '/login', '/logout', '/admin', '/runs'];

export const handle: Handle = async ({ event, resolve }) => {
	// Resolved once per request, for pages and for the tRPC context alike.
	event.locals.sessionToken = readCookie(event.request.headers.get('cookie'), SESSION_COOKIE);
	event.locals.user = event.locals.sessionToken ? await userForSession((await survey()).db, event.locals.sessionToken) : null;
	// Several instances on one PostgreSQL: the admin's settings as the database holds them (once a second).
	if (!building && (event.locals.user || event.url.pathname === '/privacy')) await pullSettings((await survey()).db);
	const response = await resolve(event);
	// Also set by scripts/serve.js on every response; here too so `vite dev` and preview have them.
	for (const [name, value] of Object.entries(securityHeaders(servedOverHttps(event.url)))) response.headers.set(name, value);
	// Pages with form posts (survey, sign-in, administration, runs) send their origin to this site alone: with no-referrer, Chromium sends "Origin: null"
	// on a form post, which SvelteKit's cross-site form check (rightly) refuses, so the survey could not
	// be used without JavaScript. Nothing is sent to other sites either way.
	// Every signed-in page carries the Sign out form, so it is a form page too.
	if (event.locals.user || FORM_PAGES.some((p) => event.url.pathname.startsWith(p))) response.headers.set('Referrer-Policy', 'same-origin');
	// Nothing signed-in, no API answer and no survey page (it shows someone's answers) may be kept by a
	// browser or proxy cache: Back reloads the page from the answers saved on the server.
	if (
		event.url.pathname.startsWith('/api/') ||
		event.url.pathname.startsWith('/survey/') ||
		event.locals.user ||
		SIGNED_IN_AREAS.some((p) => event.url.pathname.startsWith(p))
	) {
		response.headers.set('Cache-Control', 'no-store');
	}
	return response;
};
