import { redirect } from '@sveltejs/kit';
import { callerFor, copyCookies } from '$lib/server/trpc/caller';
import type { Actions, PageServerLoad } from './$types';

/** Nothing to sign out of without a session; with one, the page offers the same form post. */
export const load: PageServerLoad = ({ locals }) => {
	if (!locals.user) redirect(303, '/login');
};

export const actions: Actions = {
	/** Ends the session through `auth.logout` (session row, cookie and audit in one place), from a
	 *  plain form post: a link could be followed by a prefetch or a crawler and sign someone out. */
	default: async (event) => {
		const { caller, resHeaders } = await callerFor(event);
		await caller.auth.logout();
		copyCookies(resHeaders, event.cookies);
		redirect(303, '/login');
	}
};
