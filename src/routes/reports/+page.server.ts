// The dashboard rendered on the server: figures come from the same tRPC procedures as over HTTP (same
// fair queue and disclosure control) through the server-side caller, so the page works without
// JavaScript; filters are a plain GET form whose values are in the URL.
import { TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import { signedIn } from '$lib/server/auth/guard';
import { callerFor } from '$lib/server/trpc/caller';
import { fieldErrorsOf } from '$lib/instrument/schema';
import { dashboardQuery } from './dashboard-query';
import type { PageServerLoad } from './$types';

/** What the planner needs to know about a refused or failed request, in words. */
function problemOf(error: unknown): string {
	if (error instanceof TRPCError) {
		if (error.cause instanceof ZodError)
			return `Some of the filters need correcting: ${Object.values(fieldErrorsOf(error.cause)).flat().slice(0, 3).join('; ')}`;
		if (error.code !== 'INTERNAL_SERVER_ERROR') return error.message;
	}
	console.error('Dashboard failed:', error);
	return 'Something went wrong on our side. Please try again in a moment.';
}

export const load: PageServerLoad = async (event) => {
	const user = signedIn(event.locals, event.url);
	const { filters, breakdown, breakdownProblem, input } = dashboardQuery(event.url);
	const { caller, resHeaders } = await callerFor(event);
	const base = { role: user.role, filters, breakdown, breakdownProblem };
	try {
		const [options, dashboard] = await Promise.all([caller.reports.options(), caller.reports.dashboard(input)]);
		// A selection with nobody, or too few to publish, has nothing to draw: the page says so instead.
		const empty = dashboard.respondents === 0 || dashboard.respondents === null;
		return { ...base, options, dashboard: empty ? { ...dashboard, charts: [] } : dashboard, problem: null };
	} catch (error) {
		const retry = resHeaders.get('retry-after');
		if (retry) event.setHeaders({ 'retry-after': retry });
		const options = await caller.reports.options().catch(() => null);
		return { ...base, options, dashboard: null, problem: problemOf(error) };
	} finally {
		// Signed-in figures are never cached by a browser or proxy.
		event.setHeaders({ 'cache-control': 'no-store' });
	}
};
