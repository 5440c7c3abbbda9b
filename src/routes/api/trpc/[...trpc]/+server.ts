import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { TRPCError } from '@trpc/server';
import type { RequestHandler } from './$types';
import { appRouter } from '$lib/server/trpc/routers/_app';
import { createContext } from '$lib/server/trpc/context';
import { survey } from '$lib/server/survey';
import { limitBody } from './limit-body';
import { clientAddress } from '$lib/server/client-address';

const handler: RequestHandler = async (event) => {
	const { request, locals } = event;
	const { config } = await survey();
	return fetchRequestHandler({
		endpoint: '/api/trpc',
		req: limitBody(
			request,
			config.SURVEY_BODY_LIMIT,
			() =>
				new TRPCError({
					code: 'PAYLOAD_TOO_LARGE',
					message: `The answers sent were larger than the ${Math.round(config.SURVEY_BODY_LIMIT / 1024)} KB the survey accepts. Shorten your comments and try again.`
				})
		),
		router: appRouter,
		// Our own client never batches (httpLink); a batch would multiply one request's work past every
		// per-request limit (rate limits, body size, the dashboard's queue).
		allowBatching: false,
		createContext: (options) =>
			createContext(options, { user: locals.user, sessionToken: locals.sessionToken, clientAddress: clientAddress(config, event) }),
		onError({ error, path }) {
			if (error.code === 'INTERNAL_SERVER_ERROR') console.error(`tRPC ${path ?? '?'} failed:`, error.cause ?? error);
		}
	});
};

export const GET = handler;
export const POST = handler;
