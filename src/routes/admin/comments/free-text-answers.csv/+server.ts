import { error } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { csvOf } from '$lib/csv';
import { callerFor } from '$lib/server/trpc/caller';
import type { RequestHandler } from './$types';

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
		if (problem instanceof TRPCError && problem.code === 'UNAUTHORIZED')
			error(401, 'Sign in as an administrator to download free-text answers');
		if (problem instanceof TRPCError && problem.code === 'FORBIDDEN') error(403, 'Free-text answers are for survey administrators only');
		if (problem instanceof TRPCError && problem.code === 'BAD_REQUEST') error(400, 'Choose a wave from the list');
		throw problem;
	}
};
