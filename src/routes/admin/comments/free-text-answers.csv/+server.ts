import { error } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { refusalStatus } from '$lib/server/trpc/status';
import { csvOf } from '$lib/csv';
import { callerFor } from '$lib/server/trpc/caller';
import type { RequestHandler } from './$types';

/** Refusals in this download's words; the status is the API's (refusalStatus). */
const WORDS: Partial<Record<TRPCError['code'], string>> = {
	UNAUTHORIZED: 'Sign in as an administrator to download free-text answers',
	FORBIDDEN: 'Free-text answers are for survey administrators only',
	BAD_REQUEST: 'Choose a wave from the list'
};

/** The free-text answers as CSV (formulas neutralised). Through `admin.comments`, so only admins get
 *  them and every download is audited as an export. */
export const GET: RequestHandler = async (event) => {
	const { caller } = await callerFor(event);
	const wave = event.url.searchParams.get('wave') || undefined;
	try {
		const rows = await caller.admin.comments({ wave });
		return new Response(csvOf(['wave', 'comments'], rows), {
			headers: {
				'content-type': 'text/csv; charset=utf-8',
				'content-disposition': `attachment; filename="free-text-answers${wave ? `-${wave}` : ''}.csv"`
			}
		});
	} catch (problem) {
		const status = refusalStatus(problem);
		if (status) error(status, WORDS[(problem as TRPCError).code] ?? (problem as TRPCError).message);
		throw problem;
	}
};
