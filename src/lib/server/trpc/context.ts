import type { FetchCreateContextFnOptions } from '@trpc/server/adapters/fetch';
import { survey } from '../survey';
import { readCookie, SESSION_COOKIE, userForSession } from '../auth/sessions';

/** Per-request context: the signed-in planner or admin, if any. Survey respondents are never identified. */
export async function createContext({ req, resHeaders }: FetchCreateContextFnOptions) {
	const services = await survey();
	const sessionToken = readCookie(req.headers.get('cookie'), SESSION_COOKIE);
	return {
		survey: services,
		sessionToken,
		user: await userForSession(services.db, sessionToken),
		secure: new URL(req.url).protocol === 'https:',
		resHeaders
	};
}

export type Context = Awaited<ReturnType<typeof createContext>>;
