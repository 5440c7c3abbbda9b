import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import type { AppRouter } from '../../src/lib/server/trpc/routers/_app';

export const clientFor = (url: string) => createTRPCClient<AppRouter>({ links: [httpLink({ url: `${url}/api/trpc` })] });

/** Calls a tRPC procedure and returns the error it fails with (or throws if it succeeds). */
export async function failureOf(call: Promise<unknown>) {
	try {
		await call;
	} catch (error) {
		if (!(error instanceof TRPCClientError)) throw error;
		const data = error.data as { code: string; httpStatus: number; fieldErrors: Record<string, string[]> | null };
		return { message: error.message, code: data.code, status: data.httpStatus, fieldErrors: data.fieldErrors ?? {} };
	}
	throw new Error('expected the call to fail');
}

/** Signs in over HTTP with auth.login and returns the session cookie and a client that sends it. */
export async function signIn(url: string, email: string, password: string) {
	const response = await fetch(`${url}/api/trpc/auth.login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ email, password })
	});
	if (!response.ok) throw new Error(`sign-in failed: ${response.status} ${await response.text()}`);
	const setCookie = response.headers.get('set-cookie') ?? '';
	const cookie = setCookie.split(';')[0];
	const client = createTRPCClient<AppRouter>({ links: [httpLink({ url: `${url}/api/trpc`, headers: { cookie } })] });
	return { cookie, setCookie, client };
}
