// The app's procedures called from server code (the survey's form actions): the same validation,
// storage, idempotency and rate limits as over HTTP, without a round trip.
import type { Cookies, RequestEvent } from '@sveltejs/kit';
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
	// The request's signal: a page load the browser abandons stops its dashboard figures too.
	return { caller: createCaller(ctx, { signal: event.request.signal }), resHeaders };
}

/** Moves the cookies a procedure set (the session on sign-in) onto the page's response: SvelteKit
 *  sends cookies only through `cookies.set`. */
export function copyCookies(resHeaders: Headers, cookies: Cookies) {
	for (const header of resHeaders.getSetCookie()) {
		const [pair, ...attributes] = header.split(';').map((s) => s.trim());
		const [name, ...value] = pair.split('=');
		const attribute = (key: string) => attributes.find((a) => a.toLowerCase().startsWith(key.toLowerCase()));
		cookies.set(name, value.join('='), {
			path: attribute('Path=')?.slice(5) ?? '/',
			httpOnly: attribute('HttpOnly') !== undefined,
			secure: attribute('Secure') !== undefined,
			sameSite: 'lax',
			maxAge: Number(attribute('Max-Age=')?.slice(8) ?? 0),
			encode: (v) => v
		});
	}
}
