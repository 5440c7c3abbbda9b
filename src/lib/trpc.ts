import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import type { AppRouter } from '$lib/server/trpc/routers/_app';

export const trpc = createTRPCClient<AppRouter>({ links: [httpLink({ url: '/api/trpc' })] });

export interface ProblemReport {
	message: string;
	fieldErrors: Record<string, string[]>;
}

/** What the person needs to know about a failed call: the server's words, or a network problem. */
export function problemOf(error: unknown): ProblemReport {
	if (error instanceof TRPCClientError) {
		const data = error.data as { fieldErrors?: Record<string, string[]> | null } | undefined;
		if (error.message.startsWith('Failed to fetch') || error.message.includes('NetworkError'))
			return {
				message: 'We could not reach the survey server. Check your connection and try again: your answers are still here.',
				fieldErrors: {}
			};
		return { message: error.message, fieldErrors: data?.fieldErrors ?? {} };
	}
	return { message: 'Something went wrong. Please try again: your answers are still here.', fieldErrors: {} };
}

/** A failed call as error-summary entries: each field's message (named, with `withField`), or the
 *  general message when no field is to blame. */
export function summaryOf(error: unknown, { href = '#maincontent', withField = false } = {}): { href: string; message: string }[] {
	const { message, fieldErrors } = problemOf(error);
	const fields = Object.entries(fieldErrors).flatMap(([field, messages]) => messages.map((m) => (withField ? `${field}: ${m}` : m)));
	return (fields.length ? fields : [message]).map((m) => ({ href, message: m }));
}
