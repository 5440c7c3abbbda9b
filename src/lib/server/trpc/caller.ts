// The app's procedures called from server code (the survey's form actions): the same validation,
// storage, idempotency and rate limits as over HTTP, without a round trip.
import type { RequestEvent } from '@sveltejs/kit';
import { createCallerFactory } from './trpc';
import { appRouter } from './routers/_app';
import { createContext } from './context';

const createCaller = createCallerFactory(appRouter);

/** A caller acting for this request; headers the procedures set (Retry-After) are copied to the page's response. */
export async function callerFor(event: RequestEvent) {
	const resHeaders = new Headers();
	const ctx = await createContext(
		{ req: event.request, resHeaders },
		{ user: event.locals.user, sessionToken: event.locals.sessionToken, clientAddress: event.getClientAddress() }
	);
	return { caller: createCaller(ctx), resHeaders };
}
