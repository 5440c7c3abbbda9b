import type { FetchCreateContextFnOptions } from '@trpc/server/adapters/fetch';
import { survey } from '../survey';
import type { User } from '../auth/users';

/** adapter-node reports https unless ORIGIN says otherwise, so only loopback (dev, tests) is plain http. */
export const isSecure = (url: URL) => url.protocol === 'https:' && !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);

interface RequestFacts {
	user: User | null;
	sessionToken: string | undefined;
	clientAddress: string;
}

/** Per-request context: the signed-in planner or admin, if any (resolved by the server hook).
 *  Survey respondents are never identified. */
export async function createContext({ req, resHeaders }: Pick<FetchCreateContextFnOptions, 'req' | 'resHeaders'>, request: RequestFacts) {
	return {
		survey: await survey(),
		sessionToken: request.sessionToken,
		user: request.user,
		secure: isSecure(new URL(req.url)),
		/** Only for rate limits, in memory; never stored. */
		clientAddress: request.clientAddress,
		resHeaders
	};
}

export type Context = Awaited<ReturnType<typeof createContext>>;
