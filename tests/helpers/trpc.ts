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
