import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { TRPCError } from '@trpc/server';
import type { RequestHandler } from './$types';
import { appRouter } from '$lib/server/trpc/routers/_app';
import { createContext } from '$lib/server/trpc/context';
import { survey } from '$lib/server/survey';
import { limitBody } from './limit-body';

const handler: RequestHandler = async ({ request, locals, getClientAddress }) => {
	const { config } = await survey();
	return fetchRequestHandler({
		endpoint: '/api/trpc',
		req: limitBody(request, config.SURVEY_BODY_LIMIT, () => new TRPCError({
			code: 'PAYLOAD_TOO_LARGE',
			message: `The answers sent were larger than the ${Math.round(config.SURVEY_BODY_LIMIT / 1024)} KB the survey accepts. Shorten your comments and try again.`
		})),
		router: appRouter,
		createContext: (options) => createContext(options, { user: locals.user, sessionToken: locals.sessionToken, clientAddress: getClientAddress() }),
		onError({ error, path }) {
			if (error.code === 'INTERNAL_SERVER_ERROR') console.error(`tRPC ${path ?? '?'} failed:`, error.cause ?? error);
		}
	});
};

export const GET = handler;
export const POST = handler;
