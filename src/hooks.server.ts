import type { Handle, ServerInit } from '@sveltejs/kit';
import { building } from '$app/environment';
import { survey } from '$lib/server/survey';
import { startPipelineInServer } from '$lib/server/pipeline';

/** Open (create and migrate) the database before the first request is served. */
export const init: ServerInit = async () => {
	if (building) return;
	const services = await survey();
	startPipelineInServer(services);
	const shutdown = () => void services.close();
	process.once('sveltekit:shutdown', shutdown);
};

export const handle: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	response.headers.set('X-Content-Type-Options', 'nosniff');
	response.headers.set('Referrer-Policy', 'no-referrer');
	if (event.url.pathname.startsWith('/api/')) response.headers.set('Cache-Control', 'no-store');
	return response;
};
