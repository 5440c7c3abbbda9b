import type { FetchCreateContextFnOptions } from '@trpc/server/adapters/fetch';
import { survey } from '../survey';
import { readCookie, SESSION_COOKIE, userForSession } from '../auth/sessions';

/** adapter-node reports https unless ORIGIN says otherwise, so only loopback (dev, tests) is plain http. */
const isSecure = (url: URL) => url.protocol === 'https:' && !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);

/** Per-request context: the signed-in planner or admin, if any. Survey respondents are never identified. */
export async function createContext({ req, resHeaders }: FetchCreateContextFnOptions, clientAddress = '') {
	const services = await survey();
	const sessionToken = readCookie(req.headers.get('cookie'), SESSION_COOKIE);
	return {
		survey: services,
		sessionToken,
		user: await userForSession(services.db, sessionToken),
		secure: isSecure(new URL(req.url)),
		/** Only for rate limits, in memory; never stored. */
		clientAddress,
		resHeaders
	};
}

export type Context = Awaited<ReturnType<typeof createContext>>;
